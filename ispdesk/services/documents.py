"""Contract documents for signature: gather the data, fill the template, draw the PDF, record it.

`contract_document_context` is the read-only query of everything a contract document prints;
`generate_contract_pdf` fills the template in force, draws the PDF and records a
`ContractDocument` (template version + sha256 = verification code); `record_printed` notes that a
pre-contract was printed (sent for signature); `mark_signed` moves it to ``ativo``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from num2words import num2words
from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import (
    BillingType,
    Branch,
    Contract,
    ContractDocument,
    ContractTemplate,
    Customer,
    PaymentTerm,
    Plan,
)
from ispdesk.domain import company as company_rules
from ispdesk.domain.contact import mask_cep, mask_phone
from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.money import format_brl, to_cents
from ispdesk.domain.money_words import money_in_words, money_with_words
from ispdesk.domain.permissions import Permission
from ispdesk.domain.provisional import shown_number
from ispdesk.domain.statuses import ContractStatus
from ispdesk.domain.template_engine import CATALOGUE, Template, Value, compile_template, parse_blocks
from ispdesk.domain.wording import agree
from ispdesk.reports.contract_pdf import ContractPdf, Signatory, content_hash, render_contract_pdf, verification_code
from ispdesk.services import lookups
from ispdesk.services import parameters as parameters_service
from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.services.contracts import activate_contract_in
from ispdesk.services.templates import current_template
from ispdesk.services.uow import UnitOfWork
from ispdesk.services.values import value_on

DEFAULT_CONTRACT_TEMPLATE = "contrato_padrao"
LOYALTY_TERM_TEMPLATE = "termo_fidelidade"
NOT_INFORMED = "não informado"

MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
          "novembro", "dezembro")


@dataclass(frozen=True)
class DocumentRow:
    """A generated document as the contract form lists it."""

    id: uuid.UUID
    contract_id: uuid.UUID
    template_code: str
    template_version: int
    template_name: str
    purpose: str
    sha256: str
    verification_code: str
    generated_at: datetime
    generated_by: str


@dataclass(frozen=True)
class GeneratedPdf:
    """The result of `generate_contract_pdf`.

    Attributes:
        contract_number: the contract's number (for file names).
        pdf: the PDF bytes.
        document: the recorded `ContractDocument`.
        path: where it was written, when `output` was a path.
    """

    contract_id: uuid.UUID
    contract_number: int
    pdf: bytes
    document: DocumentRow
    path: Path | None = None


@dataclass(frozen=True)
class DocumentData:
    """Everything a contract document prints besides the template text."""

    context: dict[str, Value]
    contract_number: int
    status: str
    company_name: str
    company_details: str
    logo_png: bytes | None
    signatories: tuple[Signatory, ...]
    example_company: bool = False


def date_in_words(day: date) -> str:
    """``27 de novembro de 2026``."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def _percent(value: Any) -> str:
    number = Decimal(str(value)).normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text} %"


def _or(value: str | None, default: str = NOT_INFORMED) -> str:
    value = (value or "").strip()
    return value or default


def _company(session: Session, contract: Contract, params: Mapping[str, Any]) -> dict[str, Any]:
    branch = session.get(Branch, contract.branch_id) if contract.branch_id else None
    if branch is not None:
        return dict(razao_social=branch.legal_name, nome_fantasia=branch.trade_name or branch.legal_name,
                    cnpj=branch.cnpj, endereco=branch.address, cidade=branch.city, uf=branch.state, cep=branch.cep,
                    telefone=branch.phone, email=branch.email or params["empresa_email"],
                    site=params["empresa_site"], logo=branch.logo_png)
    main = session.scalar(select(Branch.logo_png).where(Branch.code == "MATRIZ"))
    return dict(razao_social=params["empresa_razao_social"], nome_fantasia=params["empresa_nome_fantasia"],
                cnpj=params["empresa_cnpj"], endereco=params["empresa_endereco"], cidade=params["empresa_cidade"],
                uf=params["empresa_uf"], cep=params["empresa_cep"], telefone=params["empresa_telefone"],
                email=params["empresa_email"], site=params["empresa_site"], logo=main)


