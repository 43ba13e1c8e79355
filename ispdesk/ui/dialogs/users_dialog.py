"""Configurações › Usuários: administrators list, add and change users (role, name, active, password)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.permissions import ROLE_LABELS, Role
from ispdesk.domain.wording import plural
from ispdesk.services import users as users_service
from ispdesk.services.users import UserRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.audit_history import format_datetime
from ispdesk.ui.widgets.fields import FieldWithError
from ispdesk.ui.window_state import fit_to_screen

ERROR_STYLE = "color: #b00020;"


def _tr(text: str) -> str:
    return QCoreApplication.translate("UsersDialog", text)


def user_columns() -> list[Column[UserRow]]:
    """Login, nome, perfil, situação, último acesso, bloqueio (tentativas de senha erradas)."""
    return [
        Column(_tr("Login"), lambda u: u.login),
        Column(_tr("Nome"), lambda u: u.name),
        Column(_tr("Perfil"), lambda u: ROLE_LABELS.get(u.role, u.role.value)),
        Column(_tr("Situação"), lambda u: _tr("Ativo") if u.active else _tr("Inativo"), sort_value=lambda u: u.active),
        Column(_tr("Último acesso"), lambda u: format_datetime(u.last_login_at) if u.last_login_at else _tr("nunca"),
               sort_value=lambda u: u.last_login_at),
        Column(_tr("Bloqueio"), _lock_text, sort_value=lambda u: u.locked_until is not None),
    ]


def _lock_text(u: UserRow) -> str:
    if u.locked_until is not None:
        return _tr("bloqueado até {t}").format(t=format_datetime(u.locked_until))
    if u.failed_logins:
        return plural(u.failed_logins, _tr("senha errada"), _tr("senhas erradas"))
    return ""


class UserListModel(RowsTableModel[UserRow]):
    """The users, by login."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(user_columns(), parent)


class UserEditDialog(RememberingDialog):
    """Add a user, or change one (name, role, active) or reset its password.

    objectNames: ``userEditDialog``, ``userLoginEdit``, ``userNameEdit``, ``userRoleCombo``,
    ``userActiveCheck``, ``userPasswordEdit``, ``userPasswordConfirmEdit``, ``userEditError``.

    Attributes:
        user: the user being edited (None when adding).
        saved: the `UserRow` after saving.
    """

    def __init__(self, context: AppContext, user: UserRow | None = None, password_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.user = user
        self.password_only = password_only
        self.saved: UserRow | None = None
        self.setObjectName("userEditDialog")
        if user is None:
            self.setWindowTitle(self.tr("Novo usuário"))
        elif password_only:
            self.setWindowTitle(self.tr("Redefinir senha de {login}").format(login=user.login))
        else:
            self.setWindowTitle(self.tr("Usuário {login}").format(login=user.login))
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("userLoginEdit")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("userNameEdit")
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("userRoleCombo")
        for role in Role:
            self.role_combo.addItem(ROLE_LABELS[role], role.value)
        self.active_check = QCheckBox(self.tr("Ativo (pode entrar no sistema)"), self)
        self.active_check.setObjectName("userActiveCheck")
        self.active_check.setChecked(True)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("userPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setObjectName("userPasswordConfirmEdit")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(
            self.tr("mínimo de {n} caracteres").format(n=users_service.MIN_PASSWORD))
        self.boxes = {
            "login": FieldWithError(self.login_edit, self),
            "name": FieldWithError(self.name_edit, self),
            "role": FieldWithError(self.role_combo, self),
            "password": FieldWithError(self.password_edit, self),
            "confirm": FieldWithError(self.confirm_edit, self),
        }
        form = QFormLayout()
        if not password_only:
            form.addRow(self.tr("&Login:"), self.boxes["login"])
            form.addRow(self.tr("&Nome:"), self.boxes["name"])
            form.addRow(self.tr("&Perfil:"), self.boxes["role"])
        if user is not None and not password_only:
            form.addRow("", self.active_check)
        else:
            self.active_check.hide()
        if user is None or password_only:
            form.addRow(self.tr("&Senha:"), self.boxes["password"])
            form.addRow(self.tr("&Confirme a senha:"), self.boxes["confirm"])
        for box in self.boxes.values():
            if form.indexOf(box) < 0:
                box.hide()
        for widget, name in ((self.login_edit, "Login"), (self.name_edit, "Nome"), (self.role_combo, "Perfil"),
                             (self.password_edit, "Senha"), (self.confirm_edit, "Confirmação da senha")):
            widget.setAccessibleName(self.tr(name))
        if user is not None:
            self.login_edit.setText(user.login)
            self.login_edit.setReadOnly(True)
            self.name_edit.setText(user.name)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(user.role.value), 0))
            self.active_check.setChecked(user.active)
        else:
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(Role.ATENDIMENTO.value), 0))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("userEditError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Salvar"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password_edit if password_only else self.name_edit if user else self.login_edit).setFocus()

    def error_of(self, key: str) -> str:
        """Message under field `key` (login, name, role, password, confirm)."""
        return self.boxes[key].error()

    def save(self) -> bool:
        """Call the users service; True when saved (the dialog then closes)."""
        for box in self.boxes.values():
            box.set_error(None)
        self.error_label.hide()
        try:
            return self._save()
        finally:
            self.adjustSize()

    def _save(self) -> bool:
        needs_password = self.user is None or self.password_only
        if needs_password and self.password_edit.text() != self.confirm_edit.text():
            self.boxes["confirm"].set_error(self.tr("As senhas não conferem. Digite a mesma senha nos dois campos."))
            return False
        try:
            if self.user is None:
                self.saved = users_service.add_user(self.context.uow(), self.login_edit.text(),
                                                    self.password_edit.text(), self.role_combo.currentData(),
                                                    self.name_edit.text())
            elif self.password_only:
                self.saved = users_service.update_user(self.context.uow(), self.user.login,
                                                       password=self.password_edit.text())
            else:
                self.saved = users_service.update_user(
                    self.context.uow(), self.user.login, role=self.role_combo.currentData(),
                    name=self.name_edit.text().strip() or self.user.login, active=self.active_check.isChecked())
        except ValidationError as exc:
            for key, message in exc.errors.items():
                if key in self.boxes:
                    self.boxes[key].set_error(message)
            other = [m for k, m in exc.errors.items() if k not in self.boxes]
            if other:
                self.error_label.setText("\n".join(other))
                self.error_label.show()
            return False
        except BusinessRuleError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return False
        self.accept()
        return True


