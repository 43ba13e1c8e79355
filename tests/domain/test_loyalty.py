"""Loyalty dates: start, expiration (calendar months, clamped), days, remaining days, Anatel limit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.loyalty import (
    check_loyalty_months,
    expiration_for,
    loyalty_days,
    loyalty_end,
    loyalty_start,
    remaining_days,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
months = st.integers(min_value=0, max_value=60)


def test_start_is_last_renewal_else_activation() -> None:
    assert loyalty_start(date(2025, 1, 10), None) == date(2025, 1, 10)
    assert loyalty_start(date(2025, 1, 10), date(2026, 1, 10)) == date(2026, 1, 10)
    assert loyalty_start(None, None) is None


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 10), 12, date(2027, 1, 10)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 15), 0, date(2026, 3, 15)),
    ],
)
def test_end_is_calendar_months_clamped(start: date, n: int, end: date) -> None:
    assert loyalty_end(start, n) == end


def test_days_and_remaining_examples() -> None:
    assert loyalty_days(date(2026, 1, 10), date(2027, 1, 10)) == 365
    assert remaining_days(date(2027, 1, 10), date(2026, 11, 27)) == 44
    assert remaining_days(date(2027, 1, 10), date(2027, 1, 10)) == 0
    assert remaining_days(date(2027, 1, 10), date(2027, 5, 1)) == 0


@given(dates, months)
def test_end_never_before_start_and_within_month_bounds(start: date, n: int) -> None:
    end = loyalty_end(start, n)
    assert end >= start
    assert (end.year - start.year) * 12 + end.month - start.month == n
    assert end.day <= start.day
    assert 28 * n <= loyalty_days(start, end) <= 31 * n


@given(dates, months, dates)
def test_remaining_never_negative_nor_above_length(start: date, n: int, on: date) -> None:
    end = loyalty_end(start, n)
    rem = remaining_days(end, on)
    assert rem >= 0
    if on >= start:
        assert rem <= loyalty_days(start, end)
    if on >= end:
        assert rem == 0


@given(dates, st.integers(min_value=1, max_value=36), st.integers(min_value=0, max_value=2000))
def test_remaining_decreases_one_per_day(start: date, n: int, offset: int) -> None:
    end = loyalty_end(start, n)
    on = start + timedelta(days=offset)
    assert remaining_days(end, on) - remaining_days(end, on + timedelta(days=1)) in (0, 1)
    assert remaining_days(end, on) >= remaining_days(end, on + timedelta(days=1))


def test_expiration_for_contract() -> None:
    assert expiration_for(date(2026, 1, 31), None, 1) == date(2026, 2, 28)
    assert expiration_for(date(2026, 1, 31), date(2026, 6, 30), 12) == date(2027, 6, 30)
    assert expiration_for(None, None, 12) is None
    assert expiration_for(date(2026, 1, 1), None, 0) is None


@given(st.integers(min_value=13, max_value=60))
def test_consumer_loyalty_above_12_months_refused_citing_anatel(n: int) -> None:
    with pytest.raises(BusinessRuleError) as info:
        check_loyalty_months(n, "F")
    assert "Anatel" in info.value.message
    assert info.value.field == "fidelidade_meses"


@given(st.integers(min_value=0, max_value=12))
def test_consumer_loyalty_up_to_12_accepted(n: int) -> None:
    check_loyalty_months(n, "F")


def test_company_may_have_longer_loyalty_but_not_negative() -> None:
    check_loyalty_months(24, "J")
    with pytest.raises(BusinessRuleError):
        check_loyalty_months(-1, "J")
    with pytest.raises(BusinessRuleError):
        check_loyalty_months(61, "J")
