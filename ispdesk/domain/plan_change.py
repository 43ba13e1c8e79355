"""Plan change ("alteração wizard"): the IXC type code and the pro-rata difference (pure rules).

Type codes (IXC's):

- ``UP`` upgrade: a faster plan at a higher value.
- ``SC`` upgrade at no cost ("sem custo"): a faster plan at the same or a lower value.
- ``DW`` downgrade: a slower plan (whatever the value).
- ``AV`` due-day change only ("alteração de vencimento").
- ``UV`` / ``DV``: an upgrade (UP or SC) / a downgrade together with a due-day change.

Speeds compare download first, then upload (a plan with more download is faster even with less
upload). Edge cases, decided here and documented in the README:

- **Same speed, different value** (another plan of the same speed, or the same plan with a typed
  value — a value-only change): the value decides the direction — higher = ``UP``, lower = ``DW``
  (``UV`` / ``DV`` with a due-day change). Reports count it as an upgrade / downgrade of revenue.
- **Same speed, same value, another plan** (an offer swapped for an equivalent one): ``SC``; with a
  due-day change it is ``AV`` (nothing but the due day changed for the customer).
- **Only the billing type changes**, or nothing changes: not a plan change — refused with a message
  pointing to the contract form (the six codes have no room for it, and the report would lie).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ispdesk.domain.billing import cycle_containing, divisor_days, prorate
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents


class ChangeType(StrEnum):
    """IXC's plan-change codes."""

    UP = "UP"
    SC = "SC"
    DW = "DW"
    AV = "AV"
    UV = "UV"
    DV = "DV"


CHANGE_TYPE_LABELS: dict[str, str] = {
    "UP": "Upgrade",
    "SC": "Upgrade sem custo",
    "DW": "Downgrade",
    "AV": "Alteração de vencimento",
    "UV": "Upgrade com alteração de vencimento",
    "DV": "Downgrade com alteração de vencimento",
}

#: Codes counted as upgrades / downgrades in the reports.
UPGRADES = frozenset({"UP", "SC", "UV"})
DOWNGRADES = frozenset({"DW", "DV"})


@dataclass(frozen=True)
class PlanSide:
    """One side (before or after) of a change.

    Attributes:
        plan_code: the plan's offer code.
        download_mbps / upload_mbps: the plan's speeds.
        value: the contract's monthly value.
        due_day: the contract's due day.
        billing_type: the billing type code (or None).
    """

    plan_code: str
    download_mbps: int
    upload_mbps: int
    value: Decimal
    due_day: int
    billing_type: str | None = None

    @property
    def speed(self) -> tuple[int, int]:
        """(download, upload): compared download first."""
        return (self.download_mbps, self.upload_mbps)


def _cmp(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


def classify(old: PlanSide, new: PlanSide) -> ChangeType:
    """The IXC code of the change from `old` to `new` (see the module docstring for edge cases).

    Raises:
        BusinessRuleError: nothing but the billing type changed, or nothing changed at all.
    """
    speed = _cmp(new.speed, old.speed)
    value = _cmp(to_cents(new.value), to_cents(old.value))
    due_changed = new.due_day != old.due_day
    direction = speed if speed != 0 else value
    if direction > 0:
        return ChangeType.UV if due_changed else (ChangeType.UP if value > 0 else ChangeType.SC)
    if direction < 0:
        return ChangeType.DV if due_changed else ChangeType.DW
    if due_changed:
        return ChangeType.AV
    if new.plan_code != old.plan_code:
        return ChangeType.SC
    if new.billing_type != old.billing_type:
        raise BusinessRuleError(
            "Só o tipo de cobrança mudou: isso não é uma alteração de plano. "
            "Altere o tipo de cobrança no cadastro do contrato.",
            field="tipo_cobranca",
        )
    raise BusinessRuleError(
        "Nenhuma alteração: escolha outro plano, outro valor ou outro dia de vencimento.", field="plano"
    )


@dataclass(frozen=True)
class ProRata:
    """The pro-rata difference of the current cycle.

    Attributes:
        start: the change date (first day at the new value).
        end: the last day of the current cycle.
        days: days from `start` to `end`, both included.
        divisor: the divisor in days (30 or the cycle's length).
        old_amount: those days at the old value.
        new_amount: those days at the new value.
    """

    start: date
    end: date
    days: int
    divisor: int
    old_amount: Decimal
    new_amount: Decimal

    @property
    def difference(self) -> Decimal:
        """New minus old: positive = the customer owes it, negative = a credit."""
        return self.new_amount - self.old_amount


def prorata_difference(
    old_value: Decimal, new_value: Decimal, on_date: date, due_day: int, divisor: str
) -> ProRata:
    """Pro-rata difference for the rest of the cycle (the old due day's) that contains `on_date`.

    Each side is pro-rated with the billing rules (`ispdesk.domain.billing.prorate`, half-up to
    centavos) and the difference taken, so it equals what two charges would show.

    Args:
        old_value / new_value: monthly values before and after.
        on_date: the change date; it and every later day of the cycle are at the new value.
        due_day: the contract's current due day (the cycle's anchor).
        divisor: the parameter ``divisor_proporcional`` (``"30"`` or ``"mes"``).
    """
    cycle = cycle_containing(on_date, due_day)
    days = (cycle.end - on_date).days + 1
    div = divisor_days(divisor, cycle)
    return ProRata(
        start=on_date,
        end=cycle.end,
        days=days,
        divisor=div,
        old_amount=prorate(old_value, days, div),
        new_amount=prorate(new_value, days, div),
    )
