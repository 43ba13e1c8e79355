"""SMS and WhatsApp through HTTP gateways played by a local server: Zenvia v2, WhatsApp Cloud API and the
generic webhook; 500s and timeouts keep messages pending with backoff, then falhou and the next channel;
channel order and letters (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import OutboxMessage
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import ValidationError
from ispdesk.domain.messages import e164
from ispdesk.services import access, messages
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer
from tests.gateway_server import Gateway, gateway_server

Uow = Callable[..., UnitOfWork]
V = date(2026, 9, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def overdue(uow: Uow, **customer: object) -> int:
    with uow() as u:
        contract = make_contract(u.session, customer=make_customer(u.session, **customer))
        make_charge(u.session, contract, V)
        u.commit()
        return contract.number


def notice_day(uow: Uow, clock: FixedClock) -> date:
    day = V
    clock.at = time(3, 0)
    while True:
        clock.day = day
        if access.run_suspension(uow(), day).counts["aviso"]:
            return day
        day += timedelta(days=1)


def outbox(uow: Uow) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)))


def zenvia(uow: Uow, gw: Gateway, **extra: object) -> None:
    params_service.update(uow(), {"mensagens_canais": "sms,email", "sms_provedor": "zenvia", "sms_url": gw.url,
                                  "sms_token": "tok-zenvia", "sms_remetente": "provedor", **extra})


def test_zenvia_receives_the_notice_in_its_v2_format_once(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        zenvia(uow, gw)
        overdue(uow, mobile="11987654321")
        day = notice_day(uow, clock)
        [row] = outbox(uow)
        assert (row.channel, row.address, row.status) == ("sms", "+5511987654321", "pendente")
        result = messages.send_due(uow(), local(day, 9))
        assert result.sent == 1 and result.last_line() == "mensagens: enviadas=1 pendentes=0 falhas=0"
        assert messages.send_due(uow(), local(day, 10)).sent == 0  # a rerun sends nothing more
        access.run_suspension(uow(), day)  # the ladder again: no second message
    [request] = gw.requests
    assert request["headers"]["x-api-token"] == "tok-zenvia"
    body = request["json"]
    assert body["from"] == "provedor" and body["to"] == "5511987654321"
    assert body["contents"][0]["type"] == "text" and body["contents"][0]["text"] == row.body
    assert len(outbox(uow)) == 1 and outbox(uow)[0].status == "enviada"
    with uow() as u:
        from ispdesk.db.models import Notice
        assert u.session.scalar(select(Notice.sent_at)) is not None  # the ladder counts from this sending


def test_whatsapp_cloud_api_sends_the_approved_template(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        params_service.update(uow(), {
            "mensagens_canais": "whatsapp", "whatsapp_provedor": "cloud",
            "whatsapp_url": f"http://127.0.0.1:{gw.port}/v21.0/{{numero_id}}/messages",
            "whatsapp_token": "EAAG-secreto", "whatsapp_numero_id": "106540352242922",
            "whatsapp_modelo": "aviso_debito"})
        overdue(uow, mobile="21987654321")
        day = notice_day(uow, clock)
        assert messages.send_due(uow(), local(day, 9)).sent == 1
    [request] = gw.requests
    assert request["path"] == "/v21.0/106540352242922/messages"
    assert request["headers"]["authorization"] == "Bearer EAAG-secreto"
    body = request["json"]
    assert body["messaging_product"] == "whatsapp" and body["to"] == "+5521987654321"
    assert body["type"] == "template" and body["template"]["name"] == "aviso_debito"
    assert body["template"]["language"] == {"code": "pt_BR"}
    texts = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert len(texts) == 2 and all("\n" not in t for t in texts) and "contrato" in texts[1].lower()


def test_generic_webhook_fills_the_body_template_and_headers(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        params_service.update(uow(), {
            "mensagens_canais": "sms", "sms_provedor": "webhook", "sms_url": gw.url,
            "sms_cabecalhos": '{"X-Chave": "abc"}',
            "sms_corpo": '{"numero": "{telefone}", "mensagem": {"texto": "{texto}", "ref": "{id}"}}'})
        overdue(uow, mobile="11987654321")
        day = notice_day(uow, clock)
        assert messages.send_due(uow(), local(day, 9)).sent == 1
    [request] = gw.requests
    assert request["headers"]["x-chave"] == "abc"
    [row] = outbox(uow)
    assert request["json"] == {"numero": "+5511987654321", "mensagem": {"texto": row.body, "ref": str(row.id)}}


def test_500_and_timeout_keep_pending_with_backoff_then_falhou_and_next_channel(uow: Uow,
                                                                               clock: FixedClock) -> None:
    with gateway_server() as gw:
        zenvia(uow, gw, mensagens_tentativas=3, mensagens_tempo_limite=1)
        overdue(uow, mobile="11987654321")
        day = notice_day(uow, clock)
        gw.status = 500
        first = messages.send_due(uow(), local(day, 9))
        assert (first.sent, first.pending, first.failed) == (0, 1, 0) and "500" in (first.problem or "")
        [row] = outbox(uow)
        assert row.status == "pendente" and row.attempts == 1 and "500" in (row.last_error or "")
        assert messages.send_due(uow(), local(day, 9, 0)).sent == 0  # before the retry: not tried
        assert len(gw.requests) == 1
        gw.status, gw.delay = 200, 2.0  # slower than the 1 s limit: a timeout
        second = messages.send_due(uow(), local(day, 9, 5))
        assert second.sent == 0 and "tempo" in (second.problem or "")
        [row] = outbox(uow)
        assert row.attempts == 2 and row.status == "pendente"
        gw.status, gw.delay = 500, 0.0
        third = messages.send_due(uow(), local(day, 12))
        assert third.failed == 1
    rows = outbox(uow)
    assert [(r.channel, r.status) for r in rows] == [("sms", "falhou"), ("email", "pendente")]
    assert "sms falhou" in (rows[1].last_error or "")


def test_no_usable_channel_becomes_a_letter(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        zenvia(uow, gw)
        overdue(uow, mobile=None, email=None, email_folded=None)
        notice_day(uow, clock)
    [row] = outbox(uow)
    assert (row.channel, row.status) == ("carta", "carta")
    assert [m.status for m in messages.list_messages(uow(), "carta")] == ["carta"]


def test_a_legal_notice_that_fails_on_every_channel_is_printed(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        params_service.update(uow(), {"mensagens_canais": "sms", "sms_provedor": "zenvia", "sms_url": gw.url,
                                      "sms_token": "t", "sms_remetente": "p", "mensagens_tentativas": 1})
        overdue(uow, mobile="11987654321")
        day = notice_day(uow, clock)
        gw.status = 400  # the gateway refuses this number
        assert messages.send_due(uow(), local(day, 9)).failed == 1
    assert [(r.channel, r.status) for r in outbox(uow)] == [("sms", "falhou"), ("carta", "carta")]


def test_the_token_never_appears_in_an_error(uow: Uow, clock: FixedClock) -> None:
    with gateway_server() as gw:
        zenvia(uow, gw, sms_token="tok-zenvia")
        overdue(uow, mobile="11987654321")
        day = notice_day(uow, clock)
        gw.status = 401
        result = messages.send_due(uow(), local(day, 9))
    assert "tok-zenvia" not in (result.problem or "") and "token" in (result.problem or "")
    assert all("tok-zenvia" not in (r.last_error or "") for r in outbox(uow))


@given(st.sampled_from([11, 21, 47, 99]), st.integers(0, 99_999_999), st.sampled_from(["", "55", "+55"]),
       st.sampled_from(["", " ", "-"]))
def test_e164_of_any_written_mobile(ddd: int, number: int, prefix: str, sep: str) -> None:
    digits = f"{ddd}9{number:08d}"
    written = f"{prefix}{sep}({digits[:2]}){sep}{digits[2:7]}{sep}{digits[7:]}"
    assert e164(written) == "+55" + digits
    assert e164(digits[:-1]) is None


def test_an_unknown_channel_order_is_refused_in_portuguese(uow: Uow) -> None:
    with pytest.raises(ValidationError) as caught:
        params_service.update(uow(), {"mensagens_canais": "sms,pombo"})
    assert "Canais inválidos" in caught.value.errors["mensagens_canais"]
    params_service.update(uow(), {"mensagens_canais": " WhatsApp ; sms,email "})  # case and ; are fine
