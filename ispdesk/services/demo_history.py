"""A believable ISP for demonstrations: contracts with 18 months of history (``ispdesk demo --contracts``).

Everything goes through the real services, in the order it would have happened:

1. demo plans (`contract_demo.ensure_demo_plans`) and clean contracts activated over the last
   `MONTHS` months (`contract_demo.generate_demo_contracts_in`, a few pré-contratos among them);
2. plan changes on past dates and 3. cancellations on past dates with their reasons (last period and
   fine charged), written set-based with the services' own rules for the state the demo's contracts
   are in at that point (`_write_plan_changes`, `_write_cancellations`; a few ms per contract through
   `plan_changes.apply_plan_change_in` / `cancellation.cancel_contract_in` would take minutes at
   100,000 customers). ``through_services=True`` takes the services one by one instead; the test
   suite checks that both give the same data for the same seed;
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, insert, select, type_coerce, update

from ispdesk.db.models import CancellationReason, Charge, Contract, Payment, Plan
from ispdesk.domain import billing
from ispdesk.domain.dates import format_date
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import ZERO, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import plural
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


#: What generating the demo history does, checked once up front.
DEMO_PERMISSIONS = (Permission.CONTRACTS_IMPORT, Permission.CHARGES_GENERATE, Permission.PLAN_CHANGE,
                    Permission.CONTRACTS_CANCEL, Permission.PAYMENTS_RECORD, Permission.TASKS_RUN)


def generate_demo_history(
    factory: UnitOfWorkFactory,
    contracts: int,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    actor: Actor | None = None,
    seed: int | None = None,
    through_services: bool = False,
) -> DemoHistoryResult:
    """Create `contracts` demo contracts for the existing customers with a realistic history.

    Args:
        factory: the unit-of-work factory (its clock gives "today").
        progress: ``progress(done, total, text)`` between steps.
        cancelled: polled between steps; True → nothing of steps 1–5 is written.
        actor: who generates (audited); defaults to the system actor.
        seed: makes the data reproducible.
        through_services: write the plan changes and cancellations one by one through
            `plan_changes.apply_plan_change_in` and `cancellation.cancel_contract_in` (a few ms each)
            instead of their set-based equivalents; the same seed gives the same data either way.

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

    uow = factory(who)
    for permission in DEMO_PERMISSIONS:  # the `_in` services below do not check (docs/ENGINEERING.md)
        uow.require(permission)
    ensure_demo_plans(factory, who)
    with uow:
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
        info = _read_contracts(uow, ids[:n_cancel + n_change])
        if step(1, "Registrando mudanças de plano"):
            uow.rollback()
            return result
        result.plan_changes = _plan_changes(uow, rng, to_change + to_cancel[: len(to_cancel) // 4], info, today,
                                            through_services)
        if step(2, "Registrando cancelamentos"):
            uow.rollback()
            return result
        result.cancellations = _cancellations(uow, rng, to_cancel, info, today, through_services)
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
        _refresh_paid_until(uow, (first, first + created))
        if step(5, "Gravando"):
            uow.rollback()
            return result
        uow.audit("contract", None, "demo_history",
                  {"contratos": created, "mudancas_plano": result.plan_changes,
                   "cancelamentos": result.cancellations, "pagamentos": result.payments},
                  summary=f"Histórico de demonstração: {plural(created, 'contrato', 'contratos')}"
                          f", {plural(result.payments, 'pagamento', 'pagamentos')}")
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
    through_services: bool = False,
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
                                               actor=actor, seed=seed, through_services=through_services)
    return result


@dataclass
class _Demo:
    """What the demo knows about one of its contracts (read once, kept up to date by the set-based writers)."""

    id: uuid.UUID
    number: int
    plan_id: uuid.UUID
    value: Decimal
    due_day: int
    activated_on: date
    billing_base_date: date | None
    renewed_on: date | None
    loyalty_months: int
    loyalty_expires_on: date | None
    loyalty_benefit: Decimal
    billing_type_id: uuid.UUID | None
    version: int
    #: The date of the demo's plan change, if any.
    changed_on: date | None = None
    #: ``(effective_on, old_value, new_value)`` of the value change that plan change wrote, if any.
    changes: list[tuple[date, Decimal, Decimal]] = field(default_factory=list)


