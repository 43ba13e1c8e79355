"""Late amounts (multa e juros de mora) and how a payment of a late charge is split.

- **Multa**: ``multa_atraso_percentual`` (at most 2 %, CDC art. 52 §1º) of the principal still owed,
  once, from the day after the effective due date (`domain.business_days`).
- **Juros**: ``juros_mora_percentual_mes`` (at most 1 % a month) simple interest *pro rata die* on
  the principal still owed: ``principal × taxa / 100 × dias / 30``, ``dias`` counted from the day
  after the effective due date up to the payment date (paid on the effective due date: zero).
- Each amount half-up to centavos on its own, shown separately.

**Partial payments** (`allocate`): a payment goes first to the principal, then to the multa, then to
the juros. Every real of principal bears late amounts from the effective due date until the day it
is paid: a payment that covers only part of the principal fixes the late amounts of that part
(they stay owed, with no further interest, as `fine_owed` / `interest_owed`); the rest of the
principal goes on accruing. The charge is paid when principal and fixed late amounts are all paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ispdesk.domain.errors import ValidationError
from ispdesk.domain.money import ZERO, format_brl, to_cents

#: Legal caps (CDC art. 52 §1º for the fine; RGC 765 / usual 1 % a month for interest).
MAX_FINE_PERCENT = Decimal("2")
MAX_INTEREST_PERCENT_MONTH = Decimal("1")
#: Days of the commercial month the monthly interest is divided by (pro rata die).
INTEREST_MONTH_DAYS = 30


@dataclass(frozen=True)
class LateRates:
    """The two rates in percent: `fine` (once) and `interest` (a month, pro rata die)."""

    fine: Decimal = MAX_FINE_PERCENT
    interest: Decimal = MAX_INTEREST_PERCENT_MONTH

    def __post_init__(self) -> None:
        """Refuse rates above the legal caps (or negative)."""
        if not ZERO <= self.fine <= MAX_FINE_PERCENT:
            raise ValidationError({"multa_atraso_percentual": "Multa por atraso: use de 0 a 2 % (CDC art. 52 §1º)."})
        if not ZERO <= self.interest <= MAX_INTEREST_PERCENT_MONTH:
            raise ValidationError({"juros_mora_percentual_mes": "Juros de mora: use de 0 a 1 % ao mês."})

    @classmethod
    def from_values(cls, values: dict[str, object]) -> LateRates:
        """The rates from the general parameters."""
        return cls(Decimal(str(values["multa_atraso_percentual"])), Decimal(str(values["juros_mora_percentual_mes"])))


@dataclass(frozen=True)
class LateAmounts:
    """Multa and juros of a principal on a date, and the days late."""

    fine: Decimal = ZERO
    interest: Decimal = ZERO
    days: int = 0

    @property
    def total(self) -> Decimal:
        """Multa + juros."""
        return self.fine + self.interest


def days_late(effective_due: date, on: date) -> int:
    """Days from the day after `effective_due` up to `on` (0 on or before the effective due date)."""
    return max(0, (on - effective_due).days)


def late_amounts(principal: Decimal, effective_due: date, on: date, rates: LateRates) -> LateAmounts:
    """Multa and juros on `principal` paid on `on` (zero up to the effective due date)."""
    days = days_late(effective_due, on)
    if days == 0 or principal <= 0:
        return LateAmounts()
    fine = to_cents(principal * rates.fine / 100)
    interest = to_cents(principal * rates.interest / 100 * days / INTEREST_MONTH_DAYS)
    return LateAmounts(fine, interest, days)


@dataclass(frozen=True)
class Updated:
    """A charge's "valor atualizado" on a date: principal owed, multa, juros and the total."""

    principal: Decimal
    fine: Decimal
    interest: Decimal
    days: int = 0

    @property
    def total(self) -> Decimal:
        """Principal + multa + juros."""
        return self.principal + self.fine + self.interest

    def lines(self) -> list[str]:
        """``principal: R$ …``, ``multa: R$ …``, ``juros: R$ …``, ``total: R$ …`` (total last)."""
        return [f"principal: {format_brl(self.principal)}", f"multa: {format_brl(self.fine)}",
                f"juros: {format_brl(self.interest)}", f"total: {format_brl(self.total)}"]


def updated_amount(principal: Decimal, fine_owed: Decimal, interest_owed: Decimal, effective_due: date, on: date,
                   rates: LateRates) -> Updated:
    """What settles a charge on `on`: its principal, and the late amounts fixed so far plus the new ones."""
    late = late_amounts(principal, effective_due, on, rates)
    return Updated(to_cents(principal), to_cents(fine_owed + late.fine), to_cents(interest_owed + late.interest),
                   late.days)


@dataclass(frozen=True)
class Allocation:
    """How a payment is split, and the late amounts it fixed on the charge.

    Attributes:
        principal / fine / interest: the payment's parts (they add up to the amount paid).
        fine_accrued / interest_accrued: late amounts of the principal this payment covered.
        fine_owed / interest_owed: late amounts left owed on the charge afterwards.
    """

    principal: Decimal
    fine: Decimal
    interest: Decimal
    fine_accrued: Decimal
    interest_accrued: Decimal
    fine_owed: Decimal
    interest_owed: Decimal


def allocate(amount: Decimal, principal: Decimal, fine_owed: Decimal, interest_owed: Decimal, effective_due: date,
             paid_on: date, rates: LateRates) -> Allocation:
    """Split a payment of `amount` (≤ the updated total) principal first, then multa, then juros."""
    amount = to_cents(amount)
    paid_principal = min(amount, principal)
    accrued = late_amounts(paid_principal, effective_due, paid_on, rates)
    owed_fine, owed_interest = fine_owed + accrued.fine, interest_owed + accrued.interest
    rest = amount - paid_principal
    fine = min(rest, owed_fine)
    interest = min(rest - fine, owed_interest)
    return Allocation(paid_principal, fine, interest, accrued.fine, accrued.interest, owed_fine - fine,
                      owed_interest - interest)
