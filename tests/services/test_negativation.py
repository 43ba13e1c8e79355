"""Negativação: only after rescission with open debt, permission-gated (both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ispdesk.db.models import Contract, Negativation
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import cancellation, negativation, payments
from tests.factories import make_charge, make_contract
from tests.services.billing_helpers import arrange


def _with_debt(s):  # noqa: ANN001, ANN202
    contract = make_contract(s, activated_on=date(2026, 1, 10), loyalty_months=0)
    charge = make_charge(s, contract, date(2026, 2, 10), period_start=date(2026, 1, 10), period_end=date(2026, 2, 9))
    return contract, charge


def test_refused_before_rescission(uow, finance) -> None:  # noqa: ANN001
    contract, _charge = arrange(uow, _with_debt)
    with pytest.raises(BusinessRuleError, match="só é permitida após a rescisão"):
        negativation.negativate(uow(finance), contract.id, "SPC-1", "débito")


def test_negativate_after_cancellation(uow, clock, finance, attendant) -> None:  # noqa: ANN001
    contract, charge = arrange(uow, _with_debt)
    clock.day = date(2026, 2, 10)
    cancellation.cancel_contract(uow(), contract.id, "PEDIDO", "pedido", date(2026, 2, 10))
    payments.record_payment(uow(), charge.id, Decimal("20.00"), date(2026, 2, 10))
    with pytest.raises(PermissionDenied):
        negativation.negativate(uow(attendant), contract.id, "SPC-1", "débito")
    with pytest.raises(ValidationError) as info:
        negativation.negativate(uow(finance), contract.id, " ", "")
    assert set(info.value.errors) == {"protocolo", "motivo"}
    row = negativation.negativate(uow(finance), contract.id, "SPC-2026-0001", "débito após rescisão")
    assert (row.amount, row.created_by, row.protocol) == (Decimal("79.90"), "financeiro", "SPC-2026-0001")
    with uow() as u:
        c = u.session.get(Contract, contract.id)
        assert (c.status, c.negativated_on) == ("negativado", date(2026, 2, 10))
        assert u.session.scalar(select(Negativation.reason)) == "débito após rescisão"
    with pytest.raises(BusinessRuleError, match="já foi negativado"):
        negativation.negativate(uow(finance), contract.id, "SPC-3", "de novo")
    assert len(negativation.list_negativations(uow(), contract.id)) == 1


def test_refused_without_open_debt(uow, clock, finance) -> None:  # noqa: ANN001
    contract, charge = arrange(uow, _with_debt)
    clock.day = date(2026, 2, 10)
    payments.record_payment(uow(), charge.id, Decimal("99.90"), date(2026, 2, 10))
    cancellation.cancel_contract(uow(), contract.id, "PEDIDO", "pedido", date(2026, 2, 10))
    with pytest.raises(BusinessRuleError, match="não tem débito"):
        negativation.negativate(uow(finance), contract.id, "SPC-1", "débito")
