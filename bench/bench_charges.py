"""Benchmark: generating one month of charges for 1,000,000 active contracts on SQLite.

Builds a SQLite file with N active contracts (fast Core / DB-API inserts; due days 1–28, a few
plans, every contract with its previous month already charged, 1 % with a suspension period inside
the new cycle), then measures in the same run:

- **floor**: one hand-written ``INSERT INTO charges … SELECT`` producing the same rows (next cycle
  after the last charge, full value; suspension ignored), in a transaction that is rolled back;
- **service**: `ispdesk.services.charges.generate_charges` (hooks, parameters, keyset batches,
  pro-rata for suspended days, batched inserts, audit) — committed.

Target: service ≤ 60 s; the ratio to the floor is reported. The row counts are checked to agree.

Usage::

    python bench/bench_charges.py [--contracts 1000000] [--dir /tmp/bench-charges]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, seed_plans_and_customers  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from ispdesk.db.models import Charge  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.ids import uuid7  # noqa: E402
from ispdesk.services.charges import generate_charges  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
UNTIL = date(2026, 12, 31)
TARGET_S = 60.0
PLANS = [("F100", "79.90"), ("F300", "99.90"), ("F500", "129.90"), ("F1G", "199.90")]


def build(path: Path, contracts: int) -> None:
    """Create the database: plans, contracts/10 customers, contracts, their November charge."""
    factory, plan_rows, customer_ids = seed_plans_and_customers(path, PLANS, contracts, NOW)
    n_customers = len(customer_ids)
    rng = random.Random(11)
    raw = factory.engine.raw_connection()
    try:
        cur = raw.cursor()
        now = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DATETIME format
        for start in range(0, contracts, 50000):
            crow, chrow, susp = [], [], []
            for k in range(start, min(contracts, start + 50000)):
                cid = uuid7().hex
                plan_id, code, cents = plan_rows[k % len(plan_rows)]
                due_day = rng.randint(1, 28)
                activated = date(2026, 10, due_day)
                crow.append((cid, k + 1, customer_ids[k % n_customers].hex, plan_id, cents, "ativo", "normal",
                             activated.isoformat(), activated.isoformat(), 12, 0, due_day, now, "bench", 1, 0, 0, 0))
                due = date(2026, 11, due_day).isoformat()
                chrow.append((uuid7().hex, k + 1, cid, "mensalidade", f"Mensalidade {code}", activated.isoformat(),
                              date(2026, 11, due_day - 1).isoformat() if due_day > 1 else "2026-10-31",
                              due, due, cents, 0, "aberta", code, now, "bench", 1))
                if k % 100 == 0:
                    susp.append((uuid7().hex, cid, date(2026, 11, 20).isoformat(), date(2026, 11, 24).isoformat()))
            cur.executemany(
                "INSERT INTO contracts (id, number, customer_id, plan_id, value, status, access_status, activated_on,"
                " billing_base_date, loyalty_months, loyalty_benefit, due_day, created_at, created_by, version,"
                " block_exempt, trust_restriction_lifted, no_adjustment) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", crow)
            cur.executemany(
                "INSERT INTO charges (id, number, contract_id, kind, description, period_start, period_end, due_date,"
                " effective_due_date, amount, paid_amount, status, plan_code, created_at, created_by, version) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", chrow)
            cur.executemany("INSERT INTO suspension_periods (id, contract_id, start_date, end_date) VALUES (?,?,?,?)",
                            susp)
        cur.execute("UPDATE sequences SET next_value = ? WHERE name = 'charge_number'", (contracts + 1,))
        raw.commit()
    finally:
        raw.close()
    factory.dispose()


FLOOR_SQL = """
INSERT INTO charges (id, number, contract_id, kind, description, period_start, period_end, due_date,
                     effective_due_date, amount, paid_amount, status, plan_code, created_at, created_by, version)
SELECT lower(hex(randomblob(16))), 100000000 + x.rn, x.id, 'mensalidade', 'Mensalidade ' || x.code, x.start_day,
       date(x.due, '-1 day'), x.due, x.due, x.value, 0, 'aberta', x.code, :now, 'floor', 1
FROM (
  SELECT row_number() OVER () AS rn, c.id, c.value, p.code, date(l.period_end, '+1 day') AS start_day,
         date(l.period_end, '+1 day', '+1 month') AS due
  FROM contracts c JOIN plans p ON p.id = c.plan_id
  JOIN charges l ON l.id = (SELECT id FROM charges WHERE contract_id = c.id AND kind = 'mensalidade'
                            ORDER BY period_start DESC LIMIT 1)
  WHERE c.status = 'ativo'
) x
WHERE x.due <= :until
"""


def main() -> None:
    """Build, then time the floor and the service."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-charges"))
    parser.add_argument("--keep", action="store_true", help="reuse a database built before with the same size")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"charges-{args.contracts}.sqlite3"
    work = args.dir / "work.sqlite3"
    if not (args.keep and path.exists()):
        path.unlink(missing_ok=True)
        t = time.perf_counter()
        build(path, args.contracts)
        print(f"base criada: {args.contracts} contratos em {time.perf_counter() - t:.1f} s", flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(path, work)

    factory = UnitOfWorkFactory.from_url(f"sqlite:///{work}", FixedClock(date(2026, 12, 1)))
    with factory.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(Charge))
        conn.rollback()
        t, cpu = time.perf_counter(), time.process_time()
        trans = conn.begin()
        params = {"now": NOW.strftime("%Y-%m-%d %H:%M:%S.%f"), "until": UNTIL.isoformat()}
        floor_rows = conn.execute(text(FLOOR_SQL), params).rowcount
        floor_s, floor_cpu = time.perf_counter() - t, time.process_time() - cpu
        trans.rollback()
    print(f"piso (INSERT … SELECT): {floor_rows} linhas em {floor_s:.2f} s (CPU {floor_cpu:.2f} s)", flush=True)

    t, cpu = time.perf_counter(), time.process_time()
    result = generate_charges(factory(Actor.system()), UNTIL)
    service_s, service_cpu = time.perf_counter() - t, time.process_time() - cpu
    with factory.engine.connect() as conn:
        after = conn.scalar(select(func.count()).select_from(Charge))
        reduced = conn.execute(text(
            "SELECT count(*) FROM charges ch JOIN contracts c ON c.id = ch.contract_id "
            "WHERE ch.created_by = 'sistema' AND ch.amount < c.value")).scalar()
    factory.dispose()
    assert after - before == result.charges == floor_rows, (after - before, result.charges, floor_rows)
    verdict = "ok" if service_s <= TARGET_S else "ACIMA"
    print(f"serviço generate_charges: {result.charges} cobranças em {service_s:.2f} s (CPU {service_cpu:.2f} s) "
          f"(meta ≤ {TARGET_S:.0f} s: {verdict}); razão ao piso {service_s / floor_s:.2f}× "
          f"(CPU {service_cpu / floor_cpu:.2f}×); "
          f"{reduced} proporcionais por suspensão; total {result.total}; pico de memória {peak_rss_mb():.0f} MB",
          flush=True)


if __name__ == "__main__":
    main()
