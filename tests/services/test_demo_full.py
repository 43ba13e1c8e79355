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


def _business_data(factory, admin) -> dict[str, list[tuple]]:
    """What a demo wrote, without ids and instants (those differ between two runs)."""
    from ispdesk.db.models import CancellationReason, ContractValueChange, Plan

    with factory(admin) as uow:
        s = uow.session
        number = {c.id: c.number for c in s.scalars(select(Contract))}
        plans = {p.id: p.code for p in s.scalars(select(Plan))}
        reasons = {r.id: r.code for r in s.scalars(select(CancellationReason))}
        charge_of = {ch.id: (number[ch.contract_id], ch.kind, ch.due_date) for ch in s.scalars(select(Charge))}
        return {
            "contracts": sorted((c.number, c.status, plans[c.plan_id], c.value, c.due_day, c.access_status,
                                 c.paid_until, c.cancelled_on, reasons.get(c.cancellation_reason_id),
                                 c.cancellation_note, c.cancellation_origin, c.version)
                                for c in s.scalars(select(Contract))),
            "charges": sorted((number[c.contract_id], c.kind, c.description, c.period_start, c.period_end, c.due_date,
                               c.amount, c.paid_amount, c.paid_on, c.status, c.plan_code)
                              for c in s.scalars(select(Charge))),
            "plan_changes": sorted((number[p.contract_id], p.changed_on, p.change_type, plans[p.old_plan_id],
                                    plans[p.new_plan_id], p.old_value, p.new_value, p.prorata_amount, p.note)
                                   for p in s.scalars(select(PlanChange))),
            "values": sorted((number[v.contract_id], v.effective_on, v.old_value, v.new_value, v.source, v.applied)
                             for v in s.scalars(select(ContractValueChange))),
            "events": sorted((number[e.contract_id], e.on_date, e.from_status, e.to_status, e.cause, e.note or "")
                             for e in s.scalars(select(AccessEvent))),
            "payments": sorted((*charge_of[p.charge_id], p.amount, p.paid_on) for p in s.scalars(select(Payment))),
            "notices": sorted((number[n.contract_id], n.notice_date) for n in s.scalars(select(Notice))),
        }


def test_set_based_history_equals_the_services(db_url, admin, clock, tmp_path) -> None:
    """The set-based plan changes and cancellations write exactly what the services write, seed for seed."""
    import shutil

    from ispdesk.services.demo import generate_demo
    from ispdesk.services.uow import UnitOfWorkFactory

    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough: both paths run the same statements on either")
    data = []
    for through_services in (True, False):
        copy = tmp_path / f"demo-{through_services}.sqlite3"
        shutil.copyfile(db_url.removeprefix("sqlite:///"), copy)
        factory = UnitOfWorkFactory.from_url(f"sqlite:///{copy}", clock=clock)
        generate_demo(factory, 400, actor=admin, seed=21)
        h = generate_demo_history(factory, 320, actor=admin, seed=21, through_services=through_services)
        assert h.plan_changes > 20 and h.cancellations > 20 and h.ladder["aviso"] > 0
        data.append(_business_data(factory, admin))
        factory.engine.dispose()
    services, set_based = data
    for key in services:
        assert set_based[key] == services[key], key
