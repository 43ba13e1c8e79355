"""Boletos of open charges: one PDF per charge, or a carnê of a contract's open charges.

The boleto carries the charge's open amount (principal still owed plus late amounts fixed by partial
payments) and its nominal due date; the bank adds multa and juros after the vencimento útil with the
rates printed in the instructions (the parameters `multa_atraso_percentual`, `juros_mora_percentual_mes`).
Printed after that day, the "(+) Mora / multa" and "(=) Valor cobrado" boxes show the valor atualizado
on the print date. The nosso número is taken from the carteira the first time (see `services.carteiras`)
and kept: a boleto printed again shows the same number, barcode and linha digitável.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ispdesk.db.models import Charge, Contract, Customer
from ispdesk.domain import boleto
from ispdesk.domain.contact import mask_cep
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import LateRates
from ispdesk.domain.money import to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.pix import BrCode, txid_for
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.reports.boleto_pdf import BoletoPrint, render_boleto_pdf, render_carne_pdf
from ispdesk.services import carteiras, lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.services.company import company_of
from ispdesk.services.late_fees import charge_updated, rates_on
from ispdesk.services.pix import receiver_of
from ispdesk.services.uow import UnitOfWork


def _percent(value: object) -> str:
    """``2`` for 2.00, ``1,5`` for 1.50."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def _print_of(uow: UnitOfWork, charge: Charge, carteira_code: str | None, on: date, rates: LateRates,
              values: dict[str, object]) -> BoletoPrint:
    if charge.status != ChargeStatus.ABERTA:
        raise BusinessRuleError(f"A cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”: só "
                                "cobranças em aberto têm boleto.")
    title, carteira = carteiras.title_of(uow, charge, carteira_code)
    rule = boleto.Wallet(carteira.bank, carteira.agency, carteira.account, carteira.wallet, carteira.agreement)
    amount = to_cents(charge.amount - charge.paid_amount + charge.fine_owed + charge.interest_owed)
    code = boleto.barcode(carteira.bank, charge.due_date, amount, boleto.campo_livre(rule, title.sequence))
    contract_number, name, document, street, number, district, city, uf, cep = uow.session.execute(
        select(Contract.number, Customer.name, Customer.document, Customer.street, Customer.number,
               Customer.district, Customer.city, Customer.state, Customer.cep)
        .join(Customer, Customer.id == Contract.customer_id).where(Contract.id == charge.contract_id)).one()
    updated = charge_updated(charge, on, rates)
    payload = None
    if str(values.get("pix_chave") or "").strip():
        _, key, pix_name, pix_city = receiver_of(values)
        payload = BrCode(key, pix_name, pix_city, updated.total, txid_for(int(charge.number))).payload()
    instructions = [
        f"Após {charge.effective_due_date:%d/%m/%Y}: multa de {_percent(rates.fine)}% e juros de "
        f"{_percent(rates.interest)}% ao mês pro rata die.",
        *[line for line in carteira.instructions.splitlines() if line.strip()],
    ]
    if charge.effective_due_date != charge.due_date:
        instructions.insert(0, f"Vencimento em dia sem expediente: pagável sem multa até "
                               f"{charge.effective_due_date:%d/%m/%Y}.")
    if payload:
        instructions.append("Pague também com PIX: leia o QR code ao lado no app do banco.")
    address = ", ".join(p for p in (street, number, district) if p)
    place = " — ".join(p for p in (f"{city}/{uf}" if city else "", f"CEP {mask_cep(cep)}" if cep else "") if p)
    beneficiary = str(values.get("empresa_razao_social") or values.get("empresa_nome_fantasia") or "")
    return BoletoPrint(
        bank=carteira.bank, bank_name=boleto.BANKS.get(carteira.bank, carteira.bank),
        linha=boleto.linha_digitavel(code),
        barcode=code, beneficiary=beneficiary,
        beneficiary_document=mask_document(str(values.get("empresa_cnpj") or "")),
        agency_code=f"{carteira.agency} / {carteira.agreement}", payer=name,
        payer_document=mask_document(document) if document else "—",
        payer_address=" — ".join(p for p in (address, place) if p), charge_number=int(charge.number),
        contract_number=int(contract_number), description=charge.description, due_date=charge.due_date,
        effective_due=charge.effective_due_date, issued_on=charge.created_at.date(), amount=amount,
        nosso_numero=title.nosso_numero, wallet=carteira.wallet, instructions=instructions, on=on,
        updated=updated, pix_payload=payload)


def _write(pdf: bytes, output: str | Path | None) -> None:
    if output is None:
        return
    try:
        write_bytes_atomic(output, pdf)
    except OSError as exc:
        raise BusinessRuleError(f"Não foi possível gravar {output}: {exc.strerror or exc}. Escolha outra pasta.",
                                field="output") from None


def boleto_prints(uow: UnitOfWork, numbers: list[int | str], carteira: str | None = None,
                  on: date | None = None) -> list[BoletoPrint]:
    """The boletos of charges `numbers` (nosso número taken and committed on first print).

    Raises:
        PermissionDenied: the actor may not print documents.
        NotFound / BusinessRuleError: unknown charge, charge not open, no carteira.
    """
    uow.require(Permission.DOCUMENTS_PRINT)
    with uow:
        day = on or uow.today
        rates = rates_on(uow.session)
        values = dict(params_service.load(uow.session))
        values.update(company_of(uow.session).values)
        prints = [_print_of(uow, lookups.charge_by_number(uow, n), carteira, day, rates, values) for n in numbers]
        uow.commit()
        return prints


def boleto_pdf(uow: UnitOfWork, number: int | str, output: str | Path | None = None, carteira: str | None = None,
               on: date | None = None) -> tuple[bytes, BoletoPrint]:
    """The boleto PDF of the open charge `number` (and what it prints), written whole or not at all to `output`."""
    b = boleto_prints(uow, [number], carteira, on)[0]
    pdf = render_boleto_pdf(b, uow.now)
    _write(pdf, output)
    return pdf, b


def open_charge_numbers(uow: UnitOfWork, contract_number: int | str) -> list[int]:
    """The open charges of a contract, by due date (what its carnê prints)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        contract = lookups.contract_by_number(uow, contract_number)
        return [int(n) for n in uow.session.scalars(
            select(Charge.number).where(Charge.contract_id == contract.id, Charge.status == ChargeStatus.ABERTA)
            .order_by(Charge.due_date, Charge.number))]


def carne_pdf(uow: UnitOfWork, contract_number: int | str, output: str | Path | None = None,
              carteira: str | None = None, on: date | None = None) -> tuple[bytes, int]:
    """The carnê of the contract's open charges (three per page); returns the PDF and how many boletos.

    Raises:
        BusinessRuleError: the contract has no open charge.
    """
    numbers = open_charge_numbers(uow, contract_number)
    if not numbers:
        raise BusinessRuleError(f"O contrato {contract_number} não tem cobranças em aberto: não há carnê a "
                                "imprimir. Gere as cobranças do período antes.")
    prints = boleto_prints(uow, list(numbers), carteira, on)
    pdf = render_carne_pdf(prints, uow.now)
    _write(pdf, output)
    return pdf, len(prints)


