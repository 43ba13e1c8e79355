"""Long work off the GUI thread: a QRunnable with progress, cancel, result and error signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services.bug_report import describe, exception_name
from ispdesk.ui.gui_release import prepare, release_in_gui

log = logging.getLogger(__name__)


class Progress:
    """Handed to the job: report progress, ask whether the user cancelled."""

    def __init__(self, signals: WorkerSignals, cancel_event: threading.Event) -> None:
        self._signals = signals
        self._cancel = cancel_event

    def report(self, done: int, total: int, text: str = "") -> None:
        """Tell the dialog how far the job is."""
        _emit(self._signals.progress, done, total, text)

    @property
    def cancelled(self) -> bool:
        """True once the user pressed Cancelar; the job should stop and roll back."""
        return self._cancel.is_set()


class WorkerSignals(QObject):
    """Signals of a worker.

    Signals:
        progress(int, int, str): done, total, text.
        finished(object): the job's result.
        failed(str): a Portuguese message (rule error) or a bug description.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)


def _emit(signal: Any, *args: Any) -> None:
    """Emit `signal` unless its object is gone (the window that asked was closed meanwhile: no one listens)."""
    try:
        signal.emit(*args)
    except RuntimeError:
        log.info("tarefa em segundo plano terminou depois que a janela foi fechada; resultado descartado")


class Worker(QRunnable):
    """Runs ``job(progress)`` in the global thread pool."""

    def __init__(self, job: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.job = job
        self.signals = WorkerSignals()
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        finally:  # the job and the signals' callbacks may hold the last reference to a closed window
            release_in_gui((self.job, self.signals))

    def _run(self) -> None:
        try:
            result = self.job(Progress(self.signals, self.cancel_event))
        except BusinessRuleError as exc:
            _emit(self.signals.failed, exc.message)
        except Exception as exc:  # a bug: log where it happened, never the values (personal data)
            log.error("erro na tarefa em segundo plano:\n%s", describe(exc))
            _emit(self.signals.failed, f"Erro inesperado (bug): {exception_name(exc)}.\n"
                                       "Os detalhes, sem dados pessoais, foram gravados no log. Informe o suporte.")
        else:
            _emit(self.signals.finished, result)

    def cancel(self) -> None:
        self.cancel_event.set()


def run_in_background(
    parent: QWidget,
    title: str,
    job: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
    show_dialog: bool = True,
) -> Worker:
    """Run `job` in a worker thread with a cancellable progress dialog; the window never freezes.

    Returns:
        The worker (tests may wait on ``worker.signals.finished``).
    """
    prepare()
    worker = Worker(job)
    dialog: QProgressDialog | None = None
    if show_dialog:
        dialog = QProgressDialog(title, parent.tr("Cancelar"), 0, 0, parent)
        dialog.setObjectName("progressDialog")
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(worker.cancel)

        def _progress(done: int, total: int, text: str) -> None:
            assert dialog is not None
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        worker.signals.progress.connect(_progress)

    def _close() -> None:
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()

    def _done(result: Any) -> None:
        _close()
        on_done(result)

    def _failed(message: str) -> None:
        _close()
        if on_error is not None:
            on_error(message)
        else:
            QMessageBox.warning(parent, title, message)

    worker.signals.finished.connect(_done)
    worker.signals.failed.connect(_failed)
    QThreadPool.globalInstance().start(worker)
    return worker
