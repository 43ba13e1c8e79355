"""Payments: full, partial, overpayment, reversal and paid-until (both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, Charge, Contract
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import hooks, payments
from tests.factories import make_charge, make_contract
from tests.services.billing_helpers import arrange


def _monthly(s, months=(1, 2, 3)):  # noqa: ANN001, ANN202
    contract = make_contract(s, activated_on=date(2026, 1, 10))
    made = []
    for m in months:
        made.append(make_charge(s, contract, date(2026, m + 1, 10), period_start=date(2026, m, 10),
                                period_end=date(2026, m + 1, 9)))
    return contract, made


def _paid_until(uow, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        return u.session.get(Contract, contract_id).paid_until


def test_full_payments_move_paid_until(uow) -> None:  # noqa: ANN001
    contract, (c1, c2, c3) = arrange(uow, _monthly)
    r = payments.record_payment(uow(), c1.id, Decimal("99.90"), date(2026, 2, 10))
    assert (r.charge_status, r.balance, r.paid_until) == ("paga", Decimal("0.00"), date(2026, 2, 9))
    # paying the third before the second leaves a gap: paid-until stays
    assert payments.record_payment(uow(), c3.id, Decimal("99.90"), date(2026, 4, 10)).paid_until == date(2026, 2, 9)
    # c2 (due 10/03) paid late: its updated amount (principal + 2 % multa + juros of 32 days) settles it
    assert payments.record_payment(uow(), c2.id, Decimal("102.97"), date(2026, 4, 11)).paid_until == date(2026, 4, 9)
    assert _paid_until(uow, contract.id) == date(2026, 4, 9)


def test_partial_payment_keeps_charge_open_with_balance(uow) -> None:  # noqa: ANN001
    contract, (c1, *_rest) = arrange(uow, _monthly)
    r = payments.record_payment(uow(), c1.id, Decimal("40.00"), date(2026, 2, 5))
    assert (r.charge_status, r.balance, r.paid_until) == ("aberta", Decimal("59.90"), None)
    r = payments.record_payment(uow(), c1.id, Decimal("59.90"), date(2026, 2, 10))  # on the due date: no late amount
    assert (r.charge_status, r.balance, r.paid_until) == ("paga", Decimal("0.00"), date(2026, 2, 9))
    with uow() as u:
        charge = u.session.get(Charge, c1.id)
        assert (charge.paid_amount, charge.paid_on) == (Decimal("99.90"), date(2026, 2, 10))


def test_overpayment_refused_with_clear_message(uow) -> None:  # noqa: ANN001
    _contract, (c1, *_rest) = arrange(uow, _monthly)
    payments.record_payment(uow(), c1.id, Decimal("50.00"), date(2026, 2, 10))
    with pytest.raises(ValidationError) as info:
        payments.record_payment(uow(), c1.id, Decimal("50.00"), date(2026, 2, 10))
    assert "maior que o saldo" in info.value.message and "R$ 49,90" in info.value.message
    payments.record_payment(uow(), c1.id, Decimal("49.90"), date(2026, 2, 10))
    with pytest.raises(BusinessRuleError, match="já está paga"):
        payments.record_payment(uow(), c1.id, Decimal("1.00"), date(2026, 2, 10))


def test_invalid_amount_and_future_date(uow) -> None:  # noqa: ANN001
    _contract, (c1, *_rest) = arrange(uow, _monthly)
    with pytest.raises(ValidationError):
        payments.record_payment(uow(), c1.id, Decimal("0"), date(2026, 2, 10))
    with pytest.raises(ValidationError, match="futuro"):
        payments.record_payment(uow(), c1.id, Decimal("10"), date(2026, 11, 28))


def test_reversal_reopens_charge_and_recomputes_paid_until(uow, finance, attendant) -> None:  # noqa: ANN001
    contract, (c1, c2, _c3) = arrange(uow, _monthly)
    payments.record_payment(uow(), c1.id, Decimal("99.90"), date(2026, 2, 10))
    p2 = payments.record_payment(uow(), c2.id, Decimal("99.90"), date(2026, 3, 10)).payment
    assert _paid_until(uow, contract.id) == date(2026, 3, 9)
    with pytest.raises(PermissionDenied):
        payments.reverse_payment(uow(attendant), p2.id, "cheque devolvido")
    with pytest.raises(ValidationError):
        payments.reverse_payment(uow(finance), p2.id, " ")
    r = payments.reverse_payment(uow(finance), p2.id, "cheque devolvido")
    assert (r.charge_status, r.balance, r.paid_until) == ("aberta", Decimal("99.90"), date(2026, 2, 9))
    assert r.payment.reversed
    with pytest.raises(BusinessRuleError, match="já foi estornado"):
        payments.reverse_payment(uow(finance), p2.id, "de novo")
    listed = payments.list_payments(uow(), contract.id)
    assert len(listed) == 2 and sum(1 for p in listed if p.reversed) == 1
    with uow() as u:
        actions = list(u.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "charge")))
    assert actions.count("payment") == 2 and actions.count("reverse_payment") == 1


def test_debt_changed_hook_runs_on_payment_and_reversal(uow) -> None:  # noqa: ANN001
    contract, (c1, *_rest) = arrange(uow, _monthly)
    seen: list[tuple[int, date | None]] = []

    def hook(u, c):  # noqa: ANN001, ANN202
        seen.append((c.number, c.paid_until))

    hooks.DEBT_CHANGED.append(hook)
    try:
        p = payments.record_payment(uow(), c1.id, Decimal("99.90"), date(2026, 2, 10)).payment
        payments.reverse_payment(uow(), p.id, "erro de digitação")
    finally:
        hooks.DEBT_CHANGED.remove(hook)
    assert seen == [(contract.number, date(2026, 2, 9)), (contract.number, None)]


def test_find_charge_for_import(uow) -> None:  # noqa: ANN001
    contract, (c1, *_rest) = arrange(uow, _monthly)
    with uow() as u:
        assert payments.find_charge_in(u, contract.number, date(2026, 2, 10)).id == c1.id
        with pytest.raises(BusinessRuleError, match="não tem cobrança"):
            payments.find_charge_in(u, contract.number, date(2026, 2, 11))
        with pytest.raises(BusinessRuleError, match="não encontrado"):
            payments.find_charge_in(u, 999999, date(2026, 2, 10))
