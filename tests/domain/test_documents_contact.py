import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.contact import mask_phone, normalize_cep, normalize_email, normalize_mobile
from ispdesk.domain.documents import (
    PersonType,
    generate_cnpj,
    generate_cpf,
    mask_document,
    normalize_document,
    validate_document,
)
from ispdesk.domain.errors import BusinessRuleError


def test_alphanumeric_cnpj_official_example():
    doc, kind = validate_document("12.ABC.345/01DE-35")
    assert doc == "12ABC34501DE35" and kind is PersonType.JURIDICA
    assert validate_document("12.abc.345/01de-35")[0] == "12ABC34501DE35"
    assert mask_document(doc) == "12.ABC.345/01DE-35"


def test_cpf_valid_and_invalid():
    assert validate_document("529.982.247-25") == ("52998224725", PersonType.FISICA)
    with pytest.raises(BusinessRuleError, match="dígitos verificadores"):
        validate_document("529.982.247-26")
    with pytest.raises(BusinessRuleError, match="inválido"):
        validate_document("111.111.111-11")
    with pytest.raises(BusinessRuleError, match="nem CNPJ"):
        validate_document("1234")


def test_person_type_mismatch_explains():
    with pytest.raises(BusinessRuleError, match="pessoa física"):
        validate_document("11.222.333/0001-81", PersonType.FISICA)


def _cpf_from(base: list[int]) -> str:
    digits = list(base)
    for size in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(size + 1, 1, -1), strict=False))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    return "".join(map(str, digits))


cpfs = st.lists(st.integers(0, 9), min_size=9, max_size=9).filter(lambda d: len(set(d)) > 1).map(_cpf_from)


@given(cpfs)
def test_cpfs_validate_masked_or_not(cpf):
    masked = mask_document(cpf)
    assert validate_document(masked)[0] == cpf
    assert normalize_document(masked) == cpf


def test_generated_documents_validate():
    for _ in range(200):
        cnpj, cpf = generate_cnpj(), generate_cpf()
        assert validate_document(mask_document(cnpj)) == (cnpj, PersonType.JURIDICA)
        assert validate_document(cpf) == (cpf, PersonType.FISICA)


@given(st.text(max_size=20))
def test_validate_document_never_crashes(text):
    try:
        doc, _ = validate_document(text)
    except BusinessRuleError as exc:
        assert exc.field == "cpf_cnpj"
    else:
        assert len(doc) in (11, 14)


def test_mobile_rules():
    assert normalize_mobile("(11) 98765-4321") == "11987654321"
    assert normalize_mobile("+55 11 98765-4321") == "11987654321"
    with pytest.raises(BusinessRuleError, match="DDD 20"):
        normalize_mobile("(20) 98765-4321")
    with pytest.raises(BusinessRuleError, match="começa com 9"):
        normalize_mobile("(11) 88765-4321")
    with pytest.raises(BusinessRuleError, match="11 dígitos"):
        normalize_mobile("98765-4321")
    assert mask_phone("11987654321") == "(11) 98765-4321"


@given(st.text(max_size=30))
def test_mobile_parser_total(text):
    try:
        number = normalize_mobile(text)
    except BusinessRuleError:
        return
    assert len(number) == 11 and number[2] == "9" and number.isdigit()


def test_email_and_cep():
    assert normalize_email(" Ana@Provedor.COM.br ") == "Ana@provedor.com.br"
    for bad in ["ana", "ana@", "ana@x", "a b@x.com", "ana@@x.com", "ana..b@x.com"]:
        with pytest.raises(BusinessRuleError):
            normalize_email(bad)
    assert normalize_cep("01310-100") == "01310100"
    with pytest.raises(BusinessRuleError):
        normalize_cep("123")


@given(st.emails())
def test_valid_emails_accepted(email):
    try:
        normalize_email(email)
    except BusinessRuleError:
        # hypothesis may produce IDNA or single-label forms we deliberately refuse
        assert "." not in email.rpartition("@")[2] or not email.isascii() or len(email) > 254 or ".." in email
