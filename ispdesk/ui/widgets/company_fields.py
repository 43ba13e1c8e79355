"""Widgets for the provider's data: the UF list and the logo picker (first run and Parâmetros › Empresa)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ispdesk.domain.contact import UFS
from ispdesk.ui.file_dialogs import open_file_name

UF_LIST: list[str] = sorted(UFS)
LOGO_MAX = (600, 240)  # pixels; larger images are scaled down before they are stored


def uf_combo(parent: QWidget) -> QComboBox:
    """A combo with an empty choice and the 27 UFs (typing a letter jumps to it)."""
    combo = QComboBox(parent)
    combo.addItem("", "")
    for uf in UF_LIST:
        combo.addItem(uf, uf)
    combo.setMaximumWidth(90)
    return combo


def image_to_png(path: str) -> bytes | None:
    """The image file at `path` as PNG bytes, scaled down to `LOGO_MAX`; None when it is not an image."""
    image = QImage(path)
    if image.isNull():
        return None
    if image.width() > LOGO_MAX[0] or image.height() > LOGO_MAX[1]:
        image = image.scaled(*LOGO_MAX, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


class LogoField(QWidget):
    """Preview + "Escolher…" + "Remover" for the logo printed on contracts.

    objectNames: ``companyLogoPreview``, ``companyLogoChoose``, ``companyLogoRemove``, ``companyLogoError``.

    Signals:
        changed: the logo was chosen or removed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.png: bytes | None = None
        self.touched = False
        self.preview = QLabel(self)
        self.preview.setObjectName("companyLogoPreview")
        self.preview.setFixedSize(150, 60)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid palette(mid);")
        self.choose = QPushButton(self.tr("&Escolher imagem…"), self)
        self.choose.setObjectName("companyLogoChoose")
        self.choose.setToolTip(self.tr("PNG ou JPEG; imagens grandes são reduzidas para 600 × 240 pixels."))
        self.remove = QPushButton(self.tr("Remo&ver"), self)
        self.remove.setObjectName("companyLogoRemove")
        self.error = QLabel(self)
        self.error.setObjectName("companyLogoError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addWidget(self.choose)
        layout.addWidget(self.remove)
        layout.addWidget(self.error, 1)
        self.choose.clicked.connect(self._choose)
        self.remove.clicked.connect(lambda: self.set_png(None, touched=True))
        self.set_png(None)

    def set_png(self, png: bytes | None, touched: bool = False) -> None:
        """Show `png` (None: no logo; the contracts print the default one)."""
        self.png = png
        self.touched = self.touched or touched
        self.error.setText("")
        pixmap = QPixmap()
        if png and pixmap.loadFromData(png):
            self.preview.setPixmap(pixmap.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("sem logotipo"))
        self.remove.setEnabled(png is not None)
        if touched:
            self.changed.emit()

    def load_file(self, path: str) -> bool:
        """Take the image at `path`; False (with the reason shown) when it is not an image."""
        png = image_to_png(path)
        if png is None:
            self.error.setText(self.tr("O arquivo escolhido não é uma imagem PNG ou JPEG. Escolha outro."))
            return False
        self.set_png(png, touched=True)
        return True

    def _choose(self) -> None:
        path = open_file_name(self, self.tr("Logotipo da empresa"), self.tr("Imagens (*.png *.jpg *.jpeg)"))
        if path:
            self.load_file(path)
