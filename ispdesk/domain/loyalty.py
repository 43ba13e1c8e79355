"""Loyalty (fidelidade) dates: start, expiration, length in days and days remaining.

The loyalty runs from the activation date, or from the last renewal, for ``months`` calendar months
clamped to the month's end (31/01 + 1 month = 28/02). Anatel (RGC 765) limits the loyalty of
consumers (pessoa física) to 12 months; companies (pessoa jurídica) may agree to more.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ispdesk.domain.dates import add_months
from ispdesk.domain.errors import BusinessRuleError

#: Anatel's ceiling for consumers (pessoa física).
MAX_CONSUMER_LOYALTY_MONTHS = 12
#: A sanity ceiling for everyone (pessoa jurídica included).
MAX_LOYALTY_MONTHS = 60


def loyalty_start(activated_on: date | None, renewed_on: date | None) -> date | None:
    """The loyalty's start: the last renewal when there is one, else the activation (None if neither)."""
    return renewed_on or activated_on


def loyalty_end(start: date, months: int) -> date:
    """Expiration = `start` + `months` calendar months, clamped to the month's end."""
    if months < 0:
        raise ValueError("months must not be negative")
    return add_months(start, months)


def loyalty_days(start: date, end: date) -> int:
    """Length of the loyalty in days (``end − start``, never negative)."""
    return max(0, (end - start).days)


def remaining_days(end: date, on_date: date) -> int:
    """Days from `on_date` to the loyalty's end: ``max(0, end − on_date)``."""
    return max(0, (end - on_date).days)


def expiration_for(activated_on: date | None, renewed_on: date | None, months: int) -> date | None:
    """The loyalty expiration of a contract, or None when it has no start yet or no loyalty."""
    start = loyalty_start(activated_on, renewed_on)
    if start is None or months <= 0:
        return None
    return loyalty_end(start, months)


def check_loyalty_months(months: int, person_type: str | None, field: str = "fidelidade_meses") -> None:
    """Refuse a loyalty length the rules forbid.

    Args:
        months: the loyalty in months.
        person_type: ``F`` (pessoa física) or ``J`` (pessoa jurídica).
        field: the input field to point the message at.

    Raises:
        BusinessRuleError: negative, above 12 months for pessoa física (Anatel), or absurdly long.
    """
    if months < 0:
        raise BusinessRuleError("A fidelidade não pode ser negativa. Informe 0 para contrato sem fidelidade.",
                                field=field)
    if (person_type or "F").upper() == "F" and months > MAX_CONSUMER_LOYALTY_MONTHS:
        raise BusinessRuleError(
            f"Fidelidade de {months} meses não é permitida para pessoa física: a Anatel (RGC 765) limita a "
            f"fidelidade do consumidor a {MAX_CONSUMER_LOYALTY_MONTHS} meses. Informe até "
            f"{MAX_CONSUMER_LOYALTY_MONTHS} meses.",
            field=field,
        )
    if months > MAX_LOYALTY_MONTHS:
        raise BusinessRuleError(
            f"Fidelidade de {months} meses é longa demais. Informe até {MAX_LOYALTY_MONTHS} meses.", field=field
        )


def check_loyalty_benefit(months: int, benefit: Decimal, field: str = "beneficio_fidelidade") -> None:
    """Refuse a benefit without a loyalty: plans and contracts alike (the fine is computed from it).

    Raises:
        BusinessRuleError: ``months == 0`` with ``benefit > 0``.
    """
    if months == 0 and benefit > 0:
        raise BusinessRuleError(
            "Benefício sem fidelidade: informe os meses de fidelidade ou zere o benefício.", field=field)
