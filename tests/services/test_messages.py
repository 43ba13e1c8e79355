"""Messages: the notice's outbox row written with the notice, sent once through a real SMTP server
(aiosmtpd on loopback), kept pending while the server is down, quiet hours, letters (issue 14)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import AuditEntry, Notice, OutboxMessage
from ispdesk.domain import parameters as registry
from ispdesk.domain.clock import FixedClock
from ispdesk.services import access, messages
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer
from tests.smtp_server import free_port, self_signed, smtp_server

Uow = Callable[..., UnitOfWork]
V = date(2026, 9, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in this workstation's time zone (the sending hours are the office's)."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def configure(uow: Uow, port: int, security: str = "nenhuma", **extra: object) -> None:
    params_service.update(uow(), {"smtp_servidor": "127.0.0.1", "smtp_porta": port, "smtp_seguranca": security,
                                  "email_remetente": "financeiro@provedor.example",
                                  "email_remetente_nome": "Provedor Exemplo", **extra})


def overdue(uow: Uow, count: int = 1, email: bool = True) -> list[int]:
    numbers = []
    with uow() as u:
        for _ in range(count):
            customer = make_customer(u.session, **({} if email else {"email": None, "email_folded": None}))
            contract = make_contract(u.session, customer=customer)
            make_charge(u.session, contract, V)
            numbers.append(contract.number)
        u.commit()
    return numbers


def notice_day(uow: Uow, clock: FixedClock) -> date:
    """Run the ladder day by day until the notices are written; returns that day."""
    day = V
    clock.at = time(3, 0)  # the routine runs early; sending starts at the office's hours
    while True:
        clock.day = day
        result = access.run_suspension(uow(), day)
        if result.counts["aviso"]:
            return day
        day += timedelta(days=1)
        assert day < V + timedelta(days=60)


def outbox(uow: Uow) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))


def test_the_notice_and_its_message_are_written_together_and_once(uow: Uow, clock: FixedClock) -> None:
    numbers = overdue(uow, 3)
    day = notice_day(uow, clock)
    rows = outbox(uow)
    assert len(rows) == 3
    assert {r.event for r in rows} == {"aviso_inadimplencia"} and all(r.legal for r in rows)
    assert {r.status for r in rows} == {"pendente"} and {r.channel for r in rows} == {"email"}
    with uow() as u:
        notices = {str(n.id): n.text for n in u.session.scalars(select(Notice))}
    for row in rows:
        assert notices[row.reference.removeprefix("aviso:")] == row.body
    access.run_suspension(uow(), day)  # the same day again: nothing new
    access.run_suspension(uow(), day + timedelta(days=1))
    assert len(outbox(uow)) == 3
    lines = messages.list_messages(uow(), contract_number=numbers[0])
    assert len(lines) == 1 and lines[0].status == "pendente" and lines[0].contract_number == numbers[0]


def test_sent_once_through_smtp_and_the_notice_marked_sent(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 2)
    day = notice_day(uow, clock)
    with smtp_server() as (inbox, port):
        configure(uow, port)
        result = messages.send_due(uow(), local(day, 9))
        assert (result.sent, result.pending, result.failed) == (2, 0, 0)
        again = messages.send_due(uow(), local(day, 10))
        assert again.sent == 0
        assert len(inbox.messages) == 2
        mail = inbox.messages[0]
        assert "Provedor Exemplo" in mail["From"] and "financeiro@provedor.example" in mail["From"]
        assert mail["Subject"].startswith("Aviso de débito em aberto")
        body = mail.get_content()
        assert "suspens" in body.lower()
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Notice).where(Notice.sent_at.is_(None))) == 0
    assert {r.status for r in outbox(uow)} == {"enviada"}


def test_server_down_keeps_them_pending_then_all_go_once(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 3)
    day = notice_day(uow, clock)
    port = free_port()
    configure(uow, port)
    down = messages.send_due(uow(), local(day, 9))  # nothing listens on the port
    assert (down.sent, down.pending, down.failed) == (0, 3, 0)
    assert down.problem and "servidor SMTP" in down.problem
    rows = outbox(uow)
    assert {r.attempts for r in rows} == {1} and all("servidor SMTP" in (r.last_error or "") for r in rows)
    with smtp_server(port) as (inbox, _):
        early = messages.send_due(uow(), local(day, 9, 0))  # before the retry time: waits
        assert early.sent == 0 and early.pending == 3
        later = messages.send_due(uow(), local(day, 9, 5))
        assert (later.sent, later.pending, later.failed) == (3, 0, 0)
        messages.send_due(uow(), local(day, 11))
        assert len(inbox.messages) == 3


def test_server_stopping_mid_batch_loses_and_doubles_nothing(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 6)
    day = notice_day(uow, clock)
    with smtp_server() as (inbox, port):
        configure(uow, port)
        inbox.fail_after = 2  # the server refuses from the third message on (451)
        first = messages.send_due(uow(), local(day, 9))
        assert first.sent == 2 and first.pending == 4 and first.failed == 0
        inbox.fail_after = None
        second = messages.send_due(uow(), local(day, 9, 10))
        assert second.sent == 4 and second.pending == 0
        assert len(inbox.messages) == 6
        assert len({m["Message-ID"] for m in inbox.messages}) == 6


def test_nothing_goes_out_outside_the_sending_hours(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 1)
    day = notice_day(uow, clock)
    with smtp_server() as (inbox, port):
        configure(uow, port, mensagens_horario_inicio="08:00", mensagens_horario_fim="20:00")
        night = messages.send_due(uow(), local(day, 21, 30))
        assert night.outside_hours and night.sent == 0 and night.pending == 1
        dawn = messages.send_due(uow(), local(day + timedelta(days=1), 7, 59))
        assert dawn.sent == 0
        morning = messages.send_due(uow(), local(day + timedelta(days=1), 8, 0))
        assert morning.sent == 1 and len(inbox.messages) == 1


def test_gives_up_after_the_configured_tries_with_the_reason(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 1)
    day = notice_day(uow, clock)
    configure(uow, free_port(), mensagens_tentativas=2)
    messages.send_due(uow(), local(day, 9))
    final = messages.send_due(uow(), local(day, 12))
    assert final.failed == 1 and final.pending == 0
    row, letter = outbox(uow)  # the legal notice is not dropped: it goes on as a letter to print
    assert row.status == "falhou" and row.attempts == 2 and "servidor SMTP" in (row.last_error or "")
    assert (letter.channel, letter.status, letter.body) == ("carta", "carta", row.body)


def test_a_customer_without_email_gets_a_letter(uow: Uow, clock: FixedClock) -> None:
    (number,) = overdue(uow, 1, email=False)
    notice_day(uow, clock)
    (row,) = outbox(uow)
    assert row.channel == "carta" and row.status == "carta" and row.address is None
    lines = messages.list_messages(uow(), status="carta")
    assert [line.contract_number for line in lines] == [number]


def test_starttls_with_the_providers_own_certificate(uow: Uow, clock: FixedClock, tmp_path: Path) -> None:
    overdue(uow, 1)
    day = notice_day(uow, clock)
    cert, key = self_signed(tmp_path)
    with smtp_server(tls=(cert, key)) as (inbox, port):
        configure(uow, port, "starttls")
        untrusted = messages.send_due(uow(), local(day, 9))
        assert untrusted.sent == 0 and untrusted.problem and "TLS" in untrusted.problem
        configure(uow, port, "starttls", smtp_certificado_ca=str(cert))
        trusted = messages.send_due(uow(), local(day, 10))
        assert trusted.sent == 1 and len(inbox.messages) == 1


def test_two_stations_sending_at_once_send_each_message_once(uow: Uow, clock: FixedClock) -> None:
    overdue(uow, 40)
    day = notice_day(uow, clock)
    with smtp_server() as (inbox, port):
        configure(uow, port)
        results: list[messages.SendResult] = []
        start = threading.Barrier(2)

        def station() -> None:
            start.wait()
            results.append(messages.send_due(uow(), local(day, 9)))

        threads = [threading.Thread(target=station) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sum(r.sent for r in results) == 40
        assert len(inbox.messages) == 40
        assert len({m["Message-ID"] for m in inbox.messages}) == 40


def test_the_smtp_password_never_shows(uow: Uow) -> None:
    params_service.update(uow(), {"smtp_senha": "s3gredo-do-smtp"})
    assert registry.display("smtp_senha", "s3gredo-do-smtp") == "••••••"
    with uow() as u:
        audits = " ".join(str(a.changes) for a in u.session.scalars(select(AuditEntry)))
    assert "s3gredo-do-smtp" not in audits and "smtp_senha" in audits
    settings = repr(messages.SmtpSettings.from_parameters({**registry.defaults(), "smtp_senha": "x-secreta"}))
    assert "x-secreta" not in settings


@pytest.mark.parametrize("text", ["8h", "25:00", "08:7", ""])
def test_sending_hours_must_be_hh_mm(uow: Uow, text: str) -> None:
    from ispdesk.domain.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        params_service.update(uow(), {"mensagens_horario_inicio": text})
    assert "HH:MM" in str(caught.value.errors)


def test_the_parameters_editor_masks_the_smtp_password(qtbot, factory, admin) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLineEdit

    from ispdesk.ui.context import AppContext, DataEvents
    from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog

    dialog = ParametersDialog(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(dialog)
    field = dialog.findChild(QLineEdit, "param_smtp_senha")
    assert field is not None and field.echoMode() == QLineEdit.EchoMode.Password
    tabs = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert "Mensagens" in tabs


def _run_days(uow: Uow, clock: FixedClock, first: date, last: date) -> None:
    day = first
    while day <= last:
        clock.day = day
        access.run_suspension(uow(), day)
        day += timedelta(days=1)


def _access(uow: Uow, number: int) -> str:
    return access.access_info(uow(), number).access_status


def test_an_unsent_notice_holds_the_suspension_back_and_says_why(uow: Uow, clock: FixedClock) -> None:
    """aviso_exige_envio = sim: reduction and block count from the day the e-mail went out."""
    params_service.update(uow(), {"aviso_exige_envio": True})
    (number,) = overdue(uow, 1)
    clock.at = time(3, 0)
    _run_days(uow, clock, V, date(2026, 10, 20))  # 40 days overdue, the notice never sent (no SMTP)
    assert _access(uow, number) == "normal"
    info = access.access_info(uow(), number)
    assert info.notice_hold and "aguardando o envio do aviso de 11/09/2026" in info.notice_hold
    assert "E-mail pendente" in info.notice_hold and info.schedule is None
    with smtp_server() as (inbox, port):
        configure(uow, port)
        assert messages.send_due(uow(), local(date(2026, 10, 20), 9)).sent == 1
    _run_days(uow, clock, date(2026, 10, 21), date(2026, 11, 3))
    assert _access(uow, number) == "normal"  # 15 days after the sending not reached yet
    _run_days(uow, clock, date(2026, 11, 4), date(2026, 11, 4))
    assert _access(uow, number) != "normal"
    info = access.access_info(uow(), number)
    assert info.notice_hold is None and info.notice_sent_on == date(2026, 10, 20)


def test_a_letter_handed_over_counts_from_that_day(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"aviso_exige_envio": True})
    (number,) = overdue(uow, 1, email=False)
    clock.at = time(3, 0)
    _run_days(uow, clock, V, date(2026, 9, 30))
    assert "carta" in (access.access_info(uow(), number).notice_hold or "")
    assert messages.mark_letters_delivered(uow(), number, local(date(2026, 10, 1), 10)) == 1
    from ispdesk.domain.errors import BusinessRuleError

    with pytest.raises(BusinessRuleError, match="não tem carta aguardando"):
        messages.mark_letters_delivered(uow(), number)
    _run_days(uow, clock, date(2026, 10, 1), date(2026, 10, 15))
    assert _access(uow, number) == "normal"
    _run_days(uow, clock, date(2026, 10, 16), date(2026, 10, 16))
    assert _access(uow, number) != "normal"


def test_without_the_requirement_the_ladder_counts_from_the_notice(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"aviso_exige_envio": False})
    (number,) = overdue(uow, 1)
    clock.at = time(3, 0)
    _run_days(uow, clock, V, date(2026, 10, 12))
    assert _access(uow, number) == "bloqueado"


def test_the_sending_requirement_is_on_by_default() -> None:
    assert registry.BY_NAME["aviso_exige_envio"].default is True
    assert registry.BY_NAME["aviso_exige_envio"].tab == "Bloqueio"
