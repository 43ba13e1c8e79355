"""The desk's reading of the outbox (filters, counts), resend of a failed message and a cancelled
sending run, over real databases and a real SMTP server on loopback (issue 14)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from ispdesk.db.models import AuditEntry, OutboxMessage
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied
from ispdesk.services import message_log, messages
from ispdesk.services import parameters as params_service
from ispdesk.services.message_log import MessageFilter
from ispdesk.services.uow import Actor
from tests.services.test_messages import Uow, configure, local, notice_day, outbox, overdue
from tests.smtp_server import free_port, smtp_server


def test_filters_and_counts(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"aviso_exige_envio": True})
    with_mail = overdue(uow, 2)
    (letter,) = overdue(uow, 1, email=False)
    day = notice_day(uow, clock)
    every = message_log.search_messages(uow())
    assert len(every) == 3 and {r.event for r in every} == {"aviso_inadimplencia"}
    assert all(r.holds_suspension for r in every)  # aviso_exige_envio = sim, nothing sent yet
    params_service.update(uow(), {"aviso_exige_envio": False})
    assert not any(r.holds_suspension for r in message_log.search_messages(uow()))
    letters = message_log.search_messages(uow(), MessageFilter(status="carta"))
    assert [r.contract_number for r in letters] == [letter] and letters[0].letter_waiting
    assert letters[0].channel_label == "Carta" and letters[0].address == ""
    one = message_log.search_messages(uow(), MessageFilter(contract_number=with_mail[1]))
    assert [r.contract_number for r in one] == [with_mail[1]] and one[0].body and one[0].customer_name
    assert len(message_log.search_messages(uow(), MessageFilter(channel="email"))) == 2
    assert message_log.search_messages(uow(), MessageFilter(event="aniversario")) == []
    around = MessageFilter(since=day - timedelta(days=1), until=day + timedelta(days=1))
    assert len(message_log.search_messages(uow(), around)) == 3
    assert message_log.search_messages(uow(), MessageFilter(since=day + timedelta(days=2))) == []
    counts = message_log.message_counts(uow(), MessageFilter(status="carta"))  # the status filter is ignored
    assert counts == {"pendente": 2, "enviada": 0, "falhou": 0, "carta": 1}
    assert message_log.message_counts(uow(), MessageFilter(contract_number=letter))["carta"] == 1
    with pytest.raises(BusinessRuleError, match="desconhecid"):
        message_log.search_messages(uow(), MessageFilter(status="perdida"))
    with pytest.raises(BusinessRuleError, match="período"):
        message_log.search_messages(uow(), MessageFilter(since=day, until=day - timedelta(days=1)))


def test_resend_rearms_the_failed_row_and_never_doubles_a_sent_one(uow: Uow, clock: FixedClock,
                                                                    finance: Actor) -> None:
    overdue(uow, 2)
    day = notice_day(uow, clock)
    port = free_port()
    configure(uow, port, mensagens_tentativas=1)
    down = messages.send_due(uow(), local(day, 9))  # nobody listens: one try and they give up
    assert (down.sent, down.failed) == (0, 2)
    failed = message_log.search_messages(uow(), MessageFilter(status="falhou"))
    assert len(failed) == 2 and all("servidor SMTP" in r.last_error for r in failed) and failed[0].resendable
    target = failed[0]
    with pytest.raises(PermissionDenied):
        message_log.resend_message(uow(finance), target.id)
    clock.day, clock.at = day, local(day, 9, 30).astimezone(UTC).time()
    text = message_log.resend_message(uow(), target.id)
    assert "recolocada na fila" in text
    (row,) = [r for r in outbox(uow) if r.id == target.id]
    assert (row.status, row.attempts, row.claimed_by) == ("pendente", 0, None)
    with uow() as u:
        audit = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "message")).all()
    assert len(audit) == 1 and audit[0].action == "resend" and audit[0].entity_id == str(target.id)
    with smtp_server(port) as (inbox, _):
        sent = messages.send_due(uow(), local(day, 9, 31))
        assert sent.sent == 1 and len(inbox.messages) == 1  # only the re-armed one; the other stays failed
        with pytest.raises(BusinessRuleError, match="já foi enviada"):
            message_log.resend_message(uow(), target.id)
        assert messages.send_due(uow(), local(day, 9, 40)).sent == 0
        assert len(inbox.messages) == 1
    # re-armed, never a second e-mail (the two letters are the legal notices' fallback after the failure)
    assert sorted(r.channel for r in outbox(uow)) == ["carta", "carta", "email", "email"]


def test_resend_refuses_a_letter_a_queued_message_and_one_being_sent(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 1)
    overdue(uow, 1, email=False)
    notice_day(uow, clock)
    by_status = {r.status: r for r in message_log.search_messages(uow())}
    with pytest.raises(BusinessRuleError, match="carta"):
        message_log.resend_message(uow(), by_status["carta"].id)
    with pytest.raises(BusinessRuleError, match="ainda está na fila"):
        message_log.resend_message(uow(), by_status["pendente"].id)
    with uow() as u:  # another workstation has claimed it after a failed try
        u.session.execute(update(OutboxMessage).where(OutboxMessage.id == by_status["pendente"].id).values(
            last_error="servidor SMTP fora do ar", attempts=1, claimed_by="outra",
            claimed_until=clock.now() + timedelta(minutes=5)))
        u.commit()
    with pytest.raises(BusinessRuleError, match="outra estação"):
        message_log.resend_message(uow(), by_status["pendente"].id)
    with pytest.raises(BusinessRuleError, match="não encontrada"):
        message_log.resend_message(uow(), uuid.uuid4())


def test_a_cancelled_run_gives_back_what_it_did_not_send(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 3)
    day = notice_day(uow, clock)
    with smtp_server() as (inbox, port):
        configure(uow, port)
        assert message_log.due_count(uow(), local(day, 9)) == 3
        asked: list[int] = []
        first = messages.send_due(uow(), local(day, 9), stop=lambda done: asked.append(done) or True)
        assert (first.sent, first.cancelled, asked) == (1, True, [1])
        rows = outbox(uow)
        assert sorted(r.status for r in rows) == ["enviada", "pendente", "pendente"]
        assert all(r.claimed_by is None for r in rows)  # released: due again at once, not in ten minutes
        rest = messages.send_due(uow(), local(day, 9, 1))
        assert rest.sent == 2 and len(inbox.messages) == 3


def test_period_is_the_office_day(uow: Uow, clock: FixedClock) -> None:
    """A message created at 23:30 local time belongs to that local day, not to the UTC one."""
    overdue(uow, 1)
    notice_day(uow, clock)
    late = datetime(2026, 10, 5, 23, 30).astimezone()
    with uow() as u:
        u.session.execute(update(OutboxMessage).values(created_at=late))
        u.commit()
    assert len(message_log.search_messages(uow(), MessageFilter(since=date(2026, 10, 5), until=date(2026, 10, 5)))) == 1
    assert message_log.search_messages(uow(), MessageFilter(since=date(2026, 10, 6))) == []


class _RefuseEveryone:
    """An SMTP server that refuses every recipient (each message fails on its own, the connection lives)."""

    async def handle_RCPT(self, server: object, session: object, envelope: object, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        return "550 mailbox unavailable"


def test_cancel_also_stops_a_run_where_each_message_fails(uow: Uow, clock: FixedClock) -> None:
    from aiosmtpd.controller import Controller

    overdue(uow, 3)
    day = notice_day(uow, clock)
    port = free_port()
    controller = Controller(_RefuseEveryone(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        configure(uow, port)
        result = messages.send_due(uow(), local(day, 9), stop=lambda done: True)
    finally:
        controller.stop()
    assert result.cancelled and result.sent == 0
    rows = outbox(uow)
    assert sorted(r.attempts for r in rows) == [0, 0, 1]  # one tried, two given back untouched
    assert all(r.claimed_by is None for r in rows)
