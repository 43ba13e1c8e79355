"""Describe a bug without personal data: where it happened, never the values involved.

An exception's text may carry the data being handled — a database error lists the bound values
and the row (``Key (document)=(52998224725)``), ``int()`` quotes the cell it could not read. So
the CLI's and the GUI's last-resort handlers, and every log record with a traceback
(`configure_logging`), show only the exception *types* and the code lines they passed through
(`describe`), plus the SQLSTATE of a database error. That is enough for a developer to find the
bug; the values stay in the user's file and database.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from types import TracebackType

#: Exceptions whose text describes code, never data (shown in full).
_SAFE_TEXT = (AttributeError, NameError, ImportError, NotImplementedError, RecursionError)
NOTE = "(valores omitidos para não expor dados pessoais)"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return list(reversed(seen))


def exception_name(exc: BaseException) -> str:
    """``psycopg.errors.UniqueViolation [23505]``: the type, and the SQLSTATE when there is one."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    state = getattr(exc, "sqlstate", None)
    if isinstance(state, str) and state:
        name += f" [{state}]"
    if isinstance(exc, _SAFE_TEXT):
        name += f": {exc}"
    return name


def describe(exc: BaseException) -> str:
    """The traceback of `exc` (and of its causes) with the exception texts left out."""
    lines = [f"Traceback {NOTE}:"]
    for n, item in enumerate(_chain(exc)):
        if n:
            lines.append("  … que causou:")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(exception_name(item))
    return "\n".join(lines)


class SafeFormatter(logging.Formatter):
    """A formatter whose tracebacks are `describe`'s (no exception texts)."""

    def formatException(  # noqa: N802 - logging's name
        self, ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        exc = ei[1]
        return describe(exc) if exc is not None else ""


def configure_logging(level: str | None = None) -> None:
    """Log to stderr with safe tracebacks (`ISPDESK_LOG` sets the level; default WARNING).

    Does nothing when the root logger already has handlers (tests, an embedding program).
    """
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("ISPDESK_LOG", "WARNING"))


def install_excepthooks() -> None:
    """Uncaught exceptions (main thread, other threads, Qt slots) are logged with `describe`."""
    log = logging.getLogger("ispdesk")

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("erro inesperado (bug):\n%s", describe(exc.with_traceback(tb)))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.error("erro inesperado (bug) na tarefa %s:\n%s",
                      getattr(args.thread, "name", "?"), describe(args.exc_value))

    sys.excepthook = hook
    threading.excepthook = thread_hook
