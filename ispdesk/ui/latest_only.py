"""Run a query off the GUI thread and keep only the answer to the latest request (search as you type)."""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ispdesk.ui.gui_release import prepare, release_in_gui

log = logging.getLogger(__name__)


class _Relay(QObject):
    """One object for the whole application that carries answers to the GUI thread.

    Jobs never emit on a runner: the runner (and its window) may be deleted while a query runs; the
    relay lives until the application ends and drops answers whose runner is gone.
    """

    answer = Signal(int, int, object, bool)  # runner key, generation, value, failed

    def __init__(self) -> None:
        super().__init__()
        self.runners: weakref.WeakValueDictionary[int, LatestOnlyRunner] = weakref.WeakValueDictionary()
        self.answer.connect(self._route)

    def _route(self, key: int, generation: int, value: Any, failed: bool) -> None:
        runner = self.runners.get(key)
        if runner is None:
            log.debug("busca terminou depois de fechada a janela")
            return
        (runner._fail if failed else runner._deliver)(generation, value)


_relay: _Relay | None = None
_keys = itertools.count(1)


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:  # created in the GUI thread (by the first runner)
        _relay = _Relay()
    return _relay


class _Generations:
    """The counter of requests, shared by a runner and its jobs (plain Python: outlives the Qt object)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._latest = 0

    def next(self) -> int:
        with self._lock:
            self._latest = next(self._counter)
            return self._latest

    def latest(self) -> int:
        with self._lock:
            return self._latest


class _Job(QRunnable):
    def __init__(self, runner: LatestOnlyRunner, generation: int, job: Callable[[], Any]) -> None:
        super().__init__()
        self.key = runner.key
        self.latest = runner.generations.latest
        self.generation = generation
        self.job = job
        self.relay = _the_relay()

    def run(self) -> None:  # worker thread
        try:
            self._run()
        finally:  # the job's closure may hold the last reference to a closed window
            release_in_gui((self.job,))

    def _run(self) -> None:
        if self.latest() != self.generation:  # a newer request came while this one waited: skip it
            return
        try:
            result = self.job()
        except Exception as exc:  # delivered to the GUI thread, which decides what to show
            self.relay.answer.emit(self.key, self.generation, exc, True)
            return
        self.relay.answer.emit(self.key, self.generation, result, False)


class LatestOnlyRunner(QObject):
    """Runs jobs in a private thread pool (two threads); only the latest request's answer is delivered.

    The GUI thread never waits: `submit` returns at once, typing goes on while the database works.
    An answer (or error) of a request that a newer `submit` or `cancel` superseded is dropped, so
    a slow older search can never overwrite the results of the text typed after it.

    Attributes:
        key: this runner's key with the relay.
        generations: the request counter (the latest one is the only answer delivered).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        prepare()
        self.key = next(_keys)
        _the_relay().runners[self.key] = self
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # a newer search need not wait for a slow older one
        self.generations = _Generations()
        self._callbacks: tuple[Callable[[Any], None], Callable[[Exception], None]] | None = None

    def submit(self, job: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None]) -> int:
        """Queue `job` (run in the worker thread); `on_done(result)` / `on_error(exc)` run in the GUI thread."""
        generation = self.generations.next()
        self._callbacks = (on_done, on_error)
        self._pool.start(_Job(self, generation, job))
        return generation

    def cancel(self) -> None:
        """Drop whatever is pending or running (a synchronous search just replaced it)."""
        self.generations.next()
        self._callbacks = None

    @property
    def busy(self) -> bool:
        """True while a request is waiting for its answer."""
        return self._callbacks is not None

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (tests, closing the window)."""
        return self._pool.waitForDone(msecs)

    def _deliver(self, generation: int, result: Any) -> None:
        if generation != self.generations.latest() or self._callbacks is None:
            log.debug("resultado de busca antigo descartado (%s)", generation)
            return
        on_done, _ = self._callbacks
        self._callbacks = None
        on_done(result)

    def _fail(self, generation: int, exc: Exception) -> None:
        if generation != self.generations.latest() or self._callbacks is None:
            return
        _, on_error = self._callbacks
        self._callbacks = None
        on_error(exc)
