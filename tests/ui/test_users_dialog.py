import pytest

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Role
from ispdesk.services import users
from ispdesk.services.uow import Actor
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.users_dialog import UserEditDialog, UserListModel, UsersDialog
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin_user):
    return AppContext(factory=factory, actor=users.actor_for(factory, admin_user), events=DataEvents())


@pytest.fixture
def dialog(qtbot, context):
    d = UsersDialog(context)
    qtbot.addWidget(d)
    return d


def logins(d):
    return [d.model.row_at(i).login for i in range(d.model.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester, context):
    model = UserListModel()
    model.set_rows(users.list_users(context.uow()))
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "Administrador"
    assert model.index(0, 4).data() == "nunca"


def test_add_user_through_the_dialog_then_log_in(qtbot, dialog, factory):
    def fill(modal):
        modal.login_edit.setText("carla")
        modal.name_edit.setText("Carla Atendente")
        modal.role_combo.setCurrentIndex(modal.role_combo.findData("atendimento"))
        modal.password_edit.setText("senha123")
        modal.confirm_edit.setText("senha123")
        modal.save()

    driver = NextModal(fill)
    assert dialog.add_user() is True
    assert driver.check() == "userEditDialog"
    assert logins(dialog) == ["admin", "carla"]
    assert dialog.selected().login == "carla"
    actor = users.authenticate(factory, "carla", "senha123")
    assert actor.role is Role.ATENDIMENTO and actor.name == "Carla Atendente"


def test_add_user_errors_next_to_fields(qtbot, context):
    d = UserEditDialog(context)
    qtbot.addWidget(d)
    d.login_edit.setText("com espaço")
    d.password_edit.setText("123")
    d.confirm_edit.setText("123")
    assert d.save() is False
    assert "sem espaços" in d.error_of("login")
    assert "pelo menos 6" in d.error_of("password")
    d.login_edit.setText("admin")
    d.password_edit.setText("segredo9")
    d.confirm_edit.setText("segredo8")
    assert d.save() is False
    assert "não conferem" in d.error_of("confirm")
    d.confirm_edit.setText("segredo9")
    assert d.save() is False
    assert "Já existe um usuário" in d.error_of("login")


def test_change_role_and_deactivate(qtbot, dialog, context, factory):
    users.add_user(context.uow(), "bruno", "senha123", "atendimento", "Bruno")
    dialog.reload("bruno")
    d = UserEditDialog(context, dialog.selected())
    qtbot.addWidget(d)
    assert d.login_edit.isReadOnly()
    d.role_combo.setCurrentIndex(d.role_combo.findData("financeiro"))
    d.active_check.setChecked(False)
    assert d.save() is True
    assert d.saved.role is Role.FINANCEIRO and d.saved.active is False
    with pytest.raises(BusinessRuleError):
        users.authenticate(factory, "bruno", "senha123")


def test_last_admin_cannot_be_deactivated(qtbot, dialog, context):
    d = UserEditDialog(context, dialog.selected())
    qtbot.addWidget(d)
    d.active_check.setChecked(False)
    assert d.save() is False
    assert "último administrador" in d.error_label.text()


def test_reset_password(qtbot, dialog, factory):
    def fill(modal):
        modal.password_edit.setText("nova-senha")
        modal.confirm_edit.setText("nova-senha")
        modal.save()

    driver = NextModal(fill)
    assert dialog.reset_selected() is True
    assert driver.check() == "userEditDialog"
    assert users.authenticate(factory, "admin", "nova-senha").login == "admin"


def test_non_admin_gets_the_service_refusal(qtbot, factory, admin_user):
    d = UsersDialog(AppContext(factory=factory, actor=Actor.for_role("x", Role.ATENDIMENTO), events=DataEvents()))
    qtbot.addWidget(d)
    assert d.model.rowCount() == 0
    assert "permissão" in d.message.text()
    assert not d.add_button.isEnabled()