def _full_address(street: str, city: str, state: str, cep: str) -> str:
    parts = [p for p in (street, f"{city}/{state}" if city and state else city or state) if p]
    if cep:
        parts.append(f"CEP {mask_cep(cep)}")
    return ", ".join(parts) or NOT_INFORMED


def contract_document_context(session: Session, contract_id: uuid.UUID, today: date) -> DocumentData:
    """Read everything a contract document needs (read-only) and format it for printing.

    Every catalogue variable gets a value: masks on CPF/CNPJ, CEP and phones, dates dd/mm/aaaa,
    money ``R$ 1.234,56`` and in words.

    Raises:
        NotFound: no contract with that id.
    """
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; ele pode ter sido excluído. Atualize a lista.")
    customer = session.get(Customer, contract.customer_id)
    plan = session.get(Plan, contract.plan_id)
    assert customer is not None and plan is not None
    params = parameters_service.load(session)
    company = _company(session, contract, params)
    term = session.get(PaymentTerm, contract.payment_term_id) if contract.payment_term_id else None
    billing = session.get(BillingType, contract.billing_type_id) if contract.billing_type_id else None

    juridica = customer.person_type == "J"
    street = ", ".join(p for p in (customer.street, customer.number, customer.complement) if p)
    if customer.district:
        street = f"{street} — {customer.district}" if street else customer.district
    phones = [mask_phone(p) for p in (customer.mobile, customer.phone) if p]

    start = contract.renewed_on or contract.activated_on
    months = contract.loyalty_months or 0
    loyalty_start = start or today
    loyalty_end = contract.loyalty_expires_on or (add_months(loyalty_start, months) if months else None)
    loyalty_days = (add_months(loyalty_start, months) - loyalty_start).days if months else 0
    benefit = to_cents(contract.loyalty_benefit or Decimal("0"))
    if months:
        fine_rule = (f"benefício de {format_brl(benefit)} × dias restantes da fidelidade ÷ {loyalty_days} "
                     "dias de fidelidade")
    else:
        fine_rule = "não há multa, porque o contrato não tem prazo de permanência"
    not_yet = "data da instalação"
    value = value_on(session, contract, today)
    company_address = _full_address(company["endereco"], company["cidade"], company["uf"], company["cep"])
    values: dict[str, Value] = {
        "empresa.razao_social": company["razao_social"],
        "empresa.nome_fantasia": company["nome_fantasia"],
        "empresa.cnpj": mask_document(company["cnpj"]),
        "empresa.endereco": _or(company["endereco"]),
        "empresa.cidade": _or(company["cidade"]),
        "empresa.uf": _or(company["uf"]),
        "empresa.cep": mask_cep(company["cep"]) or NOT_INFORMED,
        "empresa.endereco_completo": company_address,
        "empresa.telefone": mask_phone(company["telefone"]) or NOT_INFORMED,
        "empresa.email": _or(company["email"]),
        "empresa.site": _or(company["site"]),
        "cliente.nome": customer.name,
        "cliente.codigo": str(customer.code),
        "cliente.tipo_pessoa": "pessoa jurídica" if juridica else "pessoa física",
        "cliente.pessoa_juridica": juridica,
        "cliente.documento_tipo": "CNPJ" if juridica else "CPF",
        "cliente.documento": mask_document(customer.document) if customer.document else NOT_INFORMED,
        "cliente.rg_ie_tipo": "Inscrição Estadual" if juridica else "RG",
        "cliente.rg_ie": (customer.rg_ie or "").strip(),
        "cliente.data_nascimento": format_date(customer.birth_date) if customer.birth_date else "",
        "cliente.endereco": street or NOT_INFORMED,
        "cliente.cidade": _or(customer.city),
        "cliente.uf": _or(customer.state),
        "cliente.cep": mask_cep(customer.cep) if customer.cep else NOT_INFORMED,
        "cliente.endereco_completo": _full_address(street, customer.city or "", customer.state or "",
                                                   customer.cep or ""),
        "cliente.celular": mask_phone(customer.mobile) if customer.mobile else NOT_INFORMED,
        "cliente.telefone": mask_phone(customer.phone) if customer.phone else NOT_INFORMED,
        "cliente.telefones": " / ".join(phones) or NOT_INFORMED,
        "cliente.telefones_rotulo": agree(max(len(phones), 1), "telefone", "telefones"),
        "cliente.email": _or(customer.email),
        "contrato.numero": shown_number(contract.number),  # "(provisório)" until an offline entry syncs
        "contrato.situacao": ContractStatus.label_of(contract.status).lower(),
        "contrato.data_ativacao": format_date(contract.activated_on) if contract.activated_on else not_yet,
        "contrato.data_base": format_date(contract.billing_base_date) if contract.billing_base_date else not_yet,
        "contrato.data_renovacao": format_date(contract.renewed_on) if contract.renewed_on else "",
        "contrato.valor": format_brl(value),
        "contrato.valor_extenso": money_in_words(value),
        "contrato.valor_completo": money_with_words(value),
        "contrato.dia_vencimento": str(contract.due_day),
        "contrato.condicao_pagamento": term.description if term else "mensal",
        "contrato.tipo_cobranca": billing.description if billing else "boleto bancário ou PIX",
        "contrato.tem_fidelidade": months > 0,
        "contrato.fidelidade_meses": str(months),
        "contrato.fidelidade_meses_extenso": str(num2words(months, lang="pt_BR")),
        "contrato.fidelidade_dias": str(loyalty_days),
        "contrato.beneficio": format_brl(benefit),
        "contrato.beneficio_completo": money_with_words(benefit),
        "contrato.data_expiracao": (format_date(loyalty_end) if loyalty_end and start else
                                    f"{months} meses após a ativação" if months else "sem fidelidade"),
        "contrato.regra_multa": fine_rule,
        "plano.codigo": plan.code,
        "plano.nome": plan.name,
        "plano.download": f"{plan.download_mbps} Mbps",
        "plano.upload": f"{plan.upload_mbps} Mbps",
        "plano.velocidades": f"{plan.download_mbps} Mbps de download e {plan.upload_mbps} Mbps de upload",
        "plano.regra_reajuste": _or(plan.adjustment_rule, "índice registrado na oferta, aplicado a cada 12 meses"),
        "plano.valor_tabela": format_brl(plan.price),
        "cobranca.multa_atraso": _percent(params["multa_atraso_percentual"]),
        "cobranca.juros_mes": _percent(params["juros_mora_percentual_mes"]),
        "cobranca.dias_rescisao": str(params["dias_rescisao"]),
        "cobranca.aviso_reajuste_dias": str(params["reajuste_aviso_dias"]),
        "datas.hoje": format_date(today),
        "datas.hoje_extenso": date_in_words(today),
        "datas.local_data": f"{company['cidade']}, {date_in_words(today)}" if company["cidade"]
        else date_in_words(today),
    }
    missing = {v.name for v in CATALOGUE} - values.keys()
    assert not missing, f"variáveis sem valor: {sorted(missing)}"
    details = [f"CNPJ {mask_document(company['cnpj'])}", company_address]
    if company["telefone"]:
        details.append(mask_phone(company["telefone"]))
    customer_doc = (f"{'CNPJ' if juridica else 'CPF'} {mask_document(customer.document)}" if customer.document
                    else f"{'CNPJ' if juridica else 'CPF'} {NOT_INFORMED}")
    return DocumentData(
        context=values, contract_number=contract.number, status=contract.status,
        company_name=company["razao_social"], company_details=" · ".join(details), logo_png=company["logo"],
        signatories=(Signatory("ASSINANTE", customer.name, customer_doc),
                     Signatory("PRESTADORA", company["razao_social"], f"CNPJ {mask_document(company['cnpj'])}")),
        example_company=company_rules.is_example(company["razao_social"], company["cnpj"]),
    )


