"""Negativação: protocol and reason; the debt to be listed and whether it is allowed are shown first."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ispdesk.domain.money import format_brl
from ispdesk.services import negativation as negativation_service
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.billing_common import BillingFormDialog


class NegativationDialog(BillingFormDialog):
    """List a rescinded contract's open debt with a credit bureau (CONTRACTS_NEGATIVATE)."""

    def __init__(self, context: AppContext, contract_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(context, "negativationDialog", "Negativar contrato", "Negativar", parent)
        self.setWindowTitle(self.tr("Negativar contrato"))
        self.contract_id = contract_id
        check = negativation_service.check_negativation(context.uow(), contract_id)
        self.debt_label = QLabel(self)
        self.debt_label.setObjectName("negativationDebtLabel")
        self.debt_label.setWordWrap(True)
        self.debt_label.setText(self.tr("Contrato {0} — débito em aberto: {1}").format(
            check.contract_number, format_brl(check.debt)))
        self.protocol_edit = QLineEdit(self)
        self.protocol_edit.setObjectName("negativationProtocolEdit")
        self.protocol_edit.setMaxLength(60)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("negativationReasonEdit")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setText(self.tr("Débito após a rescisão do contrato"))
        self.form.addRow(self.debt_label)
        self.add_row(self.tr("&Protocolo:"), self.protocol_edit)
        self.add_row(self.tr("&Motivo:"), self.reason_edit)
        if check.refusal:
            self.show_error(check.refusal)
            self.save_button.setEnabled(False)

    def save(self) -> None:
        """Record the listing."""
        self.run(lambda: negativation_service.negativate(
            self.context.uow(), self.contract_id, self.protocol_edit.text(), self.reason_edit.text()),
            changed=("contract",))
