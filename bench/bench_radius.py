"""Benchmark: ``ispdesk radius sync`` of N contracts on PostgreSQL (target: 1,000,000 in ≤ 60 s).

Builds a fresh PostgreSQL database (URL of a server in ``--pg``, default ``ISPDESK_TEST_PG_URL``)
with N active contracts on 4 plans, 80 % normal, 10 % reduced, 10 % blocked, each with a network
login, and the rlm_sql tables. Measures:

- **first sync**: every user written (group, managed attributes, the groups' definitions);
- **second sync**: nothing to change (the idempotent reconciliation a cron would run);
- **after 1 % drift**: 1 % of the users put in a wrong group by hand, repaired.

``--suspensao N`` instead: the daily suspension routine of ``bench/bench_suspension.py`` (SQLite,
N contracts, 10 % overdue) on two copies of one base, without and with provisioning (every contract
with a login, the rlm_sql tables in the same file, synced before); target: with ≤ 1.5× without.

Usage::

    python bench/bench_radius.py [--contracts 1000000] [--pg URL]
    python bench/bench_radius.py --suspensao 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from ispdesk.domain.permissions import Role  # noqa: E402
from ispdesk.services import radius  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402
from ispdesk.services.uow import Actor  # noqa: E402

TARGET_S = 60.0


def build(url: str, n: int) -> None:
    """Plans, one customer, N contracts with logins (set-based SQL)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("""INSERT INTO customers (id, code, person_type, name, name_folded, status, version,
                                created_at, created_by)
                             VALUES (gen_random_uuid(), 1, 'F', 'Cliente Bench', 'cliente bench', 'ativo', 1, now(),
                                'bench')"""))
        for i, (code, down, up) in enumerate((("FIBRA-100", 100, 50), ("FIBRA-300", 300, 150),
                                              ("FIBRA-500", 500, 250), ("FIBRA-1G", 1000, 500))):
            conn.execute(text("""INSERT INTO plans (id, code, name, price, download_mbps, upload_mbps, loyalty_months,
                                    loyalty_benefit, adjustment_rule, active, version, created_at, created_by)
                                 VALUES (gen_random_uuid(), :c, :c, 9990 + :i, :d, :u, 0, 0, '', true, 1, now(),
                                    'bench')"""), {"c": code, "d": down, "u": up, "i": i})
        conn.execute(text("""
            INSERT INTO contracts (id, number, customer_id, plan_id, value, status, access_status, due_day,
                                   loyalty_months, loyalty_benefit, block_exempt, trust_restriction_lifted,
                                   no_adjustment, version, created_at, created_by)
            SELECT gen_random_uuid(), g, (SELECT id FROM customers LIMIT 1),
                   (SELECT id FROM plans ORDER BY code OFFSET (g % 4) LIMIT 1), 9990, 'ativo',
                   CASE WHEN g % 10 = 0 THEN 'reduzido' WHEN g % 10 = 1 THEN 'bloqueado' ELSE 'normal' END,
                   10, 0, 0, false, false, false, 1, now(), 'bench'
            FROM generate_series(1, :n) g"""), {"n": n})
        conn.execute(text("""INSERT INTO contract_network (id, contract_id, login, login_key, updated_at, updated_by)
                             SELECT gen_random_uuid(), id, 'cliente' || number, 'cliente' || number, now(), 'bench'
                             FROM contracts"""))
    engine.dispose()


def suspension(n: int) -> int:
    """The suspension routine without and with provisioning, on copies of one SQLite base."""
    import shutil
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_suspension import ON, build

    from ispdesk.domain.clock import FixedClock
    from ispdesk.services.access import run_suspension
    from ispdesk.services.uow import UnitOfWorkFactory

    work = Path(tempfile.mkdtemp(prefix="bench-radius-"))
    base = work / "base.sqlite3"
    build(base, n)
    times = {}
    for mode in ("sem", "com"):
        path = work / f"{mode}.sqlite3"
        shutil.copyfile(base, path)
        factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}", FixedClock(ON))
        if mode == "com":
            actor = Actor.for_role("bench", Role.ADMINISTRADOR)
            radius.create_schema(factory(actor))
            with factory.engine.begin() as conn:
                conn.execute(text("""INSERT INTO contract_network (id, contract_id, login, login_key, updated_at,
                                        updated_by)
                                     SELECT lower(hex(randomblob(16))), id, 'cliente' || number, 'cliente' || number,
                                        '2026-11-27 06:00:00', 'bench' FROM contracts"""))
            print(radius.sync(factory(actor)).lines()[-1])
        started = time.perf_counter()
        result = run_suspension(factory(Actor.system()), ON)
        times[mode] = time.perf_counter() - started
        print(f"rotina {mode} provisionamento: {times[mode]:.2f} s — {result.counts}", flush=True)
        factory.dispose()
    ratio = times["com"] / times["sem"]
    print(f"razão com/sem: {ratio:.2f}× (meta ≤ 1,5×: {'ok' if ratio <= 1.5 else 'ACIMA'})")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("ISPDESK_TEST_PG_URL", ""))
    parser.add_argument("--suspensao", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.suspensao:
        return suspension(args.suspensao)
    if not args.pg:
        print("Informe --pg URL (ou ISPDESK_TEST_PG_URL) de um servidor PostgreSQL.")
        return 2
    name = f"bench_radius_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    try:
        factory = open_database(url)
        actor = Actor.for_role("bench", Role.ADMINISTRADOR)
        radius.create_schema(factory(actor))
        started = time.perf_counter()
        build(url, args.contracts)
        print(f"base: {args.contracts} contratos com login em {time.perf_counter() - started:.1f} s")
        results = {}
        for label in ("primeira sincronização", "segunda sincronização (nada muda)"):
            started = time.perf_counter()
            result = radius.sync(factory(actor))
            results[label] = time.perf_counter() - started
            print(f"{label}: {results[label]:.1f} s — {result.lines()[-1]}")
        drift = create_engine(url)
        with drift.begin() as conn:
            conn.execute(text("UPDATE radius.radusergroup SET groupname = 'errado' WHERE id % 100 = 0"))
        drift.dispose()
        started = time.perf_counter()
        result = radius.sync(factory(actor))
        print(f"depois de 1 % alterado à mão: {time.perf_counter() - started:.1f} s — {result.lines()[-1]}")
        first = results["primeira sincronização"]
        scaled = first * 1_000_000 / args.contracts
        print(f"meta: 1.000.000 em ≤ {TARGET_S:.0f} s; medido {first:.1f} s para {args.contracts}"
              f" (≈ {scaled:.0f} s para 1.000.000, linear) — {'ok' if scaled <= TARGET_S else 'ACIMA'}")
        factory.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
