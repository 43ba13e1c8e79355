"""A closed window's last reference held by a background job is dropped in the GUI thread, never in the pool.

Dropping it in the pool thread runs the widget's C++ destructor there (Qt GUI objects torn down off the
GUI thread: heap corruption, a crash later). Real thread pools, no mocks.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from ispdesk.ui.latest_only import LatestOnlyRunner
from ispdesk.ui.workers import run_in_background


class _Window:
    """Stands for the window a job's closure captures; records the thread that lets it go."""

    def __init__(self, released: list[str]) -> None:
        self.released = released

    def __del__(self) -> None:
        self.released.append(threading.current_thread().name)


def _settle(released: list[str]) -> None:
    deadline = time.monotonic() + 5
    while not released and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def test_worker_lets_go_of_the_window_in_the_gui_thread(qapp) -> None:  # noqa: ANN001
    released: list[str] = []

    def start() -> None:
        window = _Window(released)
        run_in_background(None, "x", lambda _p: time.sleep(0.05) or window, lambda _r: window, show_dialog=False)

    start()
    QThreadPool.globalInstance().waitForDone()  # the job ended; its result was not delivered yet
    time.sleep(0.05)
    assert released == []  # nothing let go in the pool thread
    _settle(released)
    assert released == [threading.main_thread().name]


def test_latest_only_job_lets_go_of_the_window_in_the_gui_thread(qapp) -> None:  # noqa: ANN001
    released: list[str] = []
    runner = LatestOnlyRunner()

    def submit() -> None:
        window = _Window(released)
        runner.submit(lambda: time.sleep(0.05) or window is None, lambda _r: None, lambda _e: None)

    submit()
    assert runner.wait()
    runner.cancel()  # the window was closed: its callbacks are forgotten
    time.sleep(0.05)
    assert released == []
    _settle(released)
    assert released == [threading.main_thread().name]
