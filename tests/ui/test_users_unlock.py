"""Configurações › Usuários: the lock column and the “Desbloquear login” button."""

from __future__ import annotations

import pytest

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import parameters, users
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.users_dialog import UserListModel, UsersDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_unlock_from_the_users_screen(qtbot, qtmodeltester, factory, admin_user, uow) -> None:
    parameters.update(uow(), {"login_tentativas_maximas": 2})
    users.add_user(uow(), "carla", "segredo123", "atendimento")
    for _ in range(2):
        with pytest.raises(BusinessRuleError):
            users.authenticate(factory, "carla", "errada")
    context = AppContext(factory=factory, actor=users.actor_for(factory, admin_user), events=DataEvents())
    model = UserListModel()
    model.set_rows(users.list_users(context.uow()))
    qtmodeltester.check(model)
    d = UsersDialog(context)
    qtbot.addWidget(d)
    row = next(i for i in range(d.model.rowCount()) if d.model.row_at(i).login == "carla")
    assert d.model.index(row, 5).data().startswith("bloqueado até ")
    d.table.selectRow(row)
    with qtbot.waitSignal(context.events.changed):
        assert d.unlock_selected()
    assert "desbloqueado" in d.message.text()
    row = next(i for i in range(d.model.rowCount()) if d.model.row_at(i).login == "carla")
    assert d.model.index(row, 5).data() == ""
    assert users.authenticate(factory, "carla", "segredo123").login == "carla"
    d.table.selectRow(row)
    assert not d.unlock_selected() and "não estava bloqueado" in d.message.text()
