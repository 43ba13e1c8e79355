"""Termination fine (multa rescisória): ``benefit × remaining_days / loyalty_days``.

The loyalty runs from activation (or the last renewal) to its expiration; remaining_days counts
from the cancellation date to the expiration (0 when past it). Rounded half-up to centavos, never
negative, never above the benefit; waived when the cancellation reason says the provider breached
the contract (DESIGN.md §4, Anatel RGC 765).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ispdesk.domain.dates import format_date
from ispdesk.domain.money import ZERO, format_brl, to_cents


@dataclass(frozen=True)
class FineBreakdown:
    """How a termination fine was computed (shown before confirming a cancellation).

    Attributes:
        start: loyalty start (activation or last renewal); None without loyalty.
        end: loyalty expiration; None without loyalty.
        on_date: the cancellation date.
        loyalty_days: end − start.
        remaining_days: max(0, end − on_date), never above loyalty_days.
        benefit: total benefit granted for the loyalty.
        amount: the fine, half-up to centavos (0 when waived or expired).
        waived_reason: description of the reason that waives it, when one does.
    """

    start: date | None
    end: date | None
    on_date: date
    loyalty_days: int
    remaining_days: int
    benefit: Decimal
    amount: Decimal
    waived_reason: str | None = None

    def lines(self) -> list[str]:
        """The breakdown as Portuguese lines; the last one is the amount (``R$ 1.234,56``)."""
        result = [
            f"Início da fidelidade: {format_date(self.start) or '—'}",
            f"Fim da fidelidade: {format_date(self.end) or '—'}",
            f"Data do cancelamento: {format_date(self.on_date)}",
            f"Dias de fidelidade: {self.loyalty_days}",
            f"Dias restantes: {self.remaining_days}",
            f"Benefício concedido: {format_brl(self.benefit)}",
        ]
        if self.waived_reason:
            result.append(f"Multa isenta: {self.waived_reason}")
        elif self.loyalty_days > 0:
            result.append(
                f"Cálculo: {format_brl(self.benefit)} × {self.remaining_days} / {self.loyalty_days}"
            )
        else:
            result.append("Contrato sem fidelidade: sem multa")
        result.append(format_brl(self.amount))
        return result


def termination_fine(
    start: date | None,
    end: date | None,
    benefit: Decimal,
    on_date: date,
    waived_reason: str | None = None,
) -> FineBreakdown:
    """Compute the termination fine for a cancellation on `on_date`.

    Args:
        start: loyalty start (activation or last renewal); None when there is no loyalty.
        end: loyalty expiration; None when there is no loyalty.
        benefit: the benefit (R$) granted in exchange for the loyalty.
        on_date: the cancellation date.
        waived_reason: set (the reason's description) when the reason waives the fine.
    """
    benefit = to_cents(max(benefit, ZERO))
    if start is None or end is None or end <= start:
        return FineBreakdown(start, end, on_date, 0, 0, benefit, ZERO, waived_reason)
    loyalty_days = (end - start).days
    remaining = min(loyalty_days, max(0, (end - on_date).days))
    amount = ZERO if waived_reason else min(benefit, to_cents(benefit * remaining / loyalty_days))
    return FineBreakdown(start, end, on_date, loyalty_days, remaining, benefit, amount, waived_reason)
