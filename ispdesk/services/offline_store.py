"""The offline store: a local SQLite ispdesk database plus a snapshot of what entry needs.

The store is a normal ispdesk SQLite database (so the same services validate and save offline) with
three more tables: `offline_ops` (the journal), `offline_taken` (CPF/CNPJ and hotsite logins already
taken centrally, for the early duplicate check) and `offline_meta` (age of the snapshot). Nothing
else of the central database is copied: no charges, no other customer data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    select,
    text,
    update,
)

from ispdesk.config import data_dir
from ispdesk.db.base import UUIDType
from ispdesk.db.models import (
    BillingType,
    Branch,
    CancellationReason,
    ContractTemplate,
    Customer,
    Holiday,
    InclusionReason,
    Parameter,
    PaymentTerm,
    Plan,
    Sequence,
    User,
)
from ispdesk.domain.provisional import PROVISIONAL_BASE
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import UnitOfWorkFactory

offline_metadata = MetaData()

#: The journal: one row per offline entry, replayed in id (UUIDv7) order by `ispdesk sync`.
ops = Table(
    "offline_ops", offline_metadata,
    Column("id", UUIDType, primary_key=True),
    Column("kind", String(20), nullable=False),  # customer | contract
    Column("entity_id", UUIDType, nullable=False, unique=True),  # the local record's UUIDv7
    Column("depends_on", UUIDType),  # the op this one needs applied first (a contract's customer)
    Column("actor", String(80), nullable=False),
    Column("role", String(30), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("draft", Text, nullable=False),  # JSON of the service's draft
    Column("status", String(12), nullable=False, default="pendente"),  # pendente|aplicado|conflito|descartado
    Column("message", Text),
    Column("provisional_number", Integer, nullable=False),
    Column("central_id", UUIDType),
    Column("central_number", Integer),
    Column("updated_at", DateTime(timezone=True)),
)
#: Documents (kind ``d``) and hotsite logins (``l``) already taken centrally at the snapshot.
taken = Table(
    "offline_taken", offline_metadata,
    Column("kind", String(1), primary_key=True),
    Column("value", String(60), primary_key=True),
    sqlite_with_rowid=False,
)
meta = Table(
    "offline_meta", offline_metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Copied whole from the central database at every refresh (same ids, so entries refer to them).
SNAPSHOT_MODELS: tuple[Any, ...] = (
    Parameter, InclusionReason, CancellationReason, PaymentTerm, BillingType, Plan, Branch, ContractTemplate,
    Holiday, User,
)

_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS offline_taken_document BEFORE INSERT ON customers
       WHEN NEW.unique_document IS NOT NULL
        AND EXISTS (SELECT 1 FROM offline_taken WHERE kind = 'd' AND value = NEW.unique_document)
       BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: customers.unique_document (central)'); END""",
    """CREATE TRIGGER IF NOT EXISTS offline_taken_login BEFORE INSERT ON customers
       WHEN NEW.portal_login IS NOT NULL
        AND EXISTS (SELECT 1 FROM offline_taken WHERE kind = 'l' AND value = NEW.portal_login)
       BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: customers.portal_login (central)'); END""",
)


def default_store_path() -> Path:
    """``offline.sqlite3`` in the data folder."""
    return data_dir() / "offline.sqlite3"


def store_url(path: str | Path | None) -> str:
    """The SQLAlchemy URL of the store at `path` (default: the data folder)."""
    return f"sqlite:///{Path(path or default_store_path()).as_posix()}"


def _install(engine: Engine) -> None:
    offline_metadata.create_all(engine)
    with engine.begin() as conn:
        for ddl in _TRIGGERS:
            conn.execute(text(ddl))
        for name in ("customer_code", "contract_number"):
            found = conn.execute(select(Sequence.next_value).where(Sequence.name == name)).scalar()
            if found is None:
                sequences = cast(Table, Sequence.__table__)
                conn.execute(sequences.insert().values(name=name, next_value=PROVISIONAL_BASE + 1))
            elif found <= PROVISIONAL_BASE:
                conn.execute(update(Sequence).where(Sequence.name == name)
                             .values(next_value=PROVISIONAL_BASE + 1))


