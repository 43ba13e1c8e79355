"""Shared input widgets with Brazilian masks; each exposes ``value()`` / ``set_value()`` with domain types.

- `DocumentEdit`: CPF (``529.982.247-25``) or CNPJ (``12.ABC.345/01DE-35``, alphanumeric since 2026),
  the mask switching by length, upper-case; value = the unmasked text.
- `PhoneEdit`: ``(11) 98765-4321`` / ``(11) 3456-7890``; value = the digits.
- `CepEdit`: ``01310-100``; value = the digits.
- `DateEdit`: ``dd/mm/aaaa`` typed or picked from a calendar, may be empty; value = `date` | None.
- `MoneyEdit`: ``1.234,56`` in pt_BR; value = `Decimal` (never float) | None.
- `FieldWithError`: a field with a red border and a Portuguese message under it.

The masks are applied as the user types (the cursor stays after the same character), so pasting
``529.982.247-25``, ``52998224725`` or ``12abc34501de35`` all work.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_number, parse_money
from ispdesk.domain.text import digits


def _group(raw: str, sizes: tuple[int, ...], seps: tuple[str, ...]) -> str:
    """Join the leading chunks of `raw` (sizes) with the separators placed before chunks 2..n."""
    out: list[str] = []
    pos = 0
    for i, size in enumerate(sizes):
        if pos >= len(raw):
            break
        if i:
            out.append(seps[i - 1])
        out.append(raw[pos : pos + size])
        pos += size
    return "".join(out)


def format_document_progressive(raw: str) -> str:
    """Mask a partial CPF/CNPJ: up to 11 digits as CPF, else (or with letters) as CNPJ."""
    if len(raw) <= 11 and raw.isdigit():
        return _group(raw, (3, 3, 3, 2), (".", ".", "-"))
    return _group(raw, (2, 3, 3, 4, 2), (".", ".", "/", "-"))


def format_phone_progressive(raw: str) -> str:
    """Mask a partial phone: ``(11) 3456-7890`` while ≤ 10 digits, ``(11) 98765-4321`` at 11."""
    if not raw:
        return ""
    if len(raw) <= 2:
        return f"({raw}"
    ddd, rest = raw[:2], raw[2:]
    split = 5 if len(raw) == 11 else 4
    if len(rest) <= split:
        return f"({ddd}) {rest}"
    return f"({ddd}) {rest[:split]}-{rest[split:]}"


def format_cep_progressive(raw: str) -> str:
    """Mask a partial CEP: ``01310-100``."""
    return _group(raw, (5, 3), ("-",))


def format_date_progressive(raw: str) -> str:
    """Mask a partial date typed as digits: ``27112026`` → ``27/11/2026``."""
    return _group(raw, (2, 2, 4), ("/", "/"))


class MaskedLineEdit(QLineEdit):
    """A line edit that keeps only the meaningful characters and re-applies a mask as you type.

    Subclasses set `MAX_RAW` and override `_raw()` / `_format()`.

    Signals:
        valueChanged(): the raw value changed (typing, paste, `set_value`).
    """

    valueChanged = Signal()
    MAX_RAW = 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._formatting = False
        self.textChanged.connect(self._reformat)

    # subclass hooks ----------------------------------------------------------------------------
    def _raw(self, text: str) -> str:
        return digits(text)

    def _format(self, raw: str) -> str:
        return raw

    # behaviour ---------------------------------------------------------------------------------
    def _reformat(self, text: str) -> None:
        if self._formatting:
            return
        raw = self._raw(text)
        if self.MAX_RAW:
            raw = raw[: self.MAX_RAW]
        formatted = self._format(raw)
        if formatted != text:
            # keep the cursor after the same number of meaningful characters
            before = len(self._raw(text[: self.cursorPosition()]))
            self._formatting = True
            try:
                self.setText(formatted)
            finally:
                self._formatting = False
            pos = 0
            seen = 0
            while pos < len(formatted) and seen < before:
                if self._raw(formatted[pos]):
                    seen += 1
                pos += 1
            self.setCursorPosition(pos)
        self.valueChanged.emit()

    def raw_text(self) -> str:
        """The text without the mask."""
        return self._raw(self.text())[: self.MAX_RAW or None]

    def value(self) -> str:
        """The unmasked value (``""`` when empty)."""
        return self.raw_text()

    def set_value(self, value: str | None) -> None:
        """Show `value` (masked or not)."""
        self.setText(self._format(self._raw(value or "")[: self.MAX_RAW or None]))


class DocumentEdit(MaskedLineEdit):
    """CPF/CNPJ: the mask follows the length; letters allowed (alphanumeric CNPJ), shown upper-case.

    ``value()`` is the unmasked upper-case document (``52998224725``, ``12ABC34501DE35``).
    """

    MAX_RAW = 14
    _NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("000.000.000-00 ou 00.000.000/0000-00"))

    def _raw(self, text: str) -> str:
        return self._NOT_ALNUM.sub("", text).upper()

    def _format(self, raw: str) -> str:
        return format_document_progressive(raw)


class PhoneEdit(MaskedLineEdit):
    """Brazilian phone with DDD: ``(11) 98765-4321`` (mobile) or ``(11) 3456-7890`` (landline).

    ``value()`` is the digits.
    """

    MAX_RAW = 11

    def __init__(self, parent: QWidget | None = None, mobile: bool = False) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("(00) 90000-0000") if mobile else self.tr("(00) 0000-0000"))

    def _format(self, raw: str) -> str:
        return format_phone_progressive(raw)


class CepEdit(MaskedLineEdit):
    """CEP ``01310-100``; ``value()`` is the 8 digits."""

    MAX_RAW = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("00000-000")

    def _format(self, raw: str) -> str:
        return format_cep_progressive(raw)


class _DateLine(MaskedLineEdit):
    MAX_RAW = 8

    def _format(self, raw: str) -> str:
        return format_date_progressive(raw)


class DateEdit(QWidget):
    """A date typed as dd/mm/aaaa (digits only; slashes added) or picked in a calendar; may be empty.

    ``value()`` is a `date` or None (empty); `error()` says what is wrong with incomplete text.

    Signals:
        valueChanged(): the text changed.
        editingFinished(): the line edit lost focus or Enter was pressed.
    """

    valueChanged = Signal()
    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = _DateLine(self)
        self.line.setPlaceholderText(self.tr("dd/mm/aaaa"))
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip(self.tr("Escolher no calendário"))
        self.button.setAccessibleName(self.tr("Abrir calendário"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
        self.calendar.setGridVisible(True)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.line.valueChanged.connect(self.valueChanged)
        self.line.editingFinished.connect(self.editingFinished)
        self.line.setMaximumWidth(110)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def _sync_calendar(self) -> None:
        current = self._parsed()
        day = current or date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, qdate: QDate) -> None:
        self.set_value(date(qdate.year(), qdate.month(), qdate.day()))
        menu = self.button.menu()
        if menu is not None:
            menu.hide()
        self.editingFinished.emit()

    def _parsed(self) -> date | None:
        try:
            return self.value()
        except BusinessRuleError:
            return None

    def text(self) -> str:
        """The text as shown (``dd/mm/aaaa``)."""
        return self.line.text()

    def value(self) -> date | None:
        """The date, or None when empty.

        Raises:
            BusinessRuleError: incomplete or impossible date (message in Portuguese).
        """
        text = self.line.text().strip()
        if not text:
            return None
        return parse_date(text, allow_iso=False)

    def error(self) -> str:
        """Empty when the text is empty or a valid date; else the Portuguese message."""
        try:
            self.value()
        except BusinessRuleError as exc:
            return exc.message
        return ""

    def set_value(self, value: date | None) -> None:
        """Show `value` (None clears)."""
        self.line.set_value(format_date(value) if value else "")


class MoneyEdit(QLineEdit):
    """An amount in pt_BR (``1.234,56``); ``value()`` is a `Decimal` rounded to centavos, never float.

    Signals:
        valueChanged(): the text changed.
    """

    valueChanged = Signal()
    _ALLOWED = re.compile(r"[^0-9,.\-]")

    def __init__(self, parent: QWidget | None = None, allow_empty: bool = False) -> None:
        super().__init__(parent)
        self.allow_empty = allow_empty
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0,00")
        self.textChanged.connect(self._filter)
        self.editingFinished.connect(self._tidy)

    def _filter(self, text: str) -> None:
        cleaned = self._ALLOWED.sub("", text.replace("R$", ""))
        if cleaned != text:
            pos = self.cursorPosition()
            self.setText(cleaned)
            self.setCursorPosition(min(pos, len(cleaned)))
            return
        self.valueChanged.emit()

    def _tidy(self) -> None:
        try:
            value = self.value()
        except BusinessRuleError:
            return
        if value is not None:
            self.set_value(value)

    def value(self) -> Decimal | None:
        """The amount, or None when empty and `allow_empty` (else empty is zero).

        Raises:
            BusinessRuleError: the text is not an amount.
        """
        text = self.text().strip()
        if not text:
            return None if self.allow_empty else Decimal("0.00")
        return parse_money(text)

    def error(self) -> str:
        """Empty when valid, else the Portuguese message."""
        try:
            self.value()
        except BusinessRuleError as exc:
            return exc.message
        return ""

    def set_value(self, value: Decimal | None) -> None:
        """Show `value` as ``1.234,56`` (None clears)."""
        if isinstance(value, float):  # pragma: no cover - defensive
            raise TypeError("money must never be a float")
        self.setText("" if value is None else format_number(Decimal(value)))


class _MessageLabel(QLabel):
    """One line of message: the whole text when it fits, else painted cut with “…” (whole in the tooltip).

    ``text()`` is always the whole message; only the painting is cut, so the layout never grows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = ""

    def set_message(self, message: str) -> None:
        self.message = message
        self.setText(message)
        self.setAccessibleDescription(message)
        self._fit()

    def _shown(self) -> str:
        return self.fontMetrics().elidedText(self.message, Qt.TextElideMode.ElideRight, max(self.width(), 1))

    def _fit(self) -> None:
        self.setToolTip(self.message if self._shown() != self.message else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment().value), self.palette(),
                                  self.isEnabled(), self._shown(), QPalette.ColorRole.WindowText)
        painter.end()


