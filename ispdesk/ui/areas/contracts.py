"""Contracts area: the Contratos tab and Cadastros › Novo contrato / Planos / Catálogos de contrato."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _make_tab(context: AppContext, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.tabs.contracts_tab import ContractsTab

    return ContractsTab(context, parent)


def _new_contract(window: QWidget) -> None:
    show = getattr(window, "show_tab", None)
    tab = show("contractsTab") if show is not None else None
    if tab is not None:
        tab.new_contract()  # type: ignore[attr-defined]
        return
    from ispdesk.ui.dialogs.contract_form import open_contract_form

    open_contract_form(window.context, window)  # type: ignore[attr-defined]


def _plans(window: QWidget) -> None:
    from ispdesk.ui.dialogs.plans_dialog import open_plans_dialog

    open_plans_dialog(window.context, window)  # type: ignore[attr-defined]


def _catalogs(window: QWidget) -> None:
    from ispdesk.ui.dialogs.catalogs_dialog import open_catalogs_dialog

    open_catalogs_dialog(window.context, window)  # type: ignore[attr-defined]


registry.TABS.append(registry.TabSpec(order=20, title="Contratos", factory=_make_tab,
                                     permission=Permission.CONTRACTS_VIEW, object_name="contractsTab"))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Cadastros",), title="Novo contrato…", object_name="actionNewContract", handler=_new_contract,
    permission=Permission.CONTRACTS_CREATE, shortcut="Ctrl+Shift+N", order=20))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Cadastros",), title="Planos…", object_name="actionPlans", handler=_plans,
    permission=Permission.CONTRACTS_VIEW, order=30))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Cadastros",), title="Catálogos de contrato…", object_name="actionCatalogs", handler=_catalogs,
    permission=Permission.CONTRACTS_VIEW, order=31))
