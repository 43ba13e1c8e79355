"""Words for counts: ``plural(3, "contrato", "contratos")`` → ``"3 contratos"``, never ``"contrato(s)"``."""

from __future__ import annotations


def count_text(n: int) -> str:
    """A count in the Brazilian way: ``1234567`` → ``"1.234.567"``."""
    return f"{n:,}".replace(",", ".")


def agree(n: int, one: str, many: str) -> str:
    """The word that agrees with `n` (one for 1 and -1, many otherwise, zero included: "0 contratos")."""
    return one if abs(n) == 1 else many


def plural(n: int, one: str, many: str) -> str:
    """`n` and the word that agrees with it: ``"1 contrato"``, ``"0 contratos"``, ``"1.500 contratos"``."""
    return f"{count_text(n)} {agree(n, one, many)}"
