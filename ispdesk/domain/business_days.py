"""Business days: when a charge due on a weekend or holiday can be paid without late amounts.

A due date on a Saturday, a Sunday or a holiday is payable on the next business day with no fine
or interest (the bank accepts it then). The charge keeps its nominal due date; its *effective* due
date (``vencimento útil``) is the first business day on or after it, and everything that counts
from the due date (late amounts, the non-payment ladder, the notice) counts from the effective one.

Holidays come from the ``holidays`` package, never from a hand-written table: the national ones
(with the moveable feasts: Good Friday, and the bank holidays Carnival Monday and Tuesday and
Corpus Christi, which the package lists as optional), the state's (the company's UF), plus the
municipal holidays the provider registers (a fixed date, or every year on the same day and month).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

ONE_DAY = timedelta(days=1)

#: Optional Brazilian holidays on which banks do not open (FEBRABAN calendar), by their pt-BR name.
BANK_OPTIONAL = ("Carnaval", "Corpus Christi")

#: The Brazilian states (``holidays`` subdivisions); an empty or unknown UF gives national holidays only.
UFS = frozenset(holidays.country_holidays("BR").subdivisions)

#: A business day is always found within this many days (the longest run of closed days is far shorter).
MAX_SEARCH_DAYS = 30


@lru_cache(maxsize=256)
def package_holidays(uf: str, year: int) -> dict[date, str]:
    """National (+ the UF's) holidays of `year` from the ``holidays`` package, with their pt-BR names."""
    subdiv = uf if uf in UFS else None
    public = holidays.country_holidays("BR", subdiv=subdiv, years=year, language="pt_BR")
    optional = holidays.country_holidays("BR", subdiv=subdiv, years=year, language="pt_BR",
                                         categories=("optional",))
    result = {day: str(name) for day, name in public.items()}
    for day, name in optional.items():
        names = [n.strip() for n in str(name).split(";")]
        if any(n in BANK_OPTIONAL for n in names):
            result.setdefault(day, str(name))
    return result


@dataclass(frozen=True)
class Calendar:
    """The provider's calendar: the company's UF and its municipal holidays.

    Attributes:
        uf: the company's state (``SP``, ``MG`` …); unknown or empty means national holidays only.
        dates: municipal holidays on one date only.
        yearly: municipal holidays every year, as ``(month, day)``.
    """

    uf: str = ""
    dates: frozenset[date] = frozenset()
    yearly: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def of(cls, uf: str | None, dates: Iterable[date] = (), yearly: Iterable[tuple[int, int]] = ()) -> Calendar:
        """Build a calendar (UF upper-cased and trimmed)."""
        return cls((uf or "").strip().upper(), frozenset(dates), frozenset(yearly))

    def holiday_name(self, day: date) -> str | None:
        """The holiday on `day` (None when it is not one); municipal ones are named ``Feriado municipal``."""
        if day in self.dates or (day.month, day.day) in self.yearly:
            return "Feriado municipal"
        return package_holidays(self.uf, day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday."""
        return day.weekday() < 5 and self.holiday_name(day) is None

    def effective_due(self, due: date) -> date:
        """The first business day on or after `due` (the last day to pay without late amounts)."""
        return _effective_due(self, due)


@lru_cache(maxsize=65536)
def _effective_due(calendar: Calendar, due: date) -> date:
    day = due
    for _ in range(MAX_SEARCH_DAYS):
        if calendar.is_business_day(day):
            return day
        try:
            day += ONE_DAY
        except OverflowError:
            return due
    return day


def affected_due_dates(holiday: date) -> tuple[date, date]:
    """The range of nominal due dates whose effective date a holiday on `holiday` may change."""
    return holiday - timedelta(days=MAX_SEARCH_DAYS), holiday
