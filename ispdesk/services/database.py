"""The database this workstation uses: choosing it, testing it, upgrading and backing it up.

Where the URL comes from (``--db``, ``ISPDESK_DB_URL``, the saved choice, the SQLite default) is
`ispdesk.config.resolve_database_url`; opening a database for use is
`ispdesk.services.bootstrap.open_database`. The app, its dialogs and the command line call these
functions instead of building engines themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ispdesk.config import ENV_DB_URL, default_sqlite_url, load_settings
from ispdesk.db import migrate
from ispdesk.db.engine import make_engine
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services.bootstrap import open_database, upgrade_database


def validate_url(url: str) -> str:
    """Accept a SQLAlchemy URL for SQLite or PostgreSQL; ``local`` means the embedded default.

    Raises:
        BusinessRuleError: not a URL ispdesk can use.
    """
    if url.strip().lower() == "local":
        return default_sqlite_url()
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise BusinessRuleError(
            f"URL de banco inválida: “{url}”. Exemplos: sqlite:///C:/ispdesk/dados.sqlite3 ou "
            "postgresql+psycopg://usuario:senha@servidor:5432/ispdesk"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BusinessRuleError("O ispdesk usa SQLite (uma estação) ou PostgreSQL (várias estações).")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class UrlParts:
    """The pieces of a database URL a form shows (empty/None when the URL has none)."""

    backend: str
    host: str
    port: int | None
    database: str
    user: str
    password: str


def url_parts(url: str) -> UrlParts:
    """Split a database URL into the fields of the database dialog."""
    parsed = make_url(url)
    return UrlParts(parsed.get_backend_name(), parsed.host or "", parsed.port, parsed.database or "",
                    parsed.username or "", parsed.password or "")


def postgres_url(host: str, port: int, database: str, user: str = "", password: str = "") -> str:
    """The (validated) PostgreSQL URL for a server, database and login."""
    url = URL.create("postgresql+psycopg", username=user or None, password=password or None, host=host,
                     port=port, database=database)
    return validate_url(url.render_as_string(hide_password=False))


def safe_url(url: str) -> str:
    """The URL with its password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def choice_source(cli_url: str | None = None) -> str:
    """Why `resolve_database_url(cli_url)` picks the database it picks, in words."""
    if cli_url:
        return "opção --db"
    if os.environ.get(ENV_DB_URL):
        return f"variável {ENV_DB_URL}"
    if load_settings().get("database_url"):
        return "escolha gravada (ispdesk db use)"
    return "padrão (SQLite local)"


def connection_error(url: str, timeout_seconds: int = 5) -> str | None:
    """Connect once; None when it worked, else the first line of the driver's error.

    A PostgreSQL server gets `timeout_seconds` to answer.
    """
    kwargs = {"connect_args": {"connect_timeout": timeout_seconds}} \
        if make_url(url).get_backend_name() == "postgresql" else {}
    try:
        engine = make_engine(url, **kwargs)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # connection errors are expected input problems here
        return (str(exc).splitlines() or [type(exc).__name__])[0]
    return None


def head_revision() -> str:
    """The newest schema revision this build knows."""
    return migrate.head_revision()


def upgrade(url: str) -> bool:
    """Create or upgrade the schema and seed the reference data; True when the schema changed."""
    factory = open_database(url, upgrade=False)
    try:
        return upgrade_database(factory)
    finally:
        factory.dispose()


def backup(url: str, target: Path) -> Path:
    """Consistent copy of the SQLite database at `url` into `target`.

    Raises:
        BusinessRuleError: the database is not a local SQLite file.
    """
    engine = make_engine(url)
    try:
        return migrate.backup_sqlite(engine, target)
    finally:
        engine.dispose()
