"""Provisional numbers: what an offline workstation shows until the central database assigns the real one."""

from __future__ import annotations

#: Local sequences of the offline store start here, far above any real customer code or contract number.
PROVISIONAL_BASE = 900_000_000


def is_provisional(number: int) -> bool:
    """True for a number given by an offline store (not yet synchronised)."""
    return number > PROVISIONAL_BASE


def shown_number(number: int) -> str:
    """The number as printed: ``900000001 (provisório)`` for a provisional one."""
    return f"{number} (provisório)" if is_provisional(number) else str(number)