def _read_contracts(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, _Demo]:
    """The demo's active contracts `ids` as plain values (chunks of 500 ids)."""
    c = Contract
    result: dict[uuid.UUID, _Demo] = {}
    for start in range(0, len(ids), 500):
        for row in uow.session.execute(
                select(c.id, c.number, c.plan_id, c.value, c.due_day, c.activated_on, c.billing_base_date,
                       c.renewed_on, c.loyalty_months, c.loyalty_expires_on, c.loyalty_benefit, c.billing_type_id,
                       c.version).where(c.id.in_(ids[start:start + 500]))):
            result[row.id] = _Demo(*row)
    return result


def _choose_plan_changes(rng: random.Random, ids: list[uuid.UUID], info: dict[uuid.UUID, _Demo], plans: Sequence[Any],
                         today: date) -> list[tuple[uuid.UUID, date, Any]]:
    """``(contract, date, target plan)`` for the plan changes of `ids`: past dates, mostly upgrades."""
    chosen = []
    for cid in ids:
        contract = info[cid]
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
        chosen.append((cid, on, target))
    return chosen


def _plan_changes(uow: UnitOfWork, rng: random.Random, ids: list[uuid.UUID], info: dict[uuid.UUID, _Demo],
                  today: date, through_services: bool) -> int:
    """Change the plan of `ids` on a past date (mostly upgrades); return how many changed."""
    uow.require(Permission.PLAN_CHANGE)
    plans = uow.session.execute(select(Plan.id, Plan.code, Plan.download_mbps).where(Plan.active.is_(True))
                                .order_by(Plan.download_mbps, Plan.price)).all()
    chosen = _choose_plan_changes(rng, ids, info, plans, today)
    if through_services:
        from ispdesk.services.plan_changes import apply_plan_change_in, preview_plan_change_in

        for cid, on, target in chosen:
            apply_plan_change_in(uow, preview_plan_change_in(uow, cid, target.code, on_date=on))
            info[cid].changed_on = on
    else:
        _write_plan_changes(uow, chosen, info)
    return len(chosen)


def _write_plan_changes(uow: UnitOfWork, chosen: list[tuple[uuid.UUID, date, Any]],
                        info: dict[uuid.UUID, _Demo]) -> None:
    """`apply_plan_change_in` for many contracts at once, in the state the demo has at this step.

    The demo's contracts have no charge, no suspension and no scheduled value yet, and keep their due
    day, billing type and loyalty, so the preview reduces to: the price of the new plan, the IXC code
    (`classify`), the pro-rata of the cycle containing the date (`billing.segmented_amount` minus
    `billing.cycle_amount`, like `plan_changes._segmented_prorata` without a covering charge) and, the
    cycle not being charged yet, "a próxima mensalidade já sai com o novo valor". Written as the
    service writes them: the `PlanChange`, the contract (plan, value, version), the
    `ContractValueChange` in force and the audit row. `tests/services/test_demo_full.py` checks that
    the result equals the service's, contract by contract.
    """
    from ispdesk.db.models import BillingType, ContractValueChange, PlanChange
    from ispdesk.domain.plan_change import PlanSide, ProRata, classify
    from ispdesk.services import parameters as params_service

    s = uow.session
    divisor = str(params_service.load(s)["divisor_proporcional"])
    plans = {p.id: p for p in s.scalars(select(Plan))}
    billing_types = {b.id: b.code for b in s.scalars(select(BillingType))}
    now, login = uow.now, uow.actor.login
    changes, values, contracts = [], [], []
    for cid, on, target in chosen:
        c = info[cid]
        old, new = plans[c.plan_id], plans[target.id]
        value = new.price
        bt = billing_types.get(c.billing_type_id) if c.billing_type_id else None
        change_type = classify(PlanSide(old.code, old.download_mbps, old.upload_mbps, c.value, c.due_day, bt),
                               PlanSide(new.code, new.download_mbps, new.upload_mbps, value, c.due_day, bt)).value
        period = billing.cycle_containing(on, c.due_day)
        before = billing.cycle_amount(c.value, period, divisor, [])
        after = billing.segmented_amount(period, billing.value_segments(period, value, [(on, c.value, value)]),
                                         divisor, [])
        days = max(0, (period.end - on).days + 1)
        div = billing.divisor_days(divisor, period)
        old_amount = billing.prorate(c.value, days, div)
        prorata = ProRata(start=on, end=period.end, days=days, divisor=div, old_amount=old_amount,
                          new_amount=old_amount + (after - before))
        diff = prorata.difference
        span = (f"{format_date(on)} a {format_date(period.end)} ({days} dia{'' if days == 1 else 's'})")
        if diff == 0:
            text = "Sem diferença proporcional."
        elif diff < 0:
            text = (f"Crédito de {format_brl(-diff)} ao cliente pelos dias de {span}; "
                    "registrado na alteração para o financeiro conceder.")
        else:
            text = (f"Diferença de {format_brl(diff)} ({span}): o ciclo atual ainda não foi cobrado, "
                    "a próxima mensalidade já sai com o novo valor.")
        change_id = uuid7()
        changes.append({
            "id": change_id, "contract_id": cid, "changed_on": on, "at": now, "actor": login,
            "change_type": change_type, "old_plan_id": old.id, "new_plan_id": new.id, "old_value": c.value,
            "new_value": value, "old_due_day": c.due_day, "new_due_day": c.due_day,
            "old_billing_type_id": c.billing_type_id, "new_billing_type_id": c.billing_type_id,
            "prorata_amount": diff, "loyalty_action": "manter", "new_loyalty_benefit": None, "charge_id": None,
            "note": text})
        if value != c.value:
            values.append({"id": uuid7(), "contract_id": cid, "effective_on": on, "old_value": c.value,
                           "new_value": value, "source": "plano", "batch_id": None, "plan_change_id": change_id,
                           "applied": True, "undone_at": None, "created_at": now, "created_by": login})
            c.changes.append((on, c.value, value))
        audit: dict[str, Any] = {"plano": [old.code, new.code]}
        if value != c.value:
            audit["valor"] = [c.value, value]
        audit["tipo"] = change_type
        audit["proporcional"] = diff
        uow.audit("contract", cid, "plan_change", audit,
                  summary=f"Alteração de plano {change_type} no contrato {c.number}: "
                          f"{old.code} {format_brl(c.value)} → {new.code} {format_brl(value)}")
        c.plan_id, c.value, c.version, c.changed_on = new.id, value, c.version + 1, on
        contracts.append({"b_id": cid, "b_plan": new.id, "b_value": value, "b_version": c.version})
    if changes:
        s.execute(insert(PlanChange), changes)
    if values:
        s.execute(insert(ContractValueChange), values)
    _update_contracts(uow, contracts, plan_id=bindparam("b_plan"), value=bindparam("b_value"))


