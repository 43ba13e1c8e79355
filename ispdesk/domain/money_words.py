"""Amounts of money written in words, as Brazilian contracts print them."""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words

from ispdesk.domain.money import format_brl, to_cents


def _words(n: int) -> str:
    # num2words writes "mil, duzentos e …"; Portuguese writes "mil duzentos e …".
    return str(num2words(n, lang="pt_BR")).replace(",", "")


def money_in_words(value: Decimal) -> str:
    """``99.90`` → ``noventa e nove reais e noventa centavos``.

    Zero reais are omitted (``0.50`` → ``cinquenta centavos``); round millions take "de"
    (``um milhão de reais``); negative amounts are prefixed with "menos".
    """
    cents_total = int(to_cents(value) * 100)
    sign = "menos " if cents_total < 0 else ""
    cents_total = abs(cents_total)
    reais, cents = divmod(cents_total, 100)
    parts: list[str] = []
    if reais:
        words = _words(reais)
        unit = "real" if reais == 1 else "reais"
        if words.endswith(("milhão", "milhões", "bilhão", "bilhões", "trilhão", "trilhões")):
            unit = "de reais"
        parts.append(f"{words} {unit}")
    if cents:
        parts.append(f"{_words(cents)} {'centavo' if cents == 1 else 'centavos'}")
    if not parts:
        return "zero reais"
    return sign + " e ".join(parts)


def money_with_words(value: Decimal) -> str:
    """``99.90`` → ``R$ 99,90 (noventa e nove reais e noventa centavos)``."""
    return f"{format_brl(value)} ({money_in_words(value)})"
