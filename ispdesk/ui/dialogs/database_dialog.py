"""Arquivo › Banco de dados…: choose the embedded SQLite file or a shared PostgreSQL server."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from ispdesk.cli.database_choice import validate_url
from ispdesk.config import default_sqlite_url, resolve_database_url, save_database_choice
from ispdesk.db.engine import make_engine
from ispdesk.domain.errors import BusinessRuleError


class DatabaseDialog(QDialog):
    """Pick SQLite (this workstation) or PostgreSQL (shared); test the connection; save the choice.

    The new choice takes effect the next time ispdesk opens.
    """

    def __init__(self, parent: QWidget | None = None, current_url: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseDialog")
        self.setWindowTitle(self.tr("Banco de dados"))
        current = make_url(current_url or resolve_database_url())
        self.local = QRadioButton(self.tr("Banco local (SQLite) — uma estação"))
        self.local.setObjectName("dbLocal")
        self.server = QRadioButton(self.tr("Servidor PostgreSQL — várias estações"))
        self.server.setObjectName("dbServer")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        self.host = QLineEdit(current.host or "")
        self.host.setObjectName("dbHost")
        self.port = QSpinBox()
        self.port.setObjectName("dbPort")
        self.port.setRange(1, 65535)
        self.port.setValue(current.port or 5432)
        self.database = QLineEdit(current.database if current.get_backend_name() == "postgresql" else "ispdesk")
        self.database.setObjectName("dbName")
        self.user = QLineEdit(current.username or "")
        self.user.setObjectName("dbUser")
        self.password = QLineEdit(current.password or "")
        self.password.setObjectName("dbPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Servidor:"), self.host)
        form.addRow(self.tr("Porta:"), self.port)
        form.addRow(self.tr("Banco:"), self.database)
        form.addRow(self.tr("Usuário:"), self.user)
        form.addRow(self.tr("Senha:"), self.password)
        self.server_box = QWidget()
        self.server_box.setLayout(form)
        self.status = QLabel()
        self.status.setObjectName("dbStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        test = buttons.addButton(self.tr("Testar conexão"), QDialogButtonBox.ButtonRole.ActionRole)
        test.setObjectName("dbTest")
        test.clicked.connect(self.test_connection)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(self.server)
        layout.addWidget(self.server_box)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.local.toggled.connect(lambda on: self.server_box.setEnabled(not on))
        (self.server if current.get_backend_name() == "postgresql" else self.local).setChecked(True)
        self.server_box.setEnabled(self.server.isChecked())

    def chosen_url(self) -> str:
        """The URL the form describes (validated)."""
        if self.local.isChecked():
            return default_sqlite_url()
        if not self.host.text().strip() or not self.database.text().strip():
            raise BusinessRuleError(self.tr("Informe o servidor e o nome do banco PostgreSQL."))
        url = URL.create("postgresql+psycopg", username=self.user.text().strip() or None,
                         password=self.password.text() or None, host=self.host.text().strip(),
                         port=self.port.value(), database=self.database.text().strip())
        return validate_url(url.render_as_string(hide_password=False))

    def test_connection(self) -> bool:
        """Connect once and say whether it worked."""
        try:
            engine = make_engine(self.chosen_url(), connect_args={"connect_timeout": 5}) if self.server.isChecked() \
                else make_engine(self.chosen_url())
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
        except BusinessRuleError as exc:
            self.status.setText(exc.message)
            return False
        except Exception as exc:  # connection errors are expected input problems here
            self.status.setText(self.tr("Não foi possível conectar: {erro}").format(erro=str(exc).splitlines()[0]))
            return False
        self.status.setText(self.tr("Conexão bem-sucedida."))
        return True

    def save(self) -> None:
        """Save the choice for this workstation (takes effect on the next start)."""
        try:
            url = self.chosen_url()
        except BusinessRuleError as exc:
            self.status.setText(exc.message)
            return
        save_database_choice(url)
        self.accept()
