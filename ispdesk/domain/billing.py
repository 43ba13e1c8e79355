"""Billing cycles, due dates, pro-rata and paid-until (pure rules, no database).

Convention (post-paid, documented in the README):

- A contract's **cycles** are anchored on its due day ``D`` (1–28): a full cycle runs from one
  ``D`` to the day before the next ``D`` (10/01–09/02 for ``D`` = 10), both days included.
- The charge of a cycle is **due on the day after the cycle ends**, i.e. on the next due day: the
  charge due on 10/02 pays the use of 10/01–09/02 (post-paid).
- The first cycle starts on the billing base date and ends the day before the first due day after
  it, so it is charged pro-rata (base 25/01 → 25/01–09/02, due 10/02). A cycle that starts off the due
  day (base date, due-day change) is partial as well.
- **Pro-rata**: ``value × billed_days / divisor``, half-up to centavos, never above the monthly
  value. ``divisor`` is the parameter ``divisor_proporcional``: ``"30"`` (commercial month) or
  ``"mes"`` (the number of days of the full cycle the period belongs to, 28–31). A full cycle with
  no day left out is always exactly the monthly value. Days of total suspension inside the period
  are not billed (RGC 765).
- **Value changes inside a cycle** (plan change, reajuste): the cycle is split into value segments
  (each day at the value in force on it). Each segment's billed days (its days minus its suspended
  days) are weighted by its value and everything is divided by the *same* divisor the unsplit cycle
  would use — the full cycle's length when the whole cycle is billed, else ``max(divisor, billed
  days)`` (the cap "never above the monthly value" generalised) — and the exact sum is rounded
  half-up to centavos **once**, at the charge amount: ``round(Σ valueᵢ × billedᵢ / D)``. Segments are
  never rounded on their own, so the total never drifts; with one segment it is exactly
  `cycle_amount`, and the amount always lies between the cycle at the lowest and at the highest value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ispdesk.domain.errors import ValidationError
from ispdesk.domain.money import ZERO, to_cents
from ispdesk.domain.statuses import ChargeStatus

ONE_DAY = timedelta(days=1)
DIVISORS = ("30", "mes")
#: A due day every month has (so a cycle never needs clamping).
MIN_DUE_DAY, MAX_DUE_DAY = 1, 28


def check_due_day(day: object, field: str = "dia_vencimento") -> int:
    """The due day (an int, or digits) as an int, or `ValidationError` (the one message every entry point gives).

    Raises:
        ValidationError: not a whole number from 1 to 28.
    """
    if isinstance(day, str) and day.strip().isdigit():
        day = int(day)
    if isinstance(day, bool) or not isinstance(day, int) or not MIN_DUE_DAY <= day <= MAX_DUE_DAY:
        raise ValidationError({field: f"Dia de vencimento inválido: {day}. Use um dia de {MIN_DUE_DAY} a "
                                      f"{MAX_DUE_DAY}."})
    return day


class Cycle(NamedTuple):
    """One billing period with its due date.

    Attributes:
        start: first day covered (inclusive).
        end: last day covered (inclusive).
        due: due date of its charge (the day after the full cycle's end).
        full_start: first day of the full cycle this period belongs to.
        full_days: number of days of that full cycle (28–31).
    """

    start: date
    end: date
    due: date
    full_start: date
    full_days: int

    @property
    def days(self) -> int:
        """Days covered by this period."""
        return (self.end - self.start).days + 1

    @property
    def is_full(self) -> bool:
        """True when the period covers its whole cycle."""
        return self.start == self.full_start and self.days == self.full_days


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_due_date(after: date, due_day: int) -> date:
    """The first date with day `due_day` (1–28) strictly after `after`."""
    if after.day < due_day:
        return date(after.year, after.month, due_day)
    year, month = _month_after(after.year, after.month)
    return date(year, month, due_day)


def cycle_at(start: date, due_day: int) -> Cycle:
    """The (possibly partial) cycle that begins on `start` and runs to the day before the next due day."""
    due = next_due_date(start, due_day)
    year, month = _month_before(due.year, due.month)
    full_start = date(year, month, due_day)
    return Cycle(start=start, end=due - ONE_DAY, due=due, full_start=full_start, full_days=(due - full_start).days)


def cycles_due_until(start: date, due_day: int, until: date) -> list[Cycle]:
    """Every cycle from `start` on whose due date is on or before `until`."""
    result: list[Cycle] = []
    current = start
    while True:
        cycle = cycle_at(current, due_day)
        if cycle.due > until:
            return result
        result.append(cycle)
        current = cycle.due


def cycle_containing(day: date, due_day: int) -> Cycle:
    """The full cycle that contains `day`."""
    if day.day >= due_day:
        return cycle_at(date(day.year, day.month, due_day), due_day)
    year, month = _month_before(day.year, day.month)
    return cycle_at(date(year, month, due_day), due_day)


def divisor_days(divisor: str, cycle: Cycle) -> int:
    """The divisor in days: 30, or the full cycle's length for ``"mes"``."""
    if divisor == "mes":
        return cycle.full_days
    if divisor == "30":
        return 30
    raise ValueError(f"divisor_proporcional desconhecido: {divisor!r}")


def overlap_days(start: date, end: date, periods: Iterable[tuple[date, date | None]]) -> int:
    """Days of [start, end] covered by `periods` (inclusive ranges; an open end runs forever).

    Overlapping periods are counted once.
    """
    days: set[date] = set()
    for p_start, p_end in periods:
        lo = max(start, p_start)
        hi = min(end, p_end) if p_end is not None else end
        d = lo
        while d <= hi:
            days.add(d)
            d += ONE_DAY
    return len(days)


def prorate(value: Decimal, days: int, divisor: int) -> Decimal:
    """``value × days / divisor`` half-up to centavos, within [0, value]."""
    if days <= 0 or value <= 0:
        return ZERO
    if days >= divisor:
        return to_cents(value)
    return min(to_cents(value), to_cents(value * days / divisor))


def cycle_amount(
    value: Decimal,
    cycle: Cycle,
    divisor: str,
    suspended: Sequence[tuple[date, date | None]] = (),
) -> Decimal:
    """The amount charged for `cycle` at monthly `value`, leaving out suspended days.

    A full cycle with no suspended day is exactly `value`; otherwise the billed days are pro-rated.
    """
    off = overlap_days(cycle.start, cycle.end, suspended) if suspended else 0
    if cycle.is_full and off == 0:
        return to_cents(value)
    return prorate(value, cycle.days - off, divisor_days(divisor, cycle))


def cycle_divisor(cycle: Cycle, divisor: str, billed_days: int, suspended_days: int) -> int:
    """The divisor ``D`` of a cycle's amount (see the module docstring).

    The full cycle's length when the whole cycle is billed (a full cycle is exactly the monthly
    value); otherwise ``max(divisor, billed_days)`` so the amount never exceeds the monthly value.
    """
    if cycle.is_full and suspended_days == 0:
        return cycle.full_days
    return max(divisor_days(divisor, cycle), billed_days)


def value_segments(
    cycle: Cycle, value: Decimal, changes: Sequence[tuple[date, Decimal, Decimal]]
) -> list[tuple[date, date, Decimal]]:
    """Split `cycle` into ``(start, end, value)`` segments of constant monthly value.

    Args:
        cycle: the period to split.
        value: the value in force after the last change (the contract's current value).
        changes: ``(effective_on, old_value, new_value)`` in effect order; a change is in force from
            its `effective_on` on. Changes outside the period only decide the value at its start.
    """
    ordered = sorted(changes, key=lambda c: c[0])
    inside = [c for c in ordered if cycle.start < c[0] <= cycle.end]
    before = [c for c in ordered if c[0] <= cycle.start]
    after = [c for c in ordered if c[0] > cycle.end]
    if before:
        current = before[-1][2]
    elif inside:
        current = inside[0][1]
    elif after:
        current = after[0][1]
    else:
        current = value
    segments: list[tuple[date, date, Decimal]] = []
    start = cycle.start
    for effective_on, _old, new in inside:
        if effective_on > start:
            segments.append((start, effective_on - ONE_DAY, current))
            start = effective_on
        current = new
    segments.append((start, cycle.end, current))
    return segments


def segmented_amount(
    cycle: Cycle,
    segments: Sequence[tuple[date, date, Decimal]],
    divisor: str,
    suspended: Sequence[tuple[date, date | None]] = (),
) -> Decimal:
    """The amount of `cycle` when its monthly value changes inside it (rounded once; see the module docstring).

    Args:
        cycle: the period charged.
        segments: ``(start, end, value)`` covering the period without gaps (`value_segments`).
        divisor: the parameter ``divisor_proporcional``.
        suspended: suspension periods; their days are left out of the segment they fall in.
    """
    weighted = Decimal(0)
    billed = off = 0
    for start, end, value in segments:
        days = (end - start).days + 1
        seg_off = overlap_days(start, end, suspended) if suspended else 0
        off += seg_off
        billed += days - seg_off
        if value > 0:
            weighted += value * (days - seg_off)
    if billed <= 0 or weighted <= 0:
        return ZERO
    return to_cents(weighted / cycle_divisor(cycle, divisor, billed, off))


def last_period(start: date, cancelled_on: date, due_day: int) -> Cycle | None:
    """The final partial period when a contract is cancelled on `cancelled_on`.

    The period runs from `start` (the day after the last charged period) to the day before the
    cancellation; None when nothing is left to charge. The due date stays the cycle's due date.
    """
    if cancelled_on <= start:
        return None
    cycle = cycle_at(start, due_day)
    end = min(cycle.end, cancelled_on - ONE_DAY)
    return Cycle(start=start, end=end, due=cycle.due, full_start=cycle.full_start, full_days=cycle.full_days)


@dataclass(frozen=True)
class ChargeState:
    """The part of a recurring charge paid-until needs."""

    period_start: date
    period_end: date
    status: str


def paid_until(charges: Iterable[ChargeState]) -> date | None:
    """End of coverage of the last charge in the unbroken run of paid recurring charges.

    Charges are taken in period order; cancelled ones are skipped; the run stops at the first
    charge that is not paid. None when the first charge is not paid (or there is none).
    """
    result: date | None = None
    for charge in sorted(charges, key=lambda c: c.period_start):
        if charge.status == ChargeStatus.CANCELADA:
            continue
        if charge.status != ChargeStatus.PAGA:
            break
        result = charge.period_end
    return result
