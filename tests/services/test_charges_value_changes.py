"""Charges when the monthly value changes inside a cycle: plan changes and reajustes (both databases).

The rule (README, billing convention): a cycle is split into value segments, weighted by their billed
days over the cycle's divisor and rounded half-up to centavos once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import Charge, Contract, SuspensionPeriod
from ispdesk.domain.ids import uuid7
from ispdesk.services import adjustments as adj
from ispdesk.services import charges
from ispdesk.services import parameters as params_service
from ispdesk.services import plan_changes as pc
from tests.factories import make_charge, make_contract, make_plan
from tests.services.billing_helpers import arrange


def _recurring(uow, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        return [(r.period_start, r.period_end, r.amount) for r in u.session.scalars(
            select(Charge).where(Charge.contract_id == contract_id, Charge.kind == "mensalidade")
            .order_by(Charge.period_start))]


def _one_offs(uow, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        return list(u.session.scalars(select(Charge.amount).where(
            Charge.contract_id == contract_id, Charge.kind == "avulsa")))


def _two_contracts(uow):  # noqa: ANN001, ANN202
    """Two F300 (99,90) contracts, due day 10, the 10/11–09/12/2026 cycle already charged."""
    def build(s):  # noqa: ANN001, ANN202
        plan = make_plan(s, "F300", "99.90")
        make_plan(s, "F500", "129.90", download_mbps=500)
        made = []
        for _ in range(2):
            c = make_contract(s, plan=plan, activated_on=date(2026, 11, 10))
            make_charge(s, c, date(2026, 12, 10), "99.90", period_start=date(2026, 11, 10),
                        period_end=date(2026, 12, 9))
            made.append(c)
        return made

    return arrange(uow, build)


def _generate(uow, until, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        result = charges.generate_charges_in(u, until, contract_ids=[contract_id])
        u.commit()
        return result


def test_plan_change_then_generate_bills_each_segment_at_its_value(uow, clock) -> None:  # noqa: ANN001
    a, _b = _two_contracts(uow)
    clock.day = date(2026, 12, 20)
    draft = pc.preview_plan_change(uow(), a.id, "F500")
    assert draft.prorata_action == pc.PRORATA_NEXT
    pc.apply_plan_change(uow(), draft)
    assert _one_offs(uow, a.id) == []
    _generate(uow, date(2027, 2, 10), a.id)
    # 10/12–19/12 at 99,90 and 20/12–09/01 at 129,90 over the 31-day cycle: 3726,90 / 31 = 120,2225…
    assert _recurring(uow, a.id)[1:] == [
        (date(2026, 12, 10), date(2027, 1, 9), Decimal("120.22")),
        (date(2027, 1, 10), date(2027, 2, 9), Decimal("129.90")),
    ]
    assert draft.prorata.difference == Decimal("120.22") - Decimal("99.90")


def test_charged_then_changed_plus_difference_equals_the_segmented_amount(uow, clock) -> None:  # noqa: ANN001
    a, b = _two_contracts(uow)
    _generate(uow, date(2027, 1, 10), b.id)  # b's cycle 10/12–09/01 charged before the change
    assert _recurring(uow, b.id)[-1] == (date(2026, 12, 10), date(2027, 1, 9), Decimal("99.90"))
    clock.day = date(2026, 12, 20)
    for contract in (a, b):
        pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), contract.id, "F500"))
    _generate(uow, date(2027, 2, 10), a.id)
    _generate(uow, date(2027, 2, 10), b.id)
    segmented = _recurring(uow, a.id)[1][2]
    charged = _recurring(uow, b.id)[1][2]
    assert _one_offs(uow, a.id) == []
    assert charged + sum(_one_offs(uow, b.id)) == segmented == Decimal("120.22")
    # the cycle is charged once; the next one at the new value
    periods = [(start, end) for start, end, _ in _recurring(uow, b.id)]
    assert periods == [(start, end) for start, end, _ in _recurring(uow, a.id)] and len(periods) == 3
    assert _recurring(uow, a.id)[-1] == _recurring(uow, b.id)[-1]
    assert _recurring(uow, b.id)[-1][2] == Decimal("129.90")


def test_charged_then_changed_with_suspension_and_month_divisor(uow, clock) -> None:  # noqa: ANN001
    params_service.update(uow(), {"divisor_proporcional": "mes"})
    a, b = _two_contracts(uow)
    with uow() as u:
        for c in (a, b):
            u.session.add(SuspensionPeriod(id=uuid7(), contract_id=c.id, start_date=date(2026, 12, 28),
                                           end_date=date(2027, 1, 2)))
        u.commit()
    _generate(uow, date(2027, 1, 10), b.id)
    clock.day = date(2026, 12, 20)
    for contract in (a, b):
        pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), contract.id, "F500"))
    _generate(uow, date(2027, 1, 10), a.id)
    # 25 billed days of 31: 10 at 99,90 + 15 at 129,90 (6 suspended) → 2947,50 / 31 = 95,0806… → 95,08
    assert _recurring(uow, a.id)[-1][2] == Decimal("95.08")
    assert _recurring(uow, b.id)[-1][2] + sum(_one_offs(uow, b.id)) == Decimal("95.08")


def test_adjustment_effective_mid_cycle(uow) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        plan = make_plan(s, "F300", "100.00")
        c = make_contract(s, plan=plan, activated_on=date(2025, 3, 10))
        make_charge(s, c, date(2026, 12, 10), "100.00", period_start=date(2026, 11, 10),
                    period_end=date(2026, 12, 9))
        return c

    c = arrange(uow, build)
    result = adj.apply_adjustment(uow(), adj.AdjustmentParams(percent=Decimal("10")))
    assert result.scheduled and result.effective_on == date(2026, 12, 27)
    charges.generate_charges(uow(), date(2027, 2, 10))  # the hook puts 110,00 in force first
    with uow() as u:
        assert u.session.get(Contract, c.id).value == Decimal("110.00")
    # 10/12–26/12 (17 days) at 100,00 + 27/12–09/01 (14 days) at 110,00 over 31: 3240 / 31 = 104,516… → 104,52
    assert _recurring(uow, c.id)[1:] == [
        (date(2026, 12, 10), date(2027, 1, 9), Decimal("104.52")),
        (date(2027, 1, 10), date(2027, 2, 9), Decimal("110.00")),
    ]


def test_change_inside_an_already_charged_cycle_is_the_one_off_only(uow, clock) -> None:  # noqa: ANN001
    a, _b = _two_contracts(uow)
    clock.day = date(2026, 12, 1)  # inside the charged cycle 10/11–09/12
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), a.id, "F500"))
    # 21 days at 99,90 + 9 at 129,90 over 30 = 108,90: the one-off is 108,90 − 99,90
    assert _one_offs(uow, a.id) == [Decimal("9.00")]
    _generate(uow, date(2027, 1, 10), a.id)
    assert _recurring(uow, a.id) == [(date(2026, 11, 10), date(2026, 12, 9), Decimal("99.90")),
                                     (date(2026, 12, 10), date(2027, 1, 9), Decimal("129.90"))]


def test_undone_adjustment_is_ignored(uow) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        c = make_contract(s, plan=make_plan(s, "F300", "100.00"), activated_on=date(2025, 3, 10))
        make_charge(s, c, date(2026, 11, 10), "100.00", period_start=date(2026, 10, 10),
                    period_end=date(2026, 11, 9))
        return c

    c = arrange(uow, build)
    params = adj.AdjustmentParams(percent=Decimal("10"), effective_on=date(2026, 11, 27), customers_notified=True)
    result = adj.apply_adjustment(uow(), params)
    assert not result.scheduled and result.batch_number is not None
    adj.undo_adjustment(uow(), result.batch_number)
    _generate(uow, date(2026, 12, 10), c.id)
    assert _recurring(uow, c.id)[-1] == (date(2026, 11, 10), date(2026, 12, 9), Decimal("100.00"))


def test_cancellation_prices_the_last_period_by_value_segments(uow, clock) -> None:  # noqa: ANN001
    from ispdesk.services import cancellation

    a, _b = _two_contracts(uow)
    clock.day = date(2026, 12, 20)
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), a.id, "F500"))
    clock.day = date(2026, 12, 30)
    preview = cancellation.preview_cancellation(uow(), a.id, "PEDIDO", date(2026, 12, 30))
    # last period 10/12–29/12 (20 days, divisor 30): 10 days at 99,90 + 10 days at 129,90 = 2298,00 / 30
    assert preview.last_period is not None
    assert (preview.last_period.start, preview.last_period.end) == (date(2026, 12, 10), date(2026, 12, 29))
    assert preview.last_period_amount == Decimal("76.60")
    cancellation.cancel_contract(uow(), a.id, "PEDIDO", "cliente mudou de cidade", date(2026, 12, 30))
    assert _recurring(uow, a.id)[-1] == (date(2026, 12, 10), date(2026, 12, 29), Decimal("76.60"))


def test_generation_for_given_contracts_pages_only_those(uow, clock, monkeypatch) -> None:  # noqa: ANN001
    """A cancellation generates for one contract: it must not page through the whole table."""
    from sqlalchemy import event

    a, _b = _two_contracts(uow)
    monkeypatch.setattr(charges, "BATCH", 1)
    pages: list[str] = []
    with uow() as u:
        engine = u.session.get_bind()

        def count(conn, cursor, statement, params, context, executemany):  # noqa: ANN001, ANN202
            if "LIMIT" in statement.upper() and "FROM contracts" in statement and "ORDER BY" in statement.upper():
                pages.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            charges.generate_charges_in(u, date(2027, 1, 10), contract_ids=[a.id], run_hooks=False)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    # ids page with the contract + its batch read + the empty page that ends the loop; walking the
    # whole table (two contracts, one per page) would be 3 id pages + 2 batch reads
    assert len(pages) == 3
