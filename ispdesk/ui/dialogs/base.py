"""The base of every dialog and wizard of the app: it reopens with the size and position it was left in.

`RememberingDialog` (``QDialog``) and `RememberingWizard` (``QWizard``) do it with their own virtual
methods, never with an event filter (a Python event filter per dialog made PySide6 6.11 crash in the
background PDF batch): ``showEvent`` restores the geometry stored in ``janelas.ini`` once, at the first
show, clamped to the available screen (or fits the dialog to the screen when nothing was stored);
``done()``, ``closeEvent`` and ``hideEvent`` store it again. The key is the dialog's ``objectName``
(the class name when it has none), so each dialog has its own memory. `tests/ui/test_dialog_memory.py`
checks every dialog class under ``ispdesk.ui`` inherits one of them.
"""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QWidget, QWizard

from ispdesk.ui import window_state


class GeometryMemory:
    """What the two base classes share: restore once at the first show, save when the dialog goes."""

    def __init__(self) -> None:
        self.geometry_restored = False

    def first_show(self, widget: QWidget) -> None:
        """At the first show: the stored geometry (clamped to the screen), or the size fitted to it."""
        if self.geometry_restored or not widget.isWindow():
            return
        self.geometry_restored = True
        if not window_state.restore_geometry(widget):
            window_state.fit_to_screen(widget)
            window_state.clamp_to_screen(widget)

    def keep(self, widget: QWidget) -> None:
        """Store the geometry of a dialog that was shown (one never shown keeps the stored one)."""
        if self.geometry_restored and widget.isWindow():
            window_state.save_geometry(widget)


class RememberingDialog(QDialog):
    """A ``QDialog`` that reopens with the size and position it was left in (``janelas.ini``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._geometry_memory = GeometryMemory()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.first_show(self)
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._geometry_memory.keep(self)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.keep(self)
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.keep(self)
        super().hideEvent(event)


class RememberingWizard(QWizard):
    """A ``QWizard`` that reopens with the size and position it was left in (``janelas.ini``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._geometry_memory = GeometryMemory()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.first_show(self)
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._geometry_memory.keep(self)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.keep(self)
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self._geometry_memory.keep(self)
        super().hideEvent(event)
