"""Benchmark: the contracts tab's list query at 1,000,000 contracts on SQLite.

Builds (once, cached) a SQLite file with N customers and M contracts via the demo generators (Core
inserts), then measures the first page of the contracts tab for: no filter, a search keystroke per
key type (name prefix growing letter by letter, contract number, customer code, CPF prefix masked,
whole CPF masked) and filters (status, plan, due day, expiring within 30 days, city). Each line gives
the p95 of the service call (`list_contracts_in`: SQL + building `ContractListRow`s), the p95 of the
service's own SQL run raw through the DBAPI (the cost without Python row building), the p95 of the
raw-SQL floor (the same page's ids by a hand-written query on the best index, DBAPI) and the ratio
service / floor, all measured in the same run. EXPLAIN QUERY PLAN of every query is printed.

Usage::

    python bench/bench_contracts_list.py [--contracts 1000000] [--customers 500000] [--db PATH] [--runs 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import p95  # noqa: E402
from sqlalchemy import text  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.contract_filter import ContractFilter  # noqa: E402
from ispdesk.domain.documents import mask_document  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.contract_demo import generate_demo_contracts  # noqa: E402
from ispdesk.services.contract_list import build_list_query, count_contracts_in, list_contracts_in  # noqa: E402
from ispdesk.services.demo import generate_demo  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory  # noqa: E402


def build(path: Path, customers: int, contracts: int) -> UnitOfWorkFactory:
    """Open (or create and fill) the benchmark database."""
    fresh = not path.exists()
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    if fresh:
        migrate.upgrade(factory.engine, backup=False)
        ensure_reference_data(factory)
        t = time.perf_counter()
        generate_demo(factory, customers, seed=7)
        print(f"{customers} clientes gerados em {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        generate_demo_contracts(factory, contracts, seed=7)
        print(f"{contracts} contratos gerados em {time.perf_counter() - t:.1f} s", flush=True)
    return factory


def floor_sql(uow: UnitOfWork, sql: str, params: dict[str, Any]) -> Callable[[], Any]:
    conn = uow.session.connection().connection.driver_connection  # the raw sqlite3 connection

    def run() -> Any:
        return conn.execute(sql, params).fetchall()

    return run


def same_sql_runner(uow: UnitOfWork, f: ContractFilter) -> Callable[[], Any]:
    """The service's own SQL (literal values) run through the DBAPI: the cost without row building."""
    stmt, _ = build_list_query(uow, f)
    sql = str(stmt.compile(uow.session.get_bind(), compile_kwargs={"literal_binds": True}))
    return floor_sql(uow, sql, {})


