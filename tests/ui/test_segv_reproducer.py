"""Regression: the customer form test then the contract form test used to die with SIGSEGV (a real process).

Evidence (valgrind memcheck, gdb ``break QScreen::~QScreen``): during the second test Python's garbage
collector deallocates a ``PySide6.QtGui.QScreen`` wrapper that *owns* the application's only screen, so
shiboken runs ``QScreen::~QScreen``; every later use of the screen (``QWidget::screen()`` →
``QGuiApplication::screenAt`` → ``QScreen::virtualSiblings``, or ``QCursor::pos(QScreen*)`` when a dialog
is hidden) reads freed memory. How the wrapper came to own the screen (gdb breakpoints on shiboken):
``Shiboken::Object::setParent(child=QScreen wrapper, parent=CustomerForm / ContractForm)`` is called from a
no-argument QtWidgets method in the form's ``__init__`` (``QWidget.screen()``: ``window_state.available``,
``customer_form``), and ``Shiboken::Object::removeParent(QScreen wrapper, giveOwnershipBack=True)`` runs
inside ``PySide::getWrapperForQObject`` → ``QObject::doSetProperty`` → ``DynamicPropertyChange`` sent through
the Python application event filter (``focus_order.install``). A plain
``QWidget().screen()`` with one Python app filter does not reproduce it. Fix: the app never calls
``QWidget.screen()`` (`window_state.screen_of`); this test failed (exit -11) before.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_customer_then_contract_form_does_not_crash() -> None:
    env = dict(os.environ, ISPDESK_TEST_DATABASES="sqlite", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/ui/test_focus_order.py", "-q", "-p", "no:randomly", "-n", "0",
         "-p", "no:cacheprovider", "-k", "customer_form or contract_form"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_app_never_calls_qwidget_screen() -> None:
    """``QWidget.screen()`` hands the app's QScreen to Python's garbage collector: use `window_state.screen_of`."""
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "ispdesk").rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if ".screen()" in line and "``" not in line and "never self.screen()" not in line]
    assert offenders == []
