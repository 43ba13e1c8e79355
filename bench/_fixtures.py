"""Setup shared by the collection benchmarks (bench_cnab, bench_boleto): a SQLite database with a carteira
and contracts with open charges."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.services import carteiras  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402
from tests.factories import make_charge, make_contract, make_plan  # noqa: E402

TODAY = date(2026, 11, 27)


def fresh_database(folder: Path, wallet: str = "17", agreement: str = "7654321") -> UnitOfWorkFactory:
    """An empty migrated SQLite database in `folder` (emptied first), clock on 27/11/2026, carteira ``BB1``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{folder / 'bench.sqlite3'}")
    factory.clock = FixedClock(TODAY)
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    carteiras.add_carteira(factory(Actor.system()), "BB1", "001", "1234", "56789", wallet, agreement)
    return factory


def contracts_with_charges(factory: UnitOfWorkFactory, charges: int, first_due: date,
                           created_at: datetime) -> list[int]:
    """`charges` open charges of R$ 99,90, ten monthly ones (day 10 from `first_due`) per contract; their numbers."""
    numbers = []
    with factory(Actor.system()) as u:
        plan = make_plan(u.session, code="BENCH", price="99.90")
        for _ in range(max(1, charges // 10)):
            contract = make_contract(u.session, plan=plan)
            for month in range(10):
                m = first_due.month - 1 + month
                make_charge(u.session, contract, date(first_due.year + m // 12, m % 12 + 1, 10), "99.90",
                            created_at=created_at.replace(tzinfo=UTC))
            numbers.append(contract.number)
        u.commit()
    return numbers
