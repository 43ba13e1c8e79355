"""Arquivo › Banco de dados…: choose the embedded SQLite file or a shared PostgreSQL server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ispdesk.config import default_sqlite_url, resolve_database_url, save_database_choice
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database as database_service
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.window_state import fit_to_screen


def sqlite_file() -> str:
    """The path of this workstation's SQLite file."""
    return database_service.url_parts(default_sqlite_url()).database


class DatabaseDialog(RememberingDialog):
    """Pick SQLite (this workstation) or PostgreSQL (shared); test the connection; save the choice.

    The new choice takes effect the next time ispdesk opens.
    """

    def __init__(self, parent: QWidget | None = None, current_url: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseDialog")
        self.setWindowTitle(self.tr("Banco de dados"))
        current = database_service.url_parts(current_url or resolve_database_url())
        self.local = QRadioButton(self.tr("Banco &local (SQLite) — uma estação"))
        self.local.setObjectName("dbLocal")
        self.sqlite_path = QLabel(self.tr("Arquivo: {path}").format(path=sqlite_file()))
        self.sqlite_path.setObjectName("dbSqlitePath")
        self.sqlite_path.setWordWrap(True)
        self.sqlite_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sqlite_path.setToolTip(self.tr("Onde fica o banco local desta estação (faça cópias desse arquivo)."))
        self.sqlite_path.setContentsMargins(22, 0, 0, 0)
        self.server = QRadioButton(self.tr("&Servidor PostgreSQL — várias estações"))
        self.server.setObjectName("dbServer")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        self.host = QLineEdit(current.host)
        self.host.setObjectName("dbHost")
        self.port = QSpinBox()
        self.port.setObjectName("dbPort")
        self.port.setRange(1, 65535)
        self.port.setValue(current.port or 5432)
        self.database = QLineEdit(current.database if current.backend == "postgresql" else "ispdesk")
        self.database.setObjectName("dbName")
        self.user = QLineEdit(current.user)
        self.user.setObjectName("dbUser")
        self.password = QLineEdit(current.password)
        self.password.setObjectName("dbPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for caption, field in ((self.tr("Ser&vidor:"), self.host), (self.tr("&Porta:"), self.port),
                               (self.tr("&Banco:"), self.database), (self.tr("&Usuário:"), self.user),
                               (self.tr("S&enha:"), self.password)):
            label = QLabel(caption)
            label.setBuddy(field)
            form.addRow(label, field)
        self.server_box = QWidget()
        self.server_box.setLayout(form)
        self.status = QLabel()
        self.status.setObjectName("dbStatus")
        self.status.setWordWrap(True)
        # room for a four-line message, so a failed test never squeezes the form
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 4 + 4)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(560)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Salvar"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancelar"))
        test = buttons.addButton(self.tr("&Testar conexão"), QDialogButtonBox.ButtonRole.ActionRole)
        test.setObjectName("dbTest")
        test.clicked.connect(self.test_connection)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(self.sqlite_path)
        layout.addWidget(self.server)
        layout.addWidget(self.server_box)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.local.toggled.connect(lambda on: self.server_box.setEnabled(not on))
        (self.server if current.backend == "postgresql" else self.local).setChecked(True)
        self.server_box.setEnabled(self.server.isChecked())
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def chosen_url(self) -> str:
        """The URL the form describes (validated)."""
        if self.local.isChecked():
            return default_sqlite_url()
        if not self.host.text().strip() or not self.database.text().strip():
            raise BusinessRuleError(self.tr("Informe o servidor e o nome do banco PostgreSQL."))
        return database_service.postgres_url(self.host.text().strip(), self.port.value(),
                                             self.database.text().strip(), self.user.text().strip(),
                                             self.password.text())

    def test_connection(self) -> bool:
        """Connect once (through `services.database.connection_error`) and say whether it worked."""
        try:
            url = self.chosen_url()
        except BusinessRuleError as exc:
            self.status.setText(exc.message)
            return False
        error = database_service.connection_error(url, timeout_seconds=5)
        if error is not None:
            self.status.setText(self.tr("Não foi possível conectar. {erro}").format(erro=error))
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
