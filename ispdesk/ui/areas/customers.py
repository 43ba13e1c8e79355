"""Customers area: the Clientes tab and the Cadastros › Novo cliente / Buscar cliente actions."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _make_tab(context: AppContext, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.tabs.customers_tab import CustomersTab

    return CustomersTab(context, parent)


def _customers_tab(window: QWidget) -> QWidget | None:
    show = getattr(window, "show_tab", None)
    return show("customersTab") if show is not None else None


def _new_customer(window: QWidget) -> None:
    tab = _customers_tab(window)
    if tab is not None:
        tab.new_customer()  # type: ignore[attr-defined]
        return
    from ispdesk.ui.dialogs.customer_form import open_customer_form

    open_customer_form(window.context, window)  # type: ignore[attr-defined]


def _find_customer(window: QWidget) -> None:
    tab = _customers_tab(window)
    if tab is not None:
        tab.focus_search()  # type: ignore[attr-defined]


registry.TABS.append(registry.TabSpec(order=10, title="Clientes", factory=_make_tab,
                                     permission=Permission.CUSTOMERS_VIEW, object_name="customersTab"))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Cadastros",), title="Novo cliente…", object_name="actionNewCustomer", handler=_new_customer,
    permission=Permission.CUSTOMERS_CREATE, shortcut="Ctrl+N", order=10))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Cadastros",), title="Buscar cliente", object_name="actionFindCustomer", handler=_find_customer,
    permission=Permission.CUSTOMERS_VIEW, shortcut="Ctrl+Shift+F", order=11))
