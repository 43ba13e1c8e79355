"""Start-up dialogs: the first administrator (plus optional demo data) on an empty database, else login."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.services import users as users_service
from ispdesk.services.uow import Actor, UnitOfWorkFactory
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.fields import FieldWithError
from ispdesk.ui.workers import Progress, run_in_background

ERROR_STYLE = "color: #b00020;"


def _demo_allowed(factory: UnitOfWorkFactory) -> bool:
    """Demo data is offered only on a database without customers, where Faker is installed."""
    import importlib.util

    if importlib.util.find_spec("faker") is None:  # e.g. a frozen build without it
        return False
    try:
        from ispdesk.services.demo import demo_is_allowed
    except ImportError:  # pragma: no cover - demo generator not installed
        return False
    return demo_is_allowed(factory)


class LoginDialog(RememberingDialog):
    """Login and password; on success `actor` holds the logged-in user.

    objectNames: ``loginDialog``, ``loginEdit``, ``passwordEdit``, ``loginError``, ``loginButtons``.

    Attributes:
        actor: the authenticated actor after `accept()`, else None.
    """

    def __init__(self, factory: UnitOfWorkFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self.actor: Actor | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("ispdesk — Entrar"))
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setAccessibleName(self.tr("Login"))
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setAccessibleName(self.tr("Senha"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("loginError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        intro = QLabel(self.tr("Entre com seu login e senha do ispdesk."), self)
        form = QFormLayout()
        form.addRow(self.tr("&Login:"), self.login_edit)
        form.addRow(self.tr("&Senha:"), self.password_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("loginButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Entrar"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)
        self.login_edit.setFocus()

    def show_error(self, message: str) -> None:
        """Show `message` above the buttons."""
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        """Check login and password; stay open with a message when they are wrong."""
        login = self.login_edit.text().strip()
        if not login:
            self.show_error(self.tr("Informe o login."))
            self.login_edit.setFocus()
            return
        if not self.password_edit.text():
            self.show_error(self.tr("Informe a senha."))
            self.password_edit.setFocus()
            return
        try:
            self.actor = users_service.authenticate(self.factory, login, self.password_edit.text())
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        super().accept()


class FirstAdminDialog(RememberingDialog):
    """First run on an empty database: create the administrator, optionally load demo data.

    objectNames: ``firstAdminDialog``, ``adminLoginEdit``, ``adminNameEdit``, ``adminPasswordEdit``,
    ``adminPasswordConfirmEdit``, ``demoCheck``, ``demoCustomersSpin``, ``firstAdminError``.

    Attributes:
        actor: the new administrator after `accept()`, else None.
        demo_result: how many demo customers were loaded (`generate_full_demo`'s ``customers``).
        demo_history: the contracts part (`DemoHistoryResult`), when demo data was loaded.
    """

    def __init__(self, factory: UnitOfWorkFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self.actor: Actor | None = None
        self.demo_result: Any = None
        self.demo_history: Any = None
        self.demo_error = ""
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle(self.tr("ispdesk — Primeiro acesso"))
        intro = QLabel(self.tr(
            "Este banco de dados ainda não tem usuários. Crie o primeiro administrador: "
            "ele poderá cadastrar os demais usuários em Configurações › Usuários."), self)
        intro.setWordWrap(True)
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("adminLoginEdit")
        self.login_edit.setText("admin")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("adminNameEdit")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("adminPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setObjectName("adminPasswordConfirmEdit")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_box = FieldWithError(self.login_edit, self)
        self.password_box = FieldWithError(self.password_edit, self)
        self.confirm_box = FieldWithError(self.confirm_edit, self)
        form = QFormLayout()
        form.addRow(self.tr("&Login:"), self.login_box)
        form.addRow(self.tr("&Nome:"), self.name_edit)
        form.addRow(self.tr("&Senha:"), self.password_box)
        form.addRow(self.tr("&Confirme a senha:"), self.confirm_box)
        for label, widget in ((self.tr("Login"), self.login_edit), (self.tr("Nome"), self.name_edit),
                              (self.tr("Senha"), self.password_edit),
                              (self.tr("Confirmação da senha"), self.confirm_edit)):
            widget.setAccessibleName(label)

        demo_box = QGroupBox(self.tr("Dados de demonstração"), self)
        self.demo_check = QCheckBox(self.tr("Carregar dados de demonstração para conhecer o sistema"), demo_box)
        self.demo_check.setObjectName("demoCheck")
        self.demo_spin = QSpinBox(demo_box)
        self.demo_spin.setObjectName("demoCustomersSpin")
        self.demo_spin.setAccessibleName(self.tr("Quantidade de clientes de demonstração"))
        self.demo_spin.setRange(10, 1_000_000)
        self.demo_spin.setSingleStep(100)
        self.demo_spin.setValue(500)
        self.demo_spin.setGroupSeparatorShown(True)
        self.demo_spin.setEnabled(False)
        self.demo_check.toggled.connect(self.demo_spin.setEnabled)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Quantidade de clientes:"), demo_box))
        row.addWidget(self.demo_spin)
        row.addStretch(1)
        demo_layout = QVBoxLayout(demo_box)
        demo_layout.addWidget(self.demo_check)
        demo_layout.addLayout(row)
        note = QLabel(self.tr("Clientes e, para 80 % deles, contratos dos últimos 18 meses com cobranças, "
                              "pagamentos, inadimplentes, cancelamentos e mudanças de plano. "
                              "Use só num banco de testes: os dados são fictícios."), demo_box)
        note.setStyleSheet("color: palette(mid);")
        note.setWordWrap(True)
        demo_layout.addWidget(note)
        demo_box.setVisible(_demo_allowed(factory))

        self.error_label = QLabel(self)
        self.error_label.setObjectName("firstAdminError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("firstAdminButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Criar administrador"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(demo_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.password_edit.setFocus()

    def _clear_errors(self) -> None:
        for box in (self.login_box, self.password_box, self.confirm_box):
            box.set_error(None)
        self.error_label.hide()

    def accept(self) -> None:
        """Create the administrator, then (if asked) load demo data in the background."""
        if self.actor is not None:  # already created; demo data running or done
            return
        self._clear_errors()
        if self.password_edit.text() != self.confirm_edit.text():
            self.confirm_box.set_error(self.tr("As senhas não conferem. Digite a mesma senha nos dois campos."))
            self.confirm_edit.setFocus()
            return
        try:
            row = users_service.create_first_admin(
                self.factory, self.login_edit.text(), self.name_edit.text(), self.password_edit.text()
            )
        except ValidationError as exc:
            self.login_box.set_error(exc.errors.get("login"))
            self.password_box.set_error(exc.errors.get("password"))
            other = [m for k, m in exc.errors.items() if k not in ("login", "password")]
            if other:
                self.error_label.setText("\n".join(other))
                self.error_label.show()
            return
        except BusinessRuleError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        self.actor = Actor.for_role(row.login, row.role, row.name)
        if self.demo_check.isChecked() and self.demo_check.isVisibleTo(self):
            self._load_demo(self.demo_spin.value())
        else:
            super().accept()

    def _load_demo(self, customers: int) -> None:
        from ispdesk.services.demo_history import generate_full_demo

        for widget in (self.buttons, self.demo_check, self.demo_spin):
            widget.setEnabled(False)
        factory = self.factory
        actor = self.actor

        def job(progress: Progress) -> Any:
            def report(done: int, total: int = customers, text: str = "") -> None:
                progress.report(done, total, self.tr("{step}: {done} de {total}").format(
                    step=text or self.tr("Gerando clientes de demonstração"),
                    done=f"{done:,}".replace(",", "."), total=f"{total:,}".replace(",", ".")))

            return generate_full_demo(factory, customers, progress=report, cancelled=lambda: progress.cancelled,
                                      actor=actor)

        def done(result: Any) -> None:
            self.demo_result = result.customers
            self.demo_history = result.history
            if not result.customers:
                QMessageBox.information(self, self.tr("Dados de demonstração"),
                                        self.tr("Geração cancelada: nenhum cliente de demonstração foi gravado."))
            elif not result.history.contracts:
                QMessageBox.information(self, self.tr("Dados de demonstração"),
                                        self.tr("Geração cancelada: {n} clientes de demonstração gravados, sem "
                                                "contratos.").format(n=result.customers))
            self._finish()

        def failed(message: str) -> None:
            self.demo_error = message
            QMessageBox.warning(self, self.tr("Dados de demonstração"),
                                self.tr("Os dados de demonstração não foram carregados:\n{msg}").format(msg=message))
            self._finish()

        self.worker = run_in_background(self, self.tr("Dados de demonstração"), job, done, failed)

    def _finish(self) -> None:
        super().accept()


def obtain_actor(factory: UnitOfWorkFactory, parent: QWidget | None = None) -> Actor | None:
    """Who uses the app: first administrator on an empty database, else the login dialog.

    Returns:
        The actor, or None when the user cancelled.
    """
    dialog: FirstAdminDialog | LoginDialog
    dialog = LoginDialog(factory, parent) if users_service.has_users(factory) else FirstAdminDialog(factory, parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor
