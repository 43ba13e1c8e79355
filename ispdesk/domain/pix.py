"""PIX BR Code: the static copy-and-paste code of a charge, its CRC16-CCITT, the receiver's key.

EMV® QRCPS Merchant-Presented Mode as the Banco Central's "BR Code" manual profiles it.

Fields written: 00 payload format ``01``; 01 point of initiation ``12`` (one payment: the code is
for this charge); 26 merchant account (00 ``br.gov.bcb.pix``, 01 the key); 52 category ``0000``;
53 currency ``986`` (real); 54 amount (omitted when zero); 58 ``BR``; 59 receiver name (≤ 25);
60 city (≤ 15); 62 additional data (05 txid, ≤ 25 letters and digits); 63 CRC16-CCITT (0xFFFF,
polynomial 0x1021) over everything before it, ``6304`` included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ispdesk.domain.contact import normalize_email, normalize_mobile
from ispdesk.domain.documents import is_valid_cnpj, is_valid_cpf, normalize_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents

GUI = "br.gov.bcb.pix"
NAME_MAX = 25
CITY_MAX = 15
TXID_MAX = 25
_RANDOM_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ALLOWED = re.compile(r"[^A-Za-z0-9 .\-/]")


class KeyKind(StrEnum):
    """The kinds of PIX key (DICT)."""

    CPF = "cpf"
    CNPJ = "cnpj"
    EMAIL = "email"
    TELEFONE = "telefone"
    ALEATORIA = "aleatoria"


def crc16(data: str) -> str:
    """CRC16-CCITT (initial 0xFFFF, polynomial 0x1021) of the UTF-8 bytes, 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"campo {tag} longo demais para o BR Code")
    return f"{tag}{len(value):02d}{value}"


def normalize_key(text: str, field: str = "pix_chave") -> tuple[KeyKind, str]:
    """The key as the DICT stores it, and its kind: CPF/CNPJ digits, e-mail, ``+55…`` phone, random UUID.

    Raises:
        BusinessRuleError: not a valid key of any kind (says what each looks like).
    """
    raw = (text or "").strip()
    if _RANDOM_KEY.match(raw.lower()):
        return KeyKind.ALEATORIA, raw.lower()
    if "@" in raw:
        email = normalize_email(raw, field)
        if len(email) > 77:
            raise BusinessRuleError("Chave PIX por e-mail: no máximo 77 caracteres.", field=field)
        return KeyKind.EMAIL, email.lower()
    document = normalize_document(raw)
    if raw.startswith("+") or (document.isdigit() and len(document) in (12, 13)):
        number = normalize_mobile(raw, field)
        return KeyKind.TELEFONE, f"+55{number}"
    if is_valid_cpf(document):
        return KeyKind.CPF, document
    if is_valid_cnpj(document) and document.isdigit():
        return KeyKind.CNPJ, document
    raise BusinessRuleError(
        f"Chave PIX “{text}” inválida. Use o CPF ou CNPJ do recebedor, um e-mail, um celular com DDD "
        "(+55 11 98765-4321) ou a chave aleatória (formato 123e4567-e89b-12d3-a456-426614174000).", field=field)


def plain(text: str, limit: int) -> str:
    """ASCII without accents (case kept), only letters, digits, space and ``.-/``, cut to `limit`."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ç", "c").replace("Ç", "C")
    return " ".join(_ALLOWED.sub("", ascii_only).split())[:limit].strip()


def txid_for(charge_number: int) -> str:
    """The charge's txid (letters and digits, ≤ 25): ``ISPD`` + its number."""
    return f"ISPD{charge_number}"[:TXID_MAX]


@dataclass(frozen=True)
class BrCode:
    """The fields of a static BR Code."""

    key: str
    name: str
    city: str
    amount: Decimal
    txid: str = "***"

    def payload(self) -> str:
        """The copy-and-paste code (CRC included)."""
        account = _field("00", GUI) + _field("01", self.key)
        body = (_field("00", "01") + (_field("01", "12") if self.txid != "***" else "") + _field("26", account)
                + _field("52", "0000") + _field("53", "986"))
        cents = to_cents(self.amount)
        if cents > 0:
            body += _field("54", f"{cents:.2f}")
        body += (_field("58", "BR") + _field("59", plain(self.name, NAME_MAX))
                 + _field("60", plain(self.city, CITY_MAX)) + _field("62", _field("05", self.txid)) + "6304")
        return body + crc16(body)


def parse(payload: str) -> dict[str, str]:
    """Top-level fields of a BR Code (``"26.01"`` style keys for the merchant account and txid).

    Raises:
        BusinessRuleError: malformed or with a wrong CRC.
    """
    if len(payload) < 8 or crc16(payload[:-4]) != payload[-4:].upper():
        raise BusinessRuleError("Código PIX inválido: o CRC não confere (copie o código inteiro).")
    fields: dict[str, str] = {}

    def walk(text: str, prefix: str) -> None:
        i = 0
        while i < len(text):
            tag, size = text[i:i + 2], int(text[i + 2:i + 4])
            value = text[i + 4:i + 4 + size]
            key = f"{prefix}{tag}"
            fields[key] = value
            if prefix == "" and tag in ("26", "62"):
                walk(value, f"{tag}.")
            i += 4 + size

    walk(payload, "")
    return fields
