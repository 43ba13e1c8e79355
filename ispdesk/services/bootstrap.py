"""Reference data every database needs (sequences, catalogues, templates), seeded idempotently.

`ensure_reference_data` runs after every upgrade (`ispdesk db upgrade`, app start). Each area adds
its seeder to `SEEDERS`; a seeder must only insert what is missing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Sequence
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

SEQUENCE_NAMES = ("customer_code", "contract_number", "adjustment_batch")


def seed_sequences(uow: UnitOfWork) -> None:
    """Create the number sequences so concurrent first inserts never race."""
    session: Session = uow.session
    existing = set(session.scalars(select(Sequence.name)))
    for name in SEQUENCE_NAMES:
        if name not in existing:
            session.add(Sequence(name=name, next_value=1))


SEEDERS: list[Callable[[UnitOfWork], None]] = [seed_sequences]


def ensure_reference_data(factory: UnitOfWorkFactory) -> None:
    """Run every seeder in one transaction."""
    with factory(Actor.system()) as uow:
        for seeder in SEEDERS:
            seeder(uow)
            uow.session.flush()
        uow.commit()
