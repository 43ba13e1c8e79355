"""PIX for a charge: the static BR Code of its valor atualizado, identified by a txid.

The receiver comes from the parameters ``pix_chave``, ``pix_nome_recebedor`` (default: the trade
name) and ``pix_cidade`` (default: the company's city). The code rule lives in `ispdesk.domain.pix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Contract, Customer
from ispdesk.domain.contact import mask_phone
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.permissions import Permission
from ispdesk.domain.pix import NAME_MAX, BrCode, KeyKind, normalize_key, plain, txid_for
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.services.charges import row_of
from ispdesk.services.late_fees import rates_on, updated_of
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class ChargePix:
    """What the customer pays with PIX for one charge on `on`."""

    number: int
    contract_number: int
    on: date
    updated: Updated
    txid: str
    key_kind: KeyKind
    receiver: str
    payload: str

    @property
    def amount(self) -> Decimal:
        """The amount in the code (the valor atualizado)."""
        return self.updated.total


def receiver_of(values: dict[str, Any]) -> tuple[KeyKind, str, str, str]:
    """(key kind, key, name, city) of the receiver.

    Raises:
        BusinessRuleError: no key configured, or an invalid one.
    """
    raw = str(values.get("pix_chave") or "").strip()
    if not raw:
        raise BusinessRuleError("Chave PIX não configurada: informe-a em Parâmetros › Financeiro › Chave PIX "
                                "(ou `ispdesk params set pix_chave CHAVE`).", field="pix_chave")
    kind, key = normalize_key(raw)
    name = str(values.get("pix_nome_recebedor") or values.get("empresa_nome_fantasia")
               or values.get("empresa_razao_social") or "")
    city = str(values.get("pix_cidade") or values.get("empresa_cidade") or "")
    return kind, key, name, city


def charge_pix(uow: UnitOfWork, number: int | str, on: date | None = None) -> ChargePix:
    """The BR Code of the open charge `number` for its valor atualizado on `on` (default today).

    Raises:
        PermissionDenied: the actor may not view contracts.
        NotFound: no charge with that number.
        BusinessRuleError: the charge is not open, or PIX is not configured.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        charge = lookups.charge_by_number(uow, number)
        contract_number = int(uow.session.scalar(select(Contract.number).where(Contract.id == charge.contract_id)) or 0)
        if charge.status != ChargeStatus.ABERTA:
            raise BusinessRuleError(f"A cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”: só "
                                    "cobranças em aberto têm código PIX.")
        values = params_service.load(uow.session)
        kind, key, name, city = receiver_of(values)
        day = on or uow.today
        updated = updated_of(row_of(charge, contract_number), day, rates_on(uow.session))
        txid = txid_for(int(charge.number))
        code = BrCode(key, name, city, updated.total, txid)
        return ChargePix(int(charge.number), contract_number, day, updated, txid, kind, plain(name, NAME_MAX),
                         code.payload())


def charge_slip_pdf(uow: UnitOfWork, number: int | str, on: date | None = None,
                    output: str | Path | None = None) -> bytes:
    """The charge's slip PDF: the valor atualizado on `on` and, when PIX is configured, its QR code.

    Written whole or not at all to `output` when given.

    Raises:
        PermissionDenied: the actor may not print documents.
        NotFound: no charge with that number.
        BusinessRuleError: the charge is not open; the file cannot be written.
    """
    from ispdesk.reports.charge_pdf import ChargeSlip, render_charge_pdf
    from ispdesk.services.company import company_of

    uow.require(Permission.DOCUMENTS_PRINT)
    with uow:
        charge = lookups.charge_by_number(uow, number)
        if charge.status != ChargeStatus.ABERTA:
            raise BusinessRuleError(f"A cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”: "
                                    "só cobranças em aberto têm boleto de pagamento.")
        contract_number, customer_name, document = uow.session.execute(
            select(Contract.number, Customer.name, Customer.document)
            .join(Customer, Customer.id == Contract.customer_id).where(Contract.id == charge.contract_id)).one()
        day = on or uow.today
        updated = updated_of(row_of(charge, int(contract_number)), day, rates_on(uow.session))
        values = params_service.load(uow.session)
        payload: str | None = None
        receiver = ""
        if str(values.get("pix_chave") or "").strip():
            _, key, name, city = receiver_of(values)
            payload = BrCode(key, name, city, updated.total, txid_for(int(charge.number))).payload()
            receiver = plain(name, NAME_MAX)
        company = company_of(uow.session)
        v = company.values
        details = " · ".join(p for p in (
            f"CNPJ {mask_document(v.get('empresa_cnpj', ''))}" if v.get("empresa_cnpj") else "",
            mask_phone(v.get("empresa_telefone", "")) if v.get("empresa_telefone") else "",
            v.get("empresa_email", "")) if p)
        slip = ChargeSlip(
            company_name=v.get("empresa_nome_fantasia") or v.get("empresa_razao_social", ""),
            company_details=details, logo_png=company.logo_png, customer_name=customer_name,
            customer_document=mask_document(document) if document else "—", contract_number=int(contract_number),
            charge_number=int(charge.number), description=charge.description, due_date=charge.due_date,
            effective_due=charge.effective_due_date or charge.due_date, on=day, updated=updated,
            pix_payload=payload, pix_receiver=receiver, generated_at=uow.now)
    pdf = render_charge_pdf(slip)
    if output is not None:
        try:
            write_bytes_atomic(output, pdf)
        except OSError as exc:
            raise BusinessRuleError(f"Não foi possível gravar {output}: {exc.strerror or exc}. Escolha outra pasta.",
                                    field="output") from None
    return pdf
