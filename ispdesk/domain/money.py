"""Money: `Decimal`, rounded half-up to centavos, shown as ``R$ 1.234,56``."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ispdesk.domain.errors import BusinessRuleError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The largest amount a person may type (a contract value, a benefit, a payment): beyond it is a typo.
MAX_AMOUNT = Decimal("9999999999.99")


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


_BR_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$", re.ASCII)
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)


def parse_money(text: str, field: str = "valor") -> Decimal:
    """Parse ``R$ 1.234,56``, ``1234,56`` or ``1234.56`` into centavos.

    More than two decimals (``1.234,567``) is refused, never rounded: it is a typo (a thousands
    point typed as a comma, a digit too many) and rounding it would store an amount nobody typed.

    Raises:
        BusinessRuleError: the text is not an amount, has digits other than 0–9 or more than 2 decimals.
    """
    raw = (text or "").strip().replace("R$", "").replace("\u00a0", "").replace(" ", "")
    amount: Decimal | None = None
    try:
        if _BR_NUMBER.match(raw):
            amount = Decimal(raw.replace(".", "").replace(",", "."))
        elif _PLAIN_NUMBER.match(raw):
            amount = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - regexes guard this
        pass
    if amount is None:
        raise BusinessRuleError(
            f"Valor inválido: “{text}”. Use o formato 1.234,56 (vírgula nos centavos).", field=field
        )
    label = f"Valor “{text}”"
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _too_many_decimals(label, amount, field)
    return check_cents(amount, field, label)


def _too_many_decimals(label: str, value: Decimal, field: str) -> BusinessRuleError:
    return BusinessRuleError(
        f"{label} tem mais de duas casas decimais ({format(value, 'f').replace('.', ',')}): confira a "
        "digitação; os centavos têm só dois dígitos (1.234,56).", field=field)


def check_cents(value: Decimal, field: str = "valor", label: str = "O valor") -> Decimal:
    """`value` as centavos when it has at most two decimals (form, CSV, CLI and services alike).

    Raises:
        BusinessRuleError: more than two decimals (``1234.567``) or not a finite number.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise BusinessRuleError(f"{label} não é um valor em reais. Use o formato 1.234,56.", field=field)
    if abs(value) > MAX_AMOUNT:
        raise BusinessRuleError(
            f"{label} é grande demais: o máximo aceito é {format_brl(MAX_AMOUNT)}. Confira a digitação.",
            field=field)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise _too_many_decimals(label, value, field)
    return to_cents(value)


def parse_percent(text: str, field: str = "percentual") -> Decimal:
    """Parse ``4,5``, ``4.5`` or ``4,5%`` into a Decimal percentage (not rounded)."""
    raw = (text or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise BusinessRuleError(
            f"Percentual inválido: “{text}”. Use por exemplo 4,5 para 4,5 %.", field=field
        ) from None
