"""Rules the dialogs enforced that the services now enforce too (review fixes), on both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ispdesk.db.models import Negativation, Payment, User
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.services import cancellation, negativation, payments, users
from tests.factories import make_charge, make_contract
from tests.services.billing_helpers import arrange


def _one_charge(s):  # noqa: ANN001, ANN202
    contract = make_contract(s, activated_on=date(2026, 1, 10), loyalty_months=0)
    charge = make_charge(s, contract, date(2026, 2, 10), period_start=date(2026, 1, 10), period_end=date(2026, 2, 9))
    return contract, charge


def test_negativation_reason_too_long_is_refused_not_cut(uow, clock, finance) -> None:  # noqa: ANN001
    contract, _charge = arrange(uow, _one_charge)
    clock.day = date(2026, 2, 10)
    cancellation.cancel_contract(uow(), contract.id, "PEDIDO", "pedido", date(2026, 2, 10))
    with pytest.raises(ValidationError) as info:
        negativation.negativate(uow(finance), contract.id, "SPC-1", "x" * 201)
    assert "até 200" in info.value.errors["motivo"]
    reason = "d" * 200
    negativation.negativate(uow(finance), contract.id, "SPC-1", reason)
    with uow() as u:
        assert u.session.scalar(select(Negativation.reason)) == reason


def test_reversal_reason_too_long_is_refused_not_cut(uow, finance) -> None:  # noqa: ANN001
    _contract, charge = arrange(uow, _one_charge)
    paid = payments.record_payment(uow(), charge.id, Decimal("10.00"), date(2026, 2, 10)).payment
    with pytest.raises(ValidationError) as info:
        payments.reverse_payment(uow(finance), paid.id, "cheque devolvido " * 20)
    assert "até 200" in info.value.errors["motivo"]
    with uow() as u:
        assert u.session.get(Payment, paid.id).reversed_at is None
    payments.reverse_payment(uow(finance), paid.id, "c" * 200)
    with uow() as u:
        assert u.session.get(Payment, paid.id).reversal_reason == "c" * 200


def test_user_name_blank_shows_the_login_and_too_long_is_refused(uow) -> None:  # noqa: ANN001
    users.add_user(uow(), "carla", "segredo123", "financeiro", "Carla Dias")
    assert users.update_user(uow(), "carla", name="  Carla Souza ").name == "Carla Souza"
    assert users.update_user(uow(), "carla", name="   ").name == "carla"
    with pytest.raises(ValidationError) as info:
        users.update_user(uow(), "carla", name="n" * 121)
    assert "no máximo 120" in info.value.errors["name"]
    with pytest.raises(ValidationError):
        users.add_user(uow(), "bia", "segredo123", "financeiro", "n" * 121)
    with uow() as u:
        assert u.session.scalar(select(User.name).where(User.login == "carla")) == "carla"
        assert u.session.scalar(select(User.id).where(User.login == "bia")) is None


def test_negativation_refusal_names_the_status_in_words(uow, finance) -> None:  # noqa: ANN001
    contract = arrange(uow, lambda s: make_contract(s, activated_on=None))
    with pytest.raises(BusinessRuleError, match="está pré-contrato: a negativação só é permitida após a rescisão"):
        negativation.negativate(uow(finance), contract.id, "SPC-1", "débito")


def test_template_name_too_long_is_refused_on_every_database(uow) -> None:  # noqa: ANN001
    from ispdesk.services import templates

    body = "# Aditivo\n\n## Da velocidade\n\n+ Nova: {{ plano.velocidades }}."
    with pytest.raises(ValidationError) as info:
        templates.save_template(uow(), "aditivo_longo", body, name="A" * 121, kind="termo")
    assert "no máximo 120" in info.value.errors["nome"]
    assert templates.save_template(uow(), "aditivo_longo", body, name="A" * 120, kind="termo").version_number == 1


def test_adjustment_index_name_too_long_is_refused_before_anything_is_written(uow) -> None:  # noqa: ANN001
    from ispdesk.db.models import AdjustmentBatch
    from ispdesk.services import adjustments

    arrange(uow, lambda s: make_contract(s, activated_on=date(2025, 3, 1)))
    params = adjustments.AdjustmentParams(percent=Decimal("4.5"), index_name="Í" * 31,
                                          effective_on=date(2026, 11, 27), customers_notified=True)
    for run in (adjustments.simulate_adjustment, adjustments.apply_adjustment):
        with pytest.raises(BusinessRuleError, match="no máximo 30") as info:
            run(uow(), params)
        assert info.value.field == "indice"
    with uow() as u:
        assert u.session.scalar(select(AdjustmentBatch.id)) is None
    ok = adjustments.AdjustmentParams(percent=Decimal("4.5"), index_name="I" * 30,
                                      effective_on=date(2026, 11, 27), customers_notified=True)
    assert adjustments.apply_adjustment(uow(), ok).count == 1
