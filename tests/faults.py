"""Real OS faults for tests: a small tmpfs (disk full), a read-only mount, a CLI run in a subprocess."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def cli(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m ispdesk ARGS`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "ispdesk", *args], capture_output=True, text=True,
                          input=stdin, timeout=timeout)


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def small_disk(where: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `where` (skips the test when this user cannot mount)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)):
        pytest.skip("montar um tmpfs pequeno exige root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill `disk` leaving about `leave` bytes free; returns the filler file."""
    filler = disk / "enchimento"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - leave
    with filler.open("wb", buffering=0) as stream, contextlib.suppress(OSError):
        stream.write(b"\0" * max(free, 0))
        stream.flush()
    return filler


def remount_read_only(disk: Path) -> None:
    """Make the tmpfs at `disk` read-only (a protected disk, as root too)."""
    if not _mount("-o", "remount,ro", str(disk)):
        pytest.skip("remontar somente leitura falhou")
