"""Financeiro › Gerar cobranças…: generate the recurring charges due up to a date, in the background."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import plural
from ispdesk.services import charges as charge_service
from ispdesk.services.charges import GenerationResult
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.billing_common import BillingFormDialog
from ispdesk.ui.widgets.fields import DateEdit
from ispdesk.ui.workers import Progress, Worker, run_in_background


class GenerateChargesDialog(BillingFormDialog):
    """Choose the date; the generation runs in a worker with a cancellable progress dialog.

    Attributes:
        worker: the running worker (tests wait on ``worker.signals.finished``).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "generateChargesDialog", "Gerar cobranças", "Gerar", parent)
        self.setWindowTitle(self.tr("Gerar cobranças"))
        self.worker: Worker | None = None
        self.until_edit = DateEdit(self)
        self.until_edit.setObjectName("generateUntilEdit")
        self.until_edit.set_value(context.uow().today)
        info = QLabel(self.tr(
            "Gera, para cada contrato ativo, as mensalidades com vencimento até a data (ciclos pós-pagos; a "
            "primeira proporcional). Rodar de novo não duplica nada."), self)
        info.setWordWrap(True)
        self.form.addRow(info)
        self.add_row(self.tr("&Vencimento até:"), self.until_edit)
        self.skipped_list = QPlainTextEdit(self)
        self.skipped_list.setObjectName("generateSkippedList")
        self.skipped_list.setAccessibleName(self.tr("Contratos pulados pela geração"))
        self.skipped_list.setReadOnly(True)
        self.skipped_list.setMaximumHeight(140)
        self.skipped_list.hide()
        self.form.addRow(self.skipped_list)

    def save(self) -> None:
        """Start the generation in the background."""
        try:
            until = self.until_edit.value()
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            return
        if until is None:
            self.show_error(self.tr("Informe a data (dd/mm/aaaa)."))
            return
        self.save_button.setEnabled(False)

        def job(progress: Progress) -> GenerationResult:
            def report(done: int, total: int) -> bool:
                progress.report(done, total, f"Contratos conferidos: {done} de {total}")
                return not progress.cancelled

            return charge_service.generate_charges(self.context.uow(), until, progress=report)

        self.worker = run_in_background(self, self.tr("Gerando cobranças"), job, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.context.events.changed.emit("charge")
        self.show_error(None)
        self.error_label.setStyleSheet("")
        self.error_label.setText(self.tr("{0} em {1}, vencimento até {2}, "
                                         "total {3}.").format(
            plural(result.charges, self.tr("cobrança gerada"), self.tr("cobranças geradas")),
            plural(result.contracts, self.tr("contrato"), self.tr("contratos")),
                                                              format_date(result.until), format_brl(result.total)))
        self.error_label.show()
        self._show_skipped(result)
        self.save_button.setEnabled(True)

    def _show_skipped(self, result: GenerationResult) -> None:
        """List the contracts left out (bad dates) with what to fix; hidden when there are none."""
        if not result.skipped:
            self.skipped_list.hide()
            return
        lines = [self.tr("{0} — corrija e gere de novo:").format(
            plural(len(result.skipped), self.tr("contrato pulado"), self.tr("contratos pulados")))]
        lines += [self.tr("Contrato {0}: {1}").format(item.number, item.reason) for item in result.skipped]
        self.skipped_list.setPlainText("\n".join(lines))
        self.skipped_list.show()

    def _failed(self, message: str) -> None:
        self.show_error(message)
        self.save_button.setEnabled(True)
