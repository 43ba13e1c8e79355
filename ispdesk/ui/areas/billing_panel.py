"""The contract form's "Cobranças" panel: the contract's charges and their payments.

Registered by `ispdesk.ui.areas.billing`; the table models hold frozen rows and pass qtmodeltester.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.late_fees import LateRates
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, PaymentSource
from ispdesk.services import charges as charge_service
from ispdesk.services import contracts as contract_service
from ispdesk.services import late_fees
from ispdesk.services import payments as payment_service
from ispdesk.services.charges import ChargeRow
from ispdesk.services.payments import PaymentRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChargesPanel", text)




def period_text(row: ChargeRow) -> str:
    """``10/01/2026 a 09/02/2026``, or empty for charges without a period."""
    if row.period_start is None or row.period_end is None:
        return ""
    return f"{format_date(row.period_start)} a {format_date(row.period_end)}"


def effective_text(row: ChargeRow) -> str:
    """The vencimento útil when it differs from the due date (weekend or holiday), else empty."""
    return format_date(row.effective_due) if row.effective_due != row.due_date else ""


def charge_columns(updated: dict[uuid.UUID, Any] | None = None) -> list[Column[ChargeRow]]:
    """Columns: tipo, período, vencimento, valor, pago em, valor pago, situação, nº, vencimento útil, atualizado.

    `updated` maps a charge id to its `Updated` (valor atualizado as of today), filled on reload.
    """
    now = updated if updated is not None else {}

    def total(r: ChargeRow) -> Any:
        u = now.get(r.id)
        return u.total if u is not None else r.balance

    def breakdown(r: ChargeRow) -> str:
        u = now.get(r.id)
        if u is None or r.status != ChargeStatus.ABERTA:
            return ""
        return (f"Principal {format_brl(u.principal)} + multa {format_brl(u.fine)} + juros {format_brl(u.interest)}"
                f" = {format_brl(u.total)}")

    return [
        Column(_tr("Tipo"), lambda r: _tr(ChargeKind.label_of(r.kind)), tooltip=lambda r: r.description),
        Column(_tr("Período"), period_text, sort_value=lambda r: r.period_start, tooltip=lambda r: r.description),
        Column(_tr("Vencimento"), lambda r: format_date(r.due_date), sort_value=lambda r: r.due_date),
        Column(_tr("Valor"), lambda r: format_brl(r.amount), sort_value=lambda r: r.amount, align_right=True),
        Column(_tr("Pago em"), lambda r: format_date(r.paid_on), sort_value=lambda r: r.paid_on),
        Column(_tr("Valor pago"), lambda r: format_brl(r.paid_amount), sort_value=lambda r: r.paid_amount,
               align_right=True),
        Column(_tr("Situação"), lambda r: _tr(ChargeStatus.label_of(r.status)),
               tooltip=lambda r: f"Saldo: {format_brl(r.balance)}" if r.status == ChargeStatus.ABERTA else ""),
        Column(_tr("Nº"), lambda r: str(r.number), sort_value=lambda r: r.number, align_right=True),
        Column(_tr("Vencimento útil"), effective_text, sort_value=lambda r: r.effective_due,
               tooltip=lambda r: "Vencimento em sábado, domingo ou feriado: pagável sem multa até este dia."
               if r.effective_due != r.due_date else ""),
        Column(_tr("Valor atualizado"), lambda r: format_brl(total(r)) if r.status == ChargeStatus.ABERTA else "",
               sort_value=total, align_right=True, tooltip=breakdown),
    ]


def payment_columns(due_of: dict[uuid.UUID, str]) -> list[Column[PaymentRow]]:
    """Columns of the payments table."""
    return [
        Column(_tr("Cobrança (vencimento)"), lambda p: due_of.get(p.charge_id, "")),
        Column(_tr("Valor"), lambda p: format_brl(p.amount), sort_value=lambda p: p.amount, align_right=True),
        Column(_tr("Data"), lambda p: format_date(p.paid_on), sort_value=lambda p: p.paid_on),
        Column(_tr("Origem"), lambda p: _tr(PaymentSource.label_of(p.source))),
        Column(_tr("Registrado por"), lambda p: p.created_by),
        Column(_tr("Estorno"), lambda p: f"Estornado: {p.reversal_reason}" if p.reversed else "",
               tooltip=lambda p: p.reversal_reason or ""),
    ]


class ChargesPanel(QWidget):
    """Charges and payments of one contract, with quick payment actions.

    Attributes:
        charges_model: the charges (`RowsTableModel[ChargeRow]`).
        payments_model: the payments (`RowsTableModel[PaymentRow]`).
    """

    def __init__(self, context: AppContext, contract_id: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.contract_id = contract_id
        self.setObjectName("chargesPanel")
        self._due_of: dict[uuid.UUID, str] = {}
        self._updated: dict[uuid.UUID, Any] = {}
        self.summary = QLabel(self)
        self.summary.setObjectName("chargesSummaryLabel")
        self.charges_model: RowsTableModel[ChargeRow] = RowsTableModel(charge_columns(self._updated), self)
        self.payments_model: RowsTableModel[PaymentRow] = RowsTableModel(payment_columns(self._due_of), self)
        self.charges_view = self._table("chargesTable", self.charges_model, self.tr("Cobranças do contrato"))
        self.payments_view = self._table("paymentsTable", self.payments_model, self.tr("Pagamentos do contrato"))
        self.pay_button = QPushButton(self.tr("Registrar &pagamento…"), self)
        self.pay_button.setObjectName("panelRecordPaymentButton")
        self.pay_button.setVisible(context.can(Permission.PAYMENTS_RECORD))
        self.reverse_button = QPushButton(self.tr("&Estornar pagamento…"), self)
        self.reverse_button.setObjectName("panelReversePaymentButton")
        self.reverse_button.setVisible(context.can(Permission.PAYMENTS_REVERSE))
        self.pay_button.clicked.connect(self.record_payment)
        self.reverse_button.clicked.connect(self.reverse_payment)
        self.charges_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.payments_view.selectionModel().selectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.pay_button)
        buttons.addWidget(self.reverse_button)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Pagamentos"), lower)
        title.setBuddy(self.payments_view)
        lower_layout.addWidget(title)
        lower_layout.addWidget(self.payments_view)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.charges_view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        context.events.changed.connect(self._on_changed)
        self.reload()

    def _table(self, name: str, model: RowsTableModel[Any], accessible: str) -> QTableView:
        view = QTableView(self)
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _on_changed(self, kind: str) -> None:
        if kind in ("charge", "contract", "payment"):
            self.reload()

    def reload(self) -> None:
        """Read the contract's charges and payments again."""
        charges = charge_service.list_charges(self.context.uow(), self.contract_id)
        payments = payment_service.list_payments(self.context.uow(), self.contract_id)
        contract = contract_service.get_contract(self.context.uow(), self.contract_id)
        uow = self.context.uow()
        rates: LateRates = late_fees.late_rates(uow)
        today = uow.today
        self._due_of.clear()
        self._due_of.update({c.id: f"nº {c.number}, {format_date(c.due_date)}" for c in charges})
        self._updated.clear()
        self._updated.update({c.id: late_fees.updated_of(c, today, rates) for c in charges})
        self.charges_model.set_rows(charges)
        self.payments_model.set_rows(payments)
        debt = sum((c.balance for c in charges), start=charge_service.ZERO)
        updated = sum((u.total for u in self._updated.values()), start=charge_service.ZERO)
        self.summary.setText(self.tr("Pago até: {0}   Em aberto: {1}   Atualizado hoje: {2}   Cobranças: {3}").format(
            format_date(contract.paid_until) or self.tr("—"), format_brl(debt), format_brl(updated), len(charges)))
        self._update_buttons()

    def selected_charge(self) -> ChargeRow | None:
        """The charge selected in the table."""
        rows = self.charges_view.selectionModel().selectedRows()
        return self.charges_model.row_at(rows[0].row()) if rows else None

    def selected_payment(self) -> PaymentRow | None:
        """The payment selected in the table."""
        rows = self.payments_view.selectionModel().selectedRows()
        return self.payments_model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        has_open = any(r.status == ChargeStatus.ABERTA for r in self.charges_model.rows())
        self.pay_button.setEnabled(has_open)
        payment = self.selected_payment()
        self.reverse_button.setEnabled(payment is not None and not payment.reversed)

    def record_payment(self) -> None:
        """Open the payment dialog on the selected (or first open) charge."""
        from ispdesk.ui.dialogs.billing_payment import RecordPaymentDialog

        charge = self.selected_charge()
        dialog = RecordPaymentDialog(self.context, self.contract_id, charge.id if charge else None, self)
        dialog.exec()

    def reverse_payment(self) -> None:
        """Open the reversal dialog on the selected payment."""
        from ispdesk.ui.dialogs.billing_payment import ReversePaymentDialog

        payment = self.selected_payment()
        dialog = ReversePaymentDialog(self.context, self.contract_id, payment.id if payment else None, self)
        dialog.exec()
