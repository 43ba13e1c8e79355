"""Benchmark: a price adjustment (reajuste) of 500,000 contracts on SQLite.

Builds a SQLite file with N contracts (Core inserts; a tenth of them activated too recently, a few
flagged "não reajustar", so the 12-month rule and the flag are exercised), copies it, then measures
in the same run (alternating, ``--rounds`` times, the best of each compared):

- **floor**: a hand-written SQL on the copy — ``UPDATE contracts SET value = …`` of the eligible
  rows plus ``INSERT INTO contract_value_changes SELECT …`` of their history rows, one transaction;
- **service**: `ispdesk.services.adjustments.apply_adjustment` (effective today, customers notified:
  the values change at once) on the original — batch row, a ``contract_adjustments`` row per
  selected contract (adjusted or skipped), a ``contract_value_changes`` row per adjusted one, the
  contracts updated, totals, audit.

Targets: service ≤ 20 s and ≤ 2× the floor. Both results are checked to agree (same adjusted
count and revenue).

Usage::

    python bench/bench_adjustment.py [--contracts 500000] [--dir /tmp/bench-adjust] [--rounds 2]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.db.models import Contract, Customer, Plan  # noqa: E402
from ispdesk.domain.adjustment import factor_fraction, twelve_month_cutoff  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.ids import uuid7  # noqa: E402
from ispdesk.services.adjustments import AdjustmentParams, apply_adjustment  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
PERCENT = Decimal("4.68")


def build(path: Path, contracts: int) -> None:
    """Create the database with `contracts` contracts on 5 plans and contracts/5 customers."""
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    rng = random.Random(7)
    with factory(Actor.system()) as uow:
        s = uow.session
        plans = []
        for i, (code, price, speed) in enumerate([("F100", "79.90", 100), ("F300", "99.90", 300),
                                                  ("F500", "129.90", 500), ("F1G", "199.90", 1000),
                                                  ("EMP", "349.90", 800)]):
            plan = Plan(code=code, name=code, price=Decimal(price), download_mbps=speed, upload_mbps=speed // 2,
                        created_at=NOW, created_by="bench")
            s.add(plan)
            plans.append(plan)
            _ = i
        s.flush()
        n_customers = max(1, contracts // 5)
        customer_ids = [uuid7() for _ in range(n_customers)]
        for start in range(0, n_customers, 20000):
            s.execute(insert(Customer), [
                dict(id=cid, code=start + k + 1, person_type="F", name=f"Cliente {start + k}",
                     name_folded=f"CLIENTE {start + k}", city="Campinas" if k % 3 else "São Paulo",
                     status="ativo", created_at=NOW, created_by="bench")
                for k, cid in enumerate(customer_ids[start:start + 20000])])
        for start in range(0, contracts, 20000):
            rows = []
            for k in range(start, min(contracts, start + 20000)):
                plan = plans[k % 5]
                recent = k % 10 == 0
                activated = TODAY - timedelta(days=rng.randint(30, 300) if recent else rng.randint(400, 2000))
                rows.append(dict(
                    id=uuid7(), number=k + 1, customer_id=customer_ids[k % n_customers], plan_id=plan.id,
                    value=plan.price, status="ativo", access_status="normal", activated_on=activated,
                    billing_base_date=activated, due_day=1 + k % 28, no_adjustment=k % 97 == 0,
                    created_at=NOW, created_by="bench"))
            s.execute(insert(Contract), rows)
        uow.commit()
    factory.dispose()


def floor(path: Path, effective: date) -> tuple[float, int, int]:
    """The hand-written SQL: update the eligible contracts and insert their history rows."""
    n, d = factor_fraction(PERCENT)
    cutoff = twelve_month_cutoff(effective).isoformat()
    eligible = ("status = 'ativo' AND no_adjustment = 0 AND activated_on IS NOT NULL AND activated_on <= ? "
                "AND (last_adjusted_on IS NULL OR last_adjusted_on <= ?)")
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")  # the same settings as the app's engine (ispdesk.db.engine)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO contract_value_changes (id, contract_id, effective_on, old_value, new_value, source, applied, "
        f"created_at, created_by) SELECT lower(hex(randomblob(16))), id, ?, value, (value * {n} + {d // 2}) / {d}, "
        f"'reajuste', 1, ?, 'bench' FROM contracts WHERE {eligible}",
        (effective.isoformat(), NOW.isoformat(sep=" "), cutoff, cutoff))
    conn.execute(
        f"UPDATE contracts SET value = (value * {n} + {d // 2}) / {d}, last_adjusted_on = ?, version = version + 1 "
        f"WHERE {eligible}", (effective.isoformat(), cutoff, cutoff))
    count, total = conn.execute("SELECT count(*), sum(new_value) FROM contract_value_changes").fetchone()
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, count, total


def service(path: Path, effective: date) -> tuple[float, int, int]:
    """The service call (one transaction)."""
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}", FixedClock(TODAY))
    params = AdjustmentParams(percent=PERCENT, effective_on=effective, customers_notified=True)
    start = time.perf_counter()
    result = apply_adjustment(factory(Actor.system()), params)
    seconds = time.perf_counter() - start
    factory.dispose()
    return seconds, result.count, int(result.revenue_after * 100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=500_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-adjust"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    original = args.dir / f"adjust-{args.contracts}.sqlite3"
    if not original.exists():
        t = time.perf_counter()
        build(original, args.contracts)
        print(f"{args.contracts} contratos gerados em {time.perf_counter() - t:.1f} s", flush=True)
    effective = TODAY
    floors, services = [], []
    for _ in range(args.rounds):  # alternate, fresh copies each time; the best of each is compared
        for name, runner, sink in (("floor", floor, floors), ("service", service, services)):
            target = args.dir / f"{name}.sqlite3"
            shutil.copyfile(original, target)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            sink.append(runner(target, effective))
            print(f"  {name}: {sink[-1][0]:.2f} s", flush=True)
    f_s, f_count, f_total = min(floors)
    s_s, s_count, s_total = min(services)
    print(f"piso (SQL à mão, UPDATE + histórico): {f_s:.2f} s, {f_count} contratos", flush=True)
    print(f"serviço apply_adjustment:            {s_s:.2f} s, {s_count} contratos", flush=True)
    ratio = s_s / f_s if f_s else float("inf")
    ok = s_s <= 20 and ratio <= 2 and (f_count, f_total) == (s_count, s_total)
    print(f"razão {ratio:.2f}× (meta ≤ 2×), tempo {'ok' if s_s <= 20 else 'ACIMA de 20 s'}; "
          f"resultados {'iguais' if (f_count, f_total) == (s_count, s_total) else 'DIFERENTES'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
