"""A background job that ends after its window closed is dropped quietly, and selfcheck builds every tab."""

from __future__ import annotations

import os
import subprocess
import sys

import shiboken6

from ispdesk.ui.workers import Worker


def test_a_job_finishing_after_its_receiver_is_gone_raises_nothing(qapp) -> None:  # noqa: ANN001
    for outcome in ("ok", "fails"):
        def job(_progress, outcome=outcome):  # noqa: ANN001, ANN202
            _progress.report(1, 2, "metade")
            if outcome == "fails":
                raise ValueError("boom")
            return 42

        worker = Worker(job)
        shiboken6.delete(worker.signals)  # what closing the window that owned the signals does
        worker.run()  # before the fix: RuntimeError "Signal source has been deleted"


def test_selfcheck_builds_every_tab() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "ispdesk", "selfcheck"], capture_output=True, text=True,
                          timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    assert "contractsTab" in done.stdout and "dashboardTab" in done.stdout and "pendingTab" not in done.stdout
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr
