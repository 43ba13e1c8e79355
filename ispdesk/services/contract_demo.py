"""Demo contracts: realistic plans and contracts for existing customers (fast Core inserts).

Used by the benchmark and for demonstrations; writes in one transaction, audited once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from ispdesk.db.models import (
    BillingType,
    Branch,
    CancellationReason,
    Contract,
    Customer,
    InclusionReason,
    PaymentTerm,
    Plan,
)
from ispdesk.domain.dates import add_months
from ispdesk.domain.ids import uuid7
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import plural
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

ProgressFn = Callable[[int, int, str], None]
BATCH = 5000

#: code, name, price, down, up, loyalty months, benefit
DEMO_PLANS: tuple[tuple[str, str, str, int, int, int, str], ...] = (
    ("FIBRA-100", "Fibra 100 Mega", "79.90", 100, 50, 12, "360.00"),
    ("FIBRA-300", "Fibra 300 Mega", "99.90", 300, 150, 12, "600.00"),
    ("FIBRA-500", "Fibra 500 Mega", "119.90", 500, 250, 12, "720.00"),
    ("FIBRA-1G", "Fibra 1 Giga", "199.90", 1000, 500, 12, "1200.00"),
    ("RADIO-20", "Rádio 20 Mega", "69.90", 20, 5, 0, "0.00"),
    ("EMPRESA-1G", "Empresarial 1 Giga", "499.90", 1000, 1000, 24, "3000.00"),
)


def ensure_demo_plans(factory: UnitOfWorkFactory, actor: Actor | None = None) -> int:
    """Create the demo plans that are missing; return how many were created."""
    who = actor or Actor.system()
    with factory(who) as uow:
        uow.require(Permission.PLANS_MANAGE)
        existing = set(uow.session.scalars(select(Plan.code)))
        created = 0
        for code, name, price, down, up, months, benefit in DEMO_PLANS:
            if code in existing:
                continue
            uow.session.add(Plan(code=code, name=name, price=Decimal(price), download_mbps=down, upload_mbps=up,
                                 loyalty_months=months, loyalty_benefit=Decimal(benefit),
                                 adjustment_rule="Reajuste anual pelo IPCA", active=True, created_at=uow.now,
                                 created_by=who.login))
            created += 1
        if created:
            uow.audit("plan", None, "demo", {"planos": created}, summary=f"{plural(created, 'plano', 'planos')}"
                                                                         f" de demonstração")
        uow.commit()
        return created


def generate_demo_contracts(
    factory: UnitOfWorkFactory,
    contracts: int,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    actor: Actor | None = None,
    seed: int | None = None,
) -> int:
    """Insert `contracts` demo contracts spread over the existing active customers; return how many.

    Statuses ≈ 85 % ativo, 3 % pré-contrato, 10 % cancelado, 2 % negativado; activations over the last
    five years; loyalty from the plan (pessoa física limited to 12 months), a fifth renewed.

    Raises:
        PermissionDenied: the actor may not import contracts.
        BusinessRuleError: there is no active customer.
    """
    if contracts <= 0:
        return 0
    who = actor or Actor.system()
    ensure_demo_plans(factory, who)
    uow = factory(who)
    uow.require(Permission.CONTRACTS_IMPORT)
    with uow:
        done = generate_demo_contracts_in(uow, contracts, random.Random(seed), progress, cancelled)
        if done:
            uow.commit()
    return done


def _created(activated: date | None, now: datetime) -> datetime:
    """A demo contract with history was entered on its activation day (pré-contratos: now)."""
    if activated is None or activated >= now.date():
        return now
    return datetime.combine(activated, time(13, 0), tzinfo=UTC)


def generate_demo_contracts_in(
    uow: UnitOfWork,
    contracts: int,
    rng: random.Random,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    fresh_months: int | None = None,
) -> int:
    """`generate_demo_contracts` inside an open unit of work (no commit; rolled back when cancelled).

    Args:
        fresh_months: when given, every contract starts clean — ativo (≈ 97 %) or pré-contrato, access
            normal, never renewed — activated within the last `fresh_months` months, so that its
            history (charges, payments, cancellations…) can be written afterwards by the real services.
    """
    from ispdesk.domain.errors import BusinessRuleError

    if contracts <= 0:
        return 0
    who = uow.actor
    s = uow.session
    customers = s.execute(select(Customer.id, Customer.person_type).where(Customer.status == "ativo")).all()
    if not customers:
        raise BusinessRuleError("Não há clientes ativos: gere ou importe clientes antes dos contratos.")
    plans = s.execute(select(Plan.id, Plan.price, Plan.loyalty_months, Plan.loyalty_benefit)
                      .where(Plan.active.is_(True))).all()
    inclusion = {c: i for c, i in s.execute(select(InclusionReason.code, InclusionReason.id))}
    cancellation = [i for c, i in s.execute(select(CancellationReason.code, CancellationReason.id))
                    if c != "INADIMPLENCIA"]
    rescission = s.scalar(select(CancellationReason.id).where(CancellationReason.code == "INADIMPLENCIA"))
    terms: list[Any] = list(s.scalars(select(PaymentTerm.id).where(PaymentTerm.code == "MENSAL"))) or [None]
    billing: list[Any] = list(s.scalars(select(BillingType.id))) or [None]
    branch = s.scalar(select(Branch.id).order_by(Branch.code).limit(1))
    today = uow.today
    now = uow.now
    first = uow.next_numbers("contract_number", contracts)
    reasons = [inclusion.get(c) for c in ("NOVO", "NOVO", "NOVO", "NOVO", "MIGRACAO", "TITULARIDADE",
                                           "MUDANCA_ENDERECO")]
    table: Any = Contract.__table__
    done = 0
    while done < contracts:
        if cancelled is not None and cancelled():
            uow.rollback()
            return 0
        size = min(BATCH, contracts - done)
        rows: list[dict[str, Any]] = []
        for i in range(size):
            cust_id, person = customers[rng.randrange(len(customers))]
            plan_id, price, plan_months, benefit = plans[rng.randrange(len(plans))]
            months = min(plan_months, 12) if person == "F" else plan_months
            r = rng.random()
            if fresh_months is not None:
                status = "ativo" if r < 0.97 else "pre_contrato"
            else:
                status = "ativo" if r < 0.85 else "pre_contrato" if r < 0.88 else "cancelado" if r < 0.98 \
                    else "negativado"
            span = max(2, (today - add_months(today, -fresh_months)).days) if fresh_months else 1825
            activated = None if status == "pre_contrato" else today - timedelta(days=rng.randrange(1, span))
            renewed = None
            if fresh_months is None and activated is not None and rng.random() < 0.2 \
                    and (today - activated).days > 400:
                renewed = activated + timedelta(days=rng.randrange(365, (today - activated).days))
            start = renewed or activated
            expires = add_months(start, months) if start and months else None
            cancelled_on = None
            cancel_reason = None
            if status in ("cancelado", "negativado") and activated is not None:
                cancelled_on = activated + timedelta(days=rng.randrange(0, max(1, (today - activated).days)))
                cancel_reason = rescission if status == "negativado" else rng.choice(cancellation)
            access = "normal"
            if status == "ativo" and fresh_months is None:
                a = rng.random()
                access = "bloqueado" if a < 0.03 else "reduzido" if a < 0.05 else "normal"
            rows.append({
                "id": uuid7(), "number": first + done + i, "customer_id": cust_id, "plan_id": plan_id,
                "branch_id": branch, "value": price, "status": status, "access_status": access,
                "activated_on": activated, "billing_base_date": activated, "renewed_on": renewed,
                "loyalty_expires_on": expires, "loyalty_months": months, "loyalty_benefit": benefit,
                "due_day": rng.choice((5, 10, 10, 15, 20, 25)) if rng.random() < 0.9 else rng.randint(1, 28),
                "payment_term_id": terms[0], "billing_type_id": rng.choice(billing),
                "inclusion_reason_id": rng.choice(reasons), "cancelled_on": cancelled_on,
                "cancellation_reason_id": cancel_reason,
                "cancellation_origin": "sistema" if status == "negativado" else ("atendente" if cancelled_on
                                                                                 else None),
                "negativated_on": cancelled_on if status == "negativado" else None,
                "created_at": _created(activated, now) if fresh_months else now, "created_by": who.login,
                "version": 1,
            })
        s.execute(insert(table), rows)
        done += size
        if progress is not None:
            progress(done, contracts, "Gerando contratos de demonstração")
    uow.audit("contract", None, "demo", {"contratos": contracts, "numeros": [first, first + contracts - 1]},
              summary=f"{plural(contracts, 'contrato de demonstração gerado', 'contratos de demonstração gerados')}")
    return contracts
