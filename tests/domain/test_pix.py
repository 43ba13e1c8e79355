"""PIX BR Code: the Banco Central's own example byte for byte, CRC and field lengths for any charge,
and the receiver's key rules (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.pix import BrCode, KeyKind, crc16, normalize_key, parse, plain, txid_for

#: The example of the BR Code manual (Banco Central do Brasil), static code without amount.
BCB_EXAMPLE = ("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913"
               "Fulano de Tal6008BRASILIA62070503***63041D3D")


def test_the_central_bank_example_byte_for_byte() -> None:
    code = BrCode("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", Decimal("0"))
    assert code.payload() == BCB_EXAMPLE
    assert crc16(BCB_EXAMPLE[:-4]) == "1D3D"


def test_a_charge_code_carries_amount_txid_and_one_time_use() -> None:
    payload = BrCode("12345678909", "Provedor São José Ltda", "São José dos Campos", Decimal("102.03"),
                     txid_for(5123)).payload()
    fields = parse(payload)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["26.00"] == "br.gov.bcb.pix"
    assert fields["26.01"] == "12345678909" and fields["53"] == "986" and fields["54"] == "102.03"
    assert fields["58"] == "BR" and fields["59"] == "Provedor Sao Jose Ltda" and fields["60"] == "Sao Jose dos Ca"
    assert fields["62.05"] == "ISPD5123"
    with pytest.raises(BusinessRuleError, match="CRC"):
        parse(payload[:-1] + ("0" if payload[-1] != "0" else "1"))


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60)


@given(name=names, city=names, cents=st.integers(1, 10**9), number=st.integers(1, 10**12))
def test_crc_and_field_lengths_hold_for_any_charge(name: str, city: str, cents: int, number: int) -> None:
    payload = BrCode("+5511987654321", name, city, Decimal(cents) / 100, txid_for(number)).payload()
    fields = parse(payload)  # the CRC checks
    assert payload.isascii()
    assert len(fields["59"]) <= 25 and len(fields["60"]) <= 15 and len(fields["62.05"]) <= 25
    assert Decimal(fields["54"]) == Decimal(cents) / 100
    assert fields["62.05"].isalnum()


@pytest.mark.parametrize(("text", "kind", "stored"), [
    ("123.456.789-09", KeyKind.CPF, "12345678909"),
    ("11.222.333/0001-81", KeyKind.CNPJ, "11222333000181"),
    ("Financeiro@Provedor.com.br", KeyKind.EMAIL, "financeiro@provedor.com.br"),
    ("+55 (11) 98765-4321", KeyKind.TELEFONE, "+5511987654321"),
    ("123E4567-E89B-12D3-A456-426614174000", KeyKind.ALEATORIA, "123e4567-e89b-12d3-a456-426614174000"),
])
def test_each_kind_of_key(text: str, kind: KeyKind, stored: str) -> None:
    assert normalize_key(text) == (kind, stored)


@pytest.mark.parametrize("text", ["123.456.789-00", "nao-e-chave", "+55 (11) 8765-4321", "", "abc@"])
def test_invalid_keys_say_what_a_key_looks_like(text: str) -> None:
    with pytest.raises(BusinessRuleError, match="Chave PIX|E-mail|Celular"):
        normalize_key(text)


def test_names_lose_accents_not_letters() -> None:
    assert plain("Conexão Ágil Telecom — Jaraguá", 25) == "Conexao Agil Telecom Jara"
