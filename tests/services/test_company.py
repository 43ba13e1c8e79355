"""Company data: validated like a customer's, stored unmasked, mirrored on MATRIZ; example PDFs refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import Branch
from ispdesk.domain import company as rules
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import company, parameters
from ispdesk.services.documents import generate_contract_pdf
from tests import factories

MASKED = {
    "empresa_razao_social": "  Rede   Vale Telecomunicações Ltda. ", "empresa_nome_fantasia": "Rede Vale",
    "empresa_cnpj": "27.865.757/0001-02", "empresa_endereco": "Av. Brasil, 1500", "empresa_cidade": "Campinas",
    "empresa_uf": "sp", "empresa_cep": "13015-000", "empresa_telefone": "(19) 3232-1000",
    "empresa_email": "Atendimento@RedeVale.com.br", "empresa_site": "",
}


def _with_check_digits(base: str) -> str:
    """`base` (12 characters) + the two CNPJ check digits (each character counts ord(c) - 48)."""
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        total = sum((ord(c) - 48) * w for c, w in zip(base, weights, strict=True))
        base += str(0 if total % 11 < 2 else 11 - total % 11)
    return base


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12)
       .filter(lambda b: len(set(b)) > 1).map(_with_check_digits))
def test_any_valid_cnpj_is_stored_unmasked_and_shown_masked(cnpj):
    assert rules.normalize_field("empresa_cnpj", mask_document(cnpj)) == cnpj
    assert rules.display_field("empresa_cnpj", cnpj) == mask_document(cnpj)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_a_cnpj_with_wrong_check_digits_is_refused_in_portuguese(cnpj):
    from ispdesk.domain.documents import is_valid_cnpj

    if is_valid_cnpj(cnpj):
        return
    with pytest.raises(BusinessRuleError) as info:
        rules.normalize_field("empresa_cnpj", cnpj)
    assert info.value.field == "empresa_cnpj" and "CNPJ" in info.value.message


@pytest.mark.parametrize(("name", "value", "words"), [
    ("empresa_uf", "XX", "UF “XX” não existe"),
    ("empresa_cep", "1301", "8 dígitos"),
    ("empresa_telefone", "(00) 1234-5678", "DDD 00"),
    ("empresa_email", "atendimento@", "nome@dominio.com.br"),
    ("empresa_razao_social", "  ", "Informe a razão social"),
    ("empresa_cnpj", "529.982.247-25", "14 caracteres"),
])
def test_each_field_says_what_is_wrong(name, value, words):
    with pytest.raises(BusinessRuleError) as info:
        rules.normalize_field(name, value)
    assert words in info.value.message


def test_save_normalises_and_mirrors_the_main_branch(uow):
    assert company.get_company(uow()).example
    row = company.save_company(uow(), MASKED, logo_png=b"\x89PNG\r\n\x1a\n" + b"0" * 10)
    assert not row.example
    assert row.values["empresa_cnpj"] == "27865757000102" and row.values["empresa_cep"] == "13015000"
    assert row.values["empresa_telefone"] == "1932321000" and row.values["empresa_uf"] == "SP"
    assert row.values["empresa_razao_social"] == "Rede Vale Telecomunicações Ltda."
    assert row.values["empresa_email"] == "Atendimento@redevale.com.br"
    assert parameters.get_all(uow())["empresa_cnpj"] == "27865757000102"
    with uow() as u:
        branch = u.session.scalars(select(Branch).where(Branch.code == "MATRIZ")).one()
        assert (branch.legal_name, branch.cnpj, branch.city, branch.state) == (
            "Rede Vale Telecomunicações Ltda.", "27865757000102", "Campinas", "SP")
        assert branch.logo_png is not None


def test_invalid_fields_refused_together_and_nothing_saved(uow):
    with pytest.raises(ValidationError) as info:
        company.save_company(uow(), {**MASKED, "empresa_cnpj": "27.865.757/0001-03", "empresa_uf": "ZZ"})
    assert set(info.value.errors) == {"empresa_cnpj", "empresa_uf"}
    assert company.get_company(uow()).example
    with pytest.raises(ValidationError) as info:
        parameters.update(uow(), {"empresa_cep": "123"})
    assert "8 dígitos" in info.value.errors["empresa_cep"]


def test_logo_must_be_a_png_and_attendant_cannot_save(uow, attendant):
    with pytest.raises(ValidationError) as info:
        company.save_company(uow(), MASKED, logo_png=b"GIF89a....")
    assert "PNG ou JPEG" in info.value.errors["logo"]
    with pytest.raises(PermissionDenied):
        company.save_company(uow(attendant), MASKED)


def test_contract_pdf_refused_while_company_is_the_example(uow):
    with uow() as u:
        contract = factories.make_contract(u.session)
        u.commit()
    with pytest.raises(BusinessRuleError) as info:
        generate_contract_pdf(uow(), contract.id)
    assert "dados da empresa ainda são os do exemplo" in info.value.message
    assert "Configurações › Parâmetros › Empresa" in info.value.message
    company.save_company(uow(), MASKED)
    assert generate_contract_pdf(uow(), contract.id).pdf.startswith(b"%PDF")
