"""A believable ISP for demonstrations: contracts with 18 months of history (``ispdesk demo --contracts``).

Everything goes through the real services, in the order it would have happened:

1. demo plans (`contract_demo.ensure_demo_plans`) and clean contracts activated over the last
   `MONTHS` months (`contract_demo.generate_demo_contracts_in`, a few pré-contratos among them);
2. plan changes on past dates (`plan_changes.preview_plan_change_in` / `apply_plan_change_in`);
3. cancellations on past dates with their reasons (`cancellation.cancel_contract_in`), which charge
   the last period and the fine;
4. the recurring charges of the demo's active contracts up to today (`charges.generate_charges_in`;
   other contracts of the database are not touched by steps 1–5);
5. payments: most charges paid around their due date, a share of the contracts left with recent
   overdue charges. Payments are written set-based (one insert, one update) — the same effect as
   `payments.record_payment_in` for a full payment — and `paid_until` is recomputed from the charges
   with `billing.paid_until`, exactly as the payment service does;
6. the non-payment routine (`access.run_suspension`) for each of the `LADDER_DAYS` days before
   today, which sends the notices and reduces and blocks the late payers. Today's run is left to the
   user: the Bloqueios view shows what it would do. The routine covers the whole database, as every
   day; days already run are skipped.

Steps 1–5 are one transaction (cancel = nothing written). Each run of step 6 commits on its own,
as the routine always does; a cancel there stops after a complete day.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from ispdesk.db.models import CancellationReason, Charge, Contract, Payment, Plan
from ispdesk.domain import billing
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

ProgressFn = Callable[[int, int, str], None]

#: How far back the contracts' activations go.
MONTHS = 18
#: How many days (up to yesterday) the non-payment routine is run for.
LADDER_DAYS = 75
#: Share of active contracts cancelled at some past date / changing plan at some past date.
CANCEL_SHARE = 0.12
CHANGE_SHARE = 0.10
#: Share of the remaining active contracts left with overdue charges.
LATE_SHARE = 0.08
#: How far behind a late payer is (days since the oldest unpaid due date, weight): noticed or reduced,
#: blocked, long blocked (the rescission comes only after `dias_rescisao` days of block).
_LATE_DEPTH = ((25, 5), (45, 3), (75, 2))

#: Cancellation reasons (code, weight) and the customer's words for the note.
_REASONS = (("PEDIDO", 4), ("MUDANCA_ENDERECO", 2), ("CONCORRENCIA", 3), ("DESCUMPRIMENTO", 1))
_NOTES = ("Cliente pediu o cancelamento por telefone.", "Mudou-se para cidade sem cobertura.",
          "Contratou outro provedor com preço menor.", "Cliente insatisfeito com a velocidade.",
          "Solicitou cancelamento na loja.")


@dataclass
class DemoHistoryResult:
    """What `generate_demo_history` wrote (counts)."""

    contracts: int = 0
    plan_changes: int = 0
    cancellations: int = 0
    charges: int = 0
    payments: int = 0
    ladder: dict[str, int] = field(default_factory=dict)


def generate_demo_history(
    factory: UnitOfWorkFactory,
    contracts: int,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    actor: Actor | None = None,
    seed: int | None = None,
) -> DemoHistoryResult:
    """Create `contracts` demo contracts for the existing customers with a realistic history.

    Args:
        factory: the unit-of-work factory (its clock gives "today").
        progress: ``progress(done, total, text)`` between steps.
        cancelled: polled between steps; True → nothing of steps 1–5 is written.
        actor: who generates (audited); defaults to the system actor.
        seed: makes the data reproducible.

    Raises:
        PermissionDenied: the actor lacks one of the permissions the services check.
        BusinessRuleError: there is no active customer.
    """
    from ispdesk.services.contract_demo import ensure_demo_plans, generate_demo_contracts_in

    result = DemoHistoryResult()
    if contracts <= 0:
        return result
    who = actor or Actor.system()
    rng = random.Random(seed)
    steps = 6 + LADDER_DAYS

    def step(n: int, text: str) -> bool:
        if progress is not None:
            progress(n, steps, text)
        return cancelled is not None and cancelled()

    ensure_demo_plans(factory, who)
    with factory(who) as uow:
        if step(0, "Gerando contratos de demonstração"):
            return result
        first = uow.peek_sequence("contract_number")
        created = generate_demo_contracts_in(uow, contracts, rng, cancelled=cancelled, fresh_months=MONTHS)
        if not created:
            return result
        today = uow.today
        ids = list(uow.session.scalars(
            select(Contract.id).where(Contract.status == "ativo", Contract.number >= first,
                                      Contract.number < first + created)
            .order_by(Contract.number)))
        rng.shuffle(ids)
        n_cancel = int(len(ids) * CANCEL_SHARE)
        n_change = int(len(ids) * CHANGE_SHARE)
        to_cancel, to_change = ids[:n_cancel], ids[n_cancel:n_cancel + n_change]
        if step(1, "Registrando mudanças de plano"):
            uow.rollback()
            return result
        result.plan_changes = _plan_changes(uow, rng, to_change + to_cancel[: len(to_cancel) // 4], today)
        if step(2, "Registrando cancelamentos"):
            uow.rollback()
            return result
        result.cancellations = _cancellations(uow, rng, to_cancel, today)
        if step(3, "Gerando cobranças"):
            uow.rollback()
            return result
        from ispdesk.services.charges import generate_charges_in

        for start in range(0, len(ids), 5000):  # only the demo's contracts (the database may have others)
            generate_charges_in(uow, today, ids[start:start + 5000])
        if step(4, "Registrando pagamentos"):
            uow.rollback()
            return result
        result.charges, result.payments = _payments(uow, rng, today, (first, first + created))
        if step(5, "Gravando"):
            uow.rollback()
            return result
        uow.audit("contract", None, "demo_history",
                  {"contratos": created, "mudancas_plano": result.plan_changes,
                   "cancelamentos": result.cancellations, "pagamentos": result.payments},
                  summary=f"Histórico de demonstração: {created} contrato(s), {result.payments} pagamento(s)")
        uow.commit()
        result.contracts = created
    result.ladder = _run_ladder(factory, who, today, lambda n, text: step(6 + n, text))
    return result


@dataclass
class FullDemoResult:
    """What `generate_full_demo` wrote: customers, then contracts with their history."""

    customers: int = 0
    history: DemoHistoryResult = field(default_factory=DemoHistoryResult)


def default_contracts(customers: int) -> int:
    """The number of contracts a demo of `customers` customers gets by default (80 %, rounded)."""
    return (customers * 4 + 2) // 5


def generate_full_demo(
    factory: UnitOfWorkFactory,
    customers: int,
    contracts: int | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    actor: Actor | None = None,
    seed: int | None = None,
) -> FullDemoResult:
    """Demo customers (`demo.generate_demo`), then contracts with history (`generate_demo_history`).

    Args:
        contracts: how many contracts; None → `default_contracts(customers)`; 0 → customers only.

    The customers are one transaction and the contracts another: a cancel during the contracts keeps
    the customers already written (the result says so).
    """
    from ispdesk.services.demo import generate_demo

    result = FullDemoResult()
    result.customers = generate_demo(factory, customers, progress=progress, cancelled=cancelled, actor=actor,
                                     seed=seed)
    if cancelled is not None and cancelled():
        return result
    wanted = default_contracts(customers) if contracts is None else contracts
    if wanted > 0:
        result.history = generate_demo_history(factory, wanted, progress=progress, cancelled=cancelled,
                                               actor=actor, seed=seed)
    return result


def _plan_changes(uow: UnitOfWork, rng: random.Random, ids: list[uuid.UUID], today: date) -> int:
    """Change the plan of `ids` on a past date (mostly upgrades), through the plan-change service."""
    from ispdesk.services.plan_changes import apply_plan_change_in, preview_plan_change_in

    uow.require(Permission.PLAN_CHANGE)
    plans = uow.session.execute(select(Plan.id, Plan.code, Plan.download_mbps).where(Plan.active.is_(True))
                                .order_by(Plan.download_mbps, Plan.price)).all()
    done = 0
    for cid in ids:
        contract = uow.session.get(Contract, cid)
        assert contract is not None and contract.activated_on is not None
        span = (today - contract.activated_on).days
        if span < 10:
            continue
        on = contract.activated_on + timedelta(days=rng.randrange(5, span))
        current = next((i for i, p in enumerate(plans) if p.id == contract.plan_id), 0)
        up = rng.random() < 0.7
        others = [p for i, p in enumerate(plans) if (i > current if up else i < current)] or \
            [p for p in plans if p.id != contract.plan_id]
        if not others:
            continue
        neighbour = others[0] if up else others[-1]
        target = neighbour if rng.random() < 0.7 else rng.choice(others)
        draft = preview_plan_change_in(uow, cid, target.code, on_date=on)
        apply_plan_change_in(uow, draft)
        done += 1
    return done


def _cancellations(uow: UnitOfWork, rng: random.Random, ids: list[uuid.UUID], today: date) -> int:
    """Cancel `ids` on past dates with weighted reasons, through the cancellation service."""
    from ispdesk.services.cancellation import cancel_contract_in

    reasons = {r.code: r for r in uow.session.scalars(select(CancellationReason))}
    pool = [(reasons[c], w) for c, w in _REASONS if c in reasons] or \
        [(r, 1) for r in reasons.values() if r.code != "INADIMPLENCIA"]
    done = 0
    for cid in ids:
        contract = uow.session.get(Contract, cid)
        assert contract is not None and contract.activated_on is not None
        latest = max(contract.activated_on, _last_change(uow, cid))
        span = (today - latest).days
        if span < 1:
            continue
        on = latest + timedelta(days=rng.randrange(0, span))
        reason = rng.choices([r for r, _ in pool], [w for _, w in pool])[0]
        cancel_contract_in(uow, contract, reason, rng.choice(_NOTES), on)
        done += 1
    return done


def _last_change(uow: UnitOfWork, contract_id: uuid.UUID) -> date:
    from ispdesk.db.models import PlanChange

    day = uow.session.scalar(select(PlanChange.changed_on).where(PlanChange.contract_id == contract_id)
                             .order_by(PlanChange.changed_on.desc()).limit(1))
    return day or date.min


def _payments(uow: UnitOfWork, rng: random.Random, today: date, numbers: tuple[int, int]) -> tuple[int, int]:
    """Pay the demo's open charges (set-based), leaving a share of contracts with recent overdue debt.

    Only the charges of contracts numbered in [numbers[0], numbers[1]) (this demo's). Returns (open charges
    seen, payments written). Same writes as a full `record_payment_in`: a `Payment`,
    the charge paid (amount, date) and the contract's `paid_until` from `billing.paid_until`.
    """
    uow.require(Permission.PAYMENTS_RECORD)
    s = uow.session
    s.flush()
    rows = s.execute(select(Charge.id, Charge.contract_id, Charge.amount, Charge.paid_amount, Charge.due_date,
                            Charge.period_start)
                     .join(Contract, Contract.id == Charge.contract_id)
                     .where(Charge.status == "aberta", Contract.number >= numbers[0], Contract.number < numbers[1])
                     .order_by(Charge.contract_id, Charge.due_date)).all()
    contracts = {r.contract_id for r in rows}
    late = {c: rng.choices([d for d, _ in _LATE_DEPTH], [w for _, w in _LATE_DEPTH])[0]
            for c in sorted(contracts) if rng.random() < LATE_SHARE}
    payments: list[dict[str, Any]] = []
    paid: list[dict[str, Any]] = []
    for r in rows:
        overdue = (today - r.due_date).days
        if r.due_date > today:
            continue  # not due yet
        if overdue <= late.get(r.contract_id, -1):
            continue  # a late payer owes its charges of the last `depth` days
        if overdue < 3 and rng.random() < 0.5:
            continue  # due in the last days: half of them not paid yet (not overdue enough to matter)
        low = max(r.period_start or r.due_date, r.due_date - timedelta(days=6))
        paid_on = min(today, low + timedelta(days=rng.randrange(0, max(1, (r.due_date - low).days + 4))))
        amount = to_cents(r.amount - r.paid_amount)
        payments.append({"id": uuid7(), "charge_id": r.id, "amount": amount, "paid_on": paid_on,
                         "source": "manual", "created_at": uow.now, "created_by": uow.actor.login})
        paid.append({"b_id": r.id, "b_amount": r.amount, "b_paid_on": paid_on})
    if payments:
        from sqlalchemy import bindparam, insert

        s.execute(insert(Payment), payments)
        table = Charge.__table__
        s.execute(update(table).where(table.c.id == bindparam("b_id"))  # type: ignore[arg-type]
                  .values(status="paga", paid_amount=bindparam("b_amount"), paid_on=bindparam("b_paid_on")),
                  paid)
    _refresh_paid_until(uow, contracts)
    return len(rows), len(payments)


def _refresh_paid_until(uow: UnitOfWork, contract_ids: set[uuid.UUID]) -> None:
    """Recompute `paid_until` of `contract_ids` from their recurring charges (`billing.paid_until`)."""
    from ispdesk.services.charges import RECURRING

    states: dict[uuid.UUID, list[billing.ChargeState]] = defaultdict(list)
    for cid, start, end, status in uow.session.execute(
            select(Charge.contract_id, Charge.period_start, Charge.period_end, Charge.status)
            .where(Charge.kind == RECURRING, Charge.period_start.is_not(None), Charge.period_end.is_not(None))):
        if cid in contract_ids:
            states[cid].append(billing.ChargeState(start, end, status))
    values = [{"b_id": cid, "b_until": billing.paid_until(states.get(cid, []))} for cid in contract_ids]
    if values:
        from sqlalchemy import bindparam

        table: Any = Contract.__table__
        uow.session.execute(update(table).where(table.c.id == bindparam("b_id"))
                            .values(paid_until=bindparam("b_until")), values)
    uow.session.expire_all()


def _run_ladder(factory: UnitOfWorkFactory, who: Actor, today: date,
                step: Callable[[int, str], bool]) -> dict[str, int]:
    """Run the non-payment routine for the `LADDER_DAYS` days before today (skipping days already run)."""
    from ispdesk.db.models import SuspensionRun
    from ispdesk.services.access import run_suspension

    with factory(who) as uow:
        last = uow.session.scalar(select(SuspensionRun.run_date).where(SuspensionRun.finished_at.is_not(None))
                                  .order_by(SuspensionRun.run_date.desc()).limit(1))
    totals: dict[str, int] = defaultdict(int)
    first = today - timedelta(days=LADDER_DAYS)
    for n in range(LADDER_DAYS):
        day = first + timedelta(days=n)
        if last is not None and day <= last:
            continue
        if step(n, "Rodando a rotina de bloqueio"):
            break
        result = run_suspension(factory(who), day)
        for key, value in result.counts.items():
            totals[key] += value
    return dict(totals)


__all__ = ["LADDER_DAYS", "MONTHS", "DemoHistoryResult", "FullDemoResult", "default_contracts", "generate_demo_history",
           "generate_full_demo"]
