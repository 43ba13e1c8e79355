"""Contracts service: create, defaults, activation, renewal, editing, loyalty rules, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ispdesk.db.models import Contract
from ispdesk.domain.errors import BusinessRuleError, ConflictError, PermissionDenied, ValidationError
from ispdesk.services import audit, contracts
from ispdesk.services import parameters as params_service
from ispdesk.services.contracts import ContractDraft
from tests.factories import make_charge, make_customer, make_plan


@pytest.fixture
def setup(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        customer = make_customer(u.session, "João da Silva")
        company = make_customer(u.session, "Empresa XPTO Ltda", person_type="J", document="11222333000181")
        plan = make_plan(u.session, "FIBRA-300", "99.90", loyalty_months=12, loyalty_benefit=Decimal("600.00"))
        plain = make_plan(u.session, "FIBRA-100", "79.90", loyalty_months=0, loyalty_benefit=Decimal("0"))
        u.commit()
        return {"customer": customer.id, "company": company.id, "plan": plan.id, "plain": plain.id}


def test_create_with_activation_is_active_with_defaults(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = contracts.create_contract(uow(), ContractDraft(
        customer_id=setup["customer"], plan_code="fibra-300", activated_on=date(2026, 1, 31),
        inclusion_reason="NOVO", payment_term="MENSAL", billing_type="PIX"))
    assert row.status == "ativo"
    assert row.access_status == "normal"
    assert row.value == Decimal("99.90")
    assert row.billing_base_date == date(2026, 1, 31)
    assert row.due_day == 10
    assert (row.loyalty_months, row.loyalty_benefit) == (12, Decimal("600.00"))
    assert row.loyalty_expires_on == date(2027, 1, 31)
    assert row.paid_until is None
    assert (row.inclusion_reason_code, row.payment_term_code, row.billing_type_code) == ("NOVO", "MENSAL", "PIX")
    assert row.customer_name == "João da Silva"
    assert row.plan_code == "FIBRA-300"
    assert row.branch_code == "MATRIZ"
    history = audit.history(uow(), "contract", row.id)
    assert history[0].action == "create"
    assert history[0].changes["plano"] == [None, "FIBRA-300"]


def test_numbers_are_sequential(uow, setup) -> None:  # type: ignore[no-untyped-def]
    draft = ContractDraft(setup["customer"], plan_id=setup["plan"], inclusion_reason="NOVO")
    a = contracts.create_contract(uow(), draft)
    b = contracts.create_contract(uow(), draft)
    assert b.number == a.number + 1
    assert contracts.get_contract_by_number(uow(), str(b.number)).id == b.id


def test_without_activation_is_pre_contract_then_activation(uow, setup, clock) -> None:  # type: ignore[no-untyped-def]
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO", due_day=5))
    assert row.status == "pre_contrato"
    assert row.activated_on is row.billing_base_date is row.loyalty_expires_on is None
    active = contracts.activate_contract(uow(), row.id, date(2026, 11, 20))
    assert active.status == "ativo"
    assert active.activated_on == active.billing_base_date == date(2026, 11, 20)
    assert active.loyalty_expires_on == date(2027, 11, 20)
    with pytest.raises(BusinessRuleError, match="nunca muda"):
        contracts.activate_contract(uow(), row.id, date(2026, 11, 21))
    assert [h.action for h in audit.history(uow(), "contract", row.id)] == ["activate", "create"]


def test_activation_never_in_future(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="futura"):
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       inclusion_reason="NOVO", activated_on=date(2026, 11, 28)))
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO"))
    with pytest.raises(ValidationError, match="futura"):
        contracts.activate_contract(uow(), row.id, date(2026, 12, 1))


def test_typed_values_override_defaults_and_base_date_not_before_activation(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = contracts.create_contract(uow(), ContractDraft(
        setup["customer"], plan_id=setup["plan"], value=Decimal("89.91"), activated_on=date(2026, 3, 1),
        billing_base_date=date(2026, 3, 15), due_day=28, loyalty_months=6, loyalty_benefit=Decimal("120"),
        inclusion_reason="MIGRACAO", notes="  instalado em fibra  "))
    assert row.value == Decimal("89.91")
    assert row.billing_base_date == date(2026, 3, 15)
    assert row.loyalty_expires_on == date(2026, 9, 1)
    assert row.notes == "instalado em fibra"
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       activated_on=date(2026, 3, 10),
                                                       billing_base_date=date(2026, 3, 1), inclusion_reason="NOVO"))
    assert info.value.field == "data_base_financeira"


@pytest.mark.parametrize("day", [0, 29, 31, -1])
def test_due_day_between_1_and_28(uow, setup, day: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"], due_day=day,
                                                       inclusion_reason="NOVO"))
    assert info.value.field == "dia_vencimento"


def test_due_day_default_from_parameter(uow, setup) -> None:  # type: ignore[no-untyped-def]
    params_service.update(uow(), {"dia_vencimento_padrao": 20})
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO"))
    assert row.due_day == 20


def test_inclusion_reason_mandatory_by_parameter(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"]))
    assert info.value.field == "motivo_inclusao"
    params_service.update(uow(), {"motivo_inclusao_obrigatorio": False})
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"]))
    assert row.inclusion_reason_code is None
    with pytest.raises(BusinessRuleError, match="NOVO"):
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       inclusion_reason="XYZ"))


def test_loyalty_defaults_from_parameters_when_plan_has_none(uow, setup) -> None:  # type: ignore[no-untyped-def]
    params_service.update(uow(), {"fidelidade_meses_padrao": 6, "beneficio_fidelidade_padrao": Decimal("150.00")})
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plain"],
                                                         inclusion_reason="NOVO", activated_on=date(2026, 8, 31)))
    assert (row.loyalty_months, row.loyalty_benefit) == (6, Decimal("150.00"))
    assert row.loyalty_expires_on == date(2027, 2, 28)


def test_anatel_refuses_more_than_12_months_for_consumer_only(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BusinessRuleError, match="Anatel") as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       loyalty_months=13, inclusion_reason="NOVO"))
    assert info.value.field == "fidelidade_meses"
    row = contracts.create_contract(uow(), ContractDraft(setup["company"], plan_id=setup["plan"],
                                                         loyalty_months=24, inclusion_reason="NOVO"))
    assert row.loyalty_months == 24


def test_needs_active_customer_and_active_plan(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        inactive_plan = make_plan(u.session, "VELHO-10", "49.90", active=False)
        inactive_customer = make_customer(u.session, "Inativo", status="inativo")
        u.commit()
    with pytest.raises(BusinessRuleError, match="inativo") as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=inactive_plan.id,
                                                       inclusion_reason="NOVO"))
    assert info.value.field == "plano"
    with pytest.raises(BusinessRuleError, match="só cliente ativo") as info:
        contracts.create_contract(uow(), ContractDraft(inactive_customer.id, plan_id=setup["plan"],
                                                       inclusion_reason="NOVO"))
    assert info.value.field == "cliente"


def test_permissions(uow, setup, finance, attendant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        contracts.create_contract(uow(finance), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                              inclusion_reason="NOVO"))
    row = contracts.create_contract(uow(attendant), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                                  inclusion_reason="NOVO"))
    with pytest.raises(PermissionDenied):
        contracts.activate_contract(uow(finance), row.id, date(2026, 11, 1))
    assert contracts.get_contract(uow(finance), row.id).number == row.number


def test_nothing_half_written_on_refusal(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BusinessRuleError):
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       loyalty_months=13, inclusion_reason="NOVO"))
    with uow() as u:
        assert u.session.query(Contract).count() == 0


def _active(uow, setup, activated_on=date(2025, 1, 31), months=12):  # type: ignore[no-untyped-def]
    return contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                          activated_on=activated_on, loyalty_months=months,
                                                          inclusion_reason="NOVO"))


def test_renewal_restarts_loyalty_keeps_activation(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup)
    assert row.loyalty_expires_on == date(2026, 1, 31)
    renewed = contracts.renew_contract(uow(), row.id, date(2026, 8, 31))
    assert renewed.activated_on == date(2025, 1, 31)
    assert renewed.renewed_on == date(2026, 8, 31)
    assert renewed.loyalty_expires_on == date(2027, 8, 31)
    again = contracts.renew_contract(uow(), row.id, date(2026, 11, 27), loyalty_months=3,
                                     loyalty_benefit=Decimal("90"))
    assert again.loyalty_expires_on == date(2027, 2, 27)
    assert again.loyalty_benefit == Decimal("90.00")
    entry = audit.history(uow(), "contract", row.id)[0]
    assert entry.action == "renew"
    assert entry.changes["data_renovacao"] == ["2026-08-31", "2026-11-27"]


def test_renewal_rules(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup)
    with pytest.raises(ValidationError, match="posterior"):
        contracts.renew_contract(uow(), row.id, date(2025, 1, 31))
    with pytest.raises(ValidationError, match="futura"):
        contracts.renew_contract(uow(), row.id, date(2026, 12, 1))
    with pytest.raises(BusinessRuleError, match="Anatel"):
        contracts.renew_contract(uow(), row.id, date(2026, 11, 1), loyalty_months=18)
    pre = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO"))
    with pytest.raises(BusinessRuleError, match="ativo"):
        contracts.renew_contract(uow(), pre.id, date(2026, 11, 1))
    none = _active(uow, setup, months=0)
    assert none.loyalty_expires_on is None
    with pytest.raises(ValidationError, match="não tem fidelidade"):
        contracts.renew_contract(uow(), none.id)


def test_update_editable_fields_and_read_only_ones(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup, activated_on=date(2026, 1, 10))
    new = contracts.update_contract(uow(), row.id, {
        "billing_type": "boleto", "payment_term": "MENSAL", "notes": "portão azul", "loyalty_months": 6,
        "billing_base_date": date(2026, 1, 20),
    }, row.version)
    assert new.billing_type_code == "BOLETO"
    assert new.loyalty_expires_on == date(2026, 7, 10)
    assert new.billing_base_date == date(2026, 1, 20)
    assert new.version == row.version + 1
    entry = audit.history(uow(), "contract", row.id)[0]
    assert entry.changes["data_expiracao"] == ["2027-01-10", "2026-07-10"]
    for name in ("activated_on", "paid_until", "renewed_on", "status"):
        with pytest.raises(ValidationError) as info:
            contracts.update_contract(uow(), row.id, {name: date(2026, 1, 1)}, new.version)
        assert info.value.field == name


def test_active_contract_plan_value_due_day_go_through_wizard(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup)
    for change in ({"value": Decimal("10")}, {"due_day": 5}, {"plan_code": "FIBRA-100"}):
        with pytest.raises(BusinessRuleError, match="Alteração de plano"):
            contracts.update_contract(uow(), row.id, change, row.version)
    same = contracts.update_contract(uow(), row.id, {"value": row.value, "due_day": row.due_day,
                                                     "plan_code": "FIBRA-300"}, row.version)
    assert same.version == row.version


def test_pre_contract_plan_value_due_day_editable(uow, setup) -> None:  # type: ignore[no-untyped-def]
    pre = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO"))
    new = contracts.update_contract(uow(), pre.id, {"plan_code": "FIBRA-100", "value": Decimal("75"),
                                                    "due_day": 15}, pre.version)
    assert (new.plan_code, new.value, new.due_day) == ("FIBRA-100", Decimal("75.00"), 15)


def test_update_conflict_and_base_date_locked_after_charges(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup, activated_on=date(2026, 1, 10))
    contracts.update_contract(uow(), row.id, {"notes": "a"}, row.version)
    with pytest.raises(ConflictError) as info:
        contracts.update_contract(uow(), row.id, {"notes": "b"}, row.version)
    assert info.value.changes
    with uow() as u:
        make_charge(u.session, u.session.get(Contract, row.id), date(2026, 2, 10))
        u.commit()
    current = contracts.get_contract(uow(), row.id)
    with pytest.raises(BusinessRuleError, match="mensalidades"):
        contracts.update_contract(uow(), row.id, {"billing_base_date": date(2026, 1, 15)}, current.version)


def test_cancelled_contract_only_notes(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = _active(uow, setup)
    with uow() as u:
        c = u.session.get(Contract, row.id)
        c.status, c.cancelled_on = "cancelado", date(2026, 11, 1)
        u.commit()
    current = contracts.get_contract(uow(), row.id)
    assert current.cancelled_on == date(2026, 11, 1)
    with pytest.raises(BusinessRuleError, match="só a observação"):
        contracts.update_contract(uow(), row.id, {"billing_type": "PIX"}, current.version)
    assert contracts.update_contract(uow(), row.id, {"notes": "ok"}, current.version).notes == "ok"
