"""The ladder walk tells the customer each step: notice, reduction, block, restoration on payment,
rescission — each message recorded once with the change that causes it (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import Charge, OutboxMessage
from ispdesk.domain.clock import FixedClock
from ispdesk.services import access
from ispdesk.services import parameters as params_service
from ispdesk.services.payments import record_payment
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract

Uow = Callable[..., UnitOfWork]
V = date(2026, 9, 10)


def _contract(uow: Uow) -> int:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, V)
        u.commit()
        return contract.number


def _walk(uow: Uow, clock: FixedClock, first: date, last: date) -> None:
    day = first
    while day <= last:
        clock.day = day
        access.run_suspension(uow(), day)
        day += timedelta(days=1)


def _events(uow: Uow) -> list[tuple[str, str]]:
    with uow() as u:
        return [(m.event, m.subject) for m in u.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.event))]


def test_each_step_of_the_ladder_and_the_payment_tell_the_customer_once(
    uow: Uow, clock: FixedClock, attendant: Actor
) -> None:
    number = _contract(uow)
    _walk(uow, clock, V, date(2026, 10, 15))
    _walk(uow, clock, date(2026, 10, 15), date(2026, 10, 15))  # a rerun of the same day: nothing more
    events = [e for e, _ in _events(uow)]
    assert events == ["aviso_inadimplencia", "reducao", "bloqueio"]
    with uow() as u:
        charge_id = u.session.scalar(select(Charge.id))
    clock.day = date(2026, 10, 20)
    from ispdesk.services import late_fees

    with uow() as u:
        charge_number = u.session.get(Charge, charge_id).number
    total = late_fees.show_charge(uow(), charge_number, date(2026, 10, 20)).updated.total  # with multa and juros
    assert total > Decimal("99.90")
    record_payment(uow(attendant), charge_id, total, date(2026, 10, 20))
    messages = _events(uow)
    assert [e for e, _ in messages][-1] == "restabelecimento"
    assert messages[-1][1] == f"Acesso restabelecido – contrato {number}"
    with uow() as u:
        block = u.session.scalar(select(OutboxMessage).where(OutboxMessage.event == "bloqueio"))
        assert block is not None and f"contrato {number}" in block.body and "11/10/2026" in block.body
        assert not block.legal and block.status == "pendente"


def test_a_switched_off_event_is_not_written_but_a_legal_one_always_is(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"mensagem_reducao_ativa": False, "mensagem_bloqueio_ativa": False})
    _contract(uow)
    _walk(uow, clock, V, date(2026, 10, 15))
    assert [e for e, _ in _events(uow)] == ["aviso_inadimplencia"]


def test_rescission_sends_the_legal_message(uow: Uow, clock: FixedClock) -> None:
    _contract(uow)
    _walk(uow, clock, V, date(2026, 10, 11))
    _walk(uow, clock, date(2026, 12, 10), date(2026, 12, 12))
    events = [e for e, _ in _events(uow)]
    assert "rescisao" in events, events
    with uow() as u:
        row = u.session.scalar(select(OutboxMessage).where(OutboxMessage.event == "rescisao"))
        assert row is not None and row.legal and "proteção ao crédito" in row.body
