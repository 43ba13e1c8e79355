"""Dashboard area: the Painel tab and Relatórios › Painel em PDF."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _make_tab(context: AppContext, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.tabs.dashboard_tab import DashboardTab

    return DashboardTab(context, parent)


def _export_pdf(window: QWidget) -> None:
    show = getattr(window, "show_tab", None)
    tab = show("dashboardTab") if show is not None else None
    if tab is not None:
        tab.export_pdf_dialog()  # type: ignore[attr-defined]


registry.TABS.append(registry.TabSpec(order=40, title="Painel", factory=_make_tab,
                                     permission=Permission.DASHBOARD_VIEW, object_name="dashboardTab"))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Relatórios",), title="Painel em PDF…", object_name="actionDashboardPdf", handler=_export_pdf,
    permission=Permission.DASHBOARD_VIEW, order=10))
