"""Templates service: seeded once, versions, permission, validation named, audit, preview."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, ContractTemplate
from ispdesk.domain.errors import BusinessRuleError, NotFound, PermissionDenied, ValidationError
from ispdesk.domain.template_engine import TemplateError
from ispdesk.services import templates
from ispdesk.services.bootstrap import ensure_reference_data
from ispdesk.services.documents import generate_contract_pdf
from tests import factories


def test_seed_is_idempotent(factory, uow):
    ensure_reference_data(factory)
    ensure_reference_data(factory)
    rows = templates.list_templates(uow())
    assert [(r.code, r.version_number, r.kind) for r in sorted(rows, key=lambda r: r.code)] == [
        ("contrato_padrao", 1, "contrato"), ("termo_fidelidade", 1, "termo")]
    with uow() as u:
        assert len(u.session.scalars(select(ContractTemplate)).all()) == 2


def test_save_new_version_is_used_by_next_documents(uow):
    body = templates.get_template(uow(), "contrato_padrao").body
    row = templates.save_template(uow(), "contrato_padrao", body.replace("DAS PARTES", "Das partes").replace(
        "# Contrato de Prestação", "# Contrato Revisado de Prestação"))
    assert row.version_number == 2 and row.name == "Contrato padrão (SCM)" and row.created_by == "admin"
    assert [v.version_number for v in templates.versions(uow(), "contrato_padrao")] == [2, 1]
    assert templates.get_template(uow(), "contrato_padrao", 1).body == body
    with uow() as u:
        factories.set_real_company(u.session)
        audit = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "contract_template")).one()
        assert audit.action == "new_version" and "versão 2" in audit.summary
        contract = factories.make_contract(u.session)
        u.commit()
        cid = contract.id
    result = generate_contract_pdf(uow(), cid)
    assert result.document.template_version == 2
    text = PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text()
    assert "CONTRATO REVISADO DE PRESTAÇÃO" in text


def test_new_template_code(uow):
    row = templates.save_template(uow(), "aditivo_velocidade", "# Aditivo\n\n## Da velocidade\n\n+ Nova: "
                                  "{{ plano.velocidades }}.", name="Aditivo de velocidade", kind="termo")
    assert row.version_number == 1
    assert "aditivo_velocidade" in {r.code for r in templates.list_templates(uow())}


def test_validation_and_permission(uow, attendant):
    with pytest.raises(PermissionDenied):
        templates.save_template(uow(attendant), "contrato_padrao", "# X")
    with pytest.raises(TemplateError, match="cliente.apelido"):
        templates.save_template(uow(), "contrato_padrao", "Oi {{ cliente.apelido }}")
    with pytest.raises(ValidationError, match="vazio"):
        templates.save_template(uow(), "contrato_padrao", "   ")
    with pytest.raises(ValidationError, match="nome"):
        templates.save_template(uow(), "novo_modelo", "# Novo", kind="termo")
    with pytest.raises(ValidationError, match="Código"):
        templates.save_template(uow(), "com espaço", "# Novo", name="N", kind="termo")
    body = templates.get_template(uow(), "termo_fidelidade").body
    with pytest.raises(BusinessRuleError, match="Nada mudou"):
        templates.save_template(uow(), "termo_fidelidade", body)
    with pytest.raises(NotFound, match="contrato_padrao"):
        templates.get_template(uow(), "inexistente")
    assert [v.version_number for v in templates.versions(uow(), "contrato_padrao")] == [1]


def test_preview_uses_sample_contract():
    pdf = templates.preview_pdf("# Prévia\n\nCliente {{ cliente.nome }}, {{ contrato.valor_completo }}.", "x", 3)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Maria José da Conceição" in text
    assert "noventa e nove reais e noventa centavos" in text
    assert "EXEMPLO — modelo x v3" in text
