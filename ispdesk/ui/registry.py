"""Extension points of the main window: tabs and menu actions declared by each area.

Each area module (imported by `ispdesk.ui.extensions`) appends to `TABS` and `MENU_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission

if TYPE_CHECKING:
    from ispdesk.services.contracts import ContractRow
    from ispdesk.ui.context import AppContext


@dataclass(frozen=True)
class TabSpec:
    """A main-window tab: `factory(context, parent)` builds the widget (objectName set by it).

    Only the first tab is built at start; `object_name` (the widget's objectName) lets the window build
    just that tab when something asks for it before its first view.
    """

    order: int
    title: str
    factory: Callable[[AppContext, QWidget | None], QWidget]
    permission: Permission | None = None
    object_name: str = ""


@dataclass(frozen=True)
class MenuActionSpec:
    """A menu entry: `menu` is a path like ``("Configurações", "Parâmetros")``.

    `handler(window)` receives the main window (it has ``.context`` and helpers to open tabs).
    """

    menu: tuple[str, ...]
    title: str
    object_name: str
    handler: Callable[[QWidget], None]
    permission: Permission | None = None
    shortcut: str = ""
    order: int = 100


TABS: list[TabSpec] = []
MENU_ACTIONS: list[MenuActionSpec] = []


@dataclass(frozen=True)
class ContractActionSpec:
    """An action on one or more contracts (contract form buttons and the contracts tab's context menu).

    `handler(parent, context, contract_ids)` performs it (opening its own dialogs) and returns True
    when data changed. `multi` = also offered for a multi-selection.

    `available(contract)` is the "available for this contract" predicate: it gets the contract's
    `ContractRow` and returns None when the action applies, else the Portuguese reason shown as the
    disabled action's tooltip (see `ispdesk.ui.contract_states`). None = available in every state.
    `frequent` puts the action on the toolbar (the rest live in "Mais ações" and the context menu);
    `shortcut` is a key sequence such as ``"Ctrl+Shift+P"``, shown in menus and tooltips.
    """

    title: str
    object_name: str
    handler: Callable[[QWidget, AppContext, list], bool]
    permission: Permission | None = None
    multi: bool = False
    order: int = 100
    available: Callable[[ContractRow], str | None] | None = None
    frequent: bool = False
    shortcut: str = ""

    def unavailable_reason(self, contract: ContractRow) -> str | None:
        """Why the action does not apply to `contract`, or None when it does."""
        return None if self.available is None else self.available(contract)


@dataclass(frozen=True)
class ContractPanelSpec:
    """A tab of the contract form (charges, access history, documents …).

    `factory(context, contract_id, parent)` returns a widget with a ``reload()`` method.
    """

    title: str
    object_name: str
    factory: Callable[[AppContext, object, QWidget | None], QWidget]
    permission: Permission | None = None
    order: int = 100


CONTRACT_ACTIONS: list[ContractActionSpec] = []
CONTRACT_PANELS: list[ContractPanelSpec] = []
