"""A well-formed but impossible date says it does not exist (issue 12), not "use o formato"."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.dates import parse_date
from ispdesk.domain.errors import BusinessRuleError


def test_31_february_does_not_exist():
    with pytest.raises(BusinessRuleError) as exc:
        parse_date("31/02/1990")
    message = exc.value.message
    assert "não existe" in message and "fevereiro de 1990 tem 28 dias" in message
    assert "formato" not in message


def test_month_13_names_the_month():
    with pytest.raises(BusinessRuleError) as exc:
        parse_date("10/13/2020", allow_iso=False)
    assert "o mês vai de 01 a 12" in exc.value.message and "formato" not in exc.value.message


def test_malformed_text_still_shows_the_format():
    with pytest.raises(BusinessRuleError) as exc:
        parse_date("3102", allow_iso=False)
    assert "dd/mm/aaaa" in exc.value.message


@given(st.integers(1900, 2100), st.integers(0, 14), st.integers(0, 35))
def test_every_well_formed_text_parses_or_says_why_it_does_not_exist(year, month, day):
    text = f"{day:02d}/{month:02d}/{year}"
    exists = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    if exists:
        assert parse_date(text) == date(year, month, day)
        assert parse_date(f"{year}-{month:02d}-{day:02d}") == date(year, month, day)
    else:
        with pytest.raises(BusinessRuleError) as exc:
            parse_date(text)
        assert "não existe" in exc.value.message and "formato" not in exc.value.message
