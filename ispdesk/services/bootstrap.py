"""Reference data every database needs (sequences, catalogues, templates), seeded idempotently.

`ensure_reference_data` runs after every upgrade (`ispdesk db upgrade`, app start). Each area has a
module in `ispdesk/services/seeds/` with a ``seed(uow)`` function; a seeder only inserts what is
missing (it runs on every start).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Sequence
from ispdesk.discovery import area_modules
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

SEQUENCE_NAMES = ("customer_code", "contract_number", "adjustment_batch")


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
