"""PDF preview (QtPdf) with print (QPrintDialog) and save-as; used for contracts and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.file_dialogs import save_file_name
from ispdesk.ui.window_state import fit_to_screen

#: Print resolution (dpi) used to rasterise pages for the printer.
PRINT_DPI = 300


class PdfPreviewDialog(RememberingDialog):
    """Shows a PDF, prints it and saves a copy.

    Attributes:
        document: the loaded `QPdfDocument`.
        view: the `QPdfView` (objectName ``pdfView``).
        pdf_bytes: the PDF shown.
    """

    def __init__(
        self,
        parent: QWidget | None,
        pdf_bytes: bytes,
        title: str,
        suggested_name: str = "documento.pdf",
        on_printed: Callable[[], None] | None = None,
    ) -> None:
        """Open the preview.

        Args:
            pdf_bytes: the PDF to show.
            title: window title.
            suggested_name: file name offered by "Salvar como…".
            on_printed: called once after each successful print (e.g. records "sent for signature").
        """
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.pdf_bytes = pdf_bytes
        self._suggested = suggested_name
        self._on_printed = on_printed
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf_bytes))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName(self.tr("Páginas do documento"))
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.zoom = QComboBox(self)
        self.zoom.setObjectName("pdfZoom")
        self.zoom.setAccessibleName(self.tr("Zoom"))
        for label, data in ((self.tr("Ajustar à largura"), "width"), (self.tr("Página inteira"), "page"),
                            ("50 %", 0.5), ("75 %", 0.75), ("100 %", 1.0), ("150 %", 1.5)):
            self.zoom.addItem(label, data)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)
        self.pages_label = QLabel(self)
        self.pages_label.setObjectName("pdfPages")
        self.view.pageNavigator().currentPageChanged.connect(self._update_pages)
        self._update_pages()

        self.print_button = QPushButton(self.tr("&Imprimir…"), self)
        self.print_button.setObjectName("pdfPrintButton")
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button = QPushButton(self.tr("&Salvar como…"), self)
        self.save_button.setObjectName("pdfSaveButton")
        self.save_button.clicked.connect(self.save_dialog)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_dialog)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_dialog)

        bar = QHBoxLayout()
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addStretch(1)
        bar.addWidget(QLabel(self.tr("Zoom:"), self))
        bar.addWidget(self.zoom)
        bar.addWidget(self.pages_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("pdfButtons")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Fechar"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        screen = QGuiApplication.primaryScreen()
        height = int(screen.availableGeometry().height() * 0.85) if screen else 900
        self.resize(860, max(600, height))
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # --- pages and zoom --------------------------------------------------------------------
    def page_count(self) -> int:
        """Number of pages of the loaded document."""
        return self.document.pageCount()

    def _update_pages(self) -> None:
        current = self.view.pageNavigator().currentPage() + 1
        self.pages_label.setText(self.tr("página {n} de {total}").format(n=current, total=self.page_count()))

    def _zoom_changed(self) -> None:
        data = self.zoom.currentData()
        if data == "width":
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif data == "page":
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(data))

    # --- print -----------------------------------------------------------------------------
    def print_to(self, printer: QPrinter) -> int:
        """Print every page (or the printer's page range) on `printer`; return the pages printed."""
        total = self.page_count()
        first, last = 1, total
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = max(1, printer.fromPage()), min(total, printer.toPage() or total)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(self.tr("A impressora não pôde ser aberta."))
        printed = 0
        try:
            for number in range(first, last + 1):
                if printed:
                    printer.newPage()
                index = number - 1
                size_pt = self.document.pagePointSize(index)
                target = painter.viewport()
                scale = min(target.width() / size_pt.width(), target.height() / size_pt.height())
                pixels = QSize(int(size_pt.width() / 72 * PRINT_DPI), int(size_pt.height() / 72 * PRINT_DPI))
                image = self.document.render(index, pixels)
                painter.save()
                painter.scale(scale * 72 / PRINT_DPI, scale * 72 / PRINT_DPI)
                painter.drawImage(QPointF(0, 0), image)
                painter.restore()
                printed += 1
        finally:
            painter.end()
        return printed

    def print_dialog(self) -> bool:
        """Ask for the printer (QPrintDialog) and print; True when printed."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("pdfPrintDialog")
        dialog.setWindowTitle(self.tr("Imprimir"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_with(printer)

    def print_with(self, printer: QPrinter) -> bool:
        """Print on an already configured printer, then run the `on_printed` callback."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.print_to(printer)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(self, self.tr("Imprimir"), str(exc))
            return False
        QGuiApplication.restoreOverrideCursor()
        if self._on_printed is not None:
            self._on_printed()
        return True

    # --- save ------------------------------------------------------------------------------
    def save_to(self, path: str | Path) -> Path:
        """Write the PDF to `path` (``.pdf`` added when missing)."""
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        write_bytes_atomic(target, self.pdf_bytes)
        return target

    def save_dialog(self) -> Path | None:
        """Ask where to save (QFileDialog) and write the file."""
        path = save_file_name(self, self.tr("Salvar PDF"), self._suggested, self.tr("Documentos PDF (*.pdf)"))
        if not path:
            return None
        try:
            return self.save_to(path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Salvar PDF"), self.tr(
                "Não foi possível gravar {path}: {error}. Escolha outra pasta.").format(
                    path=path, error=exc.strerror or exc))
            return None
