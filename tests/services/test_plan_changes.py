"""Plan changes through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import AuditEntry, Charge, Contract, ContractValueChange, Plan, PlanChange
from ispdesk.domain.errors import BusinessRuleError, ConflictError, PermissionDenied
from ispdesk.services import plan_changes as pc
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract, make_customer, make_plan

UoW = Callable[..., UnitOfWork]


@pytest.fixture
def scenario(uow: UoW) -> dict:
    with uow() as u:
        s = u.session
        plans = {
            "F100": make_plan(s, "F100", "79.90", download_mbps=100, upload_mbps=50),
            "F300": make_plan(s, "F300", "99.90", download_mbps=300, upload_mbps=150),
            "F300B": make_plan(s, "F300B", "99.90", download_mbps=300, upload_mbps=150),
            "F500": make_plan(s, "F500", "129.90", download_mbps=500, upload_mbps=250),
            "F500P": make_plan(s, "F500P", "89.90", download_mbps=500, upload_mbps=250),
        }
        contract = make_contract(s, plan=plans["F300"], activated_on=date(2026, 1, 10))
        u.commit()
        return {"contract_id": contract.id, "number": contract.number,
                "plans": {k: p.id for k, p in plans.items()}}


CASES = [
    ("F500", None, None, "UP", Decimal("129.90")),
    ("F500P", None, None, "SC", Decimal("89.90")),
    ("F100", None, None, "DW", Decimal("79.90")),
    ("F300", None, 20, "AV", Decimal("99.90")),
    ("F500", None, 20, "UV", Decimal("129.90")),
    ("F100", None, 5, "DV", Decimal("79.90")),
    ("F300", Decimal("109.90"), None, "UP", Decimal("109.90")),  # value-only change
    ("F300B", None, None, "SC", Decimal("99.90")),               # equivalent plan swap
]


@pytest.mark.parametrize(("plan", "value", "due", "code", "expected_value"), CASES)
def test_each_change_type_is_applied_and_logged(
    uow: UoW, scenario: dict, plan: str, value: Decimal | None, due: int | None, code: str, expected_value: Decimal
) -> None:
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], plan, new_value=value, new_due_day=due)
    assert draft.change_type == code and draft.new_value == expected_value
    row = pc.apply_plan_change(uow(), draft)
    assert row.change_type == code
    with uow() as u:
        c = u.session.get(Contract, scenario["contract_id"])
        assert c is not None
        assert (c.plan_id, c.value, c.due_day) == (scenario["plans"][plan], expected_value, due or 10)
        change = u.session.scalars(select(PlanChange)).one()
        assert (change.change_type, change.old_value, change.new_value) == (code, Decimal("99.90"), expected_value)
        history = u.session.scalars(select(ContractValueChange)).all()
        if expected_value != Decimal("99.90"):
            assert [(h.source, h.old_value, h.new_value, h.applied, h.plan_change_id) for h in history] == [
                ("plano", Decimal("99.90"), expected_value, True, change.id)]
        else:
            assert history == []
        audit = u.session.scalars(select(AuditEntry).where(AuditEntry.action == "plan_change")).one()
        assert audit.entity_id == str(c.id) and code in audit.summary
        # the plans' list prices never change
        prices = dict(u.session.execute(select(Plan.code, Plan.price)).tuples().all())
        assert prices == {"F100": Decimal("79.90"), "F300": Decimal("99.90"), "F300B": Decimal("99.90"),
                          "F500": Decimal("129.90"), "F500P": Decimal("89.90")}


def test_prorata_difference_becomes_a_one_off_charge_when_the_cycle_was_already_charged(
    uow: UoW, scenario: dict
) -> None:
    with uow() as u:
        contract = u.session.get(Contract, scenario["contract_id"])
        make_charge(u.session, contract, date(2026, 12, 10), "99.90", period_start=date(2026, 11, 10),
                    period_end=date(2026, 12, 9))
        u.commit()
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F500")
    # 27/11 → 09/12 = 13 days of 30: 129.90·13/30 = 56.29; 99.90·13/30 = 43.29
    assert (draft.prorata.days, draft.prorata.new_amount, draft.prorata.old_amount) == (
        13, Decimal("56.29"), Decimal("43.29"))
    assert draft.prorata.difference == Decimal("13.00") and draft.prorata_action == pc.PRORATA_CHARGE
    row = pc.apply_plan_change(uow(), draft)
    with uow() as u:
        charge = u.session.scalars(select(Charge).where(Charge.kind == "avulsa")).one()
        assert (charge.amount, charge.due_date, charge.id) == (Decimal("13.00"), date(2026, 12, 10), row.charge_id)
        assert u.session.scalars(select(PlanChange)).one().prorata_amount == Decimal("13.00")


def test_prorata_not_charged_twice_when_the_cycle_is_not_charged_yet(uow: UoW, scenario: dict) -> None:
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F500")
    assert draft.prorata_action == pc.PRORATA_NEXT and "próxima mensalidade" in draft.prorata_text
    pc.apply_plan_change(uow(), draft)
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Charge)) == 0
        assert u.session.scalars(select(PlanChange)).one().prorata_amount == Decimal("13.00")


def test_downgrade_records_a_credit(uow: UoW, scenario: dict) -> None:
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F100")
    assert draft.prorata.difference == Decimal("-8.67") and draft.prorata_action == pc.PRORATA_CREDIT
    pc.apply_plan_change(uow(), draft)
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Charge)) == 0


def test_attendant_without_charge_permission_leaves_the_difference_for_finance(
    uow: UoW, scenario: dict, attendant: Actor
) -> None:
    with uow() as u:
        contract = u.session.get(Contract, scenario["contract_id"])
        make_charge(u.session, contract, date(2026, 12, 10), period_start=date(2026, 11, 10),
                    period_end=date(2026, 12, 9))
        u.commit()
    draft = pc.preview_plan_change(uow(attendant), scenario["contract_id"], "F500")
    assert draft.prorata_action == pc.PRORATA_PENDING
    pc.apply_plan_change(uow(attendant), draft)
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Charge).where(Charge.kind == "avulsa")) == 0
        assert "financeiro" in (u.session.scalars(select(PlanChange)).one().note or "")


def test_loyalty_restart_with_a_new_benefit(uow: UoW, scenario: dict) -> None:
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F500", loyalty="reiniciar",
                                   new_benefit=Decimal("300"))
    assert (draft.loyalty_months, draft.loyalty_benefit, draft.loyalty_expires_on) == (
        12, Decimal("300.00"), date(2027, 11, 27))
    pc.apply_plan_change(uow(), draft)
    with uow() as u:
        c = u.session.get(Contract, scenario["contract_id"])
        assert c is not None
        assert (c.renewed_on, c.loyalty_expires_on, c.loyalty_benefit, c.activated_on) == (
            date(2026, 11, 27), date(2027, 11, 27), Decimal("300.00"), date(2026, 1, 10))
        assert u.session.scalars(select(PlanChange)).one().new_loyalty_benefit == Decimal("300.00")


def test_loyalty_over_twelve_months_refused_for_consumers(uow: UoW, scenario: dict) -> None:
    with uow() as u:
        make_plan(u.session, "F1G", "199.90", download_mbps=1000, upload_mbps=500, loyalty_months=24)
        u.commit()
    with pytest.raises(BusinessRuleError, match="pessoa física"):
        pc.preview_plan_change(uow(), scenario["contract_id"], "F1G", loyalty="reiniciar")
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F1G", loyalty="manter")
    assert draft.loyalty_expires_on == draft.old_loyalty_expires_on


def test_conflict_when_the_contract_changed_after_the_preview(uow: UoW, scenario: dict) -> None:
    draft = pc.preview_plan_change(uow(), scenario["contract_id"], "F500")
    with uow() as u:
        c = u.session.get(Contract, scenario["contract_id"])
        assert c is not None
        c.notes = "editado por outra pessoa"
        u.commit()
    with pytest.raises(ConflictError):
        pc.apply_plan_change(uow(), draft)
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(PlanChange)) == 0
        assert u.session.get(Contract, scenario["contract_id"]).value == Decimal("99.90")  # type: ignore[union-attr]


def test_refusals(uow: UoW, scenario: dict, finance: Actor) -> None:
    with pytest.raises(BusinessRuleError, match="Nenhuma alteração"):
        pc.preview_plan_change(uow(), scenario["contract_id"], "F300")
    with pytest.raises(BusinessRuleError, match="não encontrado") as exc:
        pc.preview_plan_change(uow(), scenario["contract_id"], "NAOEXISTE")
    assert exc.value.field == "plano"
    with pytest.raises(BusinessRuleError, match="Use um dia de 1 a 28"):
        pc.preview_plan_change(uow(), scenario["contract_id"], "F300", new_due_day=31)
    with pytest.raises(PermissionDenied):
        pc.preview_plan_change(uow(finance), scenario["contract_id"], "F500")
    with uow() as u:
        c = u.session.get(Contract, scenario["contract_id"])
        assert c is not None
        c.status = "cancelado"
        u.commit()
    with pytest.raises(BusinessRuleError, match="só contratos ativos"):
        pc.preview_plan_change(uow(), scenario["contract_id"], "F500")


def test_list_with_filters_and_totals(uow: UoW, scenario: dict, clock) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        other = make_contract(u.session, customer=make_customer(u.session, "João Souza"),
                              plan=u.session.get(Plan, scenario["plans"]["F500"]))
        u.commit()
        other_id = other.id
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), scenario["contract_id"], "F500"))
    clock.day = date(2026, 11, 28)
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), other_id, "F100", new_due_day=5))
    report = pc.list_plan_changes(uow())
    assert [r.change_type for r in report.rows] == ["DV", "UP"]
    t = report.totals
    assert (t.count, t.upgrades, t.downgrades, t.due_day_only) == (2, 1, 1, 0)
    assert (t.revenue_before, t.revenue_after) == (Decimal("229.80"), Decimal("209.80"))
    assert t.net_change == Decimal("-20.00")
    assert (t.ticket_before, t.ticket_after) == (Decimal("114.90"), Decimal("104.90"))
    only = pc.list_plan_changes(uow(), pc.PlanChangeFilter(date_from=date(2026, 11, 28), plan_to="F100"))
    assert [(r.old_plan_code, r.new_plan_code, r.customer_name) for r in only.rows] == [("F500", "F100", "João Souza")]
    assert pc.list_plan_changes(uow(), pc.PlanChangeFilter(types=("UP",), actor="admin")).totals.count == 1
    assert pc.list_plan_changes(uow(), pc.PlanChangeFilter(actor="outro")).totals.count == 0
