"""Context menu of the customers list: open, contracts, new contract, copy the contact data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from ispdesk.domain.contact import mask_phone
from ispdesk.domain.documents import mask_document
from ispdesk.domain.permissions import Permission
from ispdesk.services.customers import CustomerListRow

if TYPE_CHECKING:
    from ispdesk.ui.tabs.customers_tab import CustomersTab


def _copy(tab: CustomersTab, what: str, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    tab.context.events.status.emit(f"{what} copiado: {text}")


def customer_menu(tab: CustomersTab, row: CustomerListRow, parent: QWidget) -> QMenu:
    """The menu for `row` (objectName ``customerContextMenu``); each action names what it does."""
    menu = QMenu(parent)
    menu.setObjectName("customerContextMenu")
    menu.addAction(tab.tr("&Abrir cadastro…"), lambda: tab.open_customer(row.id)).setObjectName("menuOpenCustomer")
    if tab.context.can(Permission.CONTRACTS_VIEW):
        menu.addAction(tab.tr("&Contratos e cobranças…"),
                       lambda: tab.open_customer(row.id, show_contracts=True)).setObjectName("menuCustomerContracts")
    if tab.context.can(Permission.CONTRACTS_CREATE):
        menu.addAction(tab.tr("&Novo contrato para este cliente…"),
                       lambda: _new_contract(tab, row)).setObjectName("menuNewContract")
    menu.addSeparator()
    menu.addAction(tab.tr("Copiar c&ódigo"), lambda: _copy(tab, "Código", str(row.code)))
    if row.document:
        menu.addAction(tab.tr("Copiar CPF/CN&PJ"), lambda: _copy(tab, "CPF/CNPJ", mask_document(row.document)))
    if row.mobile:
        menu.addAction(tab.tr("Copiar ce&lular"), lambda: _copy(tab, "Celular", mask_phone(row.mobile)))
    if row.email:
        menu.addAction(tab.tr("Copiar &e-mail"), lambda: _copy(tab, "E-mail", row.email))
    return menu


def _new_contract(tab: CustomersTab, row: CustomerListRow) -> None:
    from ispdesk.ui.dialogs.contract_form import open_contract_form

    open_contract_form(tab.context, tab, None, customer_id=row.id, customer_label=f"{row.code} — {row.name}")
