"""The PDF preview: opens a real contract PDF, prints it (to a PDF printer) and saves a copy."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from ispdesk.services.templates import preview_pdf
from ispdesk.ui.dialogs.pdf_preview import PdfPreviewDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture(scope="module")
def contract_pdf() -> bytes:
    from ispdesk.reports.assets import resource_path

    return preview_pdf(resource_path("templates", "contrato_padrao.txt").read_text(encoding="utf-8"), "contrato", 1)


def test_preview_shows_pages_prints_and_saves(qtbot, contract_pdf, tmp_path):
    printed = []
    dialog = PdfPreviewDialog(None, contract_pdf, "Contrato nº 5123", "contrato-5123.pdf",
                              on_printed=lambda: printed.append(True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.objectName() == "pdfPreview"
    pages = len(PdfReader(io.BytesIO(contract_pdf)).pages)
    assert dialog.page_count() == pages
    assert dialog.pages_label.text() == f"página 1 de {pages}"
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "pdf_preview.png"))

    dialog.zoom.setCurrentIndex(dialog.zoom.findData(1.0))
    assert dialog.view.zoomFactor() == 1.0

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "impresso.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_with(printer) is True
    assert printed == [True]
    assert len(PdfReader(out).pages) == pages

    saved = dialog.save_to(tmp_path / "copia")
    assert saved.name == "copia.pdf" and saved.read_bytes() == contract_pdf


def test_print_page_range(qtbot, contract_pdf, tmp_path):
    dialog = PdfPreviewDialog(None, contract_pdf, "Contrato", "c.pdf")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert dialog.print_to(printer) == 2
    assert len(PdfReader(tmp_path / "p.pdf").pages) == 2
