from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.dates import add_months, format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl, parse_money, to_cents


def test_half_up_to_cents():
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("2.675")) == Decimal("2.68")
    assert to_cents(Decimal("-0.005")) == Decimal("-0.01")


@pytest.mark.parametrize(
    ("value", "text"),
    [("1234.5", "R$ 1.234,50"), ("0", "R$ 0,00"), ("99.9", "R$ 99,90"), ("1234567.891", "R$ 1.234.567,89"),
     ("-10", "-R$ 10,00")],
)
def test_format_brl(value, text):
    assert format_brl(Decimal(value)) == text


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_money_round_trip(value):
    assert parse_money(format_brl(value).replace("-R$ ", "-")) == value


def test_parse_money_rejects_garbage():
    with pytest.raises(BusinessRuleError, match="1.234,56"):
        parse_money("doze reais")


def test_parse_date_formats():
    assert parse_date("05/01/2026") == date(2026, 1, 5)
    assert parse_date("2026-01-05") == date(2026, 1, 5)
    with pytest.raises(BusinessRuleError, match="não existe"):
        parse_date("31/02/2026")
    with pytest.raises(BusinessRuleError):
        parse_date("2026-01-05", allow_iso=False)
    assert format_date(date(2026, 1, 5)) == "05/01/2026"


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 120))
def test_add_months_properties(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
