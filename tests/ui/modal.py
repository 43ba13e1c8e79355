"""Drive a modal dialog opened with ``exec()`` from a test without ever hanging the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog


class NextModal:
    """Runs `action(modal)` on the next modal dialog; the dialog is always closed afterwards.

    Call `check()` after the code that opened the dialog returned: it re-raises what the action
    raised and returns the objectName of the dialog it saw.
    """

    def __init__(self, action: Callable[[Any], object], tries: int = 500) -> None:
        self.action = action
        self.tries = tries
        self.seen: str | None = None
        self.error: BaseException | None = None
        QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            self.tries -= 1
            if self.tries > 0:
                QTimer.singleShot(10, self._run)
            return
        self.seen = modal.objectName()
        try:
            self.action(modal)
        except BaseException as exc:  # noqa: BLE001 - re-raised by check()
            self.error = exc
        finally:
            if modal.isVisible() and isinstance(modal, QDialog):
                modal.reject()

    def check(self) -> str | None:
        """Re-raise the action's failure; return the objectName of the dialog handled."""
        if self.error is not None:
            raise self.error
        return self.seen
