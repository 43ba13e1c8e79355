"""Cancel a contract: reason, date and mandatory note, with the fine calculation shown BEFORE confirming.

Every figure comes from `cancellation.preview_cancellation` (the same code that cancels), refreshed
whenever the reason or the date changes; confirming calls `cancellation.cancel_contract`.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import plural
from ispdesk.services import cancellation
from ispdesk.services import catalogs as catalog_service
from ispdesk.services import contracts as contract_service
from ispdesk.services.cancellation import CancellationPreview, CancellationResult
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.fields import DateEdit, FieldWithError
from ispdesk.ui.window_state import fit_to_screen

ERROR_STYLE = "color: #b00020;"
AMOUNT_STYLE = "font-weight: bold; font-size: 13pt;"


class CancelContractDialog(RememberingDialog):
    """Cancellation with the termination-fine breakdown.

    Attributes:
        result_value: the `CancellationResult` after a successful confirmation, else None.
        preview: the last computed `CancellationPreview` (None while a field is invalid).
    """

    def __init__(self, context: AppContext, contract_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.contract_id = contract_id
        self.result_value: CancellationResult | None = None
        self.preview: CancellationPreview | None = None
        self.setObjectName("cancelContractDialog")
        self.setWindowTitle(self.tr("Cancelar contrato"))
        self.setMinimumWidth(560)
        row = contract_service.get_contract(context.uow(), contract_id)
        self._today = context.uow().today

        self.header = QLabel(self.tr("Contrato {0} — {1} — plano {2}, {3}/mês").format(
            row.number, row.customer_name, row.plan_code, format_brl(row.value)), self)
        self.header.setObjectName("cancelHeaderLabel")
        self.header.setWordWrap(True)

        self.reason_combo = QComboBox(self)
        self.reason_combo.setObjectName("cancelReasonCombo")
        self.reason_combo.setAccessibleName(self.tr("Motivo do cancelamento"))
        self.reason_combo.addItem(self.tr("— escolha o motivo —"), None)
        for entry in catalog_service.list_entries(context.uow(), "cancellation", include_inactive=False):
            if entry.system:  # only the suspension routine rescinds with these (INADIMPLENCIA)
                continue
            flags = []
            if entry.waives_fine:
                flags.append(self.tr("isenta a multa"))
            if entry.frees_period:
                flags.append(self.tr("libera o período"))
            text = entry.label + (f" ({', '.join(flags)})" if flags else "")
            self.reason_combo.addItem(text, entry.code)
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName("cancelDateEdit")
        self.date_edit.line.setObjectName("cancelDateLine")
        self.date_edit.setAccessibleName(self.tr("Data do cancelamento"))
        self.date_edit.set_value(self._today)
        self.date_field = FieldWithError(self.date_edit, self)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("cancelNoteEdit")
        self.note_edit.setAccessibleName(self.tr("Observação do cancelamento (obrigatória)"))
        self.note_edit.setPlaceholderText(self.tr("Obrigatória: o que o cliente informou, protocolo…"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(70)
        self.note_edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        form = QFormLayout()
        for text, buddy, shown in ((self.tr("&Motivo:"), self.reason_combo, self.reason_combo),
                                   (self.tr("&Data:"), self.date_edit.line, self.date_field),
                                   (self.tr("&Observação:"), self.note_edit, self.note_edit)):
            caption = QLabel(text, self)
            caption.setBuddy(buddy)
            form.addRow(caption, shown)

        self.breakdown = QGroupBox(self.tr("Cálculo da multa rescisória"), self)
        self.breakdown.setObjectName("fineBreakdownBox")
        grid = QFormLayout(self.breakdown)
        self.labels: dict[str, QLabel] = {}
        for key, title in (
            ("fineStartLabel", self.tr("Início da fidelidade:")),
            ("fineEndLabel", self.tr("Fim da fidelidade:")),
            ("fineLoyaltyDaysLabel", self.tr("Dias de fidelidade:")),
            ("fineRemainingDaysLabel", self.tr("Dias restantes:")),
            ("fineBenefitLabel", self.tr("Benefício concedido:")),
            ("fineFormulaLabel", self.tr("Cálculo:")),
            ("fineAmountLabel", self.tr("Multa:")),
            ("lastPeriodLabel", self.tr("Último período:")),
        ):
            label = QLabel("—", self.breakdown)
            label.setObjectName(key)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            grid.addRow(title, label)
            self.labels[key] = label
        self.labels["fineAmountLabel"].setStyleSheet(AMOUNT_STYLE)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("cancelErrorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.confirm_button = self.buttons.addButton(self.tr("Confirmar cancelamento"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setObjectName("confirmCancelButton")
        close = self.buttons.addButton(self.tr("Fechar sem cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("closeCancelButton")
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(self.breakdown)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.reason_combo.currentIndexChanged.connect(self.refresh)
        self.date_edit.valueChanged.connect(self.refresh)
        self.note_edit.textChanged.connect(self._update_buttons)
        self.refresh()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # ------------------------------------------------------------------------------------ state
    def reason_code(self) -> str | None:
        """The chosen reason's code, or None."""
        return self.reason_combo.currentData()

    def set_reason(self, code: str) -> None:
        """Choose the reason `code` (tests, keyboard users)."""
        index = self.reason_combo.findData(code)
        if index >= 0:
            self.reason_combo.setCurrentIndex(index)

    def _update_buttons(self) -> None:
        ready = (self.preview is not None and self.reason_code() is not None
                 and bool(self.note_edit.toPlainText().strip()))
        self.confirm_button.setEnabled(ready)

    def _show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def refresh(self) -> None:
        """Recompute the breakdown for the chosen reason and date."""
        self._show_error(None)
        self.date_field.set_error(None)
        self.preview = None
        try:
            on_date = self.date_edit.value()
            if on_date is None:
                raise ValidationError({"data": self.tr("Informe a data do cancelamento (dd/mm/aaaa).")})
            if on_date > self._today:
                raise ValidationError({"data": self.tr("A data do cancelamento não pode estar no futuro.")})
            self.preview = cancellation.preview_cancellation(
                self.context.uow(), self.contract_id, self.reason_code(), on_date)
        except ValidationError as exc:
            if "data" in exc.errors or exc.field == "data":
                self.date_field.set_error(exc.errors.get("data", exc.message))
            else:
                self._show_error(exc.message)
        except BusinessRuleError as exc:
            self.date_field.set_error(exc.message if exc.field == "data" else None)
            if exc.field != "data":
                self._show_error(exc.message)
        self._render()
        self._update_buttons()

    def _render(self) -> None:
        p = self.preview
        if p is None:
            for label in self.labels.values():
                label.setText("—")
            return
        fine = p.fine
        self.labels["fineStartLabel"].setText(format_date(fine.start) or self.tr("sem fidelidade"))
        self.labels["fineEndLabel"].setText(format_date(fine.end) or "—")
        self.labels["fineLoyaltyDaysLabel"].setText(str(fine.loyalty_days))
        self.labels["fineRemainingDaysLabel"].setText(str(fine.remaining_days))
        self.labels["fineBenefitLabel"].setText(format_brl(fine.benefit))
        if fine.waived_reason:
            formula = self.tr("isenta — {0}").format(fine.waived_reason)
        elif fine.loyalty_days:
            formula = f"{format_brl(fine.benefit)} × {fine.remaining_days} / {fine.loyalty_days}"
            if fine.remaining_days == 0:
                formula += self.tr(" (fidelidade vencida)")
        else:
            formula = self.tr("contrato sem fidelidade")
        self.labels["fineFormulaLabel"].setText(formula)
        self.labels["fineAmountLabel"].setText(format_brl(fine.amount))
        if p.last_period is not None:
            text = self.tr("{0} a {1} ({2} dias, proporcional) = {3}").format(
                format_date(p.last_period.start), format_date(p.last_period.end), p.last_period.days,
                format_brl(p.last_period_amount))
        elif p.frees_period:
            text = self.tr("liberado pelo motivo (não cobrado)")
        else:
            text = self.tr("nada a cobrar")
        if p.pending_amount:
            text += "\n" + self.tr("Mensalidades já vencidas ainda não geradas: {0}").format(
                format_brl(p.pending_amount))
        self.labels["lastPeriodLabel"].setText(text)

    # ------------------------------------------------------------------------------------ actions
    def confirm(self) -> None:
        """Cancel the contract; on a rule error show it and stay open."""
        if self.preview is None or self.reason_code() is None:
            self._show_error(self.tr("Escolha o motivo e uma data válida."))
            return
        note = self.note_edit.toPlainText().strip()
        if not note:
            self._show_error(self.tr("Escreva a observação do cancelamento (obrigatória)."))
            self.note_edit.setFocus()
            return
        on_date: date = self.preview.on_date
        try:
            self.result_value = cancellation.cancel_contract(
                self.context.uow(), self.contract_id, str(self.reason_code()), note, on_date)
        except BusinessRuleError as exc:
            self._show_error(exc.message)
            return
        self.context.events.changed.emit("contract")
        self.context.events.changed.emit("charge")
        self.context.events.status.emit(cancellation_summary(self.result_value))
        self.accept()


def cancellation_summary(result: CancellationResult) -> str:
    """What the cancellation did, for the status bar: the contract and the fine charge it created (value, due date)."""
    text = f"Contrato nº {result.contract_number} cancelado em {format_date(result.cancelled_on)}."
    fine = result.fine_charge
    if fine is not None:
        number = f"nº {fine.number} " if fine.number else ""
        text += (f" Cobrança de multa {number}criada: “{fine.description}”, {format_brl(fine.amount)}, "
                 f"vencimento {format_date(fine.due_date)}.")
    elif result.fine.waived_reason:
        text += f" Sem multa: {result.fine.waived_reason}."
    else:
        text += " Sem multa a cobrar."
    if result.cancelled_charges:
        text += " " + plural(result.cancelled_charges, "mensalidade futura cancelada",
                             "mensalidades futuras canceladas") + "."
    return text
