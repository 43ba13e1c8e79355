"""Cancellation: last period pro-rata, termination fine, future charges, access (both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ispdesk.db.models import AccessEvent, AuditEntry, Charge, Contract
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import cancellation, charges, payments
from tests.factories import make_contract, make_plan
from tests.services.billing_helpers import arrange


def _contract(s, **kw):  # noqa: ANN001, ANN202
    # loyalty 10/01/2026 → 10/01/2027 (365 days), benefit R$ 600,00, value R$ 90,00, due day 10
    return make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10), **kw)


def _charges(uow, contract_id):  # noqa: ANN001, ANN202
    with uow() as u:
        return list(u.session.scalars(select(Charge).where(Charge.contract_id == contract_id)
                                      .order_by(Charge.kind, Charge.period_start)))


def test_cancel_charges_last_period_and_fine(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    charges.generate_charges(uow(), date(2026, 3, 10))
    preview = cancellation.preview_cancellation(uow(), c.id, "PEDIDO", date(2026, 3, 20))
    assert (preview.fine.loyalty_days, preview.fine.remaining_days) == (365, 296)
    assert preview.fine.amount == Decimal("486.58")  # 600 × 296 / 365 = 486.575… → 486,58
    assert preview.last_period is not None and preview.last_period.days == 10
    assert preview.last_period_amount == Decimal("30.00")
    result = cancellation.cancel_contract(uow(), c.id, "PEDIDO", "Cliente mudou de cidade", date(2026, 3, 20))
    assert result.fine.amount == Decimal("486.58")
    assert result.fine_charge is not None and result.fine_charge.kind == "multa"
    assert "Multa rescisória" in result.fine_charge.description and str(c.number) in result.fine_charge.description
    assert result.fine_charge.due_date == date(2026, 4, 10)
    rows = _charges(uow, c.id)
    monthly = [r for r in rows if r.kind == "mensalidade"]
    assert [(r.period_start, r.period_end, r.amount) for r in monthly] == [
        (date(2026, 1, 10), date(2026, 2, 9), Decimal("90.00")),
        (date(2026, 2, 10), date(2026, 3, 9), Decimal("90.00")),
        (date(2026, 3, 10), date(2026, 3, 19), Decimal("30.00")),
    ]
    with uow() as u:
        contract = u.session.get(Contract, c.id)
        assert (contract.status, contract.cancelled_on, contract.cancellation_origin, contract.access_status) == (
            "cancelado", date(2026, 3, 20), "manual", "bloqueado")
        assert contract.cancellation_note == "Cliente mudou de cidade"
        assert u.session.scalar(select(AccessEvent.to_status).where(AccessEvent.contract_id == c.id)) == "bloqueado"
        audit = u.session.scalar(select(AuditEntry).where(AuditEntry.entity == "contract",
                                                          AuditEntry.action == "cancel"))
        assert audit is not None and "486.58" in audit.changes
    # a cancelled contract is not billed again
    assert charges.generate_charges(uow(), date(2026, 12, 10)).charges == 0


def test_open_future_charges_cancelled_and_spanning_one_shrunk(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    charges.generate_charges(uow(), date(2026, 6, 10))  # generated ahead, up to 09/06
    result = cancellation.cancel_contract(uow(), c.id, "PEDIDO", "pedido", date(2026, 3, 20))
    assert result.cancelled_charges == 2
    monthly = [r for r in _charges(uow, c.id) if r.kind == "mensalidade"]
    assert [(r.period_start, r.period_end, r.amount, r.status) for r in monthly] == [
        (date(2026, 1, 10), date(2026, 2, 9), Decimal("90.00"), "aberta"),
        (date(2026, 2, 10), date(2026, 3, 9), Decimal("90.00"), "aberta"),
        (date(2026, 3, 10), date(2026, 3, 19), Decimal("30.00"), "aberta"),
        (date(2026, 4, 10), date(2026, 5, 9), Decimal("90.00"), "cancelada"),
        (date(2026, 5, 10), date(2026, 6, 9), Decimal("90.00"), "cancelada"),
    ]


def test_pending_cycles_generated_on_cancellation(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    preview = cancellation.preview_cancellation(uow(), c.id, "PEDIDO", date(2026, 3, 20))
    assert preview.pending_amount == Decimal("180.00")
    cancellation.cancel_contract(uow(), c.id, "PEDIDO", "pedido", date(2026, 3, 20))
    monthly = [r.amount for r in _charges(uow, c.id) if r.kind == "mensalidade"]
    assert monthly == [Decimal("90.00"), Decimal("90.00"), Decimal("30.00")]


def test_breach_reason_waives_fine(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    result = cancellation.cancel_contract(uow(), c.id, "DESCUMPRIMENTO", "queda constante", date(2026, 3, 20))
    assert result.fine.amount == Decimal("0.00") and result.fine.waived_reason
    assert result.fine_charge is None
    assert not [r for r in _charges(uow, c.id) if r.kind == "multa"]


def test_reason_freeing_period_charges_no_last_period(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    charges.generate_charges(uow(), date(2026, 3, 10))
    result = cancellation.cancel_contract(uow(), c.id, "TESTE_LIBERA", "sem viabilidade", date(2026, 3, 20))
    assert result.last_charge is None
    assert [r.period_end for r in _charges(uow, c.id) if r.kind == "mensalidade"] == [
        date(2026, 2, 9), date(2026, 3, 9)]


def test_no_fine_after_loyalty_expired(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2027, 2, 1)
    c = arrange(uow, _contract)
    result = cancellation.cancel_contract(uow(), c.id, "PEDIDO", "pedido", date(2027, 2, 1))
    assert result.fine.amount == Decimal("0.00") and result.fine.remaining_days == 0 and result.fine_charge is None


def test_renewal_restarts_the_loyalty_for_the_fine(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 9, 1)
    c = arrange(uow, lambda s: _contract(s, renewed_on=date(2026, 6, 1)))
    preview = cancellation.preview_cancellation(uow(), c.id, None, date(2026, 9, 1))
    assert (preview.fine.start, preview.fine.end) == (date(2026, 6, 1), date(2027, 6, 1))
    assert preview.fine.remaining_days == 273 and preview.lines()[-1] == "R$ 448,77"  # 600 × 273 / 365


def test_rules_refuse(uow, clock, finance) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    with pytest.raises(ValidationError, match="observação"):
        cancellation.cancel_contract(uow(), c.id, "PEDIDO", "  ", date(2026, 3, 20))
    with pytest.raises(ValidationError, match="não existe"):
        cancellation.cancel_contract(uow(), c.id, "NAO_HA", "x", date(2026, 3, 20))
    with pytest.raises(ValidationError, match="futuro"):
        cancellation.cancel_contract(uow(), c.id, "PEDIDO", "x", date(2026, 3, 21))
    with pytest.raises(ValidationError, match="anterior à ativação"):
        cancellation.cancel_contract(uow(), c.id, "PEDIDO", "x", date(2026, 1, 9))
    cancellation.cancel_contract(uow(finance), c.id, "PEDIDO", "x", date(2026, 3, 20))
    with pytest.raises(BusinessRuleError, match="já está cancelado"):
        cancellation.cancel_contract(uow(), c.id, "PEDIDO", "x", date(2026, 3, 20))


def test_cancel_needs_permission(uow, clock) -> None:  # noqa: ANN001
    from ispdesk.domain.permissions import Role
    from ispdesk.services.uow import Actor

    c = arrange(uow, _contract)
    nobody = Actor(login="visitante", role=Role.ATENDIMENTO)
    with pytest.raises(PermissionDenied):
        cancellation.cancel_contract(uow(nobody), c.id, "PEDIDO", "x", date(2026, 3, 20))


def test_automatic_rescission_through_in_variant(uow, clock) -> None:  # noqa: ANN001
    from ispdesk.db.models import CancellationReason
    from ispdesk.services.uow import Actor

    clock.day = date(2026, 8, 1)
    c = arrange(uow, _contract)
    with uow(Actor.system()) as u:
        contract = u.session.get(Contract, c.id)
        reason = u.session.scalar(select(CancellationReason).where(CancellationReason.code == "INADIMPLENCIA"))
        result = cancellation.cancel_contract_in(u, contract, reason, "Rescisão automática após 60 dias de bloqueio",
                                                 date(2026, 8, 1), origin="automatico")
        u.commit()
    assert result.fine_charge is not None
    with uow() as u:
        assert u.session.get(Contract, c.id).cancellation_origin == "automatico"


def test_paid_spanning_charge_kept_on_cancellation(uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, _contract)
    charges.generate_charges(uow(), date(2026, 4, 10))
    spanning = [r for r in _charges(uow, c.id) if r.period_start == date(2026, 3, 10)][0]
    payments.record_payment(uow(), spanning.id, Decimal("90.00"), date(2026, 3, 15))
    cancellation.cancel_contract(uow(), c.id, "PEDIDO", "pedido", date(2026, 3, 20))
    kept = [r for r in _charges(uow, c.id) if r.period_start == date(2026, 3, 10)][0]
    assert (kept.status, kept.amount) == ("paga", Decimal("90.00"))
