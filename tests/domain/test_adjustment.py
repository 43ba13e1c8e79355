"""Price adjustment rules: the new value, the 12-month rule on effective dates, the notice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain import adjustment as adj
from ispdesk.domain.errors import BusinessRuleError

percents = st.decimals(min_value=Decimal("-99.99"), max_value=Decimal("200"), places=2).filter(lambda p: p != 0)
percents4 = st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=4).filter(lambda p: p != 0)
values = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999.99"), places=2)


def test_adjusted_value_is_half_up_to_centavos() -> None:
    assert adj.adjusted_value(Decimal("99.90"), Decimal("4.5")) == Decimal("104.40")  # 104.3955
    assert adj.adjusted_value(Decimal("100.10"), Decimal("5")) == Decimal("105.11")   # 105.105 → up
    assert adj.adjusted_value(Decimal("100.00"), Decimal("-2.5")) == Decimal("97.50")


def test_factor_fraction() -> None:
    assert adj.factor_fraction(Decimal("4.68")) == (10468, 10000)
    assert adj.factor_fraction(Decimal("10")) == (110, 100)
    assert adj.factor_fraction(Decimal("-3.5")) == (965, 1000)


@given(values, st.one_of(percents, percents4))
def test_integer_formula_equals_decimal_rounding(value: Decimal, percent: Decimal) -> None:
    n, d = adj.factor_fraction(percent)
    cents = int(value * 100)
    assert Decimal(adj.adjust_cents(cents, n, d)) / 100 == adj.adjusted_value(value, percent)


@pytest.mark.parametrize("text", ["0", "-100", "-150", "1.23456", "NaN"])
def test_invalid_percent(text: str) -> None:
    with pytest.raises(BusinessRuleError) as exc:
        adj.validate_percent(Decimal(text))
    assert exc.value.field == "percentual"


def test_twelve_month_rule_compares_effective_dates() -> None:
    eff = date(2027, 1, 1)
    assert adj.twelve_month_cutoff(eff) == date(2026, 1, 1)
    assert adj.skip_reason(eff, date(2026, 1, 1), None, False) is None
    assert "ativado há menos de 12 meses" in (adj.skip_reason(eff, date(2026, 1, 2), None, False) or "")
    # last adjustment effective exactly 12 months before → allowed; one day later → skipped
    assert adj.skip_reason(eff, date(2020, 5, 5), date(2026, 1, 1), False) is None
    reason = adj.skip_reason(eff, date(2020, 5, 5), date(2026, 1, 2), False)
    assert reason is not None and "01/01/2026" in reason
    assert adj.skip_reason(eff, date(2020, 5, 5), None, True) == adj.REASON_NO_ADJUSTMENT
    assert adj.skip_reason(eff, None, None, False) == adj.REASON_NOT_ACTIVATED


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.dates(date(2015, 1, 1), date(2035, 12, 31)))
def test_skip_reason_is_exactly_the_twelve_month_rule(effective: date, activated: date) -> None:
    reason = adj.skip_reason(effective, activated, None, False)
    assert (reason is None) == (adj.twelve_month_cutoff(effective) >= activated)


def test_notice() -> None:
    decided = date(2026, 11, 27)
    assert adj.default_effective_date(decided, 30) == date(2026, 12, 27)
    adj.check_notice(decided, date(2026, 12, 27), 30, False)
    with pytest.raises(BusinessRuleError, match="27/12/2026") as exc:
        adj.check_notice(decided, date(2026, 12, 26), 30, False)
    assert exc.value.field == "vigencia"
    adj.check_notice(decided, date(2026, 12, 1), 30, True)  # customers already notified
    with pytest.raises(BusinessRuleError, match="anterior"):
        adj.check_notice(decided, date(2026, 11, 26), 30, True)
