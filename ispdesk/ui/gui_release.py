"""What a worker thread held is let go in the GUI thread: a window must never be destroyed off it.

A background job's closure, and the callbacks connected to its signals, may hold the last Python
reference to the window that started it. When that window was closed meanwhile, the thread pool
dropping the finished job would run the window's C++ destructor in the pool thread: Qt's GUI state
(windows, screens, focus) is then torn down off the GUI thread and the heap is corrupted, which
crashes the app later, far from the cause (a SIGSEGV in ``QScreen``/``QCursor`` code).
`release_in_gui(payload)`, called by the job at the very end of ``run()``, hands those references to
the GUI thread, which drops them with its next events.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal


class _Sink(QObject):
    """Lives in the GUI thread; a payload emitted from a worker thread is queued and dropped here."""

    drop = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.drop.connect(self._drop)

    def _drop(self, payload: object) -> None:
        """Nothing to do: the queued event held the last references and ends here, in the GUI thread."""


_SINK: list[_Sink] = []


def prepare() -> None:
    """Create the sink (call it in the GUI thread before starting a job; idempotent)."""
    if not _SINK:
        _SINK.append(_Sink())


def release_in_gui(payload: object) -> None:
    """Let the GUI thread drop `payload` (a tuple of what the job referenced); from the GUI thread, a no-op."""
    if _SINK and QThread.currentThread() is not _SINK[0].thread():
        _SINK[0].drop.emit(payload)