def _update_contracts(uow: UnitOfWork, rows: list[dict[str, Any]], **values: Any) -> None:
    """One executemany ``UPDATE contracts SET … WHERE id = :b_id`` (plus version and the update stamp)."""
    if not rows:
        return
    table: Any = Contract.__table__
    uow.session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(version=bindparam("b_version"), updated_at=uow.now, updated_by=uow.actor.login,
                                **values), rows)


def _choose_cancellations(uow: UnitOfWork, rng: random.Random, ids: list[uuid.UUID], info: dict[uuid.UUID, _Demo],
                          today: date) -> list[tuple[uuid.UUID, CancellationReason, str, date]]:
    """``(contract, reason, note, date)`` for the cancellations of `ids` (weighted reasons).

    The date falls between the contract's activation (or its last plan change) and yesterday.
    """
    reasons = {r.code: r for r in uow.session.scalars(select(CancellationReason))}
    pool = [(reasons[c], w) for c, w in _REASONS if c in reasons] or \
        [(r, 1) for r in reasons.values() if r.code != "INADIMPLENCIA"]
    chosen = []
    for cid in ids:
        contract = info[cid]
        latest = max(contract.activated_on, contract.changed_on or date.min)
        span = (today - latest).days
        if span < 1:
            continue
        on = latest + timedelta(days=rng.randrange(0, span))
        reason = rng.choices([r for r, _ in pool], [w for _, w in pool])[0]
        chosen.append((cid, reason, rng.choice(_NOTES), on))
    return chosen


def _cancellations(uow: UnitOfWork, rng: random.Random, ids: list[uuid.UUID], info: dict[uuid.UUID, _Demo],
                   today: date, through_services: bool) -> int:
    """Cancel `ids` on past dates with weighted reasons; return how many were cancelled."""
    uow.require(Permission.CONTRACTS_CANCEL)
    chosen = _choose_cancellations(uow, rng, ids, info, today)
    if through_services:
        from ispdesk.services.cancellation import cancel_contract_in

        for cid, reason, note, on in chosen:
            contract = uow.session.get(Contract, cid)
            assert contract is not None
            cancel_contract_in(uow, contract, reason, note, on)
    else:
        _write_cancellations(uow, chosen, info)
    return len(chosen)


