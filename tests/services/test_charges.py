"""Recurring charge generation and one-off charges (both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import AuditEntry, Charge, Contract, SuspensionPeriod
from ispdesk.domain.errors import PermissionDenied, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.services import charges, hooks
from ispdesk.services import parameters as params_service
from tests.factories import make_contract, make_plan
from tests.services.billing_helpers import arrange


def _charges(uow, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        return list(u.session.scalars(select(Charge).where(Charge.contract_id == contract_id)
                                      .order_by(Charge.period_start)))


def test_first_charge_prorata_then_full_cycles(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 25)))
    result = charges.generate_charges(uow(), date(2026, 4, 10))
    assert result.charges == 3 and result.contracts == 1
    rows = _charges(uow, c.id)
    assert [(r.period_start, r.period_end, r.due_date, r.amount) for r in rows] == [
        (date(2026, 1, 25), date(2026, 2, 9), date(2026, 2, 10), Decimal("48.00")),  # 16/30 × 90
        (date(2026, 2, 10), date(2026, 3, 9), date(2026, 3, 10), Decimal("90.00")),
        (date(2026, 3, 10), date(2026, 4, 9), date(2026, 4, 10), Decimal("90.00")),
    ]
    assert all(r.plan_code == "FIBRA-300" and r.kind == "mensalidade" and r.status == "aberta" for r in rows)
    assert "proporcional" in rows[0].description and "proporcional" not in rows[1].description


def test_generation_is_idempotent_and_continues(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    assert charges.generate_charges(uow(), date(2026, 3, 10)).charges == 2
    assert charges.generate_charges(uow(), date(2026, 3, 10)).charges == 0
    assert charges.generate_charges(uow(), date(2026, 4, 9)).charges == 0
    assert charges.generate_charges(uow(), date(2026, 4, 10)).charges == 1
    assert len(_charges(uow, c.id)) == 3
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "charges", AuditEntry.action == "generate")) == 4


def test_only_active_contracts_are_billed(uow) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        active = make_contract(s, activated_on=date(2026, 1, 10))
        pre = make_contract(s, activated_on=None)
        gone = make_contract(s, activated_on=date(2026, 1, 10), status="cancelado", cancelled_on=date(2026, 2, 1))
        return active, pre, gone

    active, pre, gone = arrange(uow, build)
    charges.generate_charges(uow(), date(2026, 3, 10))
    assert len(_charges(uow, active.id)) == 2
    assert _charges(uow, pre.id) == [] and _charges(uow, gone.id) == []


def test_divisor_month_days_and_value_in_force(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="93.00"), activated_on=date(2026, 1, 25)))
    params_service.update(uow(), {"divisor_proporcional": "mes"})
    with uow() as u:
        u.session.get(Contract, c.id).value = Decimal("124.00")
        u.commit()
    charges.generate_charges(uow(), date(2026, 2, 10))
    assert _charges(uow, c.id)[0].amount == Decimal("64.00")  # 124 × 16 / 31


def test_suspension_days_are_not_charged(uow) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        contract = make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10))
        s.add(SuspensionPeriod(id=uuid7(), contract_id=contract.id, start_date=date(2026, 2, 20),
                               end_date=date(2026, 3, 1)))
        s.add(SuspensionPeriod(id=uuid7(), contract_id=contract.id, start_date=date(2026, 4, 1), end_date=None))
        return contract

    c = arrange(uow, build)
    charges.generate_charges(uow(), date(2026, 6, 10))
    amounts = [r.amount for r in _charges(uow, c.id)]
    # 10/01–09/02 full; 10/02–09/03 minus 10 days → 18/30; 10/03–09/04 minus 9 days → 22/30;
    # from 01/04 suspended with no end: nothing, born paid
    assert amounts == [Decimal("90.00"), Decimal("54.00"), Decimal("66.00"), Decimal("0.00"), Decimal("0.00")]
    assert [r.status for r in _charges(uow, c.id)][-1] == "paga"


def test_before_charges_hook_runs_first(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    seen: list[date] = []

    def hook(u, until):  # noqa: ANN001, ANN202
        seen.append(until)
        u.session.get(Contract, c.id).value = Decimal("120.00")

    hooks.BEFORE_CHARGES.append(hook)
    try:
        charges.generate_charges(uow(), date(2026, 2, 10))
    finally:
        hooks.BEFORE_CHARGES.remove(hook)
    assert seen == [date(2026, 2, 10)]
    assert _charges(uow, c.id)[0].amount == Decimal("120.00")


def test_generation_needs_permission(uow, attendant) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        charges.generate_charges(uow(attendant), date(2026, 2, 10))


def test_generation_cancelled_by_progress_writes_nothing(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    with pytest.raises(charges.BusinessRuleError, match="cancelada"):
        charges.generate_charges(uow(), date(2026, 3, 10), progress=lambda done, total: False)
    assert _charges(uow, c.id) == []


def test_one_off_charge(uow, finance, attendant) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s))
    row = charges.create_one_off_charge(uow(finance), c.id, "Taxa de instalação", Decimal("150"), date(2026, 12, 10))
    assert (row.kind, row.amount, row.status, row.plan_code, row.balance) == (
        "avulsa", Decimal("150.00"), "aberta", "FIBRA-300", Decimal("150.00"))
    assert row.period_start is None
    with pytest.raises(ValidationError) as info:
        charges.create_one_off_charge(uow(finance), c.id, "  ", Decimal("0"), date(2026, 12, 10))
    assert set(info.value.errors) == {"descricao", "valor"}
    with pytest.raises(PermissionDenied):
        charges.create_one_off_charge(uow(attendant), c.id, "Taxa", Decimal("10"), date(2026, 12, 10))
    listed = charges.list_charges(uow(), c.id)
    assert [r.description for r in listed] == ["Taxa de instalação"]


def test_due_day_change_gives_one_partial_cycle(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10)))
    charges.generate_charges(uow(), date(2026, 3, 10))
    with uow() as u:
        u.session.get(Contract, c.id).due_day = 20
        u.commit()
    charges.generate_charges(uow(), date(2026, 4, 20))
    rows = _charges(uow, c.id)
    assert [(r.period_start, r.period_end, r.due_date, r.amount) for r in rows[2:]] == [
        (date(2026, 3, 10), date(2026, 3, 19), date(2026, 3, 20), Decimal("30.00")),
        (date(2026, 3, 20), date(2026, 4, 19), date(2026, 4, 20), Decimal("90.00")),
    ]


def test_generated_rows_read_back_like_orm_rows(uow) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    charges.generate_charges(uow(), date(2026, 2, 10))
    row = _charges(uow, c.id)[0]
    assert row.id.version == 7 and row.contract_id == c.id
    assert row.created_at.tzinfo is not None and row.created_by == "admin" and row.version == 1
    assert row.description == "Mensalidade FIBRA-300 10/01/2026 a 09/02/2026"
    assert (row.paid_amount, row.paid_on, row.cancelled_at) == (Decimal("0.00"), None, None)


def test_raw_rows_stored_in_sqlalchemy_formats(uow, db_url) -> None:  # noqa: ANN001
    """The batched insert writes dates and instants exactly as the ORM would (same text on SQLite)."""
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    charges.generate_charges(uow(), date(2026, 2, 10))
    with uow() as u:
        u.session.add(Charge(id=uuid7(), contract_id=c.id, kind="avulsa", description="orm", due_date=date(2026, 2, 10),
                             amount=Decimal("1"), created_at=u.now, created_by="orm"))
        u.commit()
    if not db_url.startswith("sqlite"):
        return
    with uow() as u:
        stored = u.session.connection().exec_driver_sql(
            "SELECT created_by, created_at, due_date, id FROM charges ORDER BY created_by").all()
    (_, orm_at, orm_due, _), (_, raw_at, raw_due, raw_id) = stored
    assert raw_at == orm_at and raw_due == orm_due and len(raw_id) == 32
