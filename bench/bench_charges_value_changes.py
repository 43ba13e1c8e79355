"""Benchmark: charge generation when some contracts' monthly value changed inside the new cycle.

Reuses the database of ``bench_charges.py`` (N active contracts, November charged, 1 % suspended),
then gives `--percent` of the contracts (none of the suspended ones) an applied value change
(+R$ 10,00) effective on the 11th day of their new cycle (a plan change or reajuste that fell
mid-cycle) and times `generate_charges`: the contracts without a change keep the set-based path,
the others are split by value segments. Checks that every changed contract got a segmented amount
(strictly between the old and the new value).

Usage::

    python bench/bench_charges_value_changes.py [--contracts 200000] [--percent 1] [--dir /tmp/bench-charges]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_charges import NOW, UNTIL, build  # noqa: E402
from common import peak_rss_mb  # noqa: E402
from sqlalchemy import text  # noqa: E402

from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.ids import uuid7  # noqa: E402
from ispdesk.services.charges import generate_charges  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402


def add_changes(path: Path, percent: float) -> int:
    """Give every (100 / percent)-th contract a value change inside its new cycle; return how many."""
    step = max(1, round(100 / percent)) if percent > 0 else 0
    if not step:
        return 0
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    raw = factory.engine.raw_connection()
    try:
        cur = raw.cursor()
        rows = cur.execute("SELECT id, value, due_day FROM contracts ORDER BY number").fetchall()
        now = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
        changes, values = [], []
        for k, (cid, cents, due_day) in enumerate(rows):
            if (k + 1) % step:  # off the suspended contracts of bench_charges (k % 100 == 0)
                continue
            effective = date(2026, 11, due_day) + timedelta(days=10)
            changes.append((uuid7().hex, cid, effective.isoformat(), cents, cents + 1000, "plano", 1, now, "bench"))
            values.append((cents + 1000, cid))
        cur.executemany(
            "INSERT INTO contract_value_changes (id, contract_id, effective_on, old_value, new_value, source,"
            " applied, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)", changes)
        cur.executemany("UPDATE contracts SET value = ? WHERE id = ?", values)
        raw.commit()
    finally:
        raw.close()
    factory.dispose()
    return len(changes)


def main() -> None:
    """Build (or reuse), add the changes, time the generation."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=200_000)
    parser.add_argument("--percent", type=float, default=1.0, help="percentage of contracts with a value change")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-charges"))
    parser.add_argument("--keep", action="store_true", help="reuse a database built before with the same size")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"charges-{args.contracts}.sqlite3"
    work = args.dir / "work-changes.sqlite3"
    if not (args.keep and path.exists()):
        path.unlink(missing_ok=True)
        build(path, args.contracts)
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(path, work)
    changed = add_changes(work, args.percent)

    factory = UnitOfWorkFactory.from_url(f"sqlite:///{work}", FixedClock(date(2026, 12, 1)))
    t, cpu = time.perf_counter(), time.process_time()
    result = generate_charges(factory(Actor.system()), UNTIL)
    service_s, service_cpu = time.perf_counter() - t, time.process_time() - cpu
    with factory.engine.connect() as conn:
        split = conn.execute(text(
            "SELECT count(*) FROM charges ch JOIN contract_value_changes v ON v.contract_id = ch.contract_id "
            "WHERE ch.created_by = 'sistema' AND ch.amount > v.old_value AND ch.amount < v.new_value")).scalar()
    factory.dispose()
    assert result.charges == args.contracts, result.charges
    assert split == changed, (split, changed)
    print(f"{args.contracts} contratos, {changed} com mudança de valor no ciclo: {result.charges} cobranças em "
          f"{service_s:.2f} s (CPU {service_cpu:.2f} s); {split} divididas em trechos; total {result.total}; "
          f"pico de memória {peak_rss_mb():.0f} MB",
          flush=True)


if __name__ == "__main__":
    main()
