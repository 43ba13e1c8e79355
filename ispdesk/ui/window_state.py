"""Windows fit the screen and remember their size, position and maximised state (QSettings).

`remember_geometry(widget)` (called at the end of the window's ``__init__``) makes a window or dialog
reopen as the user left it: the stored geometry is restored when it is first shown and saved when it
is hidden or closed, in ``janelas.ini`` next to the settings (``ISPDESK_CONFIG_DIR`` moves it). A
saved geometry that no longer fits the screen (a smaller monitor) is shrunk to fit.
`fit_to_screen()` keeps every window within the screen and within 1366×768 minus the taskbar
(`BUDGET`), the most common office screen.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSettings, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

from ispdesk.config import settings_path

#: the Qt property that marks a window whose geometry is kept
_KEPT = "ispdeskGeometryKept"

#: 1366×768 minus a 40-pixel taskbar: no window or dialog may need more
BUDGET = QSize(1366, 728)


def ui_settings() -> QSettings:
    """The window-state settings file (INI, next to ``settings.json``)."""
    path = settings_path().parent / "janelas.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def screen_of(widget: QWidget | None = None) -> QScreen | None:
    """The screen `widget` lies on (the primary one when none), never through ``QWidget.screen()``.

    With PySide6 6.11 the QScreen wrapper returned by ``widget.screen()`` becomes a child of the widget;
    when the widget goes (its wrapper collected, an app event filter running meanwhile) the wrapper is
    handed to Python, whose garbage collector then *deletes the application's screen*: every later
    window crashes (SIGSEGV in ``QScreen::virtualSiblings`` / ``QCursor::pos``). Call this instead.
    """
    screen = QApplication.screenAt(widget.geometry().center()) if widget is not None else None
    return screen or QApplication.primaryScreen()


def available(widget: QWidget | None = None) -> QRect:
    """Where a window may lie: the screen's available area, never more than `BUDGET`."""
    screen = screen_of(widget)
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, BUDGET.width(), BUDGET.height())
    return QRect(area.topLeft(), area.size().boundedTo(BUDGET))


def fit_to_screen(widget: QWidget, wanted: QSize | None = None) -> None:
    """Resize `widget` to `wanted` (default: its size) bounded by the screen and `BUDGET`."""
    size = (wanted or widget.size()).boundedTo(available(widget).size())
    widget.resize(size.expandedTo(widget.minimumSizeHint().boundedTo(size)))


def _key(widget: QWidget, key: str | None) -> str:
    return key or widget.objectName() or type(widget).__name__


def save_geometry(widget: QWidget, key: str | None = None) -> None:
    """Store `widget`'s geometry (size, position, maximised state)."""
    settings = ui_settings()
    settings.setValue(f"{_key(widget, key)}/geometry", widget.saveGeometry())
    settings.sync()


def restore_geometry(widget: QWidget, key: str | None = None) -> bool:
    """Restore `widget`'s stored geometry clamped to the available screen; False when none was stored."""
    value = ui_settings().value(f"{_key(widget, key)}/geometry")
    if not isinstance(value, QByteArray | bytes) or not value:
        return False
    if not widget.restoreGeometry(QByteArray(value)):
        return False
    clamp_to_screen(widget)
    return True


def clamp_to_screen(widget: QWidget) -> None:
    """Shrink `widget` to the available screen (and `BUDGET`) and move it wholly onto it."""
    area = available(widget)
    if widget.width() > area.width() or widget.height() > area.height():
        fit_to_screen(widget)
    if widget.isMaximized() or widget.isFullScreen():
        return
    frame = widget.frameGeometry()
    left = min(max(frame.left(), area.left()), max(area.left(), area.right() - frame.width() + 1))
    top = min(max(frame.top(), area.top()), max(area.top(), area.bottom() - frame.height() + 1))
    if (left, top) != (frame.left(), frame.top()):
        widget.move(widget.pos() + QPoint(left - frame.left(), top - frame.top()))


class GeometryKeeper(QObject):
    """Event filter on one window: restores its geometry when first shown, saves it on hide/close."""

    def __init__(self, widget: QWidget, key: str | None = None) -> None:
        super().__init__(widget)
        self.widget = widget
        self.key = key
        self.restored = False
        widget.setProperty(_KEPT, True)
        widget.installEventFilter(self)

    def first_show(self) -> None:
        """Put the window where it was left (or fit it to the screen when nothing was stored)."""
        self.restored = True
        if not restore_geometry(self.widget, self.key):
            fit_to_screen(self.widget)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Restore at the first show, save when the window is hidden or closed."""
        widget: QWidget | None = getattr(self, "widget", None)  # an event may arrive while it is being built
        if widget is not None and watched is widget and widget.isWindow():
            kind = event.type()
            if kind == QEvent.Type.Show and not self.restored:
                self.first_show()
            elif kind in (QEvent.Type.Hide, QEvent.Type.Close) and self.restored:
                save_geometry(self.widget, self.key)
        return False


def remember_geometry(widget: QWidget, key: str | None = None) -> GeometryKeeper:
    """Make `widget` reopen with the size and position (and maximised state) it was left in.

    Call it at the end of the window's ``__init__``: the size asked for is bounded by the screen
    now; the stored geometry is restored when the window is first shown and saved when it closes.
    """
    fit_to_screen(widget)
    return GeometryKeeper(widget, key)