def _write_cancellations(uow: UnitOfWork, chosen: list[tuple[uuid.UUID, CancellationReason, str, date]],
                         info: dict[uuid.UUID, _Demo]) -> None:
    """`cancel_contract_in` for many contracts at once, in the state the demo has at this step.

    The demo's contracts are active, with normal access, no charge and no suspension yet, so the
    cancellation reduces to: the cycles due up to the date, generated by the charge service itself
    (`generate_charges_in`, one call per cancellation date); the last period from the day after the
    last charge to the day before the date (`billing.last_period`, at the values in force: the plan
    change's `ContractValueChange`), unless the reason frees it; the fine (`cancellation.fine_for`)
    as a ``multa`` charge due on the next due day; the contract cancelled with its reason and note,
    access ``bloqueado`` with its `AccessEvent`; the audit rows of the fine and of the cancellation.
    `paid_until` is recomputed for every demo contract after the payments. `tests/services/
    test_demo_full.py` checks that the result equals the service's, contract by contract.
    """
    from ispdesk.db.models import AccessEvent
    from ispdesk.domain.money import format_brl
    from ispdesk.services import parameters as params_service
    from ispdesk.services.cancellation import fine_for
    from ispdesk.services.charges import FINE, OPEN, RECURRING, charge_values, generate_charges_in, stamp_rows

    s = uow.session
    for until, group in _generation_dates([(cid, on, info[cid].due_day) for cid, _reason, _note, on in chosen]):
        generate_charges_in(uow, until, group, run_hooks=False)
    last_end: dict[uuid.UUID, date | None] = {}
    ids = [cid for cid, *_ in chosen]
    for first in range(0, len(ids), 500):
        last_end.update(s.execute(
            select(Charge.contract_id, func.max(Charge.period_end))
            .where(Charge.contract_id.in_(ids[first:first + 500]), Charge.kind == RECURRING)
            .group_by(Charge.contract_id)).tuples().all())
    divisor = str(params_service.load(s)["divisor_proporcional"])
    codes = dict(s.execute(select(Plan.id, Plan.code)).tuples().all())
    now, login = uow.now, uow.actor.login
    charges, events, contracts = [], [], []
    for cid, reason, note, on in chosen:
        c = info[cid]
        plan_code = codes[c.plan_id]
        last_row = None
        if not reason.frees_period:
            end = last_end.get(cid)
            start = end + timedelta(days=1) if end is not None else (c.billing_base_date or c.activated_on)
            period = billing.last_period(start, on, c.due_day)
            if period is not None:
                if c.changes:
                    amount = billing.segmented_amount(period, billing.value_segments(period, c.value, c.changes),
                                                      divisor, [])
                else:
                    amount = billing.cycle_amount(c.value, period, divisor, [])
                last_row = charge_values(uow, cid, plan_code, period, amount)
                charges.append(last_row)
        fine = fine_for(Contract(activated_on=c.activated_on, renewed_on=c.renewed_on,
                                 loyalty_months=c.loyalty_months, loyalty_expires_on=c.loyalty_expires_on,
                                 loyalty_benefit=c.loyalty_benefit), on, reason)
        fine_id = None
        if fine.amount > 0:
            fine_id = uuid7()
            due = billing.next_due_date(on, c.due_day)
            amount = to_cents(fine.amount)
            charges.append({
                "id": fine_id, "contract_id": cid, "kind": FINE,
                "description": f"Multa rescisória — cancelamento do contrato {c.number} em {format_date(on)} "
                               f"({fine.remaining_days} de {fine.loyalty_days} dias de fidelidade restantes)",
                "period_start": None, "period_end": None, "due_date": due, "amount": amount, "paid_amount": ZERO,
                "paid_on": None, "status": OPEN, "plan_code": plan_code, "created_at": now, "created_by": login,
                "version": 1})
            uow.audit("charge", fine_id, "create",
                      {"contrato": c.number, "tipo": FINE, "descricao": charges[-1]["description"], "valor": amount,
                       "vencimento": due},
                      summary=f"Multa rescisória de {format_brl(amount)} no contrato {c.number}, "
                              f"vencimento {format_date(due)}")
        events.append({"id": uuid7(), "contract_id": cid, "on_date": on, "at": now, "from_status": "normal",
                       "to_status": "bloqueado", "cause": "cancelamento", "actor": login, "until": None,
                       "note": note[:500]})
        c.version += 1
        contracts.append({"b_id": cid, "b_on": on, "b_reason": reason.id, "b_note": note, "b_version": c.version})
        uow.audit(
            "contract", cid, "cancel",
            {"status": ["ativo", "cancelado"], "access_status": ["normal", "bloqueado"], "cancelled_on": [None, on],
             "motivo": reason.code, "observacao": note, "origem": "manual",
             "multa": {"inicio": fine.start, "fim": fine.end, "dias_fidelidade": fine.loyalty_days,
                       "dias_restantes": fine.remaining_days, "beneficio": fine.benefit, "valor": fine.amount,
                       "isencao": fine.waived_reason, "cobranca": str(fine_id) if fine_id else None},
             "ultimo_periodo": str(last_row["id"]) if last_row else None, "cobrancas_canceladas": 0},
            summary=f"Contrato {c.number} cancelado em {format_date(on)} ({reason.code}); "
                    f"multa {format_brl(fine.amount)}")
    if charges:
        stamp_rows(uow, charges)
        s.execute(insert(Charge), charges)
    if events:
        s.execute(insert(AccessEvent), events)
    _update_contracts(uow, contracts, status="cancelado", cancelled_on=bindparam("b_on"),
                      cancellation_reason_id=bindparam("b_reason"), cancellation_note=bindparam("b_note"),
                      cancellation_origin="manual", access_status="bloqueado")


