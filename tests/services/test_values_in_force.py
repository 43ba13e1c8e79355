"""A scheduled value is in force on its date on every surface, with no task run in between."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import (
    adjustments,
    cancellation,
    contract_io,
    contract_list,
    contracts,
    dashboard,
    documents,
    plan_changes,
)
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_contract, make_customer, make_plan

Uow = Callable[..., UnitOfWork]
TODAY = date(2026, 11, 27)
VIGENCIA = date(2027, 1, 27)
LATER = date(2027, 2, 15)


@pytest.fixture
def contract(uow: Uow) -> dict:
    with uow() as u:
        plan = make_plan(u.session, "P1", "100.00", loyalty_months=12, loyalty_benefit=Decimal("240.00"))
        make_plan(u.session, "P2", "150.00", loyalty_months=0)
        customer = make_customer(u.session, "Ana Souza", city="Campinas")
        c = make_contract(u.session, customer, plan, number=9001, activated_on=date(2025, 1, 10), due_day=10)
        u.commit()
        return {"id": c.id, "number": c.number}


def surfaces(uow: Uow, contract: dict, on: date) -> dict[str, Decimal | str]:
    """The value as each surface shows it on `on` (reads only: nothing is applied)."""
    with uow() as u:
        exported = next(r for r in contract_io.contract_export_rows(u) if r[0] == str(contract["number"]))
        pdf = documents.contract_document_context(u.session, contract["id"], on)
    (listed,) = contract_list.list_contracts(uow(), ContractFilter(text=str(contract["number"])))
    board = dashboard.compute_dashboard(uow(), on)
    wizard = plan_changes.preview_plan_change(uow(), contract["id"], "P2", on_date=on)
    simulated = adjustments.simulate_adjustment(uow(), adjustments.AdjustmentParams(
        percent=Decimal("1"), effective_on=date(2028, 3, 1), customers_notified=True, decided_on=on))
    (line,) = simulated.lines
    cancel = cancellation.preview_cancellation(uow(), contract["id"], None, on)
    return {
        "export": exported[3], "list": listed.value, "form": contracts.get_contract(uow(), contract["id"]).value,
        "pdf": pdf.context["contrato.valor"], "wizard": wizard.old_value, "dashboard": board.mrr,
        "simulation": line.old_value, "simulation_total": simulated.revenue_before,
        "last_period": cancel.last_period_amount,
    }


def expected(value: str, last_period: str, simulated_from: str) -> dict[str, Decimal | str]:
    """`simulated_from`: a new adjustment starts from the value in force on *its* date (03/2028)."""
    money = Decimal(value)
    return {"export": value.replace(".", ","), "list": money, "form": money, "pdf": f"R$ {value.replace('.', ',')}",
            "wizard": money, "dashboard": money, "simulation": Decimal(simulated_from),
            "simulation_total": Decimal(simulated_from), "last_period": Decimal(last_period)}


def test_a_scheduled_adjustment_is_in_force_on_every_surface_on_its_date(uow: Uow, clock, contract: dict) -> None:  # type: ignore[no-untyped-def]
    batch = adjustments.apply_adjustment(uow(), adjustments.AdjustmentParams(
        percent=Decimal("10"), plan_code="P1", effective_on=VIGENCIA, customers_notified=True))
    assert batch.scheduled
    # before the vigência: the old value everywhere; on a later day: the new one, no task run
    clock.day = date(2027, 1, 20)
    before = surfaces(uow, contract, clock.day)
    assert before == expected("100.00", str(before["last_period"]), "110.00"), before
    clock.day = LATER
    # last period 10/02–14/02 (5 days of 30) at 110,00 = 18,33
    assert surfaces(uow, contract, LATER) == expected("110.00", "18.33", "110.00")
    # undoing the batch restores every surface
    adjustments.undo_adjustment(uow(), batch.batch_number)
    assert surfaces(uow, contract, LATER) == expected("100.00", "16.67", "100.00")


def test_a_plan_change_dated_ahead_shows_the_new_value_only_from_its_date(uow: Uow, clock, contract: dict) -> None:  # type: ignore[no-untyped-def]
    draft = plan_changes.preview_plan_change(uow(), contract["id"], "P2", on_date=date(2026, 12, 10))
    plan_changes.apply_plan_change(uow(), draft)
    with uow() as u:
        assert contract_list.list_contracts_in(u, ContractFilter(text="9001", as_of=date(2026, 12, 9)))[0].value \
            == Decimal("100.00")
    clock.day = date(2026, 12, 9)
    assert contracts.get_contract(uow(), contract["id"]).value == Decimal("100.00")
    assert dashboard.compute_dashboard(uow(), clock.day).mrr == Decimal("100.00")
    clock.day = date(2026, 12, 10)
    assert contracts.get_contract(uow(), contract["id"]).value == Decimal("150.00")
    assert dashboard.compute_dashboard(uow(), clock.day).mrr == Decimal("150.00")


def test_a_plan_change_after_the_vigencia_keeps_the_adjustment_in_force(uow: Uow, clock, contract: dict) -> None:  # type: ignore[no-untyped-def]
    adjustments.apply_adjustment(uow(), adjustments.AdjustmentParams(
        percent=Decimal("10"), plan_code="P1", effective_on=VIGENCIA, customers_notified=True))
    clock.day = LATER
    draft = plan_changes.preview_plan_change(uow(), contract["id"], "P2", on_date=LATER)
    assert draft.old_value == Decimal("110.00") and not draft.warnings
    plan_changes.apply_plan_change(uow(), draft)
    history = adjustments.value_history(uow(), contract["id"])
    assert [(h["source"], h["new_value"], h["undone"]) for h in history] == [
        ("plano", Decimal("150.00"), False), ("reajuste", Decimal("110.00"), False)]
    assert contracts.get_contract(uow(), contract["id"]).status == ContractStatus.ATIVO
