"""Boleto (FEBRABAN): the 44-digit barcode, the 47-digit linha digitável and their check digits.

Barcode: bank (3) · currency 9 (1) · general check digit (1, mod 11) · due-date factor (4) · amount in
centavos (10) · campo livre (25, the bank's own). The linha digitável is five fields: the first three
carry bank, currency and the campo livre, each with a mod 10 check digit; then the general check
digit; then factor and amount.

Due-date factor: days since 07/10/1997; on 22/02/2025 it reached 10000 and restarted at 1000
(FEBRABAN), so factor = 1000 + (days − 10000) mod 9000 from that date on.

Campo livre of the banks supported (`BANKS`):
- 001 Banco do Brasil, convênio de 7 dígitos: ``000000`` + nosso número (convênio 7 + sequencial 10)
  + carteira (2).
- 756 Sicoob: carteira (1) + cooperativa/agência (4) + modalidade (2) + código do beneficiário (7)
  + nosso número (7 + DV, 8) + parcela (3). DV do nosso número: pesos 3197 sobre agência (4) +
  código do beneficiário (10) + nosso número (7), resto da divisão por 11, DV = 11 − resto (0 ou 1 → 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents

FACTOR_BASE = date(1997, 10, 7)
FACTOR_RESTART = date(2025, 2, 22)
#: The largest amount a boleto carries (10 digits of centavos).
MAX_AMOUNT = Decimal("99999999.99")

BANKS = {"001": "Banco do Brasil", "756": "Sicoob"}


def mod10(digits: str) -> int:
    """FEBRABAN mod 10: weights 2,1,2,… from the right, products' digits summed."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def mod11_barcode(digits: str) -> int:
    """General check digit of the barcode: weights 2..9 from the right; 0, 10 and 11 become 1."""
    total = sum(int(ch) * (2 + i % 8) for i, ch in enumerate(reversed(digits)))
    dv = 11 - total % 11
    return 1 if dv in (0, 10, 11) else dv


def due_factor(due: date) -> int:
    """The 4-digit due-date factor, with the 22/02/2025 restart at 1000.

    Raises:
        BusinessRuleError: a due date before 07/10/1997 + 1000 days (03/07/2000).
    """
    days = (due - FACTOR_BASE).days
    if days < 1000:
        raise BusinessRuleError(f"Vencimento {due:%d/%m/%Y} anterior a 03/07/2000: o boleto não tem fator de "
                                "vencimento para essa data; informe um vencimento atual.")
    if days < 10000:
        return days
    return 1000 + (days - 10000) % 9000


def due_from_factor(factor: int, near: date) -> date:
    """The due date of `factor` in the 9000-day cycle closest to `near` (factors repeat every cycle)."""
    from datetime import timedelta

    base = FACTOR_BASE + timedelta(days=factor)
    candidates = [base] + [FACTOR_RESTART + timedelta(days=factor - 1000 + 9000 * k) for k in range(0, 4)]
    return min(candidates, key=lambda d: abs((d - near).days))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def barcode(bank: str, due: date, amount: Decimal, campo_livre: str) -> str:
    """The 44-digit barcode.

    Raises:
        BusinessRuleError: bad bank code, campo livre or amount.
    """
    if len(bank) != 3 or not bank.isdigit():
        raise BusinessRuleError(f"Código de banco “{bank}” inválido: são 3 dígitos (001, 756…).")
    if len(campo_livre) != 25 or not campo_livre.isdigit():
        raise BusinessRuleError("Campo livre do boleto deve ter 25 dígitos; confira os dados da carteira.")
    cents = int(to_cents(amount) * 100)
    if cents < 0 or to_cents(amount) > MAX_AMOUNT:
        raise BusinessRuleError(f"Valor {amount} fora do que um boleto comporta (até R$ 99.999.999,99).")
    body = f"{bank}9{due_factor(due):04d}{cents:010d}{campo_livre}"
    dv = mod11_barcode(body)
    return body[:4] + str(dv) + body[4:]


def linha_digitavel(code: str) -> str:
    """The 47-digit linha digitável of a barcode: ``AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV``."""
    check_barcode(code)
    cl = code[19:]
    f1 = code[:4] + cl[:5]
    f1 += str(mod10(f1))
    f2 = cl[5:15] + str(mod10(cl[5:15]))
    f3 = cl[15:25] + str(mod10(cl[15:25]))
    return f"{f1[:5]}.{f1[5:]} {f2[:5]}.{f2[5:]} {f3[:5]}.{f3[5:]} {code[4]} {code[5:19]}"


