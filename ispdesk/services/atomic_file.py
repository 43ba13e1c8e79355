"""Files written whole or not at all: a temporary file beside the target, renamed over it at the end.

An export that fails half-way (disk full, file size limit, a database error while reading the rows,
Ctrl+C) leaves neither a partial file nor a stray temporary one, and an older file at the target
stays as it was. Targets that are not regular files (``/dev/stdout``, a pipe) are written directly.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def _atomic_stream(target: str | Path, mode: str, encoding: str | None = None,
                   newline: str | None = None) -> Iterator[IO[Any]]:
    """A stream (text or binary `mode`) whose content replaces `target` only when the block ends well."""
    path = Path(target)
    try:
        current: os.stat_result | None = path.stat()
    except OSError:
        current = None
    if current is not None and not stat.S_ISREG(current.st_mode):
        with open(path, mode, encoding=encoding, newline=newline) as direct:
            yield direct
        return
    permissions = stat.S_IMODE(current.st_mode) if current is not None else _umask_mode()
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_text_file(target: str | Path, encoding: str, newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text stream whose content replaces `target` only when the block ends without error."""
    with _atomic_stream(target, "w", encoding, newline) as stream:
        yield stream


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    """Write `data` to `target` whole or not at all (a PDF: never a truncated file a printer chokes on)."""
    with _atomic_stream(target, "wb") as stream:
        stream.write(data)
