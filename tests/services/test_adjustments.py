"""Price adjustments through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import AdjustmentBatch, AuditEntry, Contract, ContractAdjustment, ContractValueChange, Plan
from ispdesk.domain.errors import BusinessRuleError, NotFound, PermissionDenied
from ispdesk.domain.ids import uuid7
from ispdesk.services import adjustments as adj
from ispdesk.services import hooks
from ispdesk.services import plan_changes as pc
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract, make_customer, make_plan

UoW = Callable[..., UnitOfWork]
OLD = date(2025, 3, 1)


@pytest.fixture
def contracts(uow: UoW) -> dict[str, int]:
    """Four adjustable contracts (two plans, two cities) and three that must be skipped."""
    with uow() as u:
        s = u.session
        f300 = make_plan(s, "F300", "99.90")
        f500 = make_plan(s, "F500", "129.90", download_mbps=500)
        campinas = make_customer(s, "Ana Campinas", city="Campinas")
        made = {
            "a": make_contract(s, plan=f300, activated_on=OLD),
            "b": make_contract(s, plan=f300, activated_on=OLD, value=Decimal("100.10")),
            "c": make_contract(s, plan=f500, activated_on=OLD),
            "d": make_contract(s, customer=campinas, plan=f500, activated_on=OLD),
            "new": make_contract(s, plan=f300, activated_on=date(2026, 6, 1)),
            "flag": make_contract(s, plan=f300, activated_on=OLD, no_adjustment=True),
            "recent": make_contract(s, plan=f300, activated_on=OLD, last_adjusted_on=date(2026, 3, 1)),
        }
        u.commit()
        return {k: c.number for k, c in made.items()}


def values(uow: UoW) -> dict[int, Decimal]:
    with uow() as u:
        return dict(u.session.execute(select(Contract.number, Contract.value)).tuples().all())


def test_simulation_counts_lists_and_skips_with_reasons(uow: UoW, contracts: dict[str, int]) -> None:
    sim = adj.simulate_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))
    assert (sim.decided_on, sim.effective_on) == (date(2026, 11, 27), date(2026, 12, 27))
    assert sim.count == 4 and sim.skipped_count == 3
    assert sim.revenue_before == Decimal("459.80")
    # 104.895 → 104.90 (×2 contracts), 105.105 → 105.11, 136.395 → 136.40 (×2)
    assert sorted(line.new_value for line in sim.lines) == [
        Decimal("104.90"), Decimal("105.11"), Decimal("136.40"), Decimal("136.40")]
    assert sim.revenue_after == Decimal("482.81")
    reasons = {line.contract_number: line.reason for line in sim.skipped}
    assert reasons[contracts["flag"]] == "marcado como “não reajustar”"
    assert "ativado há menos de 12 meses" in (reasons[contracts["new"]] or "")
    assert "reajustado há menos de 12 meses" in (reasons[contracts["recent"]] or "")
    assert sum(sim.skipped_by_reason.values()) == 3
    with uow() as u:  # a simulation writes nothing
        assert u.session.scalar(select(func.count()).select_from(AdjustmentBatch)) == 0


def test_filters(uow: UoW, contracts: dict[str, int]) -> None:
    p = Decimal("5")
    assert adj.simulate_adjustment(uow(), adj.AdjustmentParams(p, plan_code="F500")).count == 2
    assert [line.contract_number for line in adj.simulate_adjustment(
        uow(), adj.AdjustmentParams(p, city="CAMPINAS")).lines] == [contracts["d"]]
    assert adj.simulate_adjustment(uow(), adj.AdjustmentParams(p, activated_from=date(2026, 1, 1))).count == 0
    assert adj.simulate_adjustment(
        uow(), adj.AdjustmentParams(p, last_adjusted_before=date(2026, 1, 1))).skipped_count == 2
    with pytest.raises(BusinessRuleError, match="Plano “XX” não encontrado"):
        adj.simulate_adjustment(uow(), adj.AdjustmentParams(p, plan_code="XX"))


def test_scheduled_adjustment_is_applied_by_the_before_charges_hook(uow: UoW, contracts: dict[str, int]) -> None:
    before = values(uow)
    result = adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5"), index_name="IPCA"))
    assert result.batch_number == 1 and result.count == 4 and result.scheduled
    assert values(uow) == before  # not in force yet
    with uow() as u:
        batch = u.session.scalars(select(AdjustmentBatch)).one()
        assert (batch.contracts_count, batch.revenue_before, batch.revenue_after, batch.index_name) == (
            4, Decimal("459.80"), Decimal("482.81"), "IPCA")
        rows = u.session.scalars(select(ContractAdjustment)).all()
        assert len(rows) == 7 and sum(r.skipped_reason is None for r in rows) == 4
        history = u.session.scalars(select(ContractValueChange)).all()
        assert len(history) == 4 and not any(h.applied for h in history)
        assert {h.effective_on for h in history} == {date(2026, 12, 27)}
        assert len({h.id for h in history} | {r.id for r in rows}) == 11
        adjusted = u.session.scalars(select(Contract).where(Contract.number == contracts["a"])).one()
        assert adjusted.last_adjusted_on == date(2026, 12, 27) and adjusted.version == 2
        assert u.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "adjustment_batch")) == 1
    with uow() as u:  # a generation up to the day before changes nothing
        hooks.before_charges(u, date(2026, 12, 26))
        u.commit()
    assert values(uow) == before
    with uow() as u:
        hooks.before_charges(u, date(2026, 12, 27))
        u.commit()
    after = values(uow)
    assert after[contracts["a"]] == Decimal("104.90") and after[contracts["b"]] == Decimal("105.11")
    assert after[contracts["new"]] == before[contracts["new"]]
    with uow() as u:
        assert all(h.applied for h in u.session.scalars(select(ContractValueChange)))
        # the plans' list prices never change
        assert dict(u.session.execute(select(Plan.code, Plan.price)).tuples().all()) == {
            "F300": Decimal("99.90"), "F500": Decimal("129.90")}


def test_effective_today_applies_at_once_when_customers_were_notified(uow: UoW, contracts: dict[str, int]) -> None:
    params = adj.AdjustmentParams(percent=Decimal("-2.5"), effective_on=date(2026, 11, 27), customers_notified=True)
    result = adj.apply_adjustment(uow(), params)
    assert not result.scheduled
    assert values(uow)[contracts["a"]] == Decimal("97.40")  # 97.4025


def test_notice_refuses_a_sooner_effective_date_and_writes_nothing(uow: UoW, contracts: dict[str, int]) -> None:
    params = adj.AdjustmentParams(percent=Decimal("5"), effective_on=date(2026, 12, 20))
    sim = adj.simulate_adjustment(uow(), params)
    assert not sim.notice_ok and sim.count == 4
    with pytest.raises(BusinessRuleError, match="27/12/2026") as exc:
        adj.apply_adjustment(uow(), params)
    assert exc.value.field == "vigencia"
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(AdjustmentBatch)) == 0
        assert u.session.scalar(select(func.count()).select_from(ContractValueChange)) == 0


def test_twelve_month_rule_compares_effective_dates(uow: UoW, contracts: dict[str, int], clock) -> None:  # type: ignore[no-untyped-def]
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))  # effective 27/12/2026
    clock.day = date(2027, 6, 1)
    again = adj.simulate_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("3")))
    # effective 01/07/2027: only "recent" (last adjusted 01/03/2026) and "new" (activated 01/06/2026)
    assert {line.contract_number for line in again.lines} == {contracts["recent"], contracts["new"]}
    # effective exactly 12 months after the last effective date → allowed again
    later = adj.simulate_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("3"), effective_on=date(2027, 12, 27)))
    assert later.count == 6  # every contract except the flagged one


def test_undo_restores_values_and_history(uow: UoW, contracts: dict[str, int]) -> None:
    before = values(uow)
    params = adj.AdjustmentParams(percent=Decimal("5"), effective_on=date(2026, 11, 27), customers_notified=True)
    adj.apply_adjustment(uow(), params)
    assert values(uow) != before
    row = adj.undo_adjustment(uow(), 1)
    assert row.status == "desfeito"
    assert values(uow) == before
    with uow() as u:
        c = u.session.scalars(select(Contract).where(Contract.number == contracts["a"])).one()
        assert c.last_adjusted_on is None
        r = u.session.scalars(select(Contract).where(Contract.number == contracts["recent"])).one()
        assert r.last_adjusted_on == date(2026, 3, 1)  # untouched (skipped)
        assert all(h.undone_at is not None for h in u.session.scalars(select(ContractValueChange)))
    with pytest.raises(BusinessRuleError, match="já foi desfeito"):
        adj.undo_adjustment(uow(), 1)
    with pytest.raises(NotFound):
        adj.undo_adjustment(uow(), 99)
    # undone: the same contracts may be adjusted again
    assert adj.simulate_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5"))).count == 4


def test_undo_restores_the_previous_last_adjustment(uow: UoW, contracts: dict[str, int], clock) -> None:  # type: ignore[no-untyped-def]
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))  # effective 27/12/2026
    clock.day = date(2027, 12, 1)
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("4")))   # effective 31/12/2027
    adj.undo_adjustment(uow(), 2)
    with uow() as u:
        c = u.session.scalars(select(Contract).where(Contract.number == contracts["a"])).one()
        assert (c.last_adjusted_on, c.value) == (date(2026, 12, 27), Decimal("104.90"))


def test_undo_refused_after_a_charge_at_the_new_value(uow: UoW, contracts: dict[str, int], clock) -> None:  # type: ignore[no-untyped-def]
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))  # effective 27/12/2026
    clock.day = date(2027, 1, 15)
    with uow() as u:
        hooks.before_charges(u, date(2027, 1, 10))
        c = u.session.scalars(select(Contract).where(Contract.number == contracts["a"])).one()
        make_charge(u.session, c, date(2027, 1, 10), "104.90", period_start=date(2026, 12, 10),
                    period_end=date(2027, 1, 9), created_at=clock.now())
        u.commit()
    with pytest.raises(BusinessRuleError, match=f"contrato {contracts['a']}, vencimento 10/01/2027"):
        adj.undo_adjustment(uow(), 1)
    with uow() as u:
        assert u.session.scalars(select(AdjustmentBatch)).one().status == "aplicado"


def test_undo_refused_when_the_value_changed_again(uow: UoW, contracts: dict[str, int]) -> None:
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5"), effective_on=date(2026, 11, 27),
                                                     customers_notified=True))
    with uow() as u:
        cid = u.session.scalar(select(Contract.id).where(Contract.number == contracts["a"]))
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), cid, "F500"))
    with pytest.raises(BusinessRuleError, match=f"contrato {contracts['a']} teve outra alteração"):
        adj.undo_adjustment(uow(), 1)


def test_plan_change_cancels_a_scheduled_adjustment(uow: UoW, contracts: dict[str, int]) -> None:
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))
    with uow() as u:
        cid = u.session.scalar(select(Contract.id).where(Contract.number == contracts["a"]))
    draft = pc.preview_plan_change(uow(), cid, "F500")
    assert any("reajuste agendado" in w for w in draft.warnings)
    pc.apply_plan_change(uow(), draft)
    with uow() as u:
        hooks.before_charges(u, date(2027, 1, 10))
        u.commit()
    assert values(uow)[contracts["a"]] == Decimal("129.90")


def test_every_contract_skipped_still_records_the_batch(uow: UoW, contracts: dict[str, int]) -> None:
    result = adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5"), activated_from=date(2026, 5, 1)))
    assert result.count == 0 and result.skipped_count == 1 and result.batch_number == 1


def test_notification_list_exported_as_csv(uow: UoW, contracts: dict[str, int], tmp_path: Path) -> None:
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))
    path = tmp_path / "avisos.csv"
    assert adj.export_notifications(uow(), 1, path) == 4
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert list(rows[0]) == adj.NOTIFY_HEADER
    by_number = {int(r["contrato"]): r for r in rows}
    assert by_number[contracts["b"]]["valor_atual"] == "100,10"
    assert by_number[contracts["b"]]["valor_novo"] == "105,11"
    assert by_number[contracts["d"]]["cliente"] == "Ana Campinas"
    assert {r["vigencia"] for r in rows} == {"27/12/2026"}


def test_permissions(uow: UoW, contracts: dict[str, int], finance: Actor, attendant: Actor) -> None:
    params = adj.AdjustmentParams(percent=Decimal("5"))
    assert adj.simulate_adjustment(uow(finance), params).count == 4
    with pytest.raises(PermissionDenied):
        adj.apply_adjustment(uow(finance), params)
    with pytest.raises(PermissionDenied):
        adj.simulate_adjustment(uow(attendant), params)


def test_value_history(uow: UoW, contracts: dict[str, int]) -> None:
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))
    with uow() as u:
        cid = u.session.scalar(select(Contract.id).where(Contract.number == contracts["b"]))
    (entry,) = adj.value_history(uow(), cid)
    assert (entry["old_value"], entry["new_value"], entry["batch_number"], entry["applied"]) == (
        Decimal("100.10"), Decimal("105.11"), 1, False)


def test_sql_ids_are_valid_uuid7(uow: UoW, contracts: dict[str, int]) -> None:
    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))
    with uow() as u:
        ids = list(u.session.scalars(select(ContractAdjustment.id)))
    assert all(i.version == 7 for i in ids) and len(set(ids)) == 7
    assert max(ids) < uuid7()


def test_charge_generation_runs_the_hook_first(uow: UoW, contracts: dict[str, int], clock) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.db.models import Charge
    from ispdesk.services import charges

    adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("5")))  # effective 27/12/2026
    clock.day = date(2027, 1, 5)
    charges.generate_charges(uow(), date(2027, 1, 10))
    with uow() as u:
        c = u.session.scalars(select(Contract).where(Contract.number == contracts["b"])).one()
        assert c.value == Decimal("105.11")
        last = u.session.scalars(select(Charge).where(Charge.contract_id == c.id)
                                 .order_by(Charge.due_date.desc())).first()
        # cycle 10/12–09/01 split at the effective date: 17 days at 100,10 + 14 days at 105,11, over 31 days
        assert last is not None and (last.due_date, last.amount) == (date(2027, 1, 10), Decimal("102.36"))
    # a charge was issued at the new value: the batch can no longer be undone
    with pytest.raises(BusinessRuleError, match="já há mensalidade emitida com o novo valor"):
        adj.undo_adjustment(uow(), 1)
