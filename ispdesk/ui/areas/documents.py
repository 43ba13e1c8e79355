"""Documents area: print contracts for signature, batch generation, signatures, templates and reports.

Contract actions: "Imprimir contrato" and "Imprimir termo de fidelidade" (one contract: the PDF
opens in the preview; printing a pre-contract records it as sent for signature), "Gerar contratos"
(a selection, to a folder, in a worker with progress and cancel), "Marcar como assinado" (the
pre-contract becomes active). Contract panel "Documentos". Menus: Cadastros › Modelos de contrato;
Relatórios › Contratos / Cancelamentos por motivo / Cobranças.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import plural
from ispdesk.ui import contract_states as states
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


class _OnFirstUse:
    """`ispdesk.services.documents`, imported on first use: it pulls reportlab in (~0.4 s of the start)."""

    def __getattr__(self, name: str) -> Any:
        from ispdesk.services import documents as module

        return getattr(module, name)


documents: Any = _OnFirstUse()


def _ids(values: Sequence[object]) -> list[uuid.UUID]:
    return [v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in values]


def _message(parent: QWidget, title: str, text: str, details: Sequence[str] = (), warning: bool = False) -> None:
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("documentsResult")
    if details:
        box.setInformativeText("\n".join(details[:12]) + ("\n…" if len(details) > 12 else ""))
        box.setDetailedText("\n".join(details))
    box.exec()


def print_contract(parent: QWidget, context: AppContext, contract_id: object,
                   template_code: str | None = None) -> QDialog | None:
    """Generate the contract's document and open it in the preview (print / save as).

    Returns:
        The preview dialog (already shown, non-blocking), or None when generation was refused.
    """
    from ispdesk.ui.dialogs.pdf_preview import PdfPreviewDialog

    template_code = template_code or documents.DEFAULT_CONTRACT_TEMPLATE
    cid = _ids([contract_id])[0]
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = documents.generate_contract_pdf(context.uow(), cid, template_code=template_code)
    except BusinessRuleError as exc:
        QGuiApplication.restoreOverrideCursor()
        _message(parent, parent.tr("Imprimir contrato"), exc.message, warning=True)
        return None
    QGuiApplication.restoreOverrideCursor()
    context.events.changed.emit("contract_document")

    def printed() -> None:
        try:
            if documents.record_printed(context.uow(), cid):
                context.events.changed.emit("contract")
        except BusinessRuleError as exc:
            _message(parent, parent.tr("Imprimir contrato"), exc.message, warning=True)

    dialog = PdfPreviewDialog(
        parent, result.pdf,
        parent.tr("{name} — contrato nº {n} (código {code})").format(
            name=result.document.template_name, n=result.contract_number, code=result.document.verification_code),
        documents.file_name(template_code, result.contract_number), on_printed=printed)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_contract_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Imprimir contrato (one contract)."""
    return print_contract(parent, context, ids[0]) is not None if ids else False