def _generation_dates(items: list[tuple[uuid.UUID, date, int]]) -> list[tuple[date, list[uuid.UUID]]]:
    """Few generation dates that give each ``(contract, date, due day)`` exactly its cycles due up to its date.

    Generating up to any day from `date` to the day before the next due day after it creates the
    same cycles, so each contract accepts an interval of days; the fewest days hitting every
    interval (greedy by the interval's end) need about one generation call per two weeks instead of
    one per cancellation date.
    """
    intervals = sorted(((on, billing.next_due_date(on, due_day) - timedelta(days=1), cid)
                        for cid, on, due_day in items), key=lambda i: (i[1], i[0]))
    groups: list[tuple[date, list[uuid.UUID]]] = []
    pending = sorted(intervals)  # by start
    taken: set[uuid.UUID] = set()
    k = 0
    for _start, end, cid in intervals:
        if cid in taken:
            continue
        group = []
        while k < len(pending) and pending[k][0] <= end:
            if pending[k][2] not in taken:
                taken.add(pending[k][2])
                group.append(pending[k][2])
            k += 1
        groups.append((end, group))
    return groups


def _payments(uow: UnitOfWork, rng: random.Random, today: date, numbers: tuple[int, int]) -> tuple[int, int]:
    """Pay the demo's open charges (set-based), leaving a share of contracts with recent overdue debt.

    Only the charges of contracts numbered in [numbers[0], numbers[1]) (this demo's). Returns (open charges
    seen, payments written). Same writes as a full `record_payment_in`: a `Payment` and the charge paid
    (amount, date); `paid_until` follows in `_refresh_paid_until`. Rows are read and written in the
    driver's own format (ids, dates, centavos), as the charge generation does.
    """
    uow.require(Permission.PAYMENTS_RECORD)
    s = uow.session
    s.flush()
    conn = s.connection()
    raw_id, raw_contract = type_coerce(Charge.id, String), type_coerce(Charge.contract_id, String)
    rows = conn.execute(
        select(raw_id, raw_contract, type_coerce(Charge.amount, BigInteger),
               type_coerce(Charge.paid_amount, BigInteger), type_coerce(Charge.due_date, String),
               type_coerce(Charge.period_start, String))
        .join(Contract, Contract.id == Charge.contract_id)
        .where(Charge.status == "aberta", Contract.number >= numbers[0], Contract.number < numbers[1])
        .order_by(Charge.contract_id, Charge.due_date, Charge.kind)).all()
    contracts = sorted({r[1] for r in rows})
    late = {c: rng.choices([d for d, _ in _LATE_DEPTH], [w for _, w in _LATE_DEPTH])[0]
            for c in contracts if rng.random() < LATE_SHARE}
    payments: list[tuple[Any, ...]] = []
    paid: list[tuple[Any, ...]] = []
    encode = _encoders(conn, Payment.__table__)
    new_id, as_date, created_at, login = encode["id"], encode["paid_on"], encode["created_at"](uow.now), uow.actor.login
    six, one = timedelta(days=6), timedelta(days=1)
    for charge_id, contract_id, amount, paid_amount, due_raw, start_raw in rows:
        due = _as_date(due_raw)
        if due > today:
            continue  # not due yet
        overdue = (today - due).days
        if overdue <= late.get(contract_id, -1):
            continue  # a late payer owes its charges of the last `depth` days
        if overdue < 3 and rng.random() < 0.5:
            continue  # due in the last days: half of them not paid yet (not overdue enough to matter)
        low = max(_as_date(start_raw) if start_raw is not None else due, due - six)
        paid_on = as_date(min(today, low + one * rng.randrange(0, max(1, (due - low).days + 4))))
        payments.append((new_id(uuid7()), charge_id, amount - paid_amount, paid_on, "manual", created_at, login))
        paid.append((paid_on, charge_id))
    if payments:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            "INSERT INTO payments (id, charge_id, amount, paid_on, source, created_at, created_by) "
            f"VALUES ({', '.join([mark] * 7)})", payments)  # type: ignore[arg-type]
        conn.exec_driver_sql(f"UPDATE charges SET status = 'paga', paid_amount = amount, paid_on = {mark} "
                             f"WHERE id = {mark}", paid)  # type: ignore[arg-type]
    return len(rows), len(payments)


