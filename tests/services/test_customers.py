"""Customer rules under the general parameters, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, Customer
from ispdesk.domain.contact import VALID_DDDS
from ispdesk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params_service
from ispdesk.services.users import verify_password
from tests.factories import make_charge, make_contract, make_customer

CPF = "529.982.247-25"
CPF2 = "111.444.777-35"
CNPJ_ALNUM = "12.ABC.345/01DE-35"


def draft(**kw: object) -> cs.CustomerDraft:
    values: dict[str, object] = dict(name="Maria da Conceição", document=CPF, email="maria@example.com",
                                     mobile="(11) 98765-4321")
    values.update(kw)
    return cs.CustomerDraft(**values)  # type: ignore[arg-type]


def set_params(uow, **values: object) -> None:
    params_service.update(uow(), values)


def errors_of(uow, d: cs.CustomerDraft) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        cs.create_customer(uow(), d)
    return info.value.errors


def test_create_normalises_and_audits(uow) -> None:
    result = cs.create_customer(uow(), draft(
        name="  Maria   da Conceição ", email="Maria@EXAMPLE.com", phone="(11) 3456-7890", cep="01310-100",
        state="sp", rg_ie="mg-12.345", portal_login="maria", portal_password="segredo1",
        birth_date=date(1980, 5, 17)))
    row = result.customer
    assert result.warnings == ()
    assert (row.code, row.person_type, row.name, row.document) == (1, "F", "Maria da Conceição", "52998224725")
    assert (row.mobile, row.phone, row.cep, row.state, row.email) == (
        "11987654321", "1134567890", "01310100", "SP", "Maria@example.com")
    assert (row.document_masked, row.mobile_masked, row.phone_masked, row.cep_masked) == (
        CPF, "(11) 98765-4321", "(11) 3456-7890", "01310-100")
    assert row.has_portal_password and row.version == 1 and row.created_by == "admin"
    with uow() as u:
        stored = u.session.get(Customer, row.id)
        assert stored.name_folded == "maria da conceicao"
        assert stored.email_folded == "maria@example.com"
        assert stored.portal_password_hash.startswith("$argon2")
        assert verify_password(stored.portal_password_hash, "segredo1")
        entry = u.session.scalar(select(AuditEntry).where(AuditEntry.entity_id == str(row.id)))
    changes = json.loads(entry.changes)
    assert entry.action == "create" and entry.actor == "admin"
    assert changes["nome"] == [None, "Maria da Conceição"]
    assert changes["cpf_cnpj"] == [None, CPF]
    assert changes["hotsite_senha"] == [None, "***"]
    assert "segredo1" not in entry.changes and "argon2" not in entry.changes
    second = cs.create_customer(uow(), draft(document=CPF2, name="Outra"))
    assert second.customer.code == 2


def test_to_draft_round_trips_without_password(uow) -> None:
    row = cs.create_customer(uow(), draft(portal_login="m1", portal_password="segredo1")).customer
    d = row.to_draft()
    assert d.portal_password is None and d.document == CPF and d.mobile == "(11) 98765-4321"
    same = cs.update_customer(uow(), row.id, d, row.version)
    assert same.customer.version == row.version  # nothing changed, nothing written
    assert same.customer.has_portal_password


def test_required_fields_follow_parameters(uow) -> None:
    errors = errors_of(uow, cs.CustomerDraft(name=""))
    assert set(errors) == {"nome", "cpf_cnpj", "email", "celular"}
    assert "CPF/CNPJ obrigatório" in errors["cpf_cnpj"]
    set_params(uow, cpf_cnpj_obrigatorio=False, email_obrigatorio=False, celular_obrigatorio=False)
    row = cs.create_customer(uow(), cs.CustomerDraft(name="Só o Nome")).customer
    assert row.document == "" and row.person_type == "F"


def test_hotsite_required_means_login_and_password_on_create(uow) -> None:
    set_params(uow, hotsite_obrigatorio=True)
    errors = errors_of(uow, draft())
    assert set(errors) == {"hotsite_login", "hotsite_senha"}
    errors = errors_of(uow, draft(portal_login="maria"))
    assert set(errors) == {"hotsite_senha"}
    row = cs.create_customer(uow(), draft(portal_login="maria", portal_password="segredo1")).customer
    # On update the stored password is kept when none is typed.
    updated = cs.update_customer(uow(), row.id, replace(row.to_draft(), city="Campinas"), row.version).customer
    assert updated.city == "Campinas" and updated.has_portal_password


@pytest.mark.parametrize(
    ("document", "person_type", "message"),
    [
        ("529.982.247-24", None, "dígitos verificadores"),
        ("111.111.111-11", None, "inválido"),
        ("123", None, "nem CNPJ"),
        (CPF, "J", "14 caracteres"),
        ("11.222.333/0001-81", "F", "11 dígitos"),
    ],
)
def test_invalid_documents(uow, document: str, person_type: str | None, message: str) -> None:
    errors = errors_of(uow, draft(document=document, person_type=person_type))
    assert message in errors["cpf_cnpj"]


def test_alphanumeric_cnpj_and_inferred_person_type(uow) -> None:
    row = cs.create_customer(uow(), draft(name="Empresa Nova Ltda", document=CNPJ_ALNUM.lower())).customer
    assert row.document == "12ABC34501DE35" and row.person_type == "J"
    assert row.document_masked == CNPJ_ALNUM
    errors = errors_of(uow, draft(person_type="X"))
    assert "F (pessoa física) ou J" in errors["tipo_pessoa"]


def test_duplicate_document_refused_naming_the_existing_customer(uow) -> None:
    first = cs.create_customer(uow(), draft(name="Primeiro Cliente")).customer
    errors = errors_of(uow, draft(name="Segundo", document="52998224725"))
    msg = errors["cpf_cnpj"]
    assert f"código {first.code}" in msg and "Primeiro Cliente" in msg and "ativo" in msg
    assert "inativo" not in msg and "débito" not in msg


def test_duplicate_message_flags_inactive_and_open_debt(uow, clock) -> None:
    with uow() as u:
        old = make_customer(u.session, "Devedor Antigo", document="52998224725", status="inativo")
        contract = make_contract(u.session, old)
        make_charge(u.session, contract, date(2026, 10, 10))
        old_code = old.code
        u.commit()
    msg = errors_of(uow, draft(name="Novo"))["cpf_cnpj"]
    assert f"código {old_code}" in msg
    assert "inativo e com débito em aberto" in msg


def test_duplicate_allowed_by_parameter_warns(uow) -> None:
    cs.create_customer(uow(), draft(name="Primeiro"))
    set_params(uow, aceitar_cpf_cnpj_duplicado=True)
    result = cs.create_customer(uow(), draft(name="Segundo"))
    assert result.customer.code == 2
    assert len(result.warnings) == 1 and "Primeiro" in result.warnings[0]


def test_open_debt_only_counts_open_charges_past_due(uow) -> None:
    with uow() as u:
        customer = make_customer(u.session)
        contract = make_contract(u.session, customer)
        make_charge(u.session, contract, date(2026, 12, 10))  # not due yet
        make_charge(u.session, contract, date(2026, 9, 10), status="paga")
        assert not cs.customer_has_open_debt(u.session, customer.id, date(2026, 11, 27))
        make_charge(u.session, contract, date(2026, 10, 10))
        assert cs.customer_has_open_debt(u.session, customer.id, date(2026, 11, 27))
        assert not cs.customer_has_open_debt(u.session, customer.id, date(2026, 10, 10))


@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        ("mobile", "(10) 98765-4321", "celular", "DDD 10"),
        ("mobile", "(11) 8765-4321", "celular", "11 dígitos"),
        ("mobile", "(11) 88765-4321", "celular", "começa com 9"),
        ("phone", "123", "telefone", "10 ou 11"),
        ("email", "maria@", "email", "inválido"),
        ("secondary_email", "x@y", "email_secundario", "inválido"),
        ("cep", "123", "cep", "8 dígitos"),
        ("state", "XX", "uf", "não existe"),
        ("birth_date", date(2026, 11, 28), "data_nascimento", "futuro"),
        ("status", "suspenso", "status", "ativo ou inativo"),
        ("portal_password", "123", "hotsite_senha", "pelo menos 6"),
        ("portal_login", "com espaço", "hotsite_login", "espaços"),
        ("name", "x" * 201, "nome", "200 caracteres"),
    ],
)
def test_field_rules(uow, field: str, value: object, key: str, message: str) -> None:
    extra = {"portal_login": "login1"} if field == "portal_password" else {}
    errors = errors_of(uow, draft(**{field: value}, **extra))
    assert message in errors[key], errors


def test_birth_date_today_is_accepted(uow) -> None:
    assert cs.create_customer(uow(), draft(birth_date=date(2026, 11, 27))).customer.birth_date == date(2026, 11, 27)


def test_portal_login_unique_names_the_owner(uow) -> None:
    owner = cs.create_customer(uow(), draft(name="Dona do Login", portal_login="fibra1",
                                            portal_password="segredo1")).customer
    errors = errors_of(uow, draft(document=CPF2, portal_login="fibra1"))
    assert f"código {owner.code}" in errors["hotsite_login"] and "Dona do Login" in errors["hotsite_login"]


def test_check_draft_runs_the_same_checks_without_saving(uow) -> None:
    bad = draft(email="x", state="ZZ")
    errors, warnings = cs.check_draft(uow(), bad)
    assert errors == errors_of(uow, bad)
    assert warnings == []
    row = cs.create_customer(uow(), draft()).customer
    # Editing the customer itself is not a duplicate of itself.
    assert cs.check_draft(uow(), row.to_draft(), row.id) == ({}, [])
    assert "cpf_cnpj" in cs.check_draft(uow(), row.to_draft())[0]


def test_permissions(uow, attendant, finance) -> None:
    row = cs.create_customer(uow(attendant), draft()).customer
    with pytest.raises(PermissionDenied):
        cs.create_customer(uow(finance), draft(document=CPF2))
    with pytest.raises(PermissionDenied):
        cs.update_customer(uow(finance), row.id, row.to_draft(), row.version)
    assert cs.get_customer(uow(finance), row.id).name == row.name
    assert cs.search_customers(uow(finance), "maria")


def test_update_audits_before_and_after(uow, attendant) -> None:
    row = cs.create_customer(uow(), draft(portal_login="maria", portal_password="segredo1")).customer
    new = replace(row.to_draft(), name="Maria Souza", mobile="21 99876-5432", portal_password="outrasenha")
    saved = cs.update_customer(uow(attendant), row.id, new, row.version).customer
    assert saved.version == row.version + 1 and saved.updated_by == "atendente" and saved.mobile == "21998765432"
    with uow() as u:
        entry = u.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(row.id),
                                                           AuditEntry.action == "update")).one()
        stored = u.session.get(Customer, row.id)
        assert verify_password(stored.portal_password_hash, "outrasenha")
        assert stored.name_folded == "maria souza"
    changes = json.loads(entry.changes)
    assert changes == {"nome": ["Maria da Conceição", "Maria Souza"],
                       "celular": ["(11) 98765-4321", "(21) 99876-5432"],
                       "hotsite_senha": ["***", "***"]}
    assert entry.actor == "atendente"


def test_conflict_shows_what_the_other_user_changed(uow, attendant) -> None:
    loaded = cs.get_customer(uow(), cs.create_customer(uow(), draft()).customer.id)
    cs.update_customer(uow(attendant), loaded.id, replace(loaded.to_draft(), city="Campinas"), loaded.version)
    with pytest.raises(ConflictError) as info:
        cs.update_customer(uow(), loaded.id, replace(loaded.to_draft(), name="Meu Nome"), loaded.version)
    assert "atendente" in info.value.message and "cidade: (vazio) → Campinas" in info.value.message
    assert any("Campinas" in line for line in info.value.changes)
    assert cs.get_customer(uow(), loaded.id).name == "Maria da Conceição"


def test_get_unknown_customer(uow) -> None:
    import uuid

    with pytest.raises(NotFound):
        cs.get_customer(uow(), uuid.uuid4())


_mobile_text = st.text(alphabet="0123456789()- +", max_size=16)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mobile=_mobile_text)
def test_mobile_parsing_property(uow, mobile: str) -> None:
    errors, _ = cs.check_draft(uow(), draft(mobile=mobile))
    digits = "".join(c for c in mobile if c.isdigit())
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if not mobile.strip():
        assert "celular" in errors
    elif "celular" not in errors:
        assert len(digits) == 11 and digits[2] == "9"
    else:
        assert not (len(digits) == 11 and digits[2] == "9" and int(digits[:2]) in VALID_DDDS)


def test_conflict_detected_at_write_time(uow, attendant) -> None:
    """Another station saves between our read and our write: the versioned UPDATE matches nothing."""
    row = cs.create_customer(uow(), draft()).customer
    mine = uow()
    with mine:
        mine.session.get(Customer, row.id)  # loaded at version 1 in this unit of work
        cs.update_customer(uow(attendant), row.id, replace(row.to_draft(), city="Santos"), row.version)
        with pytest.raises(ConflictError) as info:
            cs.update_customer_in(mine, row.id, replace(row.to_draft(), name="Outro Nome"), row.version)
    assert "cidade: (vazio) → Santos" in info.value.message
    stored = cs.get_customer(uow(), row.id)
    assert (stored.name, stored.city, stored.version) == ("Maria da Conceição", "Santos", 2)
