"""Documents area over real services: actions, the Documentos panel, batch generation, reports."""

from __future__ import annotations

import os
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select

from ispdesk.db.models import Contract, ContractDocument
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from tests.factories import make_charge, make_contract

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin, real_company):
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _pre_contracts(uow, n=1):
    with uow() as u:
        ids = [make_contract(u.session, activated_on=None).id for _ in range(n)]
        u.commit()
    return ids


class Answers:
    """Accepts the modal dialogs as they open (after letting `prepare` fill them); records message boxes."""

    def __init__(self, prepare=None):
        self.prepare = prepare
        self.seen = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self):
        widget = QApplication.activeModalWidget()
        if widget is None or widget.objectName() == "progressDialog":
            return
        if isinstance(widget, QMessageBox):
            self.seen.append(widget.text() + "\n" + widget.informativeText())
            widget.button(QMessageBox.StandardButton.Ok).click()
            return
        self.seen.append(widget.objectName())
        if self.prepare is not None:
            self.prepare(widget)
        widget.accept()

    def stop(self):
        self.timer.stop()


def test_registered_actions_panel_and_menus():
    load_all()
    names = {a.object_name for a in registry.CONTRACT_ACTIONS}
    assert {"actionPrintContract", "actionPrintLoyaltyTerm", "actionGenerateContracts", "actionMarkSigned"} <= names
    assert "documentsPanel" in {p.object_name for p in registry.CONTRACT_PANELS}
    menus = {a.object_name: a.menu for a in registry.MENU_ACTIONS}
    assert menus["actionContractTemplates"] == ("Cadastros",)
    assert menus["actionReportContracts"] == ("Relatórios",)


def test_print_action_opens_preview_and_printing_records_sent(qtbot, context, parent, uow, tmp_path):
    from ispdesk.ui.areas.documents import print_contract

    (cid,) = _pre_contracts(uow)
    dialog = print_contract(parent, context, cid)
    assert dialog is not None and dialog.objectName() == "pdfPreview"
    assert dialog.page_count() >= 3
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p.pdf"))
    with qtbot.waitSignal(context.events.changed, timeout=5000):
        assert dialog.print_with(printer)
    with uow() as u:
        assert u.session.get(Contract, cid).sent_for_signature_at is not None
    dialog.close()


def test_documents_panel_lists_documents(qtbot, context, uow, qtmodeltester):
    from ispdesk.services.documents import generate_contract_pdf
    from ispdesk.ui.dialogs.documents_dialogs import DocumentsPanel

    (cid,) = _pre_contracts(uow)
    generate_contract_pdf(uow(), cid, mark_sent=True)
    generate_contract_pdf(uow(), cid, template_code="termo_fidelidade")
    panel = DocumentsPanel(context, cid)
    qtbot.addWidget(panel)
    panel.resize(900, 320)
    panel.show()
    qtbot.waitExposed(panel)
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 2
    assert {panel.model.row_at(i).template_code for i in range(2)} == {"contrato_padrao", "termo_fidelidade"}
    assert "Enviado para assinatura em" in panel.status_label.text()
    if SHOTS:
        panel.grab().save(os.path.join(SHOTS, "documents_panel.png"))


def test_batch_generation_in_background(qtbot, context, parent, uow, tmp_path):
    from ispdesk.ui.areas.documents import generate_batch_action

    ids = _pre_contracts(uow, 3)
    folder = tmp_path / "lote"
    folder.mkdir()

    def prepare(dialog):
        dialog.folder_edit.setText(str(folder))

    answers = Answers(prepare)
    try:
        assert generate_batch_action(parent, context, ids) is True
        worker = parent._documents_worker
        qtbot.waitUntil(lambda: any("gravado" in s for s in answers.seen), timeout=30000)
    finally:
        answers.stop()
    assert worker is not None
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 3 and all(f.startswith("contrato-") for f in files)
    assert "CONTRATO DE PRESTAÇÃO" in PdfReader(folder / files[0]).pages[0].extract_text()
    with uow() as u:
        assert len(u.session.scalars(select(ContractDocument)).all()) == 3
        assert all(u.session.get(Contract, i).sent_for_signature_at for i in ids)


def test_batch_cancelled_stops(context, uow, tmp_path):
    from ispdesk.ui.areas.documents import generate_batch

    ids = _pre_contracts(uow, 3)

    class Cancelled:
        cancelled = True

        def report(self, *_):
            pass

    result = generate_batch(context, ids, tmp_path, "contrato_padrao", False, Cancelled())
    assert result.cancelled and result.written == []


def test_mark_signed_action(qtbot, context, parent, uow, clock):
    from ispdesk.ui.areas.documents import mark_signed_action

    ids = _pre_contracts(uow, 1)
    with uow() as u:
        active = make_contract(u.session).id
        u.commit()

    def prepare(dialog):
        from PySide6.QtCore import QDate

        dialog.date_edit.setDate(QDate(2026, 11, 20))

    answers = Answers(prepare)
    try:
        assert mark_signed_action(parent, context, [*ids, active]) is True
    finally:
        answers.stop()
    assert any("1 contrato ativado, 1 recusado" in s for s in answers.seen)
    with uow() as u:
        contract = u.session.get(Contract, ids[0])
        assert contract.status == "ativo" and contract.activated_on == date(2026, 11, 20)


def test_report_dialog_pdf_preview_and_csv(qtbot, context, uow, tmp_path, monkeypatch):
    from ispdesk.ui.dialogs.documents_dialogs import ReportDialog

    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 11, 10))
        u.commit()
    dialog = ReportDialog(context, "charges")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.period() == (date(2026, 11, 1), date(2026, 11, 27))
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "report_dialog.png"))
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: getattr(dialog, "preview", None) is not None, timeout=30000)
    assert dialog.preview.page_count() == 1
    dialog.preview.close()
    target = tmp_path / "cobrancas.csv"
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.csv_button.click()
    qtbot.waitUntil(lambda: "gravada" in dialog.error_label.text(), timeout=30000)
    assert target.read_text(encoding="utf-8-sig").count("\n") == 2


def test_batch_with_the_example_company_says_it_once_and_stops(factory, admin, uow, tmp_path):
    from ispdesk.ui.areas.documents import generate_batch

    ids = _pre_contracts(uow, 3)

    class Going:
        cancelled = False

        def report(self, *_):
            pass

    example = AppContext(factory=factory, actor=admin, events=DataEvents())  # no real_company here
    result = generate_batch(example, ids, tmp_path, "contrato_padrao", False, Going())
    assert result.written == [] and len(result.refused) == 1
    assert "Configurações › Parâmetros › Empresa" in result.refused[0]


def test_contracts_report_pdf_shows_a_determinate_progress_per_page(qtbot, context, uow):
    from ispdesk.ui.dialogs.documents_dialogs import ReportDialog

    with uow() as u:
        for _ in range(120):
            make_contract(u.session)
        u.commit()
    dialog = ReportDialog(context, "contracts")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    seen: list[tuple[int, int, str]] = []
    dialog.pdf_button.click()
    dialog.worker.signals.progress.connect(lambda done, total, text: seen.append((done, total, text)))
    qtbot.waitUntil(lambda: getattr(dialog, "preview", None) is not None, timeout=30000)
    pages = dialog.preview.page_count()
    dialog.preview.close()
    paged = [(d, t) for d, t, text in seen if t > 0]
    assert pages > 1 and paged and paged[-1] == (pages, pages)
    assert any("página 1 de cerca de" in text for _, _, text in seen)
