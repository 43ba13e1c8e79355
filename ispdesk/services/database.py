"""The database this workstation uses: choosing it, testing it, upgrading and backing it up.

Where the URL comes from (``--db``, ``ISPDESK_DB_URL``, the saved choice, the SQLite default) is
`ispdesk.config.resolve_database_url`; opening a database for use is
`ispdesk.services.bootstrap.open_database`. The app, its dialogs and the command line call these
functions instead of building engines themselves.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ispdesk.config import ENV_DB_URL, default_sqlite_url, load_settings
from ispdesk.db import migrate, sqlite_files
from ispdesk.db.engine import make_engine
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database_errors
from ispdesk.services.bootstrap import open_database, upgrade_database, usable


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
    """Connect once; None when it worked, else a Portuguese message saying what to check.

    Never the driver's own text (it is logged): server unreachable → address, port, firewall;
    refused login → user and password; missing database → its name. A PostgreSQL server gets
    `timeout_seconds` to answer.
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
        logging.getLogger("ispdesk").info("teste de conexão falhou: %s", exc)
        message = database_errors.unusable_message(exc, url)
        if message is None:
            message = ("Não foi possível conectar ao banco. Confira o servidor (endereço), a porta, o usuário, "
                       "a senha e o nome do banco, e se o servidor aceita conexões desta estação.")
        return " ".join(message.split())
    return None


def head_revision() -> str:
    """The newest schema revision this build knows."""
    return migrate.head_revision()


def upgrade(url: str) -> bool:
    """Create or upgrade the schema and seed the reference data; True when the schema changed."""
    factory = open_database(url, upgrade=False)
    try:
        with usable(url):
            return upgrade_database(factory)
    finally:
        factory.dispose()


def _postgres_tools_message(url: str, action: str) -> str:
    parts = make_url(url)
    where = f"-h {parts.host or 'localhost'} -p {parts.port or 5432} -U {parts.username or 'postgres'}"
    if action == "backup":
        return ("`ispdesk db backup` copia só o banco SQLite local. No PostgreSQL a cópia é feita com as "
                f"ferramentas do servidor: pg_dump -Fc {where} -d {parts.database or 'ispdesk'} -f ispdesk.dump "
                "(pode rodar com o ispdesk aberto; a cópia é consistente).")
    return ("`ispdesk db restore` restaura só o banco SQLite local. No PostgreSQL use pg_restore com as "
            f"estações fechadas: pg_restore --clean --if-exists {where} -d {parts.database or 'ispdesk'} ispdesk.dump")


def _sqlite_file(url: str, action: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        raise BusinessRuleError(_postgres_tools_message(url, action))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BusinessRuleError("A cópia de segurança com `db backup` é só para o banco SQLite local.")
    return Path(parsed.database)


def _file_fault(exc: BaseException, path: Path) -> BusinessRuleError | None:
    """A Portuguese error for an OS or SQLite fault while writing or reading `path`."""
    message = database_errors.unusable_message(exc, f"sqlite:///{path}")
    if message is not None:
        return BusinessRuleError(message)
    if isinstance(exc, OSError):
        return BusinessRuleError(f"Não foi possível gravar {exc.filename or path}: {exc.strerror or exc}. "
                                 "Nada foi gravado; escolha outra pasta ou corrija a permissão e tente de novo.")
    return None


def backup(url: str, target: Path) -> Path:
    """Verified consistent copy of the SQLite database at `url` into `target` (app may stay open).

    The copy is written to a temporary file beside `target`, checked with ``PRAGMA integrity_check``
    and renamed over `target` only then; on any failure nothing is left and `target` is untouched.

    Raises:
        BusinessRuleError: a PostgreSQL database (the message shows the pg_dump command), `target` is
            the database itself or a folder, or the copy could not be written or verified.
    """
    database = _sqlite_file(url, "backup")
    try:
        return sqlite_files.backup_file(database, Path(target))
    except (OSError, sqlite3.Error) as exc:
        fault = _file_fault(exc, Path(target))
        if fault is None:
            raise
        raise fault from None


@dataclass(frozen=True)
class RestoreResult:
    """What `restore` did: the database restored and where the content it replaced was kept."""

    database: Path
    kept: Path | None
    revision: str


def _check_restorable(staged: Path) -> None:
    """Refuse a copy that is not an ispdesk database or was written by a newer ispdesk."""
    conn = sqlite3.connect(staged)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "contracts" not in tables:
            raise BusinessRuleError("O arquivo não é uma cópia de um banco do ispdesk (faltam as tabelas do "
                                    "ispdesk). O banco em uso não foi alterado.")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    if row is None or not migrate.is_known_revision(row[0]):
        raise BusinessRuleError(migrate.newer_schema_message(row[0] if row else "?"))


def restore(url: str, source: Path) -> RestoreResult:
    """Replace the SQLite database at `url` with the backup `source`, keeping the replaced content.

    Refuses while the database is open anywhere else (app, command, another station). The copy is
    verified (integrity, ispdesk's tables, a revision this build knows) before the database is
    touched; the replaced content is kept as ``<banco>.substituido-AAAAMMDD-HHMMSS`` beside it; an
    older backup is brought to the current schema afterwards.

    Raises:
        BusinessRuleError: a PostgreSQL database (the message shows the pg_restore command), `source`
            is the database itself, missing or not a good ispdesk copy, or the database is open elsewhere.
    """
    database = _sqlite_file(url, "restore")
    source = Path(source)
    try:
        kept = sqlite_files.restore_file(database, source, _check_restorable)
    except (OSError, sqlite3.Error) as exc:
        fault = _file_fault(exc, database)
        if fault is None:
            raise
        raise fault from None
    upgrade(url)
    return RestoreResult(database, kept, migrate.head_revision())
