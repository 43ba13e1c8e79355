"""Annual price adjustment (reajuste): the new value, the 12-month rule and the notice (pure rules).

- **Value**: ``value × (1 + percent/100)`` half-up to centavos. The percentage is the one decided or
  the index of the period typed in (IPCA, IGP-M …); it may be negative (a deflation index), never
  ``-100`` or below. `factor_fraction` turns it into an exact integer fraction so the database can
  apply the same rounding to whole centavos (`adjust_cents`) — both are proven equal by tests.
- **12-month rule** (RGC 765): a contract is adjusted at most once per 12 months, comparing
  *effective* dates: its activation date and the effective date of its last adjustment must be on
  or before the new effective date minus 12 months (`twelve_month_cutoff`).
- **Notice** (Anatel): consumers hear of an increase 30 days (parameter ``reajuste_aviso_dias``)
  before it applies; an effective date sooner than that is refused unless the user confirms the
  customers were notified (`check_notice`). The effective date is never before the decision.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents

#: Most decimal places a percentage may have (index values are published with 2).
MAX_PERCENT_PLACES = 4

REASON_NO_ADJUSTMENT = "marcado como “não reajustar”"
REASON_NOT_ACTIVATED = "contrato sem data de ativação"
#: A contract changed by someone else (plan change, edit) while the batch ran: left as it was.
REASON_CHANGED_MEANWHILE = ("alterado por outra pessoa durante o reajuste; ficou como estava "
                            "(rode um novo reajuste só para ele, se for o caso)")


def validate_percent(percent: Decimal) -> Decimal:
    """The percentage, checked: not zero, above -100, at most 4 decimal places.

    Raises:
        BusinessRuleError: with what to type instead (field ``percentual``).
    """
    if not percent.is_finite():
        raise BusinessRuleError("Percentual inválido. Use por exemplo 4,5 para 4,5 %.", field="percentual")
    if percent == 0:
        raise BusinessRuleError("Percentual zero não altera nenhum valor: informe o percentual do reajuste.",
                                field="percentual")
    if percent <= -100:
        raise BusinessRuleError("O percentual deve ser maior que -100 %.", field="percentual")
    exponent = percent.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PERCENT_PLACES:
        raise BusinessRuleError(
            f"Use no máximo {MAX_PERCENT_PLACES} casas decimais no percentual (ex.: 4,6812).", field="percentual"
        )
    return percent


def adjusted_value(value: Decimal, percent: Decimal) -> Decimal:
    """``value × (1 + percent/100)`` half-up to centavos."""
    return to_cents(value * (Decimal(100) + percent) / Decimal(100))


def factor_fraction(percent: Decimal) -> tuple[int, int]:
    """The factor ``1 + percent/100`` as an exact fraction ``(numerator, denominator)``.

    ``4.68`` → ``(10468, 10000)``. The denominator is a power of ten (at least 100).
    """
    validate_percent(percent)
    places = max(0, -int(percent.normalize().as_tuple().exponent))  # type: ignore[arg-type]
    denominator = 100 * 10**places
    numerator = denominator + int(percent * 10**places)
    return numerator, denominator


def adjust_cents(cents: int, numerator: int, denominator: int) -> int:
    """Whole centavos times the fraction, half-up — the integer formula the SQL update uses.

    Valid for ``cents >= 0`` (monthly values are never negative): ``(c·n + d/2) // d``.
    """
    return (cents * numerator + denominator // 2) // denominator


def twelve_month_cutoff(effective_on: date) -> date:
    """The latest activation / last-adjustment effective date allowed for `effective_on`."""
    return add_months(effective_on, -12)


def skip_reason(
    effective_on: date,
    activated_on: date | None,
    last_adjusted_on: date | None,
    no_adjustment: bool,
) -> str | None:
    """Why a contract is left out of an adjustment effective on `effective_on`, or None.

    Args:
        effective_on: the adjustment's effective date.
        activated_on: the contract's activation date.
        last_adjusted_on: the effective date of its last adjustment.
        no_adjustment: the contract is flagged "não reajustar".
    """
    if no_adjustment:
        return REASON_NO_ADJUSTMENT
    if activated_on is None:
        return REASON_NOT_ACTIVATED
    cutoff = twelve_month_cutoff(effective_on)
    if last_adjusted_on is not None and last_adjusted_on > cutoff:
        return reason_recent_adjustment(cutoff)
    if activated_on > cutoff:
        return reason_recent_activation(cutoff)
    return None


def reason_recent_activation(cutoff: date) -> str:
    """Skip reason: activated less than 12 months before the effective date."""
    return f"ativado há menos de 12 meses da vigência (ativação depois de {format_date(cutoff)})"


def reason_recent_adjustment(cutoff: date) -> str:
    """Skip reason: last adjustment effective less than 12 months before the effective date."""
    return f"reajustado há menos de 12 meses da vigência (último reajuste depois de {format_date(cutoff)})"


def default_effective_date(decided_on: date, notice_days: int) -> date:
    """The default effective date: the decision plus the notice period."""
    return decided_on + timedelta(days=notice_days)


def check_notice(decided_on: date, effective_on: date, notice_days: int, customers_notified: bool) -> None:
    """Refuse an effective date before the decision, or sooner than the notice without confirmation.

    Raises:
        BusinessRuleError: field ``vigencia``, saying the earliest date allowed and how to proceed.
    """
    if effective_on < decided_on:
        raise BusinessRuleError(
            f"A vigência ({format_date(effective_on)}) não pode ser anterior à data da decisão "
            f"({format_date(decided_on)}).",
            field="vigencia",
        )
    earliest = default_effective_date(decided_on, notice_days)
    if effective_on < earliest and not customers_notified:
        raise BusinessRuleError(
            f"Vigência em {format_date(effective_on)} é cedo demais: os clientes devem ser avisados "
            f"{notice_days} dias antes (Anatel). Use vigência a partir de {format_date(earliest)} "
            "ou confirme que os clientes já foram notificados.",
            field="vigencia",
        )
