"""The ``push`` channel against a local server playing Google's token endpoint and FCM HTTP v1: the exact
request, the signed JWT exchange and its cache, backoff, dead tokens deactivated and the fallback, and the
secret never in an error (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, Notice, OutboxMessage
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.parameters import display
from ispdesk.services import access, messages, push_devices
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer
from tests.fcm_server import Fcm, fcm_server, google_error, invalid_token, unregistered
from tests.smtp_server import free_port

Uow = Callable[..., UnitOfWork]
DAY = date(2026, 11, 27)
PHONE_A = "cXy1:APA91bF" + "a" * 140
PHONE_B = "dZw2:APA91bG" + "b" * 140


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fcm(key: rsa.RSAPrivateKey) -> Iterator[Fcm]:
    with fcm_server(key) as server:
        yield server


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def configure(uow: Uow, fcm: Fcm, tmp_path: Path, order: str = "push,email", **extra: object) -> Path:
    account = tmp_path / "conta-servico.json"
    account.write_text(json.dumps(fcm.account()), encoding="utf-8")
    params_service.update(uow(), {"mensagens_canais": order, "push_conta_servico": str(account),
                                  "push_url": fcm.base_url, "smtp_servidor": "127.0.0.1", "smtp_porta": free_port(),
                                  "smtp_seguranca": "nenhuma", "email_remetente": "cobranca@provedor.example",
                                  **extra})
    return account


def customer(uow: Uow, *tokens: str, **kw: object) -> tuple[int, object]:
    """A customer with devices registered in this order (the last one is the newest)."""
    with uow() as u:
        c = make_customer(u.session, **kw)
        u.commit()
        code, customer_id = c.code, c.id
    for n, token in enumerate(tokens):
        push_devices.add_device(uow(), code, token, "android" if n % 2 == 0 else "ios", f"App {n + 1}")
    return code, customer_id


def queue(uow: Uow, customer_id: object, reference: str = "teste:1", subject: str = "Sua fatura vence amanhã",
          body: str = "Olá! A fatura de dezembro vence amanhã.") -> None:
    with uow() as u:
        row = messages.message_row(MessageEvent.COBRANCA_VENCENDO, None, customer_id,  # type: ignore[arg-type]
                                   reference, "cliente@example.com", subject, body, local(DAY, 8))
        messages.enqueue_rows_in(u, [row])
        u.commit()


def outbox(uow: Uow) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)))


def test_exact_fcm_v1_request_after_a_signed_jwt_exchange_cached_between_runs(uow: Uow, fcm: Fcm,
                                                                            tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    _, first = customer(uow, PHONE_A)
    _, second = customer(uow, PHONE_B)
    queue(uow, first)
    [row] = outbox(uow)
    assert (row.channel, row.status) == ("push", "pendente") and row.address.endswith(PHONE_A[-8:])
    result = messages.send_due(uow(), local(DAY, 9))
    assert (result.sent, result.pending, result.failed, result.problem) == (1, 0, 0, None)
    assert fcm.problems == []  # the server verified the RS256 signature and every claim
    [exchange] = fcm.exchanges
    assert exchange["content_type"] == "application/x-www-form-urlencoded"
    assert exchange["form"]["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assert exchange["claims"]["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
    assert exchange["claims"]["aud"] == fcm.token_uri and exchange["header"]["alg"] == "RS256"
    [send] = fcm.sends
    assert send["path"] == "/v1/projects/provedor-app/messages:send"
    assert send["headers"]["authorization"] == "Bearer ya29.acesso-1"
    assert send["headers"]["content-type"].startswith("application/json")
    assert send["json"] == {"message": {
        "token": PHONE_A,
        "notification": {"title": "Sua fatura vence amanhã", "body": "Olá! A fatura de dezembro vence amanhã."},
        "data": {"mensagem_id": str(row.id), "evento": "cobranca_vencendo"}}}
    [sent] = outbox(uow)
    assert sent.status == "enviada" and sent.sent_at is not None
    queue(uow, second, reference="teste:2")
    assert messages.send_due(uow(), local(DAY, 10)).sent == 1  # the access token is reused: no new exchange
    assert len(fcm.exchanges) == 1 and fcm.sends[1]["headers"]["authorization"] == "Bearer ya29.acesso-1"
    assert messages.send_due(uow(), local(DAY, 11)).sent == 0 and len(fcm.sends) == 2  # nothing sent twice


def test_the_ladder_notice_goes_by_push_and_counts_as_sent(uow: Uow, fcm: Fcm, tmp_path: Path,
                                                           clock: FixedClock) -> None:
    configure(uow, fcm, tmp_path)
    code, customer_id = customer(uow, PHONE_A)
    with uow() as u:
        from ispdesk.db.models import Customer
        contract = make_contract(u.session, customer=u.session.get(Customer, customer_id))
        make_charge(u.session, contract, date(2026, 9, 10))
        u.commit()
    day, clock.at = date(2026, 9, 10), time(3, 0)
    while True:
        clock.day = day
        if access.run_suspension(uow(), day).counts["aviso"]:
            break
        day += timedelta(days=1)
    [row] = outbox(uow)
    assert (row.event, row.channel) == ("aviso_inadimplencia", "push")
    assert messages.send_due(uow(), local(day, 9)).sent == 1
    body = fcm.sends[0]["json"]["message"]["notification"]["body"]
    assert body == row.body and "contrato" in body.lower()
    with uow() as u:
        assert u.session.scalar(select(Notice.sent_at)) is not None  # the ladder counts from this push


def test_newest_device_first_and_an_unregistered_one_is_deactivated_then_the_next_gets_it(
        uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    code, customer_id = customer(uow, PHONE_A, PHONE_B)  # PHONE_B is the newest
    fcm.answers[PHONE_B] = [unregistered()]
    queue(uow, customer_id)
    result = messages.send_due(uow(), local(DAY, 9))
    assert (result.sent, result.failed) == (1, 0)
    assert [s["json"]["message"]["token"] for s in fcm.sends] == [PHONE_B, PHONE_A]
    [row] = outbox(uow)
    assert row.status == "enviada" and row.address.endswith(PHONE_A[-8:])
    devices = {d.token: d for d in push_devices.list_devices(uow(), code)}
    assert devices[PHONE_A].active and not devices[PHONE_B].active
    assert "UNREGISTERED" in devices[PHONE_B].last_error and devices[PHONE_B].deactivated_at is not None
    with uow() as u:
        assert u.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "push_device_deactivated"))


def test_the_last_dead_token_falls_back_to_the_next_channel_at_once(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    code, customer_id = customer(uow, PHONE_A)
    fcm.answers[PHONE_A] = [invalid_token()]
    queue(uow, customer_id)
    result = messages.send_due(uow(), local(DAY, 9))
    assert (result.sent, result.failed) == (0, 1)
    rows = outbox(uow)
    assert [(r.channel, r.status) for r in rows] == [("push", "falhou"), ("email", "pendente")]
    assert "não tem dispositivo ativo" in (rows[0].last_error or "") and rows[0].attempts == 1
    assert (rows[1].last_error or "").startswith("push falhou:") and "@example.com" in (rows[1].address or "")
    [device] = push_devices.list_devices(uow(), code)
    assert not device.active and "INVALID_ARGUMENT" in device.last_error
    queue(uow, customer_id, reference="teste:2")  # the next message: no active device, straight to e-mail
    assert [r.channel for r in outbox(uow) if r.reference == "teste:2"] == ["email"]


def test_a_payload_refusal_counts_a_try_and_keeps_the_token(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    code, customer_id = customer(uow, PHONE_A)
    fcm.answers[PHONE_A] = [(400, {"error": {
        "code": 400, "message": "Invalid value at 'message.data[0].value'", "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "message.data[0].value", "description": "x"}]}]}})]
    queue(uow, customer_id)
    result = messages.send_due(uow(), local(DAY, 9))
    assert (result.sent, result.pending, result.failed) == (0, 1, 0)
    [row] = outbox(uow)
    assert row.status == "pendente" and row.attempts == 1 and "recusou a mensagem" in (row.last_error or "")
    assert push_devices.list_devices(uow(), code)[0].active


def test_5xx_429_and_timeouts_keep_the_batch_pending_with_backoff(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path, mensagens_tempo_limite=1)
    codes = {}
    for n, phone in enumerate((PHONE_A, PHONE_B)):
        codes[phone], customer_id = customer(uow, phone)
        queue(uow, customer_id, reference=f"teste:{n}")
    fcm.all_sends = google_error(503, "UNAVAILABLE")
    first = messages.send_due(uow(), local(DAY, 9))
    assert (first.sent, first.pending, first.failed) == (0, 2, 0) and "503" in (first.problem or "")
    assert len(fcm.sends) == 1  # FCM failing: the rest of the batch is not even tried
    rows = outbox(uow)
    assert [(r.status, r.attempts) for r in rows] == [("pendente", 1), ("pendente", 1)]
    assert all(r.next_attempt_at == local(DAY, 9) + timedelta(minutes=1) for r in rows)
    assert messages.send_due(uow(), local(DAY, 9)).sent == 0 and len(fcm.sends) == 1  # before the retry
    fcm.all_sends = google_error(429, "RESOURCE_EXHAUSTED")
    assert "429" in (messages.send_due(uow(), local(DAY, 9, 2)).problem or "")
    fcm.all_sends, fcm.delay = None, 2.0  # slower than the 1 s limit
    slow = messages.send_due(uow(), local(DAY, 9, 10))
    assert slow.sent == 0 and "não respondeu a tempo" in (slow.problem or "")
    assert [r.attempts for r in outbox(uow)] == [3, 3]
    fcm.delay = 0.0
    done = messages.send_due(uow(), local(DAY, 10))
    assert (done.sent, done.pending) == (2, 0)
    assert all(d.active for c in (PHONE_A, PHONE_B) for d in push_devices.list_devices(uow(), codes[c]))
    assert all(r.status == "enviada" for r in outbox(uow))


def test_credentials_refused_stay_pending_with_the_reason(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    code, customer_id = customer(uow, PHONE_A)
    queue(uow, customer_id)
    fcm.token_answer = (400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    refused = messages.send_due(uow(), local(DAY, 9))
    assert refused.sent == 0 and refused.pending == 1
    assert "recusou a conta de serviço" in (refused.problem or "") and "invalid_grant" in (refused.problem or "")
    assert fcm.sends == []
    fcm.token_answer = None
    fcm.all_sends = google_error(403, "PERMISSION_DENIED")
    forbidden = messages.send_due(uow(), local(DAY, 9, 5))
    assert forbidden.pending == 1 and "recusou as credenciais" in (forbidden.problem or "")
    [row] = outbox(uow)
    assert row.status == "pendente" and row.attempts == 2 and "403" in (row.last_error or "")
    assert push_devices.list_devices(uow(), code)[0].active


def test_a_revoked_access_token_is_exchanged_again_once(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    _, first = customer(uow, PHONE_A)
    _, second = customer(uow, PHONE_B)
    queue(uow, first)
    assert messages.send_due(uow(), local(DAY, 9)).sent == 1
    fcm.issued.clear()  # Google no longer accepts the cached access token
    queue(uow, second, reference="teste:2")
    assert messages.send_due(uow(), local(DAY, 10)).sent == 1
    assert len(fcm.exchanges) == 2
    assert [s["headers"]["authorization"] for s in fcm.sends] == ["Bearer ya29.acesso-1", "Bearer ya29.acesso-1",
                                                                  "Bearer ya29.acesso-2"]


def test_a_wrong_push_url_touches_no_token(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path, push_url=fcm.base_url + "/outro")
    code, customer_id = customer(uow, PHONE_A)
    queue(uow, customer_id)
    result = messages.send_due(uow(), local(DAY, 9))
    assert result.pending == 1 and "404" in (result.problem or "") and "URL do push" in (result.problem or "")
    assert push_devices.list_devices(uow(), code)[0].active


def test_the_secret_never_appears_in_errors_lists_or_audit(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    account = configure(uow, fcm, tmp_path)
    pem = fcm.private_pem()
    key_line = pem.splitlines()[5]
    code, customer_id = customer(uow, PHONE_A)
    queue(uow, customer_id)
    assert messages.send_due(uow(), local(DAY, 9)).sent == 1
    fcm.issued.clear()
    fcm.answers[PHONE_A] = [(400, {"error": {"code": 400, "status": "FAILED_PRECONDITION",
                                             "message": f"bad bearer ya29.acesso-1 and {pem}"}})]
    queue(uow, customer_id, reference="teste:2")
    failed = messages.send_due(uow(), local(DAY, 10))
    texts = [failed.problem or "", *(r.last_error or "" for r in outbox(uow))]
    assert "recusou a mensagem" in " ".join(texts)
    fcm.answers.clear()
    params_service.update(uow(), {"push_conta_servico": json.dumps(fcm.account())})  # the JSON itself
    fcm.token_answer = (401, {"error": "unauthorized_client", "error_description": f"{pem} ya29.acesso-2"})
    fcm.issued.clear()
    from ispdesk.adapters import push_fcm
    push_fcm.CACHE.forget(push_fcm.load_account(json.dumps(fcm.account())))
    queue(uow, customer_id, reference="teste:3")
    refused = messages.send_due(uow(), local(DAY, 11))
    texts += [refused.problem or "", *(r.last_error or "" for r in outbox(uow))]
    assert "recusou a conta de serviço" in (refused.problem or "")
    with uow() as u:
        texts += [a.summary + a.changes for a in u.session.scalars(select(AuditEntry))]
    texts += [line.line() for line in messages.list_messages(uow())]
    texts += [display(name, value) for name, value in params_service.get_all(uow()).items()]
    for secret in (key_line, "PRIVATE KEY", "ya29.acesso-1", "ya29.acesso-2", str(account)):
        assert all(secret not in t for t in texts), secret
    assert display("push_conta_servico", str(account)) == "••••••"


def test_push_is_not_a_channel_without_a_service_account(uow: Uow, fcm: Fcm) -> None:
    params_service.update(uow(), {"mensagens_canais": "push,email"})
    _, customer_id = customer(uow, PHONE_A)
    queue(uow, customer_id)
    assert [r.channel for r in outbox(uow)] == ["email"]


def test_a_customer_without_device_goes_on_the_next_channel(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path, order="push")
    _, customer_id = customer(uow)
    queue(uow, customer_id)
    assert [(r.channel, r.status) for r in outbox(uow)] == [("carta", "carta")]  # the only channel: a letter


def test_an_unreadable_account_leaves_push_pending_with_how_to_fix(uow: Uow, fcm: Fcm, tmp_path: Path) -> None:
    configure(uow, fcm, tmp_path)
    _, customer_id = customer(uow, PHONE_A)
    queue(uow, customer_id)
    params_service.update(uow(), {"push_conta_servico": str(tmp_path / "nao-existe.json")})
    result = messages.send_due(uow(), local(DAY, 9))
    assert result.pending == 1 and "Não foi possível ler o arquivo da conta de serviço" in (result.problem or "")
    assert fcm.sends == [] and outbox(uow)[0].attempts == 0
