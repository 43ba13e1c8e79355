"""Record a payment (full or partial) of an open charge, or reverse (estornar) a payment."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.services import charges as charge_service
from ispdesk.services import late_fees
from ispdesk.services import payments as payment_service
from ispdesk.services.charges import ChargeRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.billing_common import BillingFormDialog
from ispdesk.ui.widgets.fields import DateEdit, MoneyEdit


def charge_label(row: ChargeRow) -> str:
    """``nº 12 — 10/02/2026 — Mensalidade 10/01/2026 a 09/02/2026 — saldo R$ 90,00``."""
    return f"nº {row.number} — {format_date(row.due_date)} — {row.description} — saldo {format_brl(row.balance)}"


class RecordPaymentDialog(BillingFormDialog):
    """Record a payment of one of the contract's open charges (PAYMENTS_RECORD)."""

    def __init__(self, context: AppContext, contract_id: uuid.UUID, charge_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, "recordPaymentDialog", "Registrar pagamento", "Registrar pagamento", parent)
        self.setWindowTitle(self.tr("Registrar pagamento"))
        self.setMinimumWidth(680)
        self.contract_id = contract_id
        self.open_charges = [r for r in charge_service.list_charges(context.uow(), contract_id)
                             if r.status == ChargeStatus.ABERTA]
        self.open_charges.sort(key=lambda r: r.due_date)
        self.rates = late_fees.late_rates(context.uow())
        self.charge_combo = QComboBox(self)
        self.charge_combo.setObjectName("paymentChargeCombo")
        self.charge_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for row in self.open_charges:
            self.charge_combo.addItem(charge_label(row), row.id)
        self.amount_edit = MoneyEdit(self, allow_empty=True)
        self.amount_edit.setObjectName("paymentAmountEdit")
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName("paymentDateEdit")
        self.date_edit.set_value(context.uow().today)
        self.hint = QLabel(self)
        self.hint.setObjectName("paymentHintLabel")
        self.hint.setWordWrap(True)
        self.add_row(self.tr("&Cobrança:"), self.charge_combo)
        self.add_row(self.tr("&Valor pago (R$):"), self.amount_edit)
        self.add_row(self.tr("&Data do pagamento:"), self.date_edit)
        self.form.addRow(self.hint)
        self.charge_combo.currentIndexChanged.connect(self._charge_changed)
        self.date_edit.editingFinished.connect(self._charge_changed)
        if charge_id is not None and self.charge_combo.findData(charge_id) >= 0:
            self.charge_combo.setCurrentIndex(self.charge_combo.findData(charge_id))
        self._charge_changed()
        if not self.open_charges:
            self.show_error(self.tr("Este contrato não tem cobranças em aberto."))
            self.save_button.setEnabled(False)

    def current_charge(self) -> ChargeRow | None:
        """The selected open charge."""
        index = self.charge_combo.currentIndex()
        return self.open_charges[index] if 0 <= index < len(self.open_charges) else None

    def _charge_changed(self) -> None:
        row = self.current_charge()
        if row is None:
            return
        try:
            on = self.date_edit.value() or self.context.uow().today
        except BusinessRuleError:
            on = self.context.uow().today
        u = late_fees.updated_of(row, on, self.rates)
        self.amount_edit.set_value(u.total)
        moved = (self.tr(" Vence em dia não útil: pagável sem multa até {0}.").format(format_date(row.effective_due))
                 if row.effective_due != row.due_date else "")
        if u.fine or u.interest:
            text = self.tr("Valor atualizado em {0}: principal {1} + multa {2} + juros {3} = {4}. O pagamento quita "
                           "primeiro o principal, depois a multa e os juros; um valor menor deixa a cobrança em aberto "
                           "com o restante.").format(format_date(on), format_brl(u.principal), format_brl(u.fine),
                                                     format_brl(u.interest), format_brl(u.total))
        else:
            text = self.tr("Saldo: {0}. Um valor menor deixa a cobrança em aberto com o restante.").format(
                format_brl(u.total))
        self.hint.setText(text + moved)

    def save(self) -> None:
        """Record the payment."""
        row = self.current_charge()
        if row is None:
            return
        try:
            amount = self.amount_edit.value()
            paid_on = self.date_edit.value()
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            return
        if amount is None or paid_on is None:
            self.show_error(self.tr("Informe o valor pago e a data do pagamento."))
            return
        self.run(lambda: payment_service.record_payment(self.context.uow(), row.id, amount, paid_on),
                 changed=("charge", "contract"))


class ReversePaymentDialog(BillingFormDialog):
    """Reverse (estornar) a payment, with a mandatory reason (PAYMENTS_REVERSE)."""

    def __init__(self, context: AppContext, contract_id: uuid.UUID, payment_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, "reversePaymentDialog", "Estornar pagamento", "Estornar", parent)
        self.setWindowTitle(self.tr("Estornar pagamento"))
        charges = {r.id: r for r in charge_service.list_charges(context.uow(), contract_id)}
        self.payments = [p for p in payment_service.list_payments(context.uow(), contract_id) if not p.reversed]
        self.payment_combo = QComboBox(self)
        self.payment_combo.setObjectName("reversePaymentCombo")
        self.payment_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for p in self.payments:
            charge = charges.get(p.charge_id)
            due = format_date(charge.due_date) if charge else "?"
            self.payment_combo.addItem(
                self.tr("{0} em {1} — cobrança de {2}").format(format_brl(p.amount), format_date(p.paid_on), due),
                p.id)
        if payment_id is not None and self.payment_combo.findData(payment_id) >= 0:
            self.payment_combo.setCurrentIndex(self.payment_combo.findData(payment_id))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("reverseReasonEdit")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(self.tr("Obrigatório: cheque devolvido, pagamento em duplicidade…"))
        self.add_row(self.tr("&Pagamento:"), self.payment_combo)
        self.add_row(self.tr("&Motivo do estorno:"), self.reason_edit)
        if not self.payments:
            self.show_error(self.tr("Este contrato não tem pagamentos a estornar."))
            self.save_button.setEnabled(False)

    def save(self) -> None:
        """Reverse the selected payment."""
        payment_id = self.payment_combo.currentData()
        if payment_id is None:
            return
        self.run(lambda: payment_service.reverse_payment(self.context.uow(), payment_id, self.reason_edit.text()),
                 changed=("charge", "contract"))