def explain(uow: UnitOfWork, f: ContractFilter) -> str:
    stmt, _ = build_list_query(uow, f)
    compiled = stmt.compile(uow.session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = uow.session.execute(text("EXPLAIN QUERY PLAN " + str(compiled))).all()
    return "\n".join("      " + str(r[-1]) for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/ispdesk-bench-contracts-{args.contracts}.sqlite3")
    factory = build(path, args.customers, args.contracts)
    actor = Actor.system()
    with factory(actor) as uow:
        s = uow.session
        total = s.execute(text("SELECT count(*) FROM contracts")).scalar_one()
        sample = s.execute(text("SELECT c.number, cu.code, cu.document FROM contracts c JOIN customers cu "
                                "ON cu.id = c.customer_id WHERE cu.document IS NOT NULL AND length(cu.document) = 11 "
                                "ORDER BY c.number LIMIT 1 OFFSET 4321")).one()
        plan_id = s.execute(text("SELECT id FROM plans WHERE code = 'FIBRA-1G'")).scalar_one()
        number, code, cpf = sample
        today = uow.today
        print(f"\n{total} contratos; amostra: contrato {number}, cliente {code}, CPF {mask_document(cpf)}\n")
        # (label, filter, floor SQL, floor params)
        base_cols = "SELECT c.id FROM contracts c JOIN customers cu ON cu.id = c.customer_id"
        cases: list[tuple[str, ContractFilter, str, dict[str, Any]]] = [
            ("primeira página, sem filtro", ContractFilter(),
             "SELECT id FROM contracts ORDER BY number DESC LIMIT 200", {}),
        ]
        for prefix in ("m", "ma", "mar", "marc", "marcel"):
            cases.append((f"busca nome “{prefix}”", ContractFilter(text=prefix),
                          f"{base_cols} WHERE cu.name_folded >= :a AND cu.name_folded < :b "
                          "ORDER BY cu.name_folded, c.customer_id, c.number LIMIT 200",
                          {"a": prefix, "b": prefix + "\U0010ffff"}))
        cases += [
            ("busca nº do contrato", ContractFilter(text=str(number)),
             "SELECT id FROM contracts WHERE number = :n", {"n": number}),
            ("busca código do cliente", ContractFilter(text=str(code)),
             f"{base_cols} WHERE cu.code = :n", {"n": code}),
            ("busca CPF parcial mascarado", ContractFilter(text=mask_document(cpf)[:7]),
             f"{base_cols} WHERE cu.document >= :a AND cu.document < :b ORDER BY c.number DESC LIMIT 200",
             {"a": cpf[:6], "b": cpf[:6] + "\U0010ffff"}),
            ("busca CPF completo mascarado", ContractFilter(text=mask_document(cpf)),
             f"{base_cols} WHERE cu.document = :a", {"a": cpf}),
            ("filtro situação ativo", ContractFilter(statuses=("ativo",)),
             "SELECT id FROM contracts WHERE status = 'ativo' ORDER BY number DESC LIMIT 200", {}),
            ("filtro situação negativado", ContractFilter(statuses=("negativado",)),
             "SELECT id FROM contracts WHERE status = 'negativado' ORDER BY number DESC LIMIT 200", {}),
            ("filtro plano FIBRA-1G", ContractFilter(plan_code="FIBRA-1G"),
             "SELECT id FROM contracts WHERE plan_id = :p ORDER BY number DESC LIMIT 200", {"p": plan_id}),
            ("filtro dia de vencimento 28", ContractFilter(due_day=28),
             "SELECT id FROM contracts WHERE due_day = 28 ORDER BY number DESC LIMIT 200", {}),
            ("filtro cancelado ou negativado", ContractFilter(statuses=("cancelado", "negativado")),
             "SELECT id FROM contracts WHERE status = 'negativado' ORDER BY number DESC LIMIT 200", {}),
            ("filtro expira em 30 dias", ContractFilter(expiring_within_days=30),
             "SELECT id FROM contracts WHERE loyalty_expires_on > :a AND loyalty_expires_on <= :b "
             "ORDER BY loyalty_expires_on, number LIMIT 200",
             {"a": today.isoformat(), "b": (today + timedelta(30)).isoformat()}),
            ("filtro expira em 30 dias + ativo", ContractFilter(expiring_within_days=30, statuses=("ativo",)),
             "SELECT id FROM contracts WHERE loyalty_expires_on > :a AND loyalty_expires_on <= :b "
             "AND status = 'ativo' ORDER BY loyalty_expires_on, number LIMIT 200",
             {"a": today.isoformat(), "b": (today + timedelta(30)).isoformat()}),
            ("filtro bloqueado", ContractFilter(access_statuses=("bloqueado",)),
             "SELECT id FROM contracts WHERE access_status = 'bloqueado' ORDER BY number DESC LIMIT 200", {}),
            ("filtro cidade + ativo", ContractFilter(city="sao paulo", statuses=("ativo",)),
             f"{base_cols} WHERE cu.city = 'São Paulo' AND c.status = 'ativo' ORDER BY c.number DESC LIMIT 200",
             {}),
            ("busca “ma” + ativo + dia 10", ContractFilter(text="ma", statuses=("ativo",), due_day=10),
             f"{base_cols} WHERE cu.name_folded >= 'ma' AND cu.name_folded < 'mb' AND c.status = 'ativo' "
             "AND c.due_day = 10 ORDER BY cu.name_folded, c.customer_id, c.number LIMIT 200", {}),
        ]
        print(f"{'caso':38} {'linhas':>6} {'p95 serviço':>12} {'mesmo SQL cru':>14} {'piso SQL':>10} "
              f"{'razão':>7}")
        for label, f, sql, params in cases:
            rows = list_contracts_in(uow, f)
            same_sql = same_sql_runner(uow, f)
            same_sql()
            same = []
            for _ in range(args.runs):
                t = time.perf_counter()
                same_sql()
                same.append(time.perf_counter() - t)
            service = [0.0] * args.runs
            for i in range(args.runs):
                t = time.perf_counter()
                list_contracts_in(uow, f)
                service[i] = time.perf_counter() - t
            run_floor = floor_sql(uow, sql, params)
            run_floor()
            floor = []
            for _ in range(args.runs):
                t = time.perf_counter()
                run_floor()
                floor.append(time.perf_counter() - t)
            ps, pf = p95(service), p95(floor)
            print(f"{label:38} {len(rows):6d} {ps * 1000:9.1f} ms {p95(same) * 1000:11.1f} ms {pf * 1000:7.1f} ms "
                  f"{ps / pf:6.1f}×", flush=True)
        print("\nSegunda página (fetchMore) e contagens:")
        for label, f in (("sem filtro", ContractFilter()), ("nome “ma”", ContractFilter(text="ma")),
                         ("expira em 30 dias", ContractFilter(expiring_within_days=30))):
            first = list_contracts_in(uow, f)
            after = first[-1].key if first else None
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                list_contracts_in(uow, f, after)
                samples.append(time.perf_counter() - t)
            counts = []
            for _ in range(5):
                t = time.perf_counter()
                n = count_contracts_in(uow, f)
                counts.append(time.perf_counter() - t)
            print(f"  {label:24} 2ª página p95 {p95(samples) * 1000:7.1f} ms | contagem ({n}) "
                  f"máx {max(counts) * 1000:7.1f} ms", flush=True)
        print("\nPlanos de consulta (EXPLAIN QUERY PLAN):")
        for label, f, _, _ in cases:
            print(f"  {label}:\n{explain(uow, f)}")
    factory.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
