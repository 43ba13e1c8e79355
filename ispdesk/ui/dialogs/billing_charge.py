"""One-off charge (venda / boleto avulso): description, amount and due date."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ispdesk.domain.billing import next_due_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.services import charges as charge_service
from ispdesk.services import contracts as contract_service
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.billing_common import BillingFormDialog
from ispdesk.ui.widgets.fields import DateEdit, MoneyEdit


class OneOffChargeDialog(BillingFormDialog):
    """Create a one-off charge on a contract (CHARGES_CREATE, checked by the service)."""

    def __init__(self, context: AppContext, contract_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(context, "oneOffChargeDialog", "Cobrança avulsa", "Lançar cobrança", parent)
        self.setWindowTitle(self.tr("Cobrança avulsa"))
        self.contract_id = contract_id
        row = contract_service.get_contract(context.uow(), contract_id)
        header = QLabel(self.tr("Contrato {0} — {1}").format(row.number, row.customer_name), self)
        header.setObjectName("oneOffChargeHeaderLabel")
        self.description_edit = QLineEdit(self)
        self.description_edit.setObjectName("chargeDescriptionEdit")
        self.description_edit.setMaxLength(200)
        self.description_edit.setPlaceholderText(self.tr("Ex.: Taxa de instalação, roteador"))
        self.amount_edit = MoneyEdit(self, allow_empty=True)
        self.amount_edit.setObjectName("chargeAmountEdit")
        self.due_edit = DateEdit(self)
        self.due_edit.setObjectName("chargeDueDateEdit")
        self.due_edit.set_value(next_due_date(context.uow().today, row.due_day))
        self.form.addRow(header)
        self.add_row(self.tr("&Descrição:"), self.description_edit)
        self.add_row(self.tr("&Valor (R$):"), self.amount_edit)
        self.add_row(self.tr("&Vencimento:"), self.due_edit)

    def save(self) -> None:
        """Create the charge."""
        try:
            amount = self.amount_edit.value()
            due = self.due_edit.value()
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            return
        self.run(lambda: charge_service.create_one_off_charge(
            self.context.uow(), self.contract_id, self.description_edit.text(), amount or Decimal("0"),
            due))  # type: ignore[arg-type]

    def summary(self) -> str:
        """One line about the created charge."""
        row = self.result_value
        return "" if row is None else self.tr("Cobrança de {0} lançada.").format(format_brl(row.amount))