def barcode_from_linha(linha: str) -> str:
    """The barcode a linha digitável encodes, after checking its four check digits.

    Raises:
        BusinessRuleError: not 47 digits, or a check digit that does not match (a typing error).
    """
    d = _digits(linha)
    if len(d) != 47:
        raise BusinessRuleError(f"A linha digitável tem 47 dígitos; esta tem {len(d)}. Confira e digite de novo.")
    fields = (d[0:9], d[9]), (d[10:20], d[20]), (d[21:31], d[31])
    for n, (body, dv) in enumerate(fields, start=1):
        if mod10(body) != int(dv):
            raise BusinessRuleError(f"Dígito verificador do campo {n} da linha digitável não confere; "
                                    "confira os dígitos desse campo.")
    code = d[0:4] + d[32] + d[33:47] + d[4:9] + d[10:20] + d[21:31]
    check_barcode(code)
    return code


def check_barcode(code: str) -> None:
    """Raise `BusinessRuleError` unless `code` is 44 digits with a valid general check digit."""
    if len(code) != 44 or not code.isdigit():
        raise BusinessRuleError("O código de barras do boleto tem 44 dígitos; confira o código lido.")
    if mod11_barcode(code[:4] + code[5:]) != int(code[4]):
        raise BusinessRuleError("Dígito verificador geral do código de barras não confere; o código foi lido "
                                "ou digitado com erro.")


def _pad(value: str, size: int, what: str) -> str:
    d = _digits(value)
    if not d or len(d) > size or d != value.strip().replace("-", "").replace(".", ""):
        raise BusinessRuleError(f"{what} “{value}” inválido: até {size} dígitos.")
    return d.zfill(size)


def sicoob_nosso_numero_dv(agency: str, beneficiary: str, sequence: int) -> int:
    """Sicoob's nosso número check digit (weights 3197 over agência + beneficiário + sequencial)."""
    base = _pad(agency, 4, "Agência") + _pad(beneficiary, 10, "Código do beneficiário") + f"{sequence:07d}"
    weights = "3197"
    total = sum(int(ch) * int(weights[i % 4]) for i, ch in enumerate(base))
    rest = total % 11
    return 0 if rest in (0, 1) else 11 - rest


@dataclass(frozen=True)
class Wallet:
    """What a bank's campo livre needs from the carteira de cobrança."""

    bank: str
    agency: str
    account: str
    wallet: str
    agreement: str


def nosso_numero_text(w: Wallet, sequence: int) -> str:
    """The nosso número as the bank prints it and returns it in CNAB files (digits only).

    Raises:
        BusinessRuleError: unsupported bank or a sequence out of range.
    """
    if w.bank == "001":
        if sequence <= 0 or sequence >= 10 ** 10:
            raise BusinessRuleError("Nosso número do Banco do Brasil esgotado (10 dígitos); abra outra carteira.")
        return _pad(w.agreement, 7, "Convênio") + f"{sequence:010d}"
    if w.bank == "756":
        if sequence <= 0 or sequence >= 10 ** 7:
            raise BusinessRuleError("Nosso número do Sicoob esgotado (7 dígitos); abra outra carteira.")
        return f"{sequence:07d}{sicoob_nosso_numero_dv(w.agency, w.agreement, sequence)}"
    raise BusinessRuleError(f"Banco {w.bank} ainda não tem boleto no ispdesk; use 001 (Banco do Brasil) ou "
                            "756 (Sicoob).")


def campo_livre(w: Wallet, sequence: int, installment: int = 1) -> str:
    """The 25-digit campo livre of the charge with nosso número `sequence` in carteira `w`."""
    nn = nosso_numero_text(w, sequence)
    if w.bank == "001":
        if len(_digits(w.agreement)) != 7:
            raise BusinessRuleError("Banco do Brasil: o ispdesk emite boletos de convênio com 7 dígitos; "
                                    "confira o convênio da carteira.")
        return "000000" + nn + _pad(w.wallet, 2, "Carteira")
    wallet = _pad(w.wallet, 1, "Carteira (Sicoob: 1 dígito)")
    return wallet + _pad(w.agency, 4, "Agência") + "01" + _pad(w.agreement, 7, "Código do beneficiário") + nn \
        + f"{installment:03d}"


def validate_wallet(w: Wallet) -> None:
    """Raise `BusinessRuleError` when the carteira cannot make a boleto (checks with nosso número 1)."""
    campo_livre(w, 1)