def open_store(path: str | Path | None = None, factory_class: type[UnitOfWorkFactory] | None = None
               ) -> UnitOfWorkFactory:
    """Open (creating when missing) the store; `factory_class` makes its units of work (the journal's)."""
    target = Path(path or default_store_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    base = open_database(store_url(target))
    _install(base.engine)
    if factory_class is None:
        return base
    return factory_class(base.engine, base.clock)


@dataclass(frozen=True)
class StoreInfo:
    """What `ispdesk offline prepare` prints."""

    path: Path
    prepared_at: datetime | None
    size_bytes: int
    documents: int
    seconds: float = 0.0

    def age_text(self, now: datetime | None = None) -> str:
        """``atualizado há 3 min`` / ``nunca atualizado``."""
        if self.prepared_at is None:
            return "nunca atualizado"
        minutes = int(((now or datetime.now(UTC)) - self.prepared_at).total_seconds() // 60)
        if minutes < 1:
            return "atualizado agora"
        if minutes < 120:
            return f"atualizado há {minutes} min"
        return f"atualizado há {minutes // 60} h"

    @property
    def summary(self) -> str:
        """One line: where, how old, how big."""
        size = f"{self.size_bytes / 1_000_000:.1f} MB".replace(".", ",")
        return (f"Base offline {self.path}: {self.age_text()}, {size}, "
                f"{self.documents} CPF/CNPJ conhecidos.")


def store_info(path: str | Path | None = None) -> StoreInfo:
    """Age and size of the store at `path` (not opened for writing)."""
    target = Path(path or default_store_path())
    if not target.exists():
        return StoreInfo(target, None, 0, 0)
    factory = open_store(target)
    try:
        with factory.engine.connect() as conn:
            at = conn.execute(select(meta.c.value).where(meta.c.key == "prepared_at")).scalar()
            docs = conn.execute(select(meta.c.value).where(meta.c.key == "documents")).scalar()
    finally:
        factory.dispose()
    return StoreInfo(target, datetime.fromisoformat(at) if at else None, _size(target), int(docs or 0))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _stream(central: Engine, statement: Any, size: int = 20_000) -> Iterator[Any]:
    with central.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=size).execute(statement)
        yield from result.partitions(size)


def prepare(central: UnitOfWorkFactory, path: str | Path | None = None) -> StoreInfo:
    """Refresh the snapshot of the store at `path` from the `central` database (one transaction).

    Entries already in the store are kept: the reference rows keep their central ids.
    """
    started = time.perf_counter()
    store = open_store(path)
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # rows are replaced with the same ids
            for model in reversed(SNAPSHOT_MODELS):
                conn.execute(delete(model.__table__))
            for model in SNAPSHOT_MODELS:
                table = model.__table__
                for rows in _stream(central.engine, select(table)):
                    conn.execute(table.insert(), [dict(r._mapping) for r in rows])
            conn.execute(delete(taken))
            documents = 0
            for kind, column in (("d", Customer.document), ("l", Customer.portal_login)):
                for rows in _stream(central.engine, select(column).where(column.is_not(None))):
                    raw = conn.connection.dbapi_connection
                    assert raw is not None
                    raw.executemany("INSERT OR IGNORE INTO offline_taken (kind, value) VALUES (?, ?)",
                                    [(kind, r[0]) for r in rows])
                    if kind == "d":
                        documents += len(rows)
            now = datetime.now(UTC)
            conn.execute(delete(meta))
            conn.execute(meta.insert(), [{"key": "prepared_at", "value": now.isoformat()},
                                         {"key": "documents", "value": str(documents)}])
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.dispose()
    info = store_info(path)
    return StoreInfo(info.path, info.prepared_at, info.size_bytes, info.documents, time.perf_counter() - started)




def _refresh_quietly(central: UnitOfWorkFactory, path: str | Path | None) -> None:
    try:
        prepare(central, path)
    except Exception:  # the app works without it; the next start or `offline prepare` tries again
        logging.getLogger(__name__).warning("base offline não atualizada", exc_info=True)


def refresh_in_background(central: UnitOfWorkFactory, path: str | Path | None = None) -> threading.Thread | None:
    """At GUI start with the server reachable: refresh the snapshot in a background thread (never blocks).

    Only for a central PostgreSQL (a local SQLite database needs no offline copy); returns the thread.
    """
    if central.engine.dialect.name != "postgresql":
        return None
    thread = threading.Thread(target=_refresh_quietly, args=(central, path), name="offline-snapshot", daemon=True)
    thread.start()
    return thread