def _encoders(conn: Any, table: Any) -> dict[str, Callable[[Any], Any]]:
    """Each column's bind processor (identity when it has none): values in the driver's own format."""
    dialect = conn.dialect
    result: dict[str, Callable[[Any], Any]] = {}
    for column in table.c:
        proc = column.type._cached_bind_processor(dialect)
        result[column.name] = proc if proc is not None else (lambda v: v)
    return result


def _as_date(value: Any) -> date:
    """A date from the driver (SQLite gives ``aaaa-mm-dd`` text when the column type is bypassed)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _refresh_paid_until(uow: UnitOfWork, numbers: tuple[int, int]) -> None:
    """Recompute `paid_until` of the demo's contracts from their recurring charges (`billing.paid_until`)."""
    from ispdesk.services.charges import RECURRING

    conn = uow.session.connection()
    raw = type_coerce(Contract.id, String)
    states: dict[Any, list[billing.ChargeState]] = {
        cid: [] for cid in conn.execute(select(raw).where(Contract.number >= numbers[0],
                                                          Contract.number < numbers[1])).scalars()}
    for cid, start, end, status in conn.execute(
            select(type_coerce(Charge.contract_id, String), type_coerce(Charge.period_start, String),
                   type_coerce(Charge.period_end, String), Charge.status)
            .join(Contract, Contract.id == Charge.contract_id)
            .where(Contract.number >= numbers[0], Contract.number < numbers[1], Charge.kind == RECURRING,
                   Charge.period_start.is_not(None), Charge.period_end.is_not(None))):
        states[cid].append(billing.ChargeState(_as_date(start), _as_date(end), status))
    encode = _encoders(conn, Contract.__table__)["paid_until"]
    values = []
    for cid, charges in states.items():
        until = billing.paid_until(charges)
        values.append((None if until is None else encode(until), cid))
    if values:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(f"UPDATE contracts SET paid_until = {mark} WHERE id = {mark}",
                             values)  # type: ignore[arg-type]
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
        _hand_over_notices(factory, who, day)
        for key, value in result.counts.items():
            totals[key] += value
    return dict(totals)


def _hand_over_notices(factory: UnitOfWorkFactory, who: Actor, day: date) -> None:
    """The demo's notices reach their customers on the day they are written (as if sent at once)."""
    from ispdesk.db.models import Notice, OutboxMessage
    from ispdesk.domain.statuses import MessageStatus

    at = datetime.combine(day, time(9, 0), tzinfo=UTC)
    with factory(who) as uow:
        uow.session.execute(update(Notice).where(Notice.notice_date == day, Notice.sent_at.is_(None))
                            .values(sent_at=at))
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.event == "aviso_inadimplencia",
                                                        OutboxMessage.status == MessageStatus.PENDENTE)
                            .values(status=MessageStatus.ENVIADA, sent_at=at))
        uow.commit()


__all__ = ["LADDER_DAYS", "MONTHS", "DemoHistoryResult", "FullDemoResult", "default_contracts", "generate_demo_history",
           "generate_full_demo"]
