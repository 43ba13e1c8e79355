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


#: Channels a message may go by, in the ``mensagens_canais`` parameter (a letter is the last resort).
SENDING_CHANNELS = ("email", "sms", "whatsapp", "push")


def parse_channels(text: str) -> tuple[str, ...]:
    """``"whatsapp, sms,email"`` → ("whatsapp", "sms", "email").

    Raises:
        BusinessRuleError: empty, unknown or repeated channel.
    """
    names = tuple(part.strip().lower() for part in (text or "").replace(";", ",").split(",") if part.strip())
    unknown = [n for n in names if n not in SENDING_CHANNELS]
    if not names or unknown or len(set(names)) != len(names):
        raise BusinessRuleError(
            f"Canais inválidos: “{text}”. Liste, separados por vírgula e sem repetir, alguns destes: "
            f"{', '.join(SENDING_CHANNELS)} (ex.: whatsapp,sms,email).", field="mensagens_canais")
    return names


def e164(mobile: str | None) -> str | None:
    """A Brazilian mobile as stored (11 digits, DDD + 9…) → ``+5511987654321``; None when not a mobile."""
    digits = "".join(ch for ch in (mobile or "") if ch.isdigit())
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) == 11 and digits[2] == "9" and digits[0] != "0":
        return "+55" + digits
    return None


#: Provider names per channel (the ``sms_provedor`` / ``whatsapp_provedor`` parameters).
SMS_PROVIDERS = (("nenhum", "Nenhum (não envia SMS)"), ("webhook", "Webhook JSON genérico"),
                 ("zenvia", "Zenvia (API v2)"))
WHATSAPP_PROVIDERS = (("nenhum", "Nenhum (não envia WhatsApp)"), ("webhook", "Webhook JSON genérico"),
                      ("cloud", "WhatsApp Cloud API (Meta), modelo aprovado"))
