"""Opening a database for use, and the reference data every database needs, seeded idempotently.

`open_database(url)` is the one way the app and the command line get a `UnitOfWorkFactory`: engine,
schema upgrade (SQLite backed up first) and reference data. `ensure_reference_data` runs after every
upgrade (`ispdesk db upgrade`, app start). Each area has a module in `ispdesk/services/seeds/` with a
``seed(uow)`` function; a seeder only inserts what is missing (it runs on every start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ispdesk.db import migrate
from ispdesk.db.models import Sequence
from ispdesk.discovery import area_modules
from ispdesk.domain.clock import Clock
from ispdesk.services import database_errors
from ispdesk.services.database_errors import DatabaseUnavailable
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

SEQUENCE_NAMES = ("customer_code", "contract_number", "adjustment_batch", "charge_number")


def seed_sequences(uow: UnitOfWork) -> None:
    """Create the number sequences so concurrent first inserts never race."""
    session: Session = uow.session
    existing = set(session.scalars(select(Sequence.name)))
    for name in SEQUENCE_NAMES:
        if name not in existing:
            session.add(Sequence(name=name, next_value=1))


def seeders() -> list[Callable[[UnitOfWork], None]]:
    """The sequence seeder, then every area's ``seed`` in module-name order."""
    found = [m.seed for m in area_modules("ispdesk.services.seeds") if hasattr(m, "seed")]
    return [seed_sequences, *found]


def ensure_reference_data(factory: UnitOfWorkFactory) -> None:
    """Run every seeder in one transaction."""
    with factory(Actor.system()) as uow:
        for seeder in seeders():
            seeder(uow)
            uow.session.flush()
        uow.commit()


def upgrade_database(factory: UnitOfWorkFactory) -> bool:
    """Schema to the newest revision (an older SQLite file is backed up first), then reference data.

    Returns:
        True when the schema changed.

    Raises:
        BusinessRuleError: the database was written by a newer ispdesk.
    """
    changed = migrate.upgrade(factory.engine)
    ensure_reference_data(factory)
    return changed


def open_database(database_url: str, clock: Clock | None = None, *, upgrade: bool = True) -> UnitOfWorkFactory:
    """The unit-of-work factory for `database_url`, upgraded and seeded unless `upgrade` is False.

    Used by the app (start, login) and by every command of the command line.

    Raises:
        BusinessRuleError: the database was written by a newer ispdesk or belongs to another program.
        DatabaseUnavailable: the file or server cannot be used (message says why and what to do).
    """
    with usable(database_url):
        _check_sqlite_file(database_url)
        factory = UnitOfWorkFactory.from_url(database_url, clock)
        try:
            if upgrade:
                upgrade_database(factory)
            else:
                with factory.engine.connect():
                    pass
        except BaseException:
            factory.dispose()
            raise
    return factory


@contextmanager
def usable(database_url: str) -> Iterator[None]:
    """Turn a fault of the database itself (see `database_errors`) into `DatabaseUnavailable`."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        message = database_errors.unusable_message(exc, database_url)
        if message is None:
            raise
        raise DatabaseUnavailable(message) from None


def _check_sqlite_file(database_url: str) -> None:
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        database_errors.check_sqlite_file(Path(parsed.database))
