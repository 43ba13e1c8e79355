"""Termination fine: formula, rounding, expiration, waiver, invariants."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.dates import add_months
from ispdesk.domain.fine import termination_fine


def test_formula_half_up() -> None:
    # 365 days of loyalty, 100 left, R$ 600,00: 600 × 100 / 365 = 164.383… → 164,38
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    fine = termination_fine(start, end, Decimal("600.00"), end - timedelta(days=100))
    assert (fine.loyalty_days, fine.remaining_days, fine.amount) == (365, 100, Decimal("164.38"))
    # 1000 × 1 / 8 = 125.00 exactly; 0.05 × 1 / 2 = 0.025 → 0.03 (half-up)
    assert termination_fine(date(2026, 1, 1), date(2026, 1, 9), Decimal("1000"), date(2026, 1, 8)).amount == \
        Decimal("125.00")
    assert termination_fine(date(2026, 1, 1), date(2026, 1, 3), Decimal("0.05"), date(2026, 1, 2)).amount == \
        Decimal("0.03")


def test_zero_after_expiration_and_full_on_start() -> None:
    start, end = date(2026, 1, 10), date(2027, 1, 10)
    assert termination_fine(start, end, Decimal("600"), end).amount == Decimal("0.00")
    assert termination_fine(start, end, Decimal("600"), end + timedelta(days=30)).remaining_days == 0
    assert termination_fine(start, end, Decimal("600"), start).amount == Decimal("600.00")


def test_waived_by_breach_reason() -> None:
    fine = termination_fine(date(2026, 1, 10), date(2027, 1, 10), Decimal("600"), date(2026, 6, 1),
                            waived_reason="Descumprimento contratual")
    assert fine.amount == Decimal("0.00") and fine.remaining_days > 0
    assert "isenta" in "\n".join(fine.lines())


def test_no_loyalty_no_fine() -> None:
    fine = termination_fine(None, None, Decimal("600"), date(2026, 6, 1))
    assert fine.amount == Decimal("0.00") and fine.loyalty_days == 0


def test_lines_end_with_amount() -> None:
    fine = termination_fine(date(2026, 1, 10), date(2027, 1, 10), Decimal("1200"), date(2026, 1, 10))
    assert fine.lines()[-1] == "R$ 1.200,00"
    assert "10/01/2027" in fine.lines()[1]


starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1))
benefits = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


@given(starts, st.integers(1, 36), benefits, st.integers(-100, 1200), st.integers(-100, 1200))
def test_fine_bounded_and_non_increasing(start: date, months: int, benefit: Decimal, a: int, b: int) -> None:
    end = add_months(start, months)
    early, late = sorted((a, b))
    f1 = termination_fine(start, end, benefit, start + timedelta(days=early))
    f2 = termination_fine(start, end, benefit, start + timedelta(days=late))
    assert Decimal("0") <= f2.amount <= f1.amount <= benefit
    assert 0 <= f1.remaining_days <= f1.loyalty_days
