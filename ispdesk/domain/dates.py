"""Dates: parsing dd/mm/aaaa (and aaaa-mm-dd on the command line), formatting, month arithmetic."""

from __future__ import annotations

import calendar
import re
from datetime import date

from ispdesk.domain.errors import BusinessRuleError

_BR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", re.ASCII)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$", re.ASCII)


def parse_date(text: str, field: str = "data", allow_iso: bool = True) -> date:
    """Parse ``dd/mm/aaaa`` (or ``aaaa-mm-dd`` when `allow_iso`).

    Raises:
        BusinessRuleError: not a valid date, with the expected format in the message.
    """
    m = _BR.match(text or "")
    parts: tuple[int, int, int] | None = None
    if m:
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif allow_iso:
        m = _ISO.match(text or "")
        if m:
            parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if parts is not None:
        year, month, day = parts
        problem = impossible_date_reason(year, month, day)
        if problem is None:
            return date(year, month, day)
        shown = f"{day:02d}/{month:02d}/{year:04d}"
        raise BusinessRuleError(f"Data inválida: {shown} não existe ({problem}).", field=field)
    fmt = "dd/mm/aaaa ou aaaa-mm-dd" if allow_iso else "dd/mm/aaaa"
    raise BusinessRuleError(f"Data inválida: “{text}”. Use o formato {fmt}.", field=field)


MONTH_NAMES = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
               "setembro", "outubro", "novembro", "dezembro")


def impossible_date_reason(year: int, month: int, day: int) -> str | None:
    """Why day/month/year is not a calendar date, in Portuguese, with how to fix it; None when it exists."""
    if year < 1:
        return "não há ano 0000; corrija o ano"
    if not 1 <= month <= 12:
        return "o mês vai de 01 a 12; corrija o mês"
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        return f"{MONTH_NAMES[month - 1]} de {year} tem {last} dias; corrija o dia"
    return None


def format_date(value: date | None) -> str:
    """``date(2026, 1, 5)`` → ``05/01/2026``; None → empty string."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def add_months(start: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (31/01 + 1 month = 28/02)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def days_in_month(year: int, month: int) -> int:
    """Number of days of a month."""
    return calendar.monthrange(year, month)[1]
