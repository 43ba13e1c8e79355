"""The customer form's "Contratos e cobranças" tab: the customer's contracts and newest charges.

Double-click (or Enter, or "Abrir contrato…") opens the contract form, where every contract action is.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.access import AccessStatus
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, ContractStatus
from ispdesk.domain.wording import plural
from ispdesk.services import customer_overview
from ispdesk.services.charges import ChargeRow
from ispdesk.services.customer_overview import CustomerContractRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel


def contract_columns() -> list[Column[CustomerContractRow]]:
    """Nº, plano, situação, acesso, valor, ativação, cancelamento."""
    return [
        Column("Nº", lambda r: str(r.number), sort_value=lambda r: r.number, align_right=True),
        Column("Plano", lambda r: r.plan_code),
        Column("Situação", lambda r: ContractStatus.label_of(r.status)),
        Column("Acesso", lambda r: AccessStatus.label_of(r.access_status)),
        Column("Valor", lambda r: format_brl(r.value), sort_value=lambda r: r.value, align_right=True),
        Column("Ativação", lambda r: format_date(r.activated_on), sort_value=lambda r: r.activated_on),
        Column("Cancelamento", lambda r: format_date(r.cancelled_on), sort_value=lambda r: r.cancelled_on),
    ]


def charge_columns() -> list[Column[ChargeRow]]:
    """Contrato, tipo, descrição, vencimento, valor, pago, situação."""
    return [
        Column("Contrato", lambda r: str(r.contract_number), sort_value=lambda r: r.contract_number,
               align_right=True),
        Column("Tipo", lambda r: ChargeKind.label_of(r.kind)),
        Column("Descrição", lambda r: r.description, tooltip=lambda r: r.description),
        Column("Vencimento", lambda r: format_date(r.due_date), sort_value=lambda r: r.due_date),
        Column("Valor", lambda r: format_brl(r.amount), sort_value=lambda r: r.amount, align_right=True),
        Column("Pago", lambda r: format_brl(r.paid_amount), sort_value=lambda r: r.paid_amount, align_right=True),
        Column("Situação", lambda r: ChargeStatus.label_of(r.status)),
    ]


def _table(parent: QWidget, name: str, accessible: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class CustomerContractsPanel(QWidget):
    """Contracts and charges of one customer; `reload()` reads them again.

    objectNames: ``customerContracts`` (this), ``customerContractTable``, ``customerChargeTable``,
    ``openContractButton``, ``customerContractsMessage``.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerContracts")
        self.context = context
        self.customer_id: uuid.UUID | None = None
        self.contracts = RowsTableModel(contract_columns(), self)
        self.charges = RowsTableModel(charge_columns(), self)
        self.contract_table = _table(self, "customerContractTable", self.tr("Contratos do cliente"))
        self.contract_table.setModel(self.contracts)
        self.charge_table = _table(self, "customerChargeTable", self.tr("Cobranças do cliente"))
        self.charge_table.setModel(self.charges)
        self.open_button = QPushButton(self.tr("Abrir &contrato…"), self)
        self.open_button.setObjectName("openContractButton")
        self.open_button.setToolTip(self.tr("Abrir o contrato selecionado, com todas as suas ações (Enter)"))
        self.open_button.clicked.connect(self.open_selected)
        self.contract_table.doubleClicked.connect(lambda _i: self.open_selected())
        self.contract_table.activated.connect(lambda _i: self.open_selected())
        self.message = QLabel(self)
        self.message.setObjectName("customerContractsMessage")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("<b>Contratos</b>"), self))
        top.addStretch(1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.contract_table, 2)
        layout.addWidget(QLabel(self.tr("<b>Cobranças</b> (as mais recentes primeiro)"), self))
        layout.addWidget(self.charge_table, 3)
        layout.addWidget(self.message)
        self.contract_table.selectionModel().currentRowChanged.connect(self._update_button)
        self._update_button()

    def reload(self, customer_id: uuid.UUID | None = None) -> None:
        """Read the contracts and charges of `customer_id` (or of the one shown)."""
        if customer_id is not None:
            self.customer_id = customer_id
        if self.customer_id is None:
            return
        try:
            overview = customer_overview.customer_overview(self.context.uow(), self.customer_id)
        except BusinessRuleError as exc:
            self.contracts.set_rows([])
            self.charges.set_rows([])
            self.message.setText(exc.message)
            return
        self.contracts.set_rows(overview.contracts)
        self.charges.set_rows(overview.charges)
        for table in (self.contract_table, self.charge_table):  # database order until a header is clicked
            table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        if overview.contracts:
            self.contract_table.selectRow(0)
        self.contract_table.resizeColumnsToContents()
        self.charge_table.resizeColumnsToContents()
        open_count = sum(1 for c in overview.charges if c.status == ChargeStatus.ABERTA)
        self.message.setText(self.tr("{c}; {o}.").format(
            c=plural(len(overview.contracts), self.tr("contrato"), self.tr("contratos")),
            o=plural(open_count, self.tr("cobrança em aberto"), self.tr("cobranças em aberto"))))
        self._update_button()

    def selected_contract(self) -> CustomerContractRow | None:
        """The selected contract, or None."""
        index = self.contract_table.currentIndex()
        return self.contracts.row_at(index.row()) if index.isValid() else None

    def _update_button(self, *_args: Any) -> None:
        self.open_button.setEnabled(self.selected_contract() is not None)

    def open_selected(self) -> bool:
        """Open the selected contract in the contract form; the lists are read again afterwards."""
        from ispdesk.ui.dialogs.contract_form import open_contract_form

        row = self.selected_contract()
        if row is None:
            return False
        open_contract_form(self.context, self, row.id)
        self.reload()
        selected = next((i for i, c in enumerate(self.contracts.rows()) if c.id == row.id), -1)
        if selected >= 0:
            self.contract_table.selectRow(selected)
        return True

    def current_index(self) -> QModelIndex:
        """The current index of the contracts table (tests)."""
        return self.contract_table.currentIndex()

