"""A realistic dataset for the dashboard: contracts over 18 months with cancellations (with reasons),
access events (reductions, blocks, restorations) and plan changes.

Used by the benchmark (`bench/bench_dashboard.py`, a million contracts) and by the README screenshot
(`bench/screenshot_dashboard.py`, a few hundred). Rows go in through SQLAlchemy Core in chunks, so it
works on SQLite and PostgreSQL; it bypasses the services on purpose (it is test data, not user work).

    python bench/dashboard_dataset.py --db sqlite:////tmp/painel.sqlite3 --contracts 400
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ispdesk.db import migrate  # noqa: E402
from ispdesk.db.engine import make_engine  # noqa: E402
from ispdesk.db.models import (  # noqa: E402
    AccessEvent,
    Branch,
    CancellationReason,
    Contract,
    Customer,
    InclusionReason,
    Plan,
    PlanChange,
    Sequence,
)
from ispdesk.domain.dates import add_months  # noqa: E402
from ispdesk.domain.ids import uuid7  # noqa: E402
from ispdesk.domain.text import fold  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.uow import UnitOfWorkFactory  # noqa: E402

PLANS = [  # code, name, price, download, upload, loyalty months, weight
    ("DASH-100", "Fibra 100 Mega", "79.90", 100, 50, 12, 2),
    ("DASH-300", "Fibra 300 Mega", "99.90", 300, 150, 12, 5),
    ("DASH-500", "Fibra 500 Mega", "129.90", 500, 250, 12, 4),
    ("DASH-1G", "Fibra 1 Giga", "199.90", 1000, 500, 12, 2),
    ("DASH-EMP", "Empresarial 1 Giga", "399.90", 1000, 1000, 24, 1),
]
CITIES = [("São Paulo", 5), ("Campinas", 3), ("Jundiaí", 2), ("Sorocaba", 2), ("Itu", 1), ("Vinhedo", 1)]
FIRST = ["Ana", "João", "Maria", "José", "Antônio", "Luíza", "Márcia", "Sérgio", "Fábio", "Conceição", "Iara",
         "Raimundo", "Cíntia", "Otávio", "Lúcia", "André"]
LAST = ["Silva", "Souza", "Oliveira", "Conceição", "Araújo", "Gonçalves", "Pereira", "Gomes", "Simões", "Brandão"]
INCLUSION = [("NOVO", 8), ("TITULARIDADE", 1), ("MUDANCA_ENDERECO", 1), ("MIGRACAO", 1)]
CANCELLATION = [("PEDIDO", 4), ("MUDANCA_ENDERECO", 2), ("CONCORRENCIA", 3), ("INADIMPLENCIA", 2),
                ("DESCUMPRIMENTO", 1)]
CHANGE_TYPES = [("UP", 40), ("SC", 8), ("DW", 15), ("AV", 20), ("UV", 10), ("DV", 7)]
DUE_DAYS = [(5, 3), (10, 5), (15, 3), (20, 3), (25, 2)]
CHUNK = 20_000
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _weighted(rng: random.Random, items: list[tuple[Any, int]]) -> Any:
    values = [v for v, _ in items]
    weights = [w for _, w in items]
    return rng.choices(values, weights)[0]


def _ensure_reference(engine: Engine) -> dict[str, Any]:
    """Plans, branches and catalogue ids (creating what is missing)."""
    factory = UnitOfWorkFactory(engine)
    ensure_reference_data(factory)
    ids: dict[str, Any] = {"plans": [], "branches": []}
    with engine.begin() as conn:
        existing = dict(conn.execute(select(Plan.code, Plan.id)).all())
        for code, name, price, down, up, loyalty, weight in PLANS:
            if code not in existing:
                pid = uuid7()
                conn.execute(insert(Plan).values(
                    id=pid, code=code, name=name, price=Decimal(price), download_mbps=down, upload_mbps=up,
                    loyalty_months=loyalty, loyalty_benefit=Decimal("600.00"), adjustment_rule="IPCA anual",
                    active=True, version=1, created_at=NOW, created_by="bench"))
                existing[code] = pid
            ids["plans"].append((existing[code], Decimal(price), loyalty, weight, down))
        branches = dict(conn.execute(select(Branch.code, Branch.id)).all())
        for code, name in (("MATRIZ", "Provedor Matriz Ltda"), ("NORTE", "Provedor Filial Norte Ltda")):
            if code not in branches:
                bid = uuid7()
                conn.execute(insert(Branch).values(id=bid, code=code, legal_name=name, trade_name=name,
                                                   cnpj="11222333000181", active=True))
                branches[code] = bid
        ids["branches"] = [(branches["MATRIZ"], 3), (branches["NORTE"], 1)]
        inc = dict(conn.execute(select(InclusionReason.code, InclusionReason.id)).all())
        can = dict(conn.execute(select(CancellationReason.code, CancellationReason.id)).all())
        for code, _ in INCLUSION:
            if code not in inc:
                inc[code] = uuid7()
                conn.execute(insert(InclusionReason).values(id=inc[code], code=code, description=code, active=True))
        for code, _ in CANCELLATION:
            if code not in can:
                can[code] = uuid7()
                conn.execute(insert(CancellationReason).values(
                    id=can[code], code=code, description=code, active=True, waives_fine=False,
                    frees_period=False, counts_as_churn=code != "DESCUMPRIMENTO", system=False))
        ids["inclusion"] = [(inc[c], w) for c, w in INCLUSION]
        ids["cancellation"] = [(can[c], w) for c, w in CANCELLATION]
        ids["first_contract"] = conn.execute(select(Sequence.next_value).where(Sequence.name == "contract_number")
                                             ).scalar() or 1
        ids["first_customer"] = conn.execute(select(Sequence.next_value).where(Sequence.name == "customer_code")
                                             ).scalar() or 1
    return ids


def _rows(rng: random.Random, ids: dict[str, Any], count: int, as_of: date, months: int,
          ) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """One (customer, contract, access events, plan changes) per contract."""
    start = add_months(as_of, -months)
    span = (as_of - start).days
    plan_items = [((pid, price, loyalty, down), w) for pid, price, loyalty, w, down in ids["plans"]]
    by_speed = sorted(plan_items, key=lambda item: item[0][3])
    for n in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        customer_id = uuid7()
        customer = dict(
            id=customer_id, code=ids["first_customer"] + n, person_type="F", name=name, name_folded=fold(name),
            city=_weighted(rng, CITIES), state="SP", status="ativo", version=1, created_at=NOW, created_by="bench",
        )
        pid, price, loyalty, _down = _weighted(rng, plan_items)
        # older contracts come from before the window; newer ones spread over it
        if rng.random() < 0.35:
            activated = start - timedelta(days=rng.randrange(1, 720))
        else:
            activated = start + timedelta(days=int(span * rng.random() ** 0.8))
        renewed = None
        loyalty_start = activated
        if loyalty and (as_of - activated).days > 365 and rng.random() < 0.3:
            renewed = add_months(activated, 12 * ((as_of - activated).days // 365))
            loyalty_start = renewed if renewed <= as_of else activated
        contract_months = loyalty if rng.random() < 0.85 else 0
        expires = add_months(loyalty_start, contract_months) if contract_months else None
        value = price if rng.random() < 0.8 else (price * Decimal(rng.choice(("0.90", "1.05", "1.10")))).quantize(
            Decimal("0.01"))
        status, access, cancelled_on, reason = "ativo", "normal", None, None
        days_active = (as_of - activated).days
        if rng.random() < 0.14 and days_active > 20:
            status = "cancelado"
            cancelled_on = activated + timedelta(days=rng.randrange(15, days_active))
            reason = _weighted(rng, ids["cancellation"])
            access = "bloqueado"
        else:
            roll = rng.random()
            access = "reduzido" if roll < 0.03 else "bloqueado" if roll < 0.05 else "normal"
        contract_id = uuid7()
        contract = dict(
            id=contract_id, number=ids["first_contract"] + n, customer_id=customer_id, plan_id=pid,
            branch_id=_weighted(rng, ids["branches"]), value=value, status=status, access_status=access,
            activated_on=activated, billing_base_date=activated, renewed_on=renewed, loyalty_expires_on=expires,
            loyalty_months=contract_months, loyalty_benefit=Decimal("600.00") if contract_months else Decimal("0"),
            due_day=_weighted(rng, DUE_DAYS), inclusion_reason_id=_weighted(rng, ids["inclusion"]),
            cancelled_on=cancelled_on, cancellation_reason_id=reason,
            cancellation_origin="manual" if reason else None, block_exempt=False, trust_restriction_lifted=False,
            no_adjustment=False, version=1, created_at=NOW, created_by="bench",
        )
        end = cancelled_on or as_of
        events: list[dict[str, Any]] = []

        def event(day: date, old: str, new: str, cause: str, cid: Any = contract_id,
                  events: list[dict[str, Any]] = events) -> None:
            events.append(dict(id=uuid7(), contract_id=cid, on_date=day, at=NOW, from_status=old, to_status=new,
                               cause=cause, actor="sistema"))

        # overdue episodes: about one every 14 months of contract life
        life = (end - max(activated, start)).days
        for _ in range(max(0, int(life / 420 + rng.random()))):
            if life <= 40:
                break
            day = max(activated, start) + timedelta(days=rng.randrange(0, life - 30))
            event(day, "normal", "reduzido", "inadimplencia")
            if rng.random() < 0.45:
                blocked = day + timedelta(days=15)
                event(blocked, "reduzido", "bloqueado", "inadimplencia")
                if rng.random() < 0.3:
                    event(blocked + timedelta(days=2), "bloqueado", "liberado_confianca", "desbloqueio_confianca")
                    event(blocked + timedelta(days=4), "liberado_confianca", "normal", "pagamento")
                else:
                    event(blocked + timedelta(days=rng.randrange(1, 12)), "bloqueado", "normal", "pagamento")
            else:
                event(day + timedelta(days=rng.randrange(1, 14)), "reduzido", "normal", "pagamento")
        if access in ("reduzido", "bloqueado") and status == "ativo":
            day = as_of - timedelta(days=rng.randrange(0, 14))
            event(day, "normal", "reduzido", "inadimplencia")
            if access == "bloqueado":
                event(min(as_of, day + timedelta(days=15)), "reduzido", "bloqueado", "inadimplencia")
        events = [e for e in events if e["on_date"] <= end]
        changes: list[dict[str, Any]] = []
        for _ in range(int(life / 600 + rng.random() * 0.6)):
            if life <= 2:
                break
            ctype = _weighted(rng, CHANGE_TYPES)
            faster = [p for p, _ in by_speed]
            new_plan = faster[min(len(faster) - 1, 2)][0] if ctype in ("UP", "SC", "UV") else faster[0][0]
            day = max(activated, start) + timedelta(days=rng.randrange(1, life))
            changes.append(dict(
                id=uuid7(), contract_id=contract_id, changed_on=day, at=NOW, actor="bench", change_type=ctype,
                old_plan_id=pid, new_plan_id=pid if ctype == "AV" else new_plan, old_value=value, new_value=value,
                old_due_day=contract["due_day"], new_due_day=contract["due_day"], prorata_amount=Decimal("0"),
                loyalty_action="manter",
            ))
        yield customer, contract, events, changes


def build(engine: Engine, contracts: int, as_of: date, months: int = 18, seed: int = 7,
          progress: bool = False) -> dict[str, int]:
    """Insert `contracts` contracts (one customer each) with their history; return row counts."""
    rng = random.Random(seed)
    ids = _ensure_reference(engine)
    totals = {"contracts": 0, "access_events": 0, "plan_changes": 0}
    buffers: dict[str, list[dict[str, Any]]] = {"customers": [], "contracts": [], "events": [], "changes": []}
    tables = {"customers": Customer, "contracts": Contract, "events": AccessEvent, "changes": PlanChange}
    started = time.perf_counter()

    def flush(conn: Any) -> None:
        for key in ("customers", "contracts", "events", "changes"):
            if buffers[key]:
                conn.execute(insert(tables[key]), buffers[key])
                buffers[key] = []

    with engine.begin() as conn:
        for customer, contract, events, changes in _rows(rng, ids, contracts, as_of, months):
            buffers["customers"].append(customer)
            buffers["contracts"].append(contract)
            buffers["events"].extend(events)
            buffers["changes"].extend(changes)
            totals["contracts"] += 1
            totals["access_events"] += len(events)
            totals["plan_changes"] += len(changes)
            if len(buffers["contracts"]) >= CHUNK:
                flush(conn)
                if progress:
                    print(f"  {totals['contracts']:>9,} contratos  {time.perf_counter() - started:6.1f} s",
                          file=sys.stderr)
        flush(conn)
        for name, first in (("contract_number", ids["first_contract"]), ("customer_code", ids["first_customer"])):
            conn.execute(Sequence.__table__.update().where(Sequence.name == name)
                         .values(next_value=first + contracts))
    return totals


def main(argv: list[str] | None = None) -> int:
    """Create (or add to) a database with the dashboard dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL")
    parser.add_argument("--contracts", type=int, default=400)
    parser.add_argument("--date", type=date.fromisoformat, default=date.today())
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    engine = make_engine(args.db)
    migrate.upgrade(engine, backup=False)
    totals = build(engine, args.contracts, args.date, seed=args.seed, progress=True)
    print(totals)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
