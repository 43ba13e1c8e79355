"""The PyInstaller onedir build works: build it and start the frozen app offscreen once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
# a loaded 2-core machine builds in up to ~10 minutes; the suite-wide 300 s would kill the worker
@pytest.mark.timeout(1200)
@pytest.mark.skipif(shutil.which("objdump") is None and sys.platform.startswith("linux"),
                    reason="PyInstaller precisa do binutils (instalado por scripts/test.sh)")
def test_frozen_app_builds_and_starts(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"), str(ROOT / "build.spec")],
        check=True, cwd=ROOT, timeout=900,
    )
    exe = tmp_path / "dist" / "ispdesk" / ("ispdesk.exe" if os.name == "nt" else "ispdesk")
    assert exe.exists()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ISPDESK_DATA_DIR": str(tmp_path / "data")}
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=120)
    assert version.returncode == 0 and "ispdesk" in version.stdout
    check = subprocess.run([str(exe), "selfcheck"], capture_output=True, text=True, env=env, timeout=300)
    assert check.returncode == 0, check.stderr
    assert "instalação verificada" in check.stdout
    assert "Janela principal: ok" in check.stdout
