"""Money: `Decimal`, rounded half-up to centavos, shown as ``R$ 1.234,56``."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ispdesk.domain.errors import BusinessRuleError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(value: Decimal | int | str) -> Decimal:
    """Round to centavos, half-up (never float)."""
    if isinstance(value, float):  # pragma: no cover - defensive
        raise TypeError("money must never be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_number(value: Decimal) -> str:
    """``1234.5`` → ``1.234,50`` (no currency symbol)."""
    q = to_cents(value)
    sign = "-" if q < 0 else ""
    integer, _, frac = f"{abs(q):.2f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return f"{sign}{'.'.join(groups)},{frac}"


def format_brl(value: Decimal) -> str:
    """``1234.5`` → ``R$ 1.234,50``; negative as ``-R$ 10,00``."""
    text = format_number(value)
    if text.startswith("-"):
        return f"-R$ {text[1:]}"
    return f"R$ {text}"


_BR_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_money(text: str, field: str = "valor") -> Decimal:
    """Parse ``R$ 1.234,56``, ``1234,56`` or ``1234.56`` into centavos.

    Raises:
        BusinessRuleError: the text is not an amount.
    """
    raw = (text or "").strip().replace("R$", "").replace("\u00a0", "").replace(" ", "")
    try:
        if _BR_NUMBER.match(raw):
            return to_cents(Decimal(raw.replace(".", "").replace(",", ".")))
        if _PLAIN_NUMBER.match(raw):
            return to_cents(Decimal(raw))
    except InvalidOperation:  # pragma: no cover - regexes guard this
        pass
    raise BusinessRuleError(
        f"Valor inválido: “{text}”. Use o formato 1.234,56 (vírgula nos centavos).", field=field
    )


def parse_percent(text: str, field: str = "percentual") -> Decimal:
    """Parse ``4,5``, ``4.5`` or ``4,5%`` into a Decimal percentage (not rounded)."""
    raw = (text or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise BusinessRuleError(
            f"Percentual inválido: “{text}”. Use por exemplo 4,5 para 4,5 %.", field=field
        ) from None
