"""The full demo: customers, contracts with 18 months of history, consistent with the real rules."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import (
    AccessEvent,
    Charge,
    Contract,
    Customer,
    Notice,
    Payment,
    PlanChange,
    SuspensionRun,
)
from ispdesk.domain import billing
from ispdesk.domain.errors import PermissionDenied
from ispdesk.services.demo_history import (
    LADDER_DAYS,
    default_contracts,
    generate_demo_history,
    generate_full_demo,
)


def test_full_demo_is_a_consistent_isp(factory, admin, clock) -> None:
    steps: list[str] = []
    result = generate_full_demo(factory, 150, progress=lambda d, t, text: steps.append(text), actor=admin, seed=11)
    h = result.history
    assert result.customers == 150 and h.contracts == default_contracts(150) == 120
    assert "Registrando cancelamentos" in steps and "Rodando a rotina de bloqueio" in steps
    today = clock.today()
    with factory(admin) as uow:
        s = uow.session
        contracts = s.scalars(select(Contract)).all()
        assert len(contracts) == 120
        by_status = defaultdict(int)
        for c in contracts:
            by_status[c.status] += 1
        assert by_status["cancelado"] >= h.cancellations > 0 and by_status["ativo"] > 80
        assert by_status["pre_contrato"] == sum(1 for c in contracts if c.activated_on is None)
        assert s.scalar(select(func.count()).select_from(PlanChange)) == h.plan_changes > 0
        assert s.scalar(select(func.count()).select_from(Payment)) == h.payments > 0
        assert s.scalar(select(func.count()).select_from(SuspensionRun)) == LADDER_DAYS
        assert s.scalar(select(func.count()).select_from(Notice)) > 0
        assert h.ladder["aviso"] > 0 and h.ladder["reducao"] + h.ladder["bloqueio"] > 0
        customers = set(s.scalars(select(Customer.id).where(Customer.status == "ativo")))
        charges = s.scalars(select(Charge)).all()
        paid_sum: dict[object, Decimal] = defaultdict(Decimal)
        for p in s.scalars(select(Payment)):
            paid_sum[p.charge_id] += p.amount
        states = defaultdict(list)
        overdue = defaultdict(bool)
        for ch in charges:
            assert ch.paid_amount == paid_sum.get(ch.id, Decimal("0"))
            if ch.status == "paga":
                assert ch.paid_amount == ch.amount and ch.paid_on is not None and ch.paid_on <= today
            if ch.kind == "mensalidade":
                states[ch.contract_id].append(billing.ChargeState(ch.period_start, ch.period_end, ch.status))
            if ch.status == "aberta" and ch.due_date < today:
                overdue[ch.contract_id] = True
        for c in contracts:
            assert c.customer_id in customers
            assert c.inclusion_reason_id is not None
            assert c.paid_until == billing.paid_until(states[c.id]), c.number
            if c.status == "pre_contrato":
                assert not states[c.id] and c.access_status == "normal"
            elif c.status == "ativo":
                assert c.activated_on is not None and (today - c.activated_on).days <= 18 * 31
                if c.access_status in ("reduzido", "bloqueado"):
                    assert overdue[c.id], c.number
                if not overdue[c.id]:
                    assert c.access_status == "normal", c.number
                if (today - c.activated_on).days > 40:  # its first cycle ended: charged
                    assert states[c.id], c.number
            else:  # cancelled by hand, or rescinded by the routine
                assert c.cancelled_on is not None and c.cancellation_reason_id is not None
                assert c.access_status == "bloqueado"
        blocked = s.scalar(select(func.count()).select_from(AccessEvent).where(AccessEvent.to_status == "bloqueado"))
        assert blocked >= h.cancellations


def test_cancelled_history_writes_nothing(factory, admin) -> None:
    assert generate_full_demo(factory, 30, contracts=0, actor=admin, seed=1).customers == 30
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] >= 3  # after the contracts and the plan changes are in the session

    result = generate_demo_history(factory, 20, cancelled=cancelled, actor=admin, seed=1)
    assert result.contracts == 0
    with factory(admin) as uow:
        for model in (Contract, Charge, Payment, PlanChange):
            assert uow.session.scalar(select(func.count()).select_from(model)) == 0


def test_contracts_zero_means_customers_only(factory, admin) -> None:
    result = generate_full_demo(factory, 25, contracts=0, actor=admin, seed=2)
    assert result.customers == 25 and result.history.contracts == 0
    with factory(admin) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == 0


def test_attendant_may_not_generate_history(factory, admin, attendant) -> None:
    generate_full_demo(factory, 10, contracts=0, actor=admin, seed=3)
    with pytest.raises(PermissionDenied):
        generate_demo_history(factory, 5, actor=attendant, seed=3)


def test_demo_leaves_the_other_contracts_alone(factory, admin) -> None:
    from datetime import date

    from tests.factories import make_charge, make_contract

    with factory(admin) as uow:
        real = make_contract(uow.session, activated_on=date(2026, 6, 10))
        owed = make_charge(uow.session, real, date(2026, 7, 10))
        uow.commit()
        real_id, owed_id = real.id, owed.id
    result = generate_full_demo(factory, 40, actor=admin, seed=5)
    assert result.history.contracts == 32 and result.history.payments > 0
    with factory(admin) as uow:
        s = uow.session
        assert s.get(Charge, owed_id).status == "aberta"
        assert s.scalar(select(func.count()).select_from(Charge).where(Charge.contract_id == real_id)) == 1
        assert s.scalar(select(func.count()).select_from(Contract)) == 33
