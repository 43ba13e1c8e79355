"""Billing cycles, pro-rata, suspension days and paid-until."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.billing import (
    ChargeState,
    cycle_amount,
    cycle_at,
    cycle_containing,
    cycles_due_until,
    last_period,
    next_due_date,
    overlap_days,
    paid_until,
    prorate,
    segmented_amount,
    value_segments,
)

V = Decimal("99.90")


def test_next_due_date_is_strictly_after() -> None:
    assert next_due_date(date(2026, 1, 9), 10) == date(2026, 1, 10)
    assert next_due_date(date(2026, 1, 10), 10) == date(2026, 2, 10)
    assert next_due_date(date(2026, 12, 20), 5) == date(2027, 1, 5)


def test_first_cycle_is_partial_from_base_date() -> None:
    c = cycle_at(date(2026, 1, 25), 10)
    assert (c.start, c.end, c.due) == (date(2026, 1, 25), date(2026, 2, 9), date(2026, 2, 10))
    assert c.days == 16 and not c.is_full and c.full_days == 31


def test_full_cycle_is_the_monthly_value_whatever_the_divisor() -> None:
    c = cycle_at(date(2026, 1, 10), 10)
    assert c.is_full
    assert cycle_amount(V, c, "30") == V
    assert cycle_amount(V, c, "mes") == V


def test_prorata_with_both_divisors() -> None:
    c = cycle_at(date(2026, 1, 25), 10)  # 16 days of a 31-day cycle
    assert cycle_amount(Decimal("90.00"), c, "30") == Decimal("48.00")
    assert cycle_amount(Decimal("93.00"), c, "mes") == Decimal("48.00")


def test_cycles_due_until_includes_due_date_equal_to_until() -> None:
    cycles = cycles_due_until(date(2026, 1, 25), 10, date(2026, 4, 10))
    assert [c.due for c in cycles] == [date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 10)]
    assert cycles[1].start == date(2026, 2, 10) and cycles[1].end == date(2026, 3, 9)
    assert cycles_due_until(date(2026, 1, 25), 10, date(2026, 2, 9)) == []


def test_suspended_days_are_not_charged() -> None:
    c = cycle_at(date(2026, 1, 10), 10)  # 31 days
    amount = cycle_amount(Decimal("93.00"), c, "mes", [(date(2026, 1, 20), date(2026, 1, 29))])
    assert amount == Decimal("63.00")
    assert cycle_amount(Decimal("93.00"), c, "mes", [(date(2025, 12, 1), None)]) == Decimal("0.00")


def test_overlapping_suspensions_count_once() -> None:
    periods = [(date(2026, 1, 1), date(2026, 1, 10)), (date(2026, 1, 5), date(2026, 1, 12))]
    assert overlap_days(date(2026, 1, 1), date(2026, 1, 31), periods) == 12


def test_last_period_on_cancellation() -> None:
    p = last_period(date(2026, 3, 10), date(2026, 3, 20), 10)
    assert p is not None and (p.start, p.end, p.due, p.days) == (
        date(2026, 3, 10), date(2026, 3, 19), date(2026, 4, 10), 10)
    assert last_period(date(2026, 3, 10), date(2026, 3, 10), 10) is None


def test_paid_until_stops_at_first_unpaid_and_skips_cancelled() -> None:
    def ch(m: int, status: str) -> ChargeState:
        start = date(2026, m, 10)
        return ChargeState(start, date(2026, m + 1, 9), status)

    assert paid_until([]) is None
    assert paid_until([ch(1, "aberta"), ch(2, "paga")]) is None
    assert paid_until([ch(3, "paga"), ch(1, "paga"), ch(2, "paga")]) == date(2026, 4, 9)
    assert paid_until([ch(1, "paga"), ch(2, "aberta"), ch(3, "paga")]) == date(2026, 2, 9)
    assert paid_until([ch(1, "paga"), ch(2, "cancelada"), ch(3, "paga")]) == date(2026, 4, 9)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


@given(money, days, st.integers(1, 28), st.sampled_from(["30", "mes"]))
def test_cycle_amount_never_negative_nor_above_value(value: Decimal, start: date, due_day: int, divisor: str) -> None:
    c = cycle_at(start, due_day)
    amount = cycle_amount(value, c, divisor)
    assert Decimal("0") <= amount <= value
    assert c.start <= c.end < c.due and c.due.day == due_day
    assert 28 <= c.full_days <= 31 and 1 <= c.days <= c.full_days


@given(money, st.integers(0, 40), st.integers(0, 40), st.sampled_from([28, 29, 30, 31]))
def test_prorate_monotonic_in_days(value: Decimal, a: int, b: int, divisor: int) -> None:
    lo, hi = sorted((a, b))
    assert Decimal("0") <= prorate(value, lo, divisor) <= prorate(value, hi, divisor) <= value


@given(money, days, st.integers(1, 28), st.integers(0, 40), st.integers(0, 40), st.sampled_from(["30", "mes"]))
def test_last_period_amount_monotonic_in_cancellation_date(
    value: Decimal, start: date, due_day: int, a: int, b: int, divisor: str
) -> None:
    first, second = sorted((a, b))

    def charged(offset: int) -> Decimal:
        p = last_period(start, start + timedelta(days=offset), due_day)
        return Decimal("0") if p is None else cycle_amount(value, p, divisor)

    assert Decimal("0") <= charged(first) <= charged(second) <= value


@given(days, st.integers(1, 28), st.integers(0, 800))
def test_cycles_tile_the_calendar(start: date, due_day: int, span: int) -> None:
    cycles = cycles_due_until(start, due_day, start + timedelta(days=span))
    expected = start
    for c in cycles:
        assert c.start == expected
        expected = c.end + timedelta(days=1)
        assert c.due == expected


@given(st.lists(st.sampled_from(["paga", "aberta", "cancelada"]), max_size=24))
def test_paid_until_is_end_of_unbroken_paid_run(statuses: list[str]) -> None:
    cycles = cycles_due_until(date(2026, 1, 10), 10, date(2028, 12, 31))[: len(statuses)]
    charges = [ChargeState(c.start, c.end, s) for c, s in zip(cycles, statuses, strict=False)]
    result = paid_until(reversed(charges))
    expected = None
    for charge in charges:
        if charge.status == "cancelada":
            continue
        if charge.status != "paga":
            break
        expected = charge.period_end
    assert result == expected
    if result is not None:
        before = [c for c in charges if c.period_end <= result]
        assert all(c.status in ("paga", "cancelada") for c in before)


# ------------------------------------------------------------------ value changes inside a cycle

money = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)
_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
_due_days = st.integers(min_value=1, max_value=28)
#: partial cycles (starting on any day) and full cycles
cycles = st.one_of(st.builds(cycle_at, _days, _due_days), st.builds(cycle_containing, _days, _due_days))
divisors = st.sampled_from(["30", "mes"])


@st.composite
def suspensions(draw: st.DrawFn, cycle: object) -> list[tuple[date, date | None]]:
    assert isinstance(cycle, tuple)
    result: list[tuple[date, date | None]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        start = cycle[0] + timedelta(days=draw(st.integers(min_value=-5, max_value=35)))
        end = None if draw(st.booleans()) and not result else start + timedelta(days=draw(st.integers(0, 12)))
        result.append((start, end))
    return result


@st.composite
def changed_cycle(draw: st.DrawFn) -> tuple:
    cycle = draw(cycles)
    cuts = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=cycle.days - 1), max_size=3)))
                  ) if cycle.days > 1 else []
    values = [draw(money) for _ in range(len(cuts) + 1)]
    changes = [(cycle.start + timedelta(days=cut), values[i], values[i + 1]) for i, cut in enumerate(cuts)]
    return cycle, values, changes, draw(suspensions(cycle)), draw(divisors)


@given(cycles, money, divisors, st.data())
def test_one_segment_is_exactly_the_unsplit_amount(cycle, value, divisor, data) -> None:  # noqa: ANN001
    suspended = data.draw(suspensions(cycle))
    segments = value_segments(cycle, value, [])
    assert segments == [(cycle.start, cycle.end, value)]
    assert segmented_amount(cycle, segments, divisor, suspended) == cycle_amount(value, cycle, divisor, suspended)


@given(changed_cycle())
def test_segmented_amount_lies_between_the_lowest_and_highest_value(case: tuple) -> None:
    cycle, values, changes, suspended, divisor = case
    segments = value_segments(cycle, values[-1], changes)
    assert segments[0][0] == cycle.start and segments[-1][1] == cycle.end
    assert all(b[0] == a[1] + timedelta(days=1) for a, b in zip(segments, segments[1:], strict=False))
    amount = segmented_amount(cycle, segments, divisor, suspended)
    assert amount == amount.quantize(Decimal("0.01"))
    low = cycle_amount(min(values), cycle, divisor, suspended)
    high = cycle_amount(max(values), cycle, divisor, suspended)
    assert low <= amount <= high


@given(changed_cycle())
def test_splitting_at_an_unchanged_value_changes_nothing(case: tuple) -> None:
    cycle, values, changes, suspended, divisor = case
    same = [(on, values[0], values[0]) for on, _old, _new in changes]
    segments = value_segments(cycle, values[0], same)
    assert segmented_amount(cycle, segments, divisor, suspended) == cycle_amount(
        values[0], cycle, divisor, suspended)


def test_change_mid_cycle_is_rounded_once() -> None:
    cycle = cycle_at(date(2026, 12, 10), 10)  # 31 days, full
    segments = value_segments(cycle, Decimal("129.90"), [(date(2026, 12, 20), Decimal("99.90"), Decimal("129.90"))])
    assert segments == [(date(2026, 12, 10), date(2026, 12, 19), Decimal("99.90")),
                        (date(2026, 12, 20), date(2027, 1, 9), Decimal("129.90"))]
    # (99.90 × 10 + 129.90 × 21) / 31 = 120.2225… → 120.22 (segments alone: 32.23 + 88.00 = 120.23)
    assert segmented_amount(cycle, segments, "30") == Decimal("120.22")
    assert segmented_amount(cycle, segments, "mes") == Decimal("120.22")


def test_changes_outside_the_cycle_decide_its_value() -> None:
    cycle = cycle_at(date(2026, 12, 10), 10)
    later = [(date(2027, 2, 1), Decimal("80.00"), Decimal("90.00"))]
    assert value_segments(cycle, Decimal("90.00"), later) == [(cycle.start, cycle.end, Decimal("80.00"))]
    earlier = [(date(2026, 12, 10), Decimal("70.00"), Decimal("80.00")), *later]
    assert value_segments(cycle, Decimal("90.00"), earlier) == [(cycle.start, cycle.end, Decimal("80.00"))]


def test_partial_cycle_with_change_never_exceeds_the_higher_value() -> None:
    cycle = cycle_at(date(2026, 1, 11), 10)  # 30 of 31 days, divisor 30 → the monthly value at most
    segments = value_segments(cycle, Decimal("100.00"), [(date(2026, 1, 20), Decimal("50.00"), Decimal("100.00"))])
    # (50 × 9 + 100 × 21) / max(30, 30) = 85.00
    assert segmented_amount(cycle, segments, "30") == Decimal("85.00")
