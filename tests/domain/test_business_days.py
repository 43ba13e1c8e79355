"""Business days: weekends, national, state and municipal holidays, moveable feasts (``holidays`` package)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.business_days import Calendar

SP = Calendar.of("SP")


def test_issue_example_saturday_before_national_holiday() -> None:
    """Due Saturday 10/10/2026 → payable until Tuesday 13/10/2026 (12/10 is Nossa Senhora Aparecida)."""
    assert SP.effective_due(date(2026, 10, 10)) == date(2026, 10, 13)
    assert SP.holiday_name(date(2026, 10, 12)) == "Nossa Senhora Aparecida"


def test_moveable_feasts_and_bank_holidays() -> None:
    assert not SP.is_business_day(date(2026, 4, 3))  # Sexta-feira Santa
    assert not SP.is_business_day(date(2026, 2, 16)) and not SP.is_business_day(date(2026, 2, 17))  # Carnaval
    assert SP.is_business_day(date(2026, 2, 18))  # Quarta-feira de Cinzas: banks open
    assert SP.effective_due(date(2026, 6, 4)) == date(2026, 6, 5)  # Corpus Christi
    assert SP.effective_due(date(2027, 3, 26)) == date(2027, 3, 29)  # Good Friday 2027 + weekend


def test_state_holiday_depends_on_uf() -> None:
    assert SP.effective_due(date(2026, 7, 9)) == date(2026, 7, 10)  # Revolução Constitucionalista (SP only)
    assert Calendar.of("MG").effective_due(date(2026, 7, 9)) == date(2026, 7, 9)
    assert Calendar.of("").effective_due(date(2026, 7, 9)) == date(2026, 7, 9)


def test_municipal_holidays_on_a_date_or_every_year() -> None:
    cal = Calendar.of("SP", [date(2026, 9, 10)], [(1, 25)])
    assert cal.effective_due(date(2026, 9, 10)) == date(2026, 9, 11)
    assert cal.effective_due(date(2027, 9, 10)) == date(2027, 9, 10)
    assert cal.effective_due(date(2027, 1, 25)) == date(2027, 1, 26)  # São Paulo's anniversary, yearly
    assert cal.holiday_name(date(2027, 1, 25)) == "Feriado municipal"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["SP", "RJ", "MG", "BA", "", "XX"]))
def test_effective_due_is_the_first_business_day_on_or_after(due: date, uf: str) -> None:
    cal = Calendar.of(uf)
    effective = cal.effective_due(due)
    assert effective >= due and (effective - due).days <= 6
    assert cal.is_business_day(effective)
    day = due
    while day < effective:
        assert not cal.is_business_day(day)
        day += timedelta(days=1)
