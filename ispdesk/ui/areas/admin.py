"""Administration area: Configurações › Parâmetros › Parâmetros gerais and Configurações › Usuários."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry


def _parameters(window: QWidget) -> None:
    from ispdesk.ui.dialogs.parameters_dialog import open_parameters_dialog

    open_parameters_dialog(window)


def _users(window: QWidget) -> None:
    from ispdesk.ui.dialogs.users_dialog import open_users_dialog

    open_users_dialog(window)


registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Configurações", "Parâmetros"), title="Parâmetros gerais…", object_name="actionGeneralParameters",
    handler=_parameters, permission=Permission.PARAMS_EDIT, order=10))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Configurações",), title="Usuários…", object_name="actionUsers", handler=_users,
    permission=Permission.USERS_MANAGE, order=20))