def file_name(template_code: str, contract_number: int) -> str:
    """``contrato-5123.pdf`` for the default contract, ``termo_fidelidade-5123.pdf`` for others."""
    stem = "contrato" if template_code == DEFAULT_CONTRACT_TEMPLATE else template_code
    return f"{stem}-{contract_number}.pdf"


def _document_row(doc: ContractDocument, template: ContractTemplate) -> DocumentRow:
    return DocumentRow(doc.id, doc.contract_id, template.code, template.version_number, template.name, doc.purpose,
                       doc.sha256, verification_code(doc.sha256), doc.generated_at, doc.generated_by)


@lru_cache(maxsize=16)
def _compiled(body: str) -> Template:
    return compile_template(body)


def build_pdf(data: DocumentData, template: ContractTemplate, created_at: datetime | None = None) -> tuple[bytes, str]:
    """Fill `template` with `data` and draw it (dated `created_at`); return the PDF and its content hash."""
    rendered = _compiled(template.body).render(data.context)
    digest = content_hash(template.code, str(template.version_number), str(data.contract_number), rendered,
                          *(f"{s.role}|{s.name}|{s.document}" for s in data.signatories))
    reference = f"Contrato nº {shown_number(data.contract_number)} · Modelo {template.code} v{template.version_number}"
    pdf = render_contract_pdf(ContractPdf(
        title=f"{template.name} — contrato nº {shown_number(data.contract_number)}",
        blocks=tuple(parse_blocks(rendered)),
        company_name=data.company_name, company_details=data.company_details, logo_png=data.logo_png,
        reference=reference, verification_code=verification_code(digest), signatories=data.signatories,
        created_at=created_at,
    ))
    return pdf, digest


