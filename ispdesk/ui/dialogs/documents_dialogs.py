"""Widgets of the documents area: the contract's "Documentos" panel, the batch, signature and report dialogs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.statuses import ChargeReportStatus, ContractStatus, DocumentPurpose
from ispdesk.domain.wording import plural
from ispdesk.services import contracts as contract_service
from ispdesk.services import documents
from ispdesk.services import reports as report_service
from ispdesk.services.documents import DocumentRow
from ispdesk.services.templates import list_templates
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.file_dialogs import existing_directory, save_file_name
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.window_state import fit_to_screen


def _local(moment: Any) -> str:
    """``27/11/2026 14:05`` in local time."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def document_columns() -> list[Column[DocumentRow]]:
    """Columns of the documents table."""
    return [
        Column("Gerado em", lambda r: _local(r.generated_at), sort_value=lambda r: r.generated_at),
        Column("Modelo", lambda r: r.template_name, tooltip=lambda r: r.template_code),
        Column("Versão", lambda r: str(r.template_version), sort_value=lambda r: r.template_version,
               align_right=True),
        Column("Finalidade", lambda r: DocumentPurpose.label_of(r.purpose)),
        Column("Código de verificação", lambda r: r.verification_code, tooltip=lambda r: f"SHA-256: {r.sha256}"),
        Column("Gerado por", lambda r: r.generated_by),
    ]


