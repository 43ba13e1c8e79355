"""Contract PDFs: every variable filled, accents, money in words, page numbers, verification code."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, Branch, Contract, ContractDocument
from ispdesk.domain.errors import BusinessRuleError, NotFound, PermissionDenied
from ispdesk.services import documents
from ispdesk.services.documents import generate_contract_pdf, mark_signed, record_printed
from tests import factories


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def scenario(uow, real_company):
    with uow() as u:
        customer = factories.make_customer(
            u.session, name="João Açaí da Conceição", document="52998224725", rg_ie="12.345.678-9",
            phone="1134567890", complement="apto. 12", email="joao.acai@example.com",
        )
        plan = factories.make_plan(u.session, code="FIBRA-500", price="129.90", name="Fibra 500 Mega",
                                   download_mbps=500, upload_mbps=250, adjustment_rule="IPCA acumulado em 12 meses")
        contract = factories.make_contract(u.session, customer=customer, plan=plan, activated_on=None,
                                           value=Decimal("1234.56"), due_day=15)
        u.commit()
        return contract.id, contract.number


def test_contract_pdf_fills_every_variable(uow, scenario, tmp_path):
    contract_id, number = scenario
    out = tmp_path / "contrato.pdf"
    result = generate_contract_pdf(uow(), contract_id, out)
    assert out.read_bytes() == result.pdf
    text, pages = pdf_text(result.pdf)
    flat = squash(text)
    assert "{{" not in text and "{%" not in text and "\x01" not in text
    # customer, masked documents and phones, accents
    assert "João Açaí da Conceição" in flat
    assert "529.982.247-25" in flat
    assert "(11) 98765-4321 / (11) 3456-7890" in flat
    assert "CEP 01310-100" in flat
    assert "RG nº 12.345.678-9" in flat
    # money in figures and in words (CNPJ of the company, masked)
    assert "R$ 1.234,56 (mil duzentos e trinta e quatro reais e cinquenta e seis centavos)" in flat
    assert "R$ 600,00 (seiscentos reais)" in flat
    assert "27.865.757/0001-02" in flat
    # plan offer code, speeds and adjustment rule
    assert "FIBRA-500" in flat and "500 Mbps de download e 250 Mbps de upload" in flat
    assert "IPCA acumulado em 12 meses" in flat
    assert "dia 15 de cada mês" in flat
    assert "12 (doze) meses" in flat
    assert "CLÁUSULA 1ª — DO OBJETO" in flat
    assert "CLÁUSULA 10ª — DO FORO" in flat
    assert "Campinas, 27 de novembro de 2026" in flat
    # page numbers and footer
    assert pages >= 3
    for n in range(1, pages + 1):
        assert f"página {n} de {pages}" in flat
    assert f"Contrato nº {number} · Modelo contrato_padrao v1" in flat
    code = result.document.verification_code
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", code)
    assert flat.count(f"Código de verificação: {code}") == pages
    assert result.document.sha256.upper().startswith(code.replace("-", ""))


def test_same_input_same_bytes_and_document_recorded(uow, scenario):
    contract_id, _ = scenario
    first = generate_contract_pdf(uow(), contract_id)
    second = generate_contract_pdf(uow(), contract_id)
    assert first.pdf == second.pdf
    assert first.document.sha256 == second.document.sha256
    rows = documents.list_documents(uow(), contract_id)
    assert len(rows) == 2 and rows[0].template_code == "contrato_padrao" and rows[0].template_version == 1
    with uow() as u:
        audits = u.session.scalars(select(AuditEntry).where(AuditEntry.action == "document")).all()
        assert len(audits) == 2


def test_loyalty_term_and_fine_rule(uow, scenario):
    contract_id, _ = scenario
    result = generate_contract_pdf(uow(), contract_id, template_code="termo_fidelidade")
    flat = squash(pdf_text(result.pdf)[0])
    assert "TERMO DE FIDELIDADE" in flat
    assert "multa = benefício × dias restantes ÷ dias de fidelidade" in flat
    assert "benefício de R$ 600,00 × dias restantes da fidelidade ÷ 365 dias de fidelidade" in flat
    assert "Modelo termo_fidelidade v1" in flat


def test_branch_data_and_company_cnpj(uow, scenario):
    contract_id, _ = scenario
    with uow() as u:
        branch = Branch(code="F2", legal_name="Fibra Rápida Comunicações S.A.", trade_name="Fibra Rápida",
                        cnpj="12ABC34501DE35", address="Rua Ângelo, 5", city="Maceió", state="AL", cep="57000000",
                        phone="8232221111", email="contato@fibra.example")
        u.session.add(branch)
        u.session.flush()
        u.session.get(Contract, contract_id).branch_id = branch.id
        u.commit()
    flat = squash(pdf_text(generate_contract_pdf(uow(), contract_id).pdf)[0])
    assert "Fibra Rápida Comunicações S.A." in flat
    assert "12.ABC.345/01DE-35" in flat
    assert "Maceió, 27 de novembro de 2026" in flat
    assert "(82) 3222-1111" in flat and "CEP 57000-000" in flat


def test_printing_pre_contract_records_sent_then_signed_activates(uow, scenario, attendant, clock):
    contract_id, _ = scenario
    generate_contract_pdf(uow(attendant), contract_id, mark_sent=True)
    with uow() as u:
        contract = u.session.get(Contract, contract_id)
        assert contract.sent_for_signature_at is not None and contract.status == "pre_contrato"
    assert record_printed(uow(attendant), contract_id) is False  # already sent: kept
    mark_signed(uow(attendant), contract_id, date(2026, 11, 26))
    with uow() as u:
        contract = u.session.get(Contract, contract_id)
        assert contract.status == "ativo"
        assert contract.activated_on == date(2026, 11, 26)
        assert contract.signed_at is not None
    with pytest.raises(BusinessRuleError, match="só um pré-contrato"):
        mark_signed(uow(attendant), contract_id, date(2026, 11, 26))


def test_signed_date_in_future_refused(uow, scenario):
    contract_id, _ = scenario
    with pytest.raises(BusinessRuleError, match="no futuro"):
        mark_signed(uow(), contract_id, date(2026, 12, 1))


def test_permission_and_not_found(uow, scenario, finance):
    contract_id, _ = scenario
    from ispdesk.domain.permissions import Role
    from ispdesk.services.uow import Actor

    nobody = Actor(login="x", role=Role.ATENDIMENTO, permissions=frozenset())
    with pytest.raises(PermissionDenied):
        generate_contract_pdf(uow(nobody), contract_id)
    with pytest.raises(PermissionDenied):
        mark_signed(uow(finance), contract_id, date(2026, 11, 27))
    with pytest.raises(NotFound):
        documents.contract_id_by_number(uow(), 999999)
    with uow() as u:
        assert u.session.scalars(select(ContractDocument)).all() == []


def test_customer_without_optional_data_prints_nao_informado(uow, real_company):
    with uow() as u:
        customer = factories.make_customer(u.session, name="Empresa Ômega Ltda.", person_type="J",
                                           document="11444777000161", mobile=None, email=None)
        contract = factories.make_contract(u.session, customer=customer, loyalty_months=0)
        u.commit()
        contract_id = contract.id
    flat = squash(pdf_text(generate_contract_pdf(uow(), contract_id).pdf)[0])
    assert "Empresa Ômega Ltda., pessoa jurídica, inscrito(a) no CNPJ sob o nº 11.444.777/0001-61" in flat
    assert "com sede em" in flat
    assert "telefone não informado" in flat
    assert "não possui prazo de permanência" in flat
    assert "CNPJ 11.444.777/0001-61" in flat


_LATIN = "abcdefghijklmnopqrstuvwxyzáàâãéêíóôõúüçñÁÀÂÃÉÊÍÓÔÕÚÜÇÑ'-"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=_LATIN, min_size=2, max_size=12), min_size=2, max_size=4).map(" ".join))
def test_any_accented_name_survives_into_the_pdf(name):
    from ispdesk.domain.template_engine import compile_template, parse_blocks, sample_context
    from ispdesk.reports.contract_pdf import ContractPdf, Signatory, render_contract_pdf

    ctx = dict(sample_context(), **{"cliente.nome": name})
    blocks = tuple(parse_blocks(compile_template("# Teste\n\nCliente: {{ cliente.nome }}.").render(ctx)))
    pdf = render_contract_pdf(ContractPdf("t", blocks, "Empresa", "CNPJ", None, "ref", "0000-0000-0000-0000",
                                          (Signatory("ASSINANTE", name, "CPF 529.982.247-25"),)))
    text = squash(pdf_text(pdf)[0])
    assert f"Cliente: {squash(name)}." in text
    assert text.count(squash(name)) >= 2  # body and signature line
