"""Message events, quiet hours and retry backoff: the rules of sending, free of any I/O.

Events are declared once (`MessageEvent`, value + label + whether the law requires it); legal
notices can be neither switched off nor opted out of.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.statuses import LabeledEnum


class MessageEvent(LabeledEnum):
    """What causes a message (`OutboxMessage.event`)."""

    ANIVERSARIO = ("aniversario", "Aniversário")
    FIDELIDADE_VENCENDO = ("fidelidade_vencendo", "Fidelidade vencendo")
    COBRANCA_VENCENDO = ("cobranca_vencendo", "Cobrança vencendo")
    COBRANCA_VENCIDA = ("cobranca_vencida", "Cobrança vencida")
    AVISO_INADIMPLENCIA = ("aviso_inadimplencia", "Aviso de inadimplência (Anatel)")
    REDUCAO = ("reducao", "Redução de velocidade")
    BLOQUEIO = ("bloqueio", "Bloqueio")
    RESTABELECIMENTO = ("restabelecimento", "Restabelecimento")
    RESCISAO = ("rescisao", "Rescisão")
    REAJUSTE_AVISO = ("reajuste_aviso", "Aviso de reajuste")
    CONTRATO_PARA_ASSINATURA = ("contrato_para_assinatura", "Contrato para assinatura")
    CANCELAMENTO = ("cancelamento", "Cancelamento")


#: Notices the law requires: never switched off, never opted out of.
LEGAL_EVENTS = frozenset({MessageEvent.AVISO_INADIMPLENCIA, MessageEvent.RESCISAO, MessageEvent.REAJUSTE_AVISO})
#: Marketing messages: honour the customer's opt-out (LGPD).
MARKETING_EVENTS = frozenset({MessageEvent.ANIVERSARIO, MessageEvent.FIDELIDADE_VENCENDO})


def switch_parameter(event: MessageEvent) -> str | None:
    """The ``mensagem_<evento>_ativa`` parameter of `event`, or None for a legal notice (always on)."""
    return None if event in LEGAL_EVENTS else f"mensagem_{event.value}_ativa"


def parse_hhmm(text: str, field: str) -> time:
    """``"08:00"`` → 08:00.

    Raises:
        BusinessRuleError: not an hour HH:MM.
    """
    raw = (text or "").strip()
    hours, sep, minutes = raw.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60:
        return time(int(hours), int(minutes))
    raise BusinessRuleError(f"Horário inválido: “{text}”. Use HH:MM, como 08:00.", field=field)


def within_hours(at: datetime, start: time, end: time) -> bool:
    """True when `at` is inside the sending window [start, end) (a window may cross midnight)."""
    now = at.time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end


#: First retry after one minute, doubling, never more than six hours apart.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def next_attempt(at: datetime, attempts: int) -> datetime:
    """When to try again after the `attempts`-th failure (exponential backoff, capped)."""
    delay = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return at + min(delay, LONGEST_RETRY)
