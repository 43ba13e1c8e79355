"""Engine and session factory for SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ispdesk.domain.text import fold

#: Seconds a PostgreSQL server gets to answer a new connection (an unreachable one fails, never hangs).
PG_CONNECT_TIMEOUT = 10


def lock_timeout_ms() -> int:
    """How long a write waits for a lock held elsewhere: 15 s (``ISPDESK_LOCK_TIMEOUT_S`` overrides)."""
    try:
        seconds = float(os.environ.get("ISPDESK_LOCK_TIMEOUT_S", "15"))
    except ValueError:
        seconds = 15.0
    return max(1, int(seconds * 1000))


def _fold_sql(text: str | None) -> str:
    """``ispdesk_fold(x)`` in SQLite's SQL: `ispdesk.domain.text.fold` itself (sort keys, e.g. cities)."""
    return fold(text or "")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function("ispdesk_fold", 1, _fold_sql, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the house settings (SQLite: WAL, foreign keys, busy timeout).

    Bound parameters (names, CPFs, e-mails …) never appear in an error's text or in SQLAlchemy's
    logs (``hide_parameters=True``).
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": lock_timeout_ms() / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # a lock wait gives up after 15 s as on SQLite (the unit of work turns it into "tente de novo")
    connect_args = {
        "connect_timeout": PG_CONNECT_TIMEOUT,
        "options": f"-c lock_timeout={lock_timeout_ms()}",
        **kwargs.pop("connect_args", {}),
    }
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Short sessions, one per unit of work; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
