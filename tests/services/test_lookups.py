"""One lookup: the same plan code, city or contract number finds the same thing from every service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.services import access, adjustments, contract_list, contracts, dashboard, lookups, plan_changes
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_contract, make_customer, make_plan

Uow = Callable[..., UnitOfWork]
SPELLINGS = ("FIBRA-500", "fibra-500", "  Fibra-500 ", "fibra -500")


@pytest.fixture
def base(uow: Uow) -> dict:
    with uow() as u:
        p300 = make_plan(u.session, "FIBRA-300", "99.90")
        p500 = make_plan(u.session, "FIBRA-500", "149.90", loyalty_months=0)
        ana = make_customer(u.session, "Ana Souza", code=901, city="São José")
        bia = make_customer(u.session, "Bia Lima", code=902, city="SAO JOSE ")
        caio = make_customer(u.session, "Caio Reis", code=903, city="Campinas")
        c1 = make_contract(u.session, ana, p500, number=8001)
        make_contract(u.session, bia, p500, number=8002)
        c3 = make_contract(u.session, caio, p300, number=8003)
        u.commit()
        return {"ana": ana.id, "c1": c1.id, "c3": c3.id, "p500": p500.id}


@pytest.mark.parametrize("code", SPELLINGS)
def test_a_plan_code_is_found_the_same_way_everywhere(uow: Uow, base: dict, code: str) -> None:
    created = contracts.create_contract(uow(), contracts.ContractDraft(customer_id=base["ana"], plan_code=code,
                                                                                  inclusion_reason="NOVO"))
    assert created.plan_code == "FIBRA-500"
    draft = plan_changes.preview_plan_change(uow(), base["c3"], code, on_date=date(2026, 11, 20))
    assert draft.new_plan_code == "FIBRA-500"
    listed = contract_list.list_contracts(uow(), ContractFilter(plan_code=code))
    assert {r.number for r in listed} >= {8001, 8002}
    simulated = adjustments.simulate_adjustment(uow(), adjustments.AdjustmentParams(
        percent=Decimal("10"), plan_code=code, effective_on=date(2027, 2, 1), customers_notified=True))
    assert {line.contract_number for line in simulated.lines} >= {8001, 8002}
    board = dashboard.compute_dashboard(uow(), date(2026, 11, 27), dashboard.DashboardFilters(plan_code=code))
    assert board.contratos_ativos >= 2


def test_an_unknown_plan_gives_the_same_message_everywhere(uow: Uow, base: dict) -> None:
    messages = set()
    for call in (
        lambda: contracts.create_contract(uow(), contracts.ContractDraft(customer_id=base["ana"], plan_code="x-1",
                                                                                inclusion_reason="NOVO")),
        lambda: plan_changes.preview_plan_change(uow(), base["c3"], "x-1", on_date=date(2026, 11, 20)),
        lambda: adjustments.simulate_adjustment(uow(), adjustments.AdjustmentParams(
            percent=Decimal("10"), plan_code="x-1", effective_on=date(2027, 2, 1), customers_notified=True)),
    ):
        with pytest.raises(BusinessRuleError) as caught:
            call()
        messages.add(str(caught.value))
    assert messages == {"Plano “x-1” não encontrado. Confira o código em Cadastros › Planos."}


def test_a_city_means_one_thing_everywhere(uow: Uow, base: dict) -> None:
    for typed in ("sao jose", "São José", "SÃO  JOSÉ"):
        listed = {r.number for r in contract_list.list_contracts(uow(), ContractFilter(city=typed))}
        assert listed == {8001, 8002}, typed
        simulated = adjustments.simulate_adjustment(uow(), adjustments.AdjustmentParams(
            percent=Decimal("10"), city=typed, effective_on=date(2027, 2, 1), customers_notified=True))
        assert {line.contract_number for line in simulated.lines} == {8001, 8002}, typed
        board = dashboard.compute_dashboard(uow(), date(2026, 11, 27), dashboard.DashboardFilters(city=typed))
        assert board.contratos_ativos == 2, typed
    board = dashboard.compute_dashboard(uow(), date(2026, 11, 27), dashboard.DashboardFilters(city="Nowhere"))
    assert board.contratos_ativos == 0


def test_a_contract_number_is_read_the_same_way_everywhere(uow: Uow, base: dict) -> None:
    with uow() as u:
        assert lookups.contract_by_number(u, " 8001 ").id == base["c1"]
        assert lookups.contract_id_by_number(u, "8001") == base["c1"]
    for bad, message in (("80x1", "Número de contrato inválido"), ("9999", "Contrato 9999 não encontrado")):
        for call in (lambda b=bad: contracts.get_contract_by_number(uow(), b),
                     lambda b=bad: access.access_info(uow(), b)):
            with pytest.raises(NotFound, match=message):
                call()


def test_due_day_and_consumer_loyalty_rules_raise_the_same_error_on_every_path(uow: Uow, base: dict) -> None:
    errors: list[ValidationError | BusinessRuleError] = []
    with pytest.raises(ValidationError) as caught:
        contracts.create_contract(uow(), contracts.ContractDraft(customer_id=base["ana"], plan_code="FIBRA-300",
                                                                due_day=29, inclusion_reason="NOVO"))
    errors.append(caught.value)
    with pytest.raises(ValidationError) as caught:
        plan_changes.preview_plan_change(uow(), base["c3"], "FIBRA-500", new_due_day=29, on_date=date(2026, 11, 20))
    errors.append(caught.value)
    assert {str(e) for e in errors} == {"Dia de vencimento inválido: 29. Use um dia de 1 a 28."}

    with uow() as u:
        make_plan(u.session, "FIBRA-24M", "129.90", loyalty_months=24)
        u.commit()
    loyalty = []
    with pytest.raises(BusinessRuleError) as caught:
        contracts.create_contract(uow(), contracts.ContractDraft(customer_id=base["ana"], plan_code="FIBRA-24M",
                                                                inclusion_reason="NOVO"))
    loyalty.append(str(caught.value))
    with pytest.raises(BusinessRuleError) as caught:
        plan_changes.preview_plan_change(uow(), base["c3"], "FIBRA-24M", loyalty="reiniciar",
                                         on_date=date(2026, 11, 20))
    loyalty.append(str(caught.value))
    assert loyalty[0] == loyalty[1] and "Anatel (RGC 765)" in loyalty[0]
