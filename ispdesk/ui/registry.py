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
    from ispdesk.ui.context import AppContext


@dataclass(frozen=True)
class TabSpec:
    """A main-window tab: `factory(context, parent)` builds the widget (objectName set by it)."""

    order: int
    title: str
    factory: Callable[[AppContext, QWidget | None], QWidget]
    permission: Permission | None = None


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
