"""Schema upgrades through Alembic, the version check on start and SQLite backups."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

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


def check_compatible(engine: Engine) -> None:
    """Refuse a database written by a newer ispdesk.

    Raises:
        BusinessRuleError: the database is at a revision this build does not know.
    """
    current = current_revision(engine)
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    if script.get_revision(current) is None:  # pragma: no branch
        raise BusinessRuleError(
            f"Este banco de dados foi atualizado por uma versão mais nova do ispdesk (revisão {current}). "
            "Instale a versão mais recente do ispdesk nesta estação."
        )


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
    """Consistent copy of a live SQLite database (sqlite3 online backup API; readers keep working)."""
    source_path = engine.url.database
    if engine.dialect.name != "sqlite" or not source_path or source_path == ":memory:":
        raise BusinessRuleError("A cópia de segurança com `db backup` é só para o banco SQLite local.")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    src = sqlite3.connect(source_path, timeout=15)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    shutil.move(str(tmp), str(target))
    return target