def generate_contract_pdf_in(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    output: str | Path | BinaryIO | None = None,
    template_code: str = DEFAULT_CONTRACT_TEMPLATE,
    purpose: str = "assinatura",
    mark_sent: bool = False,
) -> GeneratedPdf:
    """Draw the contract's document with the template in force and record it (no commit).

    Args:
        output: a file path, a folder (the file is named by `file_name`) or a binary stream to write the PDF
            to (optional; the bytes are returned). Writing happens before the commit: a failure records nothing.
        template_code: which template (``contrato_padrao``, ``termo_fidelidade`` …).
        purpose: stored on the record (``assinatura``, ``segunda_via``).
        mark_sent: the document is being printed: a ``pre_contrato`` is recorded as sent for signature.
    """
    session = uow.session
    template = current_template(session, template_code)
    data = contract_document_context(session, contract_id, uow.today)
    if data.example_company:
        raise BusinessRuleError(company_rules.example_refusal(f"o PDF do contrato {data.contract_number}"),
                                field="empresa")
    pdf, digest = build_pdf(data, template, uow.now)
    path: Path | None = None
    if isinstance(output, str | Path):
        path = Path(output)
        if path.is_dir():
            path = path / file_name(template_code, data.contract_number)
        try:
            write_bytes_atomic(path, pdf)
        except OSError as exc:
            raise BusinessRuleError(
                f"Não foi possível gravar o arquivo {path}: {exc.strerror or exc}. Escolha outra pasta.",
                field="output") from None
    elif output is not None:
        output.write(pdf)
    document = ContractDocument(contract_id=contract_id, template_id=template.id, purpose=purpose, sha256=digest,
                                generated_at=uow.now, generated_by=uow.actor.login)
    session.add(document)
    session.flush()
    uow.audit("contract", contract_id, "document",
              {"modelo": [None, f"{template.code} v{template.version_number}"], "sha256": [None, digest]},
              f"Documento {template.code} v{template.version_number} gerado para o contrato {data.contract_number}")
    if mark_sent:
        record_printed_in(uow, contract_id)
    return GeneratedPdf(contract_id, data.contract_number, pdf, _document_row(document, template), path)


