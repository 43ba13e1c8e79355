"""Plans service: unique upper-case offer code, validation, editing (code fixed), permissions, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from ispdesk.services import audit, plans
from ispdesk.services.plans import PlanDraft, normalize_plan_code


def _draft(**kw) -> PlanDraft:  # type: ignore[no-untyped-def]
    values = dict(code="fibra-300", name="Fibra 300 Mega", price=Decimal("99.9"), download_mbps=300,
                  upload_mbps=150, loyalty_months=12, loyalty_benefit=Decimal("600"),
                  adjustment_rule="IPCA anual, no aniversário do contrato")
    values.update(kw)
    return PlanDraft(**values)  # type: ignore[arg-type]


@given(st.from_regex(r"[A-Za-z0-9]{1,10}(-[A-Za-z0-9]{1,5}){0,2}", fullmatch=True))
def test_valid_codes_are_upper_cased(code: str) -> None:
    assert normalize_plan_code(f"  {code} ") == code.upper()


@pytest.mark.parametrize("code", ["", "FIBRA 300", "FIBRA_300", "FIBRAÇÃO", "-FIBRA", "FIBRA-", "A" * 31])
def test_invalid_codes_refused(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_plan_code(code)
    assert info.value.field == "codigo"


def test_create_plan_and_code_unique(uow) -> None:  # type: ignore[no-untyped-def]
    row = plans.create_plan(uow(), _draft())
    assert (row.code, row.price, row.active) == ("FIBRA-300", Decimal("99.90"), True)
    assert row.label == "FIBRA-300 — Fibra 300 Mega (R$ 99,90)"
    with pytest.raises(ValidationError, match="Já existe") as info:
        plans.create_plan(uow(), _draft(code="FIBRA-300", name="Outro"))
    assert info.value.field == "codigo"
    assert [p.code for p in plans.list_plans(uow())] == ["FIBRA-300"]
    assert audit.history(uow(), "plan", row.id)[0].action == "create"


def test_validation_lists_every_field(uow) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        plans.create_plan(uow(), _draft(name=" ", price=Decimal("0"), download_mbps=0, loyalty_months=-1,
                                        loyalty_benefit=Decimal("-1")))
    assert set(info.value.errors) == {"nome", "valor", "download_mbps", "fidelidade_meses", "beneficio_fidelidade"}
    with pytest.raises(ValidationError, match="Benefício sem fidelidade"):
        plans.create_plan(uow(), _draft(loyalty_months=0))


def test_update_keeps_code_and_contracts_values(uow) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from ispdesk.db.models import Contract
    from tests.factories import make_contract

    row = plans.create_plan(uow(), _draft())
    with uow() as u:
        from ispdesk.db.models import Plan

        contract = make_contract(u.session, plan=u.session.get(Plan, row.id), activated_on=date(2026, 1, 1))
        u.commit()
    new = plans.update_plan(uow(), row.id, {"price": Decimal("109.90"), "active": False}, row.version)
    assert (new.price, new.active, new.version) == (Decimal("109.90"), False, row.version + 1)
    with uow() as u:
        assert u.session.get(Contract, contract.id).value == Decimal("99.90")
    assert audit.history(uow(), "plan", row.id)[0].changes["price"] == ["99.90", "109.90"]
    with pytest.raises(ValidationError, match="não muda"):
        plans.update_plan(uow(), row.id, {"code": "OUTRO"}, new.version)
    with pytest.raises(ConflictError):
        plans.update_plan(uow(), row.id, {"name": "X"}, row.version)
    assert plans.contracts_on_plan(uow(), row.id) == 1


def test_only_plan_managers(uow, attendant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        plans.create_plan(uow(attendant), _draft())
    assert plans.list_plans(uow(attendant)) == []
