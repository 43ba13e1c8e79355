"""Late amounts: caps, zero until the effective due date, monotonic growth, principal-first split."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.errors import ValidationError
from ispdesk.domain.late_fees import LateRates, allocate, late_amounts, updated_amount

DUE = date(2026, 10, 13)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
fine_rate = st.decimals(min_value=Decimal("0"), max_value=Decimal("2"), places=2)
interest_rate = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2)
days = st.integers(min_value=-60, max_value=2000)


def test_example_one_day_late() -> None:
    late = late_amounts(Decimal("99.90"), DUE, DUE + timedelta(days=1), LateRates())
    assert (late.fine, late.interest, late.days) == (Decimal("2.00"), Decimal("0.03"), 1)  # 1,998 → 2,00; 0,0333
    month = late_amounts(Decimal("100.00"), DUE, DUE + timedelta(days=30), LateRates())
    assert (month.fine, month.interest) == (Decimal("2.00"), Decimal("1.00"))


def test_rates_above_the_caps_are_refused() -> None:
    with pytest.raises(ValidationError) as fine:
        LateRates(Decimal("2.01"), Decimal("1"))
    assert "2 %" in fine.value.errors["multa_atraso_percentual"]
    with pytest.raises(ValidationError) as interest:
        LateRates(Decimal("2"), Decimal("1.01"))
    assert "1 %" in interest.value.errors["juros_mora_percentual_mes"]


@given(money, fine_rate, interest_rate, days)
def test_never_above_the_caps(principal: Decimal, fine: Decimal, interest: Decimal, offset: int) -> None:
    late = late_amounts(principal, DUE, DUE + timedelta(days=offset), LateRates(fine, interest))
    n = max(offset, 0)
    assert late.fine <= (principal * Decimal("0.02")).quantize(Decimal("0.01")) + Decimal("0.005")
    assert late.interest <= principal * Decimal("0.01") * n / 30 + Decimal("0.005")
    assert late.fine >= 0 and late.interest >= 0


@given(money, fine_rate, interest_rate, st.integers(min_value=-400, max_value=0))
def test_zero_until_the_effective_due_date(principal: Decimal, fine: Decimal, interest: Decimal, offset: int) -> None:
    late = late_amounts(principal, DUE, DUE + timedelta(days=offset), LateRates(fine, interest))
    assert late.total == 0 and late.days == 0


@given(money, fine_rate, interest_rate, days, st.integers(min_value=0, max_value=500))
def test_monotonic_in_the_payment_date(principal: Decimal, fine: Decimal, interest: Decimal, offset: int,
                                       more: int) -> None:
    rates = LateRates(fine, interest)
    first = late_amounts(principal, DUE, DUE + timedelta(days=offset), rates)
    later = late_amounts(principal, DUE, DUE + timedelta(days=offset + more), rates)
    assert later.fine >= first.fine and later.interest >= first.interest


@given(money, st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=4), days)
def test_split_principal_first_adds_up(principal: Decimal, share: Decimal, offset: int) -> None:
    rates = LateRates()
    on = DUE + timedelta(days=offset)
    total = updated_amount(principal, Decimal(0), Decimal(0), DUE, on, rates).total
    amount = max(Decimal("0.01"), (total * share).quantize(Decimal("0.01")))
    split = allocate(amount, principal, Decimal(0), Decimal(0), DUE, on, rates)
    assert split.principal + split.fine + split.interest == amount
    assert split.principal == min(amount, principal)
    if amount < principal:
        assert split.fine == split.interest == 0
    if amount == total:
        assert split.fine_owed == split.interest_owed == 0
    assert split.fine_owed >= 0 and split.interest_owed >= 0