def generate_contract_pdf(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    output: str | Path | BinaryIO | None = None,
    template_code: str = DEFAULT_CONTRACT_TEMPLATE,
    purpose: str = "assinatura",
    mark_sent: bool = False,
) -> GeneratedPdf:
    """Generate the contract PDF, record the `ContractDocument` and commit (see `generate_contract_pdf_in`)."""
    uow.require(Permission.DOCUMENTS_PRINT)
    with uow:
        result = generate_contract_pdf_in(uow, contract_id, output, template_code, purpose, mark_sent)
        uow.commit()
        return result


def record_printed_in(uow: UnitOfWork, contract_id: uuid.UUID) -> bool:
    """A document of the contract was printed: a ``pre_contrato`` is now sent for signature (no commit).

    Returns:
        True when the contract was recorded as sent now (False: not a pre-contract, or already sent).
    """
    contract = uow.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; ele pode ter sido excluído. Atualize a lista.")
    if contract.status != ContractStatus.PRE_CONTRATO or contract.sent_for_signature_at is not None:
        return False
    contract.sent_for_signature_at = uow.now
    uow.audit("contract", contract.id, "sent_for_signature", {"sent_for_signature_at": [None, uow.now]},
              f"Contrato {contract.number} impresso e enviado para assinatura")
    return True


def record_printed(uow: UnitOfWork, contract_id: uuid.UUID) -> bool:
    """Record that the contract's document was printed (see `record_printed_in`) and commit."""
    uow.require(Permission.DOCUMENTS_PRINT)
    with uow:
        changed = record_printed_in(uow, contract_id)
        uow.commit()
        return changed


def mark_signed_in(uow: UnitOfWork, contract_id: uuid.UUID, on_date: date) -> None:
    """The customer signed: record `signed_at` and activate the pre-contract on `on_date` (no commit).

    Raises:
        BusinessRuleError: the contract is not a pre-contract, or the date is in the future.
    """
    contract = uow.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; ele pode ter sido excluído. Atualize a lista.")
    if contract.status != ContractStatus.PRE_CONTRATO:
        label = ContractStatus.label_of(contract.status).lower()
        raise BusinessRuleError(
            f"O contrato {contract.number} está {label}; só um pré-contrato pode ser marcado como assinado.",
            field="status")
    if on_date > uow.today:
        raise BusinessRuleError(
            f"A data de assinatura {format_date(on_date)} está no futuro. Informe a data em que o cliente assinou.",
            field="data")
    contract.signed_at = uow.now
    uow.audit("contract", contract.id, "signed", {"signed_at": [None, uow.now]},
              f"Contrato {contract.number} assinado em {format_date(on_date)}")
    activate_contract_in(uow, contract, on_date)


def mark_signed(uow: UnitOfWork, contract_id: uuid.UUID, on_date: date) -> None:
    """Mark the pre-contract as signed and activate it (see `mark_signed_in`); commit."""
    uow.require(Permission.CONTRACTS_ACTIVATE)
    with uow:
        mark_signed_in(uow, contract_id, on_date)
        uow.commit()


def list_documents(uow: UnitOfWork, contract_id: uuid.UUID) -> list[DocumentRow]:
    """The documents generated for a contract, newest first."""
    with uow:
        rows = uow.session.execute(
            select(ContractDocument, ContractTemplate)
            .join(ContractTemplate, ContractTemplate.id == ContractDocument.template_id)
            .where(ContractDocument.contract_id == contract_id)
            .order_by(ContractDocument.generated_at.desc(), ContractDocument.id.desc())
        ).all()
        return [_document_row(d, t) for d, t in rows]


def contract_id_by_number(uow: UnitOfWork, number: int) -> uuid.UUID:
    """The id of contract `number`.

    Raises:
        NotFound: no such contract.
    """
    with uow:
        return lookups.contract_id_by_number(uow, number)