def _date_edit(parent: QWidget, value: date, name: str) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def _py_date(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class DocumentsPanel(QWidget):
    """The contract form's "Documentos" tab: signature status and the documents generated."""

    def __init__(self, context: AppContext, contract_id: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsPanel")
        self.context = context
        self.contract_id = contract_id if isinstance(contract_id, uuid.UUID) else uuid.UUID(str(contract_id))
        self.status_label = QLabel(self)
        self.status_label.setObjectName("documentsSignatureStatus")
        self.status_label.setWordWrap(True)
        self.model: RowsTableModel[DocumentRow] = RowsTableModel(document_columns(), self)
        self.table = QTableView(self)
        self.table.setObjectName("documentsTable")
        self.table.setAccessibleName(self.tr("Documentos gerados"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        hint = QLabel(self.tr("Para gerar um novo documento use “Imprimir contrato” ou “Imprimir termo de "
                              "fidelidade”; o código de verificação impresso no rodapé identifica cada linha."), self)
        hint.setWordWrap(True)
        hint.setObjectName("documentsHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.reload()

    def reload(self) -> None:
        """Read the contract's signature dates and documents again."""
        contract = contract_service.get_contract(self.context.uow(), self.contract_id)
        parts = []
        if contract.sent_for_signature_at:
            parts.append(self.tr("Enviado para assinatura em {d}.").format(d=_local(contract.sent_for_signature_at)))
        if contract.signed_at:
            parts.append(self.tr("Assinado (registrado em {d}).").format(d=_local(contract.signed_at)))
        if not parts:
            parts.append(self.tr("Pré-contrato ainda não impresso para assinatura.") if contract.status ==
                         ContractStatus.PRE_CONTRATO else self.tr("Sem registro de envio para assinatura."))
        self.status_label.setText(" ".join(parts))
        self.model.set_rows(documents.list_documents(self.context.uow(), self.contract_id))
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

class GenerateBatchDialog(RememberingDialog):
    """Options of "Gerar contratos": folder, template and whether they go out for signature."""

    def __init__(self, context: AppContext, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsBatchDialog")
        self.setWindowTitle(self.tr("Gerar PDFs dos contratos"))
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setObjectName("documentsBatchFolder")
        self.folder_edit.setAccessibleName(self.tr("Pasta de destino"))
        browse = QPushButton(self.tr("&Escolher…"), self)
        browse.setObjectName("documentsBatchBrowse")
        browse.clicked.connect(self._browse)
        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("documentsBatchTemplate")
        for row in list_templates(context.uow()):
            self.template_combo.addItem(f"{row.name} (v{row.version_number})", row.code)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(documents.DEFAULT_CONTRACT_TEMPLATE)))
        self.send_check = QCheckBox(self.tr("Registrar os pré-contratos como enviados para assinatura"), self)
        self.send_check.setObjectName("documentsBatchSend")
        self.send_check.setChecked(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("{n}; um PDF por contrato.").format(
            n=plural(count, self.tr("contrato selecionado"), self.tr("contratos selecionados"))), self))
        folder_label = QLabel(self.tr("&Pasta:"), self)
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        form.addRow(self.tr("&Modelo:"), self.template_combo)
        form.addRow(self.send_check)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("documentsBatchError")
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Gerar"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("&Cancelar"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        folder = existing_directory(self, self.tr("Pasta para os contratos"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def accept(self) -> None:
        folder = Path(self.folder_edit.text().strip())
        if not self.folder_edit.text().strip() or not folder.is_dir():
            self.error_label.setText(self.tr("Escolha uma pasta existente para gravar os PDFs."))
            return
        super().accept()

    def values(self) -> tuple[Path, str, bool]:
        """(folder, template code, mark as sent)."""
        return Path(self.folder_edit.text().strip()), str(self.template_combo.currentData()), \
            self.send_check.isChecked()


class MarkSignedDialog(RememberingDialog):
    """Asks the date the customer signed (dd/mm/aaaa, not in the future)."""

    def __init__(self, today: date, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsSignedDialog")
        self.setWindowTitle(self.tr("Marcar como assinado"))
        self.date_edit = _date_edit(self, today, "documentsSignedDate")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setAccessibleName(self.tr("Data da assinatura"))
        text = QLabel(self.tr(
            "O cliente assinou {n}. O pré-contrato passa a ativo, com a data de ativação igual à data "
            "da assinatura (ela nunca mais muda).").format(
                n=plural(count, self.tr("contrato"), self.tr("contratos"))), self)
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow(text)
        form.addRow(self.tr("&Data da assinatura:"), self.date_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Marcar como assinado"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("&Cancelar"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def signed_on(self) -> date:
        """The date chosen."""
        return _py_date(self.date_edit)


class ReportDialog(RememberingDialog):
    """Relatórios › …: period and filters, then "Visualizar PDF" or "Exportar CSV…"."""

    def __init__(self, context: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.setObjectName("reportDialog")
        title = report_service.REPORT_KINDS[kind]
        self.setWindowTitle(self.tr("Relatório: {t}").format(t=self.tr(title)))
        today = context.factory.clock.today()
        first = today.replace(day=1)
        self.use_period = QCheckBox(self.tr("Filtrar por período"), self)
        self.use_period.setObjectName("reportUsePeriod")
        self.use_period.setChecked(kind != "contracts")
        self.date_from = _date_edit(self, first, "reportFrom")
        self.date_to = _date_edit(self, today, "reportTo")
        self.use_period.toggled.connect(self.date_from.setEnabled)
        self.use_period.toggled.connect(self.date_to.setEnabled)
        self.date_from.setEnabled(self.use_period.isChecked())
        self.date_to.setEnabled(self.use_period.isChecked())
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel(self.tr("a"), self))
        period.addWidget(self.date_to)
        period.addStretch(1)
        label = {"contracts": self.tr("Ativação:"), "cancellations": self.tr("Cancelamento:"),
                 "charges": self.tr("Vencimento:")}[kind]
        form = QFormLayout()
        form.addRow(self.use_period)
        form.addRow(label, period)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("reportStatus")
        self.plan_edit = QLineEdit(self)
        self.plan_edit.setObjectName("reportPlan")
        self.city_edit = QLineEdit(self)
        self.city_edit.setObjectName("reportCity")
        if kind == "contracts":
            self.status_combo.addItem(self.tr("Todas"), None)
            for code, text in ContractStatus.choices():
                self.status_combo.addItem(self.tr(text), code)
            form.addRow(self.tr("&Situação:"), self.status_combo)
            form.addRow(self.tr("&Oferta (código):"), self.plan_edit)
            form.addRow(self.tr("C&idade:"), self.city_edit)
        elif kind == "charges":
            self.status_combo.addItem(self.tr("Todas"), None)
            for code, text in ChargeReportStatus.choices():
                self.status_combo.addItem(self.tr(text), code)
            form.addRow(self.tr("&Situação:"), self.status_combo)
        for unused in (self.status_combo, self.plan_edit, self.city_edit):
            if form.indexOf(unused) < 0:
                unused.hide()
        self.pdf_button = QPushButton(self.tr("&Visualizar PDF"), self)
        self.pdf_button.setObjectName("reportPdfButton")
        self.pdf_button.setDefault(True)
        self.csv_button = QPushButton(self.tr("Exportar &CSV…"), self)
        self.csv_button.setObjectName("reportCsvButton")
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("&Fechar"))
        buttons.rejected.connect(self.reject)
        self.pdf_button.clicked.connect(lambda: self._run("pdf"))
        self.csv_button.clicked.connect(lambda: self._run("csv"))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("reportError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())
        self.worker: Any = None
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def period(self) -> tuple[date | None, date | None]:
        """The chosen period (None, None when not filtering)."""
        if not self.use_period.isChecked():
            return None, None
        return _py_date(self.date_from), _py_date(self.date_to)

    def builder(self) -> Callable[[], report_service.Report]:
        """A function that reads the report with the options chosen now (safe to run in a worker thread)."""
        date_from, date_to = self.period()
        uow = self.context.uow()
        status = self.status_combo.currentData()
        if self.kind == "contracts":
            f = ContractFilter(statuses=(status,) if status else (), plan_code=self.plan_edit.text().strip() or None,
                               city=self.city_edit.text().strip() or None, activated_from=date_from,
                               activated_to=date_to)
            return lambda: report_service.contracts_report(uow, f)
        if self.kind == "cancellations":
            return lambda: report_service.cancellations_report(uow, date_from, date_to)
        return lambda: report_service.charges_report(uow, date_from, date_to, status)

    def _run(self, fmt: str) -> None:
        from ispdesk.ui.workers import run_in_background

        target: Path | None = None
        if fmt == "csv":
            name = save_file_name(self, self.tr("Exportar CSV"), f"relatorio-{self.kind}.csv",
                                  self.tr("Planilhas CSV (*.csv)"))
            if not name:
                return
            target = Path(name)
        self.error_label.clear()
        self.error_label.setStyleSheet("color: #b00020;")
        build = self.builder()
        reading, drawing = self.tr("Lendo os dados…"), self.tr("Desenhando o PDF…")
        pages = self.tr("Desenhando o PDF: página {done} de cerca de {total}…")

        def job(progress: Any) -> tuple[report_service.Report, bytes | int]:
            progress.report(0, 0, reading)
            report = build()
            if target is not None:
                return report, report_service.write_report(report, target, "csv")
            progress.report(0, 0, drawing)

            def page(done: int, total: int) -> None:
                progress.report(done, total, pages.format(done=done, total=total))

            return report, report_service.report_pdf_bytes(report, page)

        self.worker = run_in_background(self, self.windowTitle(), job, lambda r: self._done(r, target),
                                        self.error_label.setText)

    def _done(self, result: tuple[report_service.Report, bytes | int], target: Path | None) -> None:
        from ispdesk.ui.dialogs.pdf_preview import PdfPreviewDialog

        report, payload = result
        if target is not None:
            self.error_label.setStyleSheet("color: #0b6e4f;")
            self.error_label.setText(self.tr("{n} em {path}.").format(
                n=plural(int(payload), self.tr("linha gravada"), self.tr("linhas gravadas")), path=target))
            return
        assert isinstance(payload, bytes)
        preview = PdfPreviewDialog(self, payload, report.title, f"relatorio-{self.kind}.pdf")
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.open()
        self.preview = preview

