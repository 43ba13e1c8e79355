"""Schema upgrades through Alembic, the version check on start and SQLite backups."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, inspect

from ispdesk.db import sqlite_files
from ispdesk.domain.errors import BusinessRuleError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations (works in the frozen app too)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision this build knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known_revision(revision: str) -> bool:
    """True when this build has the migration `revision` (False: written by a newer ispdesk)."""
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def newer_schema_message(revision: str) -> str:
    """What to say about a database at a revision this build does not know."""
    return (f"Este banco de dados foi atualizado por uma versão mais nova do ispdesk (revisão {revision}). "
            "Instale a versão mais recente do ispdesk nesta estação; o banco não foi alterado.")


def foreign_database_message(tables: list[str]) -> str:
    """What to say about a database that has tables but none of ispdesk's."""
    shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
    return (f"Este banco não é do ispdesk: tem outras tabelas ({shown}) e nenhuma do ispdesk. "
            "Ele não foi alterado. Informe o banco do ispdesk (--db, ISPDESK_DB_URL ou `ispdesk db use`) "
            "ou um arquivo novo, que o ispdesk cria.")


def foreign_tables(engine: Engine) -> list[str]:
    """The tables of a database without ispdesk's version table (empty for an ispdesk or empty database)."""
    names = inspect(engine).get_table_names()
    return [] if "alembic_version" in names else sorted(names)


def check_compatible(engine: Engine) -> None:
    """Refuse a database written by a newer ispdesk, or one that belongs to another program.

    Raises:
        BusinessRuleError: the database is at a revision this build does not know, or it has tables
            but not ispdesk's (it would be changed by the upgrade).
    """
    current = current_revision(engine)
    if current is None:
        others = foreign_tables(engine)
        if others:
            raise BusinessRuleError(foreign_database_message(others))
        return
    if not is_known_revision(current):
        raise BusinessRuleError(newer_schema_message(current))


def upgrade(engine: Engine, backup: bool = True) -> bool:
    """Bring the schema to head (idempotent). Backs up an older SQLite file first.

    Returns:
        True when something was migrated.
    """
    check_compatible(engine)
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return False
    if backup and current is not None and engine.dialect.name == "sqlite" and engine.url.database:
        backup_sqlite(engine, Path(f"{engine.url.database}.{current}.{datetime.now():%Y%m%d%H%M%S}.bak"))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """Verified consistent copy of a live SQLite database (`sqlite_files.backup_file`)."""
    source_path = engine.url.database
    if engine.dialect.name != "sqlite" or not source_path or source_path == ":memory:":
        raise BusinessRuleError("A cópia de segurança com `db backup` é só para o banco SQLite local.")
    return sqlite_files.backup_file(Path(source_path), Path(target))