class FieldWithError(QWidget):
    """Wraps a field with a message label under it; `set_error()` shows it with a red border.

    The label's objectName is ``<field objectName>Error`` so tests and screen readers find it.

    Attributes:
        field: the wrapped input widget.
        label: the message label (hidden when there is no error).
    """

    ERROR_STYLE = "color: #b00020;"
    #: Lines of message room kept under each field; a longer message ends in “…” and shows whole in its tooltip.
    RESERVED_LINES = 1

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.label = _MessageLabel(self)
        self.label.setStyleSheet(self.ERROR_STYLE)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The message room is always there (hidden, not removed): showing a message never moves a field.
        policy = self.label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.label.setSizePolicy(policy)
        self.label.setFixedHeight(self.label.fontMetrics().lineSpacing() * self.RESERVED_LINES + 2)
        self.label.hide()
        if field.objectName():
            self.label.setObjectName(field.objectName() + "Error")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(field)
        layout.addWidget(self.label)
        self.setFocusProxy(field)
        target = self._styled()
        if isinstance(target, QLineEdit):  # the red border must not change the field's height
            target.setMinimumHeight(target.sizeHint().height())

    def _styled(self) -> QWidget:
        if isinstance(self.field, DateEdit):
            return self.field.line
        return self.field

    def set_error(self, message: str | None) -> None:
        """Show `message` under the field with a red border; None/empty clears it."""
        target = self._styled()
        if message:
            self.label.set_message(message)
            self.label.show()
            if isinstance(target, QLineEdit):  # spin boxes and combos keep their native frame
                target.setStyleSheet("QLineEdit { border: 1px solid #b00020; border-radius: 2px; padding: 1px; }")
            target.setProperty("hasError", True)
            target.setAccessibleDescription(message)
        else:
            self.label.set_message("")
            self.label.hide()
            if isinstance(target, QLineEdit):
                target.setStyleSheet("")
            target.setProperty("hasError", False)
            target.setAccessibleDescription("")

    def error(self) -> str:
        """The message shown, or ``""``."""
        return self.label.message if self.label.isVisibleTo(self) else ""
