"""FEBRABAN boleto rules: published examples byte for byte, factor restart, linha ↔ barcode round-trip."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain import boleto
from ispdesk.domain.errors import BusinessRuleError

BB = boleto.Wallet("001", "9999", "99999", "18", "7777777")


@pytest.mark.parametrize(("due", "barcode", "linha"), [
    # pyboleto, tests/test_banco_do_brasil.py (convênio 7777777, nosso número 87654, R$ 2.952,95)
    (date(2011, 3, 8), "00196490000002952950000007777777000008765418",
     "00190.00009 07777.777009 00087.654182 6 49000000295295"),
    # kivanio/brcobranca, spec/brcobranca/boleto/banco_brasil_spec.rb (“codigo_cedente with 7 digits”)
    (date(2012, 12, 28), "00197556100002952950000007777777000008765418",
     "00190.00009 07777.777009 00087.654182 7 55610000295295"),
])
def test_published_banco_do_brasil_examples_byte_for_byte(due: date, barcode: str, linha: str) -> None:
    code = boleto.barcode("001", due, Decimal("2952.95"), boleto.campo_livre(BB, 87654))
    assert code == barcode
    assert boleto.linha_digitavel(code) == linha
    assert boleto.barcode_from_linha(linha) == barcode


def test_due_factor_restarts_at_1000_on_22_02_2025() -> None:
    assert boleto.due_factor(date(2000, 7, 3)) == 1000
    assert boleto.due_factor(date(2025, 2, 21)) == 9999
    assert boleto.due_factor(date(2025, 2, 22)) == 1000
    assert boleto.due_factor(date(2025, 2, 23)) == 1001
    assert boleto.due_factor(date(2049, 9, 30)) == 1000 + (date(2049, 9, 30) - date(2025, 2, 22)).days % 9000
    with pytest.raises(BusinessRuleError):
        boleto.due_factor(date(2000, 7, 2))


@given(st.dates(date(2025, 2, 22), date(2049, 1, 1)))
def test_factor_maps_back_to_its_date(due: date) -> None:
    assert boleto.due_from_factor(boleto.due_factor(due), due + timedelta(days=30)) == due


def test_sicoob_campo_livre_layout_and_nosso_numero_dv() -> None:
    w = boleto.Wallet("756", "3069", "84725", "1", "225")
    cl = boleto.campo_livre(w, 3)
    # carteira 1 · cooperativa 3069 · modalidade 01 · beneficiário 0000225 · nosso número 0000003+DV · parcela 001
    assert cl[:14] == "1" + "3069" + "01" + "0000225"
    assert cl[14:21] == "0000003" and cl[22:] == "001" and len(cl) == 25
    # DV by hand: 3069 0000000225 0000003 with weights 3197 repeated
    digits = "306900000002250000003"
    total = sum(int(d) * int("3197"[i % 4]) for i, d in enumerate(digits))
    rest = total % 11
    assert cl[21] == str(0 if rest in (0, 1) else 11 - rest)


wallets = st.sampled_from([BB, boleto.Wallet("756", "3069", "84725", "1", "225"),
                           boleto.Wallet("001", "1234", "5678", "17", "1234567")])


@given(wallets, st.integers(1, 9_999_999), st.dates(date(2000, 7, 3), date(2049, 12, 31)),
       st.decimals(Decimal("0.01"), Decimal("99999999.99"), places=2))
def test_linha_barcode_round_trip_with_valid_check_digits(w: boleto.Wallet, seq: int, due: date,
                                                          amount: Decimal) -> None:
    code = boleto.barcode(w.bank, due, amount, boleto.campo_livre(w, seq))
    assert len(code) == 44 and code[:3] == w.bank and code[3] == "9"
    assert int(code[9:19]) == int(amount * 100)
    boleto.check_barcode(code)
    linha = boleto.linha_digitavel(code)
    assert len("".join(ch for ch in linha if ch.isdigit())) == 47
    assert boleto.barcode_from_linha(linha) == code


@given(st.integers(0, 32), st.integers(1, 9))
def test_a_mistyped_digit_is_caught(pos: int, delta: int) -> None:
    """Fields 1–4 always catch one wrong digit (mod 10 per field, the general DV itself); field 5 is
    guarded by the mod 11 only, whose 0/10/11 → 1 rule lets some changes through (FEBRABAN's own limit)."""
    code = boleto.barcode("001", date(2026, 12, 10), Decimal("99.90"), boleto.campo_livre(BB, 42))
    digits = [ch for ch in boleto.linha_digitavel(code) if ch.isdigit()]
    digits[pos] = str((int(digits[pos]) + delta) % 10)
    with pytest.raises(BusinessRuleError):
        boleto.barcode_from_linha("".join(digits))


def test_mod10_and_mod11_reference_values() -> None:
    assert boleto.mod10("001900000") == 9  # first field of the published example
    assert boleto.mod11_barcode("0019490000002952950000007777777000008765418") == 6