def print_term_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Imprimir termo de fidelidade (one contract)."""
    return print_contract(parent, context, ids[0], documents.LOYALTY_TERM_TEMPLATE) is not None if ids else False


@dataclass
class BatchResult:
    """What "Gerar contratos" did: files written, refusals, whether the user cancelled."""

    written: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    cancelled: bool = False


def generate_batch(context: AppContext, ids: Sequence[uuid.UUID], folder: Path, template_code: str,
                   mark_sent: bool, progress: Any) -> BatchResult:
    """Write one PDF per contract into `folder`, each in its own transaction; stops when cancelled."""
    result = BatchResult()
    total = len(ids)
    for done, cid in enumerate(ids):
        if progress.cancelled:
            result.cancelled = True
            break
        progress.report(done, total, f"Gerando {done + 1} de {total}…")
        try:
            written = documents.generate_contract_pdf(context.uow(), cid, folder, template_code=template_code,
                                                      mark_sent=mark_sent)
            assert written.path is not None
            result.written.append(written.path)
        except BusinessRuleError as exc:
            result.refused.append(exc.message)
            if exc.field == "empresa":  # the company is still the example one: say it once, stop
                break
    progress.report(total, total, "")
    return result


def generate_batch_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Gerar contratos: the selection to a folder, in the background, with progress and cancel."""
    from ispdesk.ui.dialogs.documents_dialogs import GenerateBatchDialog
    from ispdesk.ui.workers import run_in_background

    contract_ids = _ids(ids)
    if not contract_ids:
        return False
    dialog = GenerateBatchDialog(context, len(contract_ids), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    folder, template_code, mark_sent = dialog.values()
    title = parent.tr("Gerar contratos")

    def done(result: BatchResult) -> None:
        context.events.changed.emit("contract")
        text = parent.tr("{n} em {folder}.").format(
            n=plural(len(result.written), parent.tr("PDF gravado"), parent.tr("PDFs gravados")), folder=folder)
        if result.cancelled:
            text += " " + parent.tr("Interrompido a pedido; os já gerados ficaram gravados.")
        if result.refused:
            text += " " + plural(len(result.refused), parent.tr("recusado"), parent.tr("recusados")) + "."
        _message(parent, title, text, result.refused, warning=bool(result.refused))

    worker = run_in_background(parent, title, lambda p: generate_batch(context, contract_ids, folder, template_code,
                                                                       mark_sent, p), done)
    parent._documents_worker = worker  # type: ignore[attr-defined]  # keep a reference (tests wait on it)
    return True


def mark_signed_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Marcar como assinado: the pre-contract(s) become active on the signature date."""
    from ispdesk.ui.dialogs.documents_dialogs import MarkSignedDialog

    contract_ids = _ids(ids)
    if not contract_ids:
        return False
    dialog = MarkSignedDialog(context.factory.clock.today(), len(contract_ids), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    on = dialog.signed_on()
    done: list[str] = []
    refused: list[str] = []
    for cid in contract_ids:
        try:
            documents.mark_signed(context.uow(), cid, on)
            done.append(cid.hex)
        except BusinessRuleError as exc:
            refused.append(exc.message)
    if done:
        context.events.changed.emit("contract")
    title = parent.tr("Marcar como assinado")
    if refused:
        _message(parent, title, parent.tr("{ok}, {bad}.").format(
            ok=plural(len(done), parent.tr("contrato ativado"), parent.tr("contratos ativados")),
            bad=plural(len(refused), parent.tr("recusado"), parent.tr("recusados"))), refused, warning=True)
    return bool(done)


def _panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.dialogs.documents_dialogs import DocumentsPanel

    return DocumentsPanel(context, contract_id, parent)


def open_template_editor(window: QWidget) -> None:
    """Cadastros › Modelos de contrato."""
    from ispdesk.ui.dialogs.template_editor import TemplateEditorDialog

    dialog = TemplateEditorDialog(window.context, window)  # type: ignore[attr-defined]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _report_opener(kind: str) -> Any:
    def open_report(window: QWidget) -> None:
        from ispdesk.ui.dialogs.documents_dialogs import ReportDialog

        dialog = ReportDialog(window.context, kind, window)  # type: ignore[attr-defined]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    return open_report


registry.CONTRACT_ACTIONS.extend([
    registry.ContractActionSpec("&Imprimir contrato…", "actionPrintContract", print_contract_action,
                                Permission.DOCUMENTS_PRINT, multi=False, order=60, frequent=True, shortcut="Ctrl+P"),
    registry.ContractActionSpec("Imprimir termo de &fidelidade…", "actionPrintLoyaltyTerm", print_term_action,
                                Permission.DOCUMENTS_PRINT, multi=False, order=61),
    registry.ContractActionSpec("&Gerar PDFs dos contratos…", "actionGenerateContracts", generate_batch_action,
                                Permission.DOCUMENTS_PRINT, multi=True, order=62),
    registry.ContractActionSpec("Marcar como a&ssinado…", "actionMarkSigned", mark_signed_action,
                                Permission.CONTRACTS_ACTIVATE, multi=True, order=63, available=states.mark_signed),
])
registry.CONTRACT_PANELS.append(
    registry.ContractPanelSpec("Documentos", "documentsPanel", _panel, Permission.CONTRACTS_VIEW, order=60))
registry.MENU_ACTIONS.extend([
    registry.MenuActionSpec(menu=("Cadastros",), title="Modelos de contrato…", object_name="actionContractTemplates",
                            handler=open_template_editor, permission=Permission.TEMPLATES_MANAGE, order=60),
    registry.MenuActionSpec(menu=("Relatórios",), title="Contratos…", object_name="actionReportContracts",
                            handler=_report_opener("contracts"), permission=Permission.REPORTS_VIEW, order=10),
    registry.MenuActionSpec(menu=("Relatórios",), title="Cancelamentos por motivo…",
                            object_name="actionReportCancellations", handler=_report_opener("cancellations"),
                            permission=Permission.REPORTS_VIEW, order=11),
    registry.MenuActionSpec(menu=("Relatórios",), title="Cobranças…", object_name="actionReportCharges",
                            handler=_report_opener("charges"), permission=Permission.REPORTS_VIEW, order=12),
])