class UsersDialog(RememberingDialog):
    """The users of the system (administrators only; the service checks the permission too).

    objectNames: ``usersDialog``, ``usersTable``, ``addUserButton``, ``editUserButton``,
    ``resetPasswordButton``, ``unlockUserButton``, ``usersMessage``.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("usersDialog")
        self.setWindowTitle(self.tr("Usuários"))
        self.model = UserListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("usersTable")
        self.table.setAccessibleName(self.tr("Usuários do sistema"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton(self.tr("&Novo usuário…"), self)
        self.add_button.setObjectName("addUserButton")
        self.edit_button = QPushButton(self.tr("&Alterar…"), self)
        self.edit_button.setObjectName("editUserButton")
        self.reset_button = QPushButton(self.tr("&Redefinir senha…"), self)
        self.reset_button.setObjectName("resetPasswordButton")
        self.unlock_button = QPushButton(self.tr("Des&bloquear login"), self)
        self.unlock_button.setObjectName("unlockUserButton")
        self.unlock_button.setToolTip(self.tr("Libera um login bloqueado por tentativas de senha erradas."))
        close = QPushButton(self.tr("&Fechar"), self)
        close.setObjectName("closeUsersButton")
        close.clicked.connect(self.accept)
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.message = QLabel(self)
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.reset_button, self.unlock_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(close)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        self.resize(760, 380)
        self.reload()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def reload(self, select_login: str | None = None) -> None:
        """Read the users again and keep (or set) the selection."""
        chosen = self.selected()
        current = select_login or (chosen.login if chosen is not None else None)
        try:
            rows = users_service.list_users(self.context.uow())
        except BusinessRuleError as exc:
            self.model.set_rows([])
            self.message.setText(exc.message)
            for button in (self.add_button, self.edit_button, self.reset_button, self.unlock_button):
                button.setEnabled(False)
            return
        self.model.set_rows(rows)
        target = next((i for i, r in enumerate(rows) if r.login == current), 0)
        if rows:
            self.table.selectRow(target)
        self.message.setText(self.tr("{n}. Dê dois cliques para alterar.").format(
            n=plural(len(rows), self.tr("usuário"), self.tr("usuários"))))

    def selected(self) -> UserRow | None:
        """The selected user, or None."""
        if self.table.selectionModel() is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _run(self, dialog: UserEditDialog) -> bool:
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        if ok and dialog.saved is not None:
            self.reload(dialog.saved.login)
            self.context.events.changed.emit("user")
        dialog.deleteLater()
        return ok

    def add_user(self) -> bool:
        """Open the new-user dialog; True when a user was added."""
        return self._run(UserEditDialog(self.context, None, parent=self))

    def edit_selected(self) -> bool:
        """Change the selected user's name, role or active flag."""
        user = self.selected()
        return user is not None and self._run(UserEditDialog(self.context, user, parent=self))

    def unlock_selected(self) -> bool:
        """Lift the selected user's login lockout; True when there was one."""
        user = self.selected()
        if user is None:
            return False
        try:
            done = users_service.unlock_user(self.context.uow(), user.login)
        except BusinessRuleError as exc:
            self.message.setText(exc.message)
            return False
        self.reload(user.login)
        if done.was_locked:
            self.context.events.changed.emit("user")
            self.message.setText(self.tr("Login {login} desbloqueado: já pode entrar.").format(login=user.login))
        else:
            self.message.setText(self.tr("O login {login} não estava bloqueado.").format(login=user.login))
        return done.was_locked

    def reset_selected(self) -> bool:
        """Set a new password for the selected user."""
        user = self.selected()
        return user is not None and self._run(UserEditDialog(self.context, user, password_only=True, parent=self))


def open_users_dialog(window: QWidget) -> None:
    """Menu handler: open the users dialog over the main window."""
    dialog = UsersDialog(window.context, window)  # type: ignore[attr-defined]
    dialog.exec()
    dialog.deleteLater()
