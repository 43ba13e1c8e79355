"""Phones, e-mails and CEP: parsing, validation and masks."""

from __future__ import annotations

import re

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.text import check_ascii_digits, digits

#: Area codes (DDD) in use in Brazil (Anatel).
VALID_DDDS: frozenset[int] = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
     44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
     79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99}
)

#: The 27 federative units (26 states + DF).
UFS: frozenset[str] = frozenset({
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
    "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
})

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def _strip_country(raw: str) -> str:
    if len(raw) in (12, 13) and raw.startswith("55"):
        return raw[2:]
    return raw


def normalize_mobile(text: str, field: str = "celular") -> str:
    """Validate a mobile number: 11 digits, real DDD, number starting with 9; return the digits.

    Raises:
        BusinessRuleError: what is wrong with the number, in Portuguese.
    """
    raw = _strip_country(digits(check_ascii_digits(text, "O celular", field)))
    if len(raw) != 11:
        raise BusinessRuleError(
            f"Celular “{text}” deve ter 11 dígitos: DDD + 9 + 8 dígitos, por exemplo (11) 98765-4321.",
            field=field,
        )
    if int(raw[:2]) not in VALID_DDDS:
        raise BusinessRuleError(f"Celular “{text}”: o DDD {raw[:2]} não existe no Brasil.", field=field)
    if raw[2] != "9":
        raise BusinessRuleError(
            f"Celular “{text}”: número de celular começa com 9 depois do DDD.", field=field
        )
    return raw


def normalize_phone(text: str, field: str = "telefone") -> str:
    """Validate a landline or mobile number (10 or 11 digits with a real DDD); return the digits."""
    raw = _strip_country(digits(check_ascii_digits(text, "O telefone", field)))
    if len(raw) not in (10, 11):
        raise BusinessRuleError(
            f"Telefone “{text}” deve ter DDD + número (10 ou 11 dígitos), por exemplo (11) 3456-7890.",
            field=field,
        )
    if int(raw[:2]) not in VALID_DDDS:
        raise BusinessRuleError(f"Telefone “{text}”: o DDD {raw[:2]} não existe no Brasil.", field=field)
    if len(raw) == 11 and raw[2] != "9":
        raise BusinessRuleError(
            f"Telefone “{text}”: com 11 dígitos é celular e deve começar com 9 depois do DDD.", field=field
        )
    return raw


def mask_phone(number: str) -> str:
    """``11987654321`` → ``(11) 98765-4321``; ``1134567890`` → ``(11) 3456-7890``."""
    raw = digits(number)
    if len(raw) == 11:
        return f"({raw[:2]}) {raw[2:7]}-{raw[7:]}"
    if len(raw) == 10:
        return f"({raw[:2]}) {raw[2:6]}-{raw[6:]}"
    return number or ""


def normalize_email(text: str, field: str = "email") -> str:
    """Check e-mail syntax and return it trimmed, with the domain lower-cased.

    Raises:
        BusinessRuleError: the address is not valid.
    """
    value = (text or "").strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        raise BusinessRuleError(
            f"E-mail “{text}” inválido. Use o formato nome@dominio.com.br.", field=field
        )
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_cep(text: str, field: str = "cep") -> str:
    """Validate a CEP (8 digits) and return the digits."""
    raw = digits(check_ascii_digits(text, "O CEP", field))
    if len(raw) != 8 or raw == "00000000":
        raise BusinessRuleError(f"CEP “{text}” deve ter 8 dígitos, por exemplo 01310-100.", field=field)
    return raw


def mask_cep(cep: str) -> str:
    """``01310100`` → ``01310-100``."""
    raw = digits(cep)
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 8 else cep or ""
