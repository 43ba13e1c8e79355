"""Push device tokens: what a registration token may look like (pure rule, no I/O)."""

from __future__ import annotations

import re

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.statuses import DevicePlatform

#: Longest token accepted (FCM registration tokens have ~160 characters).
TOKEN_MAX = 1024
#: Characters of an FCM registration token (base64url, plus ``:`` between the instance id and the rest).
_TOKEN = re.compile(r"[A-Za-z0-9_:.\-]+")
APP_MAX = 60


def normalize_token(text: str | None) -> str:
    """A token as typed or pasted → as stored (spaces and line breaks around it removed).

    Raises:
        BusinessRuleError: empty, too long, or with characters no FCM token has.
    """
    token = (text or "").strip()
    if not token:
        raise BusinessRuleError("Informe o token do dispositivo (o app do assinante mostra ou envia o token FCM).",
                                field="token")
    if len(token) > TOKEN_MAX:
        raise BusinessRuleError(f"Token longo demais ({len(token)} caracteres; no máximo {TOKEN_MAX}). "
                                "Copie só o token FCM, sem outros textos.", field="token")
    if not _TOKEN.fullmatch(token):
        raise BusinessRuleError("Token inválido: um token FCM tem só letras, números e os sinais : _ - . "
                                "(sem espaços). Copie o token de novo, inteiro.", field="token")
    return token


def parse_platform(text: str | None) -> DevicePlatform:
    """``android`` / ``ios`` (any case) → the platform.

    Raises:
        BusinessRuleError: another value.
    """
    raw = (text or "").strip().lower()
    try:
        return DevicePlatform(raw)
    except ValueError:
        raise BusinessRuleError(f"Plataforma inválida: “{text}”. Use android ou ios.", field="plataforma") from None


def normalize_app(text: str | None) -> str | None:
    """The app label (optional, up to `APP_MAX` characters).

    Raises:
        BusinessRuleError: too long.
    """
    app = " ".join((text or "").split())
    if len(app) > APP_MAX:
        raise BusinessRuleError(f"Nome do app longo demais (no máximo {APP_MAX} caracteres).", field="app")
    return app or None


def token_tail(token: str) -> str:
    """The last characters of a token (``…a1b2c3d4``), to name a device in lists and the audit."""
    return "…" + token[-8:] if len(token) > 8 else token
