"""Reproducer of the SIGSEGV in the UI tests (not fixed yet): the customer form test then the contract form test.

Evidence (valgrind memcheck, gdb ``break QScreen::~QScreen``): during the second test Python's garbage
collector deallocates a ``PySide6.QtGui.QScreen`` wrapper that *owns* the application's only screen, so
shiboken runs ``QScreen::~QScreen``; every later use of the screen (``QWidget::screen()`` →
``QGuiApplication::screenAt`` → ``QScreen::virtualSiblings``, or ``QCursor::pos(QScreen*)`` when a dialog
is hidden) reads freed memory. How the wrapper came to own the screen (gdb breakpoints on shiboken):
``Shiboken::Object::setParent(child=QScreen wrapper, parent=CustomerForm / ContractForm)`` is called from a
no-argument QtWidgets method in the form's ``__init__`` (``QWidget.screen()``: ``window_state.available``,
``customer_form``), and ``Shiboken::Object::removeParent(QScreen wrapper, giveOwnershipBack=True)`` runs
inside ``PySide::getWrapperForQObject`` → ``QObject::doSetProperty`` → ``DynamicPropertyChange`` sent through
the Python application event filters (``focus_order.install``, ``window_state.install``). A plain
``QWidget().screen()`` with one Python app filter does not reproduce it. Strict xfail: once the cause is
fixed this passes and the mark must go.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xfail(strict=True, reason="QScreen deleted by the Python GC (a Python-owned QScreen wrapper); "
                                        "cause not found yet, see the module docstring")
def test_customer_then_contract_form_does_not_crash() -> None:
    env = dict(os.environ, ISPDESK_TEST_DATABASES="sqlite", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/ui/test_focus_order.py", "-q", "-p", "no:randomly", "-n", "0",
         "-p", "no:cacheprovider", "-k", "customer_form or contract_form"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
