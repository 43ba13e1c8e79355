import pytest
from sqlalchemy import func, select

from ispdesk.db.models import Customer
from ispdesk.domain.permissions import Role
from ispdesk.services import users
from ispdesk.ui.dialogs.login import FirstAdminDialog, LoginDialog, obtain_actor
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_login_with_right_password(qtbot, factory, admin_user):
    d = LoginDialog(factory)
    qtbot.addWidget(d)
    assert d.objectName() == "loginDialog"
    d.login_edit.setText("admin")
    d.password_edit.setText("segredo123")
    d.accept()
    assert d.result() == LoginDialog.DialogCode.Accepted
    assert d.actor.login == "admin" and d.actor.role is Role.ADMINISTRADOR


def test_wrong_password_keeps_the_dialog_open_with_a_portuguese_message(qtbot, factory, admin_user):
    d = LoginDialog(factory)
    qtbot.addWidget(d)
    d.login_edit.setText("admin")
    d.password_edit.setText("errada")
    d.accept()
    assert d.actor is None
    assert d.error_label.text() == users.LOGIN_REFUSED.format(n=5, m=15)
    assert d.error_label.text().startswith("Login ou senha incorretos, ou usuário inativo ou bloqueado.")
    assert d.password_edit.text() == ""
    d.login_edit.setText("")
    d.accept()
    assert d.error_label.text() == "Informe o login."


def test_login_dialog_refuses_the_right_password_once_locked(qtbot, factory, admin_user):
    d = LoginDialog(factory)
    qtbot.addWidget(d)
    for password in ["errada"] * 5 + ["segredo123"]:
        d.login_edit.setText("admin")
        d.password_edit.setText(password)
        d.accept()
    assert d.actor is None and "bloqueado por 15 minutos" in d.error_label.text()


def test_first_admin_dialog_creates_the_administrator(qtbot, factory):
    d = FirstAdminDialog(factory)
    qtbot.addWidget(d)
    d.login_edit.setText("chefe")
    d.name_edit.setText("Chefe do Escritório")
    d.password_edit.setText("segredo1")
    d.confirm_edit.setText("segredo2")
    d.accept()
    assert d.actor is None and "não conferem" in d.confirm_box.error()
    d.confirm_edit.setText("segredo1")
    d.accept()
    assert d.actor is not None and d.actor.role is Role.ADMINISTRADOR
    assert users.authenticate(factory, "chefe", "segredo1").name == "Chefe do Escritório"


def test_first_admin_password_too_short(qtbot, factory):
    d = FirstAdminDialog(factory)
    qtbot.addWidget(d)
    d.password_edit.setText("123")
    d.confirm_edit.setText("123")
    d.accept()
    assert d.actor is None and "pelo menos 6" in d.password_box.error()
    assert not users.has_users(factory)


def test_first_admin_with_demo_data_runs_in_the_background(qtbot, factory):
    d = FirstAdminDialog(factory)
    qtbot.addWidget(d)
    d.password_edit.setText("segredo1")
    d.confirm_edit.setText("segredo1")
    d.demo_check.setChecked(True)
    d.demo_spin.setValue(30)
    with qtbot.waitSignal(d.accepted, timeout=60_000):
        d.accept()
    assert d.demo_error == "" and d.demo_result == 30
    with factory(d.actor) as u:
        assert u.session.scalar(select(func.count()).select_from(Customer)) == 30
    assert d.demo_check.isChecked()


def test_obtain_actor_asks_for_first_admin_on_an_empty_database(qtbot, factory):
    def fill(modal):
        modal.password_edit.setText("segredo1")
        modal.confirm_edit.setText("segredo1")
        modal.accept()

    driver = NextModal(fill)
    actor = obtain_actor(factory)
    assert driver.check() == "firstAdminDialog"
    assert actor is not None and actor.login == "admin"


def test_obtain_actor_logs_in_or_returns_none_on_cancel(qtbot, factory, admin_user):
    def fill(modal):
        modal.login_edit.setText("admin")
        modal.password_edit.setText("segredo123")
        modal.accept()

    driver = NextModal(fill)
    assert obtain_actor(factory).login == "admin"
    assert driver.check() == "loginDialog"
    driver = NextModal(lambda modal: modal.reject())
    assert obtain_actor(factory) is None
    assert driver.check() == "loginDialog"


def test_demo_data_is_not_offered_when_customers_exist(qtbot, factory, uow):
    from tests.factories import make_customer

    with uow() as u:
        make_customer(u.session)
        u.commit()
    d = FirstAdminDialog(factory)
    qtbot.addWidget(d)
    assert not d.demo_check.isVisibleTo(d)
