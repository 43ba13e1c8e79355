"""Network identity rules (PPPoE login, password, fixed IP, MAC) and Mikrotik rate texts. Pure."""

from __future__ import annotations

import ipaddress
import re

from ispdesk.domain.errors import ValidationError

LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$")
_RATE_RE = re.compile(r"^\d+(\.\d+)?[kKM]?/\d+(\.\d+)?[kKM]?$")
_MAC_RE = re.compile(r"^[0-9a-f]{12}$")


def normalize_login(text: str, field: str = "pppoe_login") -> str:
    """The login as typed, trimmed; 3 to 64 letters, digits and ``. _ @ -``, starting with a letter or digit."""
    login = (text or "").strip()
    if not LOGIN_RE.fullmatch(login):
        raise ValidationError({field: f"Login de rede inválido: “{text}”. Use de 3 a 64 letras sem acento, "
                                      "dígitos, ponto, hífen, sublinhado ou @, começando por letra ou dígito "
                                      "(ex.: joao.silva@provedor)."})
    return login


def login_key(login: str) -> str:
    """The key that makes logins unique regardless of case (``Joao`` and ``joao`` are one login)."""
    return login.lower()


def check_password(text: str, field: str = "pppoe_senha") -> str:
    """A PPPoE password: 4 to 64 printable ASCII characters, no spaces."""
    if not (4 <= len(text or "") <= 64) or not all(33 <= ord(c) <= 126 for c in text):
        raise ValidationError({field: "Senha de rede inválida: use de 4 a 64 caracteres sem espaços nem acentos "
                                      "(letras, dígitos e símbolos)."})
    return text


def normalize_ip(text: str, field: str = "ip_fixo") -> str | None:
    """A fixed IPv4 address (``None`` when empty)."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        address = ipaddress.IPv4Address(raw)
    except ValueError:
        raise ValidationError({field: f"IP fixo inválido: “{text}”. Use um endereço IPv4 como 100.64.0.10."}) from None
    if address.is_unspecified or address.is_multicast or address.is_loopback:
        raise ValidationError({field: f"IP fixo inválido: “{text}”. Use um endereço de cliente, não de rede "
                                      "local, multicast ou 0.0.0.0."})
    return str(address)


def normalize_mac(text: str, field: str = "mac") -> str | None:
    """A MAC address as ``AA:BB:CC:DD:EE:FF`` (accepts ``-``, ``.``, ``:`` or none; ``None`` when empty)."""
    raw = (text or "").strip()
    if not raw:
        return None
    digits = re.sub(r"[-.:\s]", "", raw).lower()
    if not _MAC_RE.fullmatch(digits):
        raise ValidationError({field: f"MAC inválido: “{text}”. Use 12 dígitos hexadecimais, como AA:BB:CC:DD:EE:FF."})
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2)).upper()


def rate_limit(download_mbps: int, upload_mbps: int) -> str:
    """The Mikrotik rate text of a plan: upload first (``50M/100M`` for 100 down / 50 up)."""
    return f"{upload_mbps}M/{download_mbps}M"


def rate_error(text: str) -> str:
    """Empty when `text` is a Mikrotik rate ``upload/download`` (``1M/2M``, ``512k/1M``), else a message."""
    if _RATE_RE.fullmatch((text or "").strip()):
        return ""
    return f"Velocidade inválida: “{text}”. Use upload/download no formato Mikrotik, como 1M/2M ou 512k/1M."
