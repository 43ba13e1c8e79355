"""Compile the Qt Designer forms: ``ui/<name>.ui`` → ``ispdesk/ui/forms/ui_<name>.py``.

Uses the ``pyside6-uic`` of the running interpreter's environment (the pinned PySide6), and skips
forms whose generated file is newer than the ``.ui``. The generated files are git-ignored.
Run: ``python scripts/build_forms.py [--force]``; exit 1 when a form fails to compile.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "ui"
TARGET = ROOT / "ispdesk" / "ui" / "forms"


def uic_command() -> list[str]:
    """The pyside6-uic next to this Python (the venv's), else the one on PATH."""
    local = Path(sys.executable).with_name("pyside6-uic")
    if local.exists():
        return [str(local)]
    found = shutil.which("pyside6-uic")
    if found:
        return [found]
    raise SystemExit("pyside6-uic não encontrado: instale o PySide6 (scripts/venv.sh).")


def build(force: bool = False) -> int:
    """Compile every out-of-date form; return the number of failures."""
    TARGET.mkdir(parents=True, exist_ok=True)
    failures = 0
    uic = None
    for source in sorted(SOURCES.glob("*.ui")):
        target = TARGET / f"ui_{source.stem}.py"
        if not force and target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        uic = uic or uic_command()
        result = subprocess.run([*uic, "-g", "python", str(source), "-o", str(target)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures += 1
            print(f"falhou: {source.name}\n{result.stderr}", file=sys.stderr)
        else:
            print(f"compilado: {source.name} → {target.relative_to(ROOT)}")
    return failures


if __name__ == "__main__":
    sys.exit(1 if build("--force" in sys.argv[1:]) else 0)
