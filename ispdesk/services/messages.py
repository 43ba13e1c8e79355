"""Messages to customers: the outbox (written with its cause), the sender, the delivery list.

The outbox row is written in the same transaction as the change that causes it (`enqueue_rows_in`
from the ladder's notice batch, `enqueue_in` for one message), unique per event × contract ×
reference × channel, so a rerun of the routine never writes a second one. `send_due` claims due
rows atomically (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite's write lock), sends them through
an adapter outside any transaction, and records each result at once in a short transaction:
two stations sending at the same time never send the same message, and a server that is down
leaves the messages pending with the last error and a later retry (exponential backoff).

A message with no usable channel (no e-mail) becomes a letter (`carta`), listed for printing,
never dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ispdesk.adapters.email_smtp import SendError, SmtpMailer, SmtpSettings
from ispdesk.adapters.http_gateway import GatewaySettings, HttpGateway
from ispdesk.adapters.push_fcm import PushSettings
from ispdesk.db.models import Contract, Customer, Notice, OutboxMessage
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.messages import (
    LEGAL_EVENTS,
    MessageEvent,
    e164,
    next_attempt,
    parse_channels,
    parse_hhmm,
    within_hours,
)
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import MessageChannel, MessageStatus
from ispdesk.domain.wording import plural
from ispdesk.services import message_context, push_devices
from ispdesk.services import parameters as params_service
from ispdesk.services.message_templates import fill_texts, with_context
from ispdesk.services.uow import UnitOfWork

#: Rows one sender claims at a time; a claim not finished in `CLAIM_FOR` is taken over by another sender.
CLAIM_BATCH = 200
CLAIM_FOR = timedelta(minutes=10)

_M = cast(Table, OutboxMessage.__table__)


def _channel_for(email: str | None) -> tuple[str, str | None, str]:
    """(channel, address, initial status) for a customer: e-mail when there is one, else a letter."""
    if email:
        return MessageChannel.EMAIL, email, MessageStatus.PENDENTE
    return MessageChannel.CARTA, None, MessageStatus.CARTA


def message_row(event: MessageEvent, contract_id: uuid.UUID | None, customer_id: uuid.UUID, reference: str,
                email: str | None, subject: str, body: str, at: datetime) -> dict[str, Any]:
    """One outbox row (a dict for a bulk insert)."""
    channel, address, status = _channel_for(email)
    return {
        "id": uuid7(), "event": event.value, "channel": channel.value if hasattr(channel, "value") else channel,
        "contract_id": contract_id, "customer_id": customer_id, "reference": reference[:80], "address": address,
        "subject": subject[:255], "body": body, "legal": event in LEGAL_EVENTS, "status": status,
        "attempts": 0, "next_attempt_at": at, "claimed_by": None, "claimed_until": None, "last_error": None,
        "sent_at": None, "created_at": at,
    }


def notice_message_row(notice: Mapping[str, Any], customer_id: uuid.UUID, email: str | None,
                       company: Mapping[str, Any], at: datetime, customer_name: str = "",
                       contract_number: int | None = None) -> dict[str, Any]:
    """The `aviso_inadimplencia` message of a notice row the ladder writes (its text, as recorded).

    The subject and body come from the event's template (`message_templates`) when the row is enqueued.
    """
    common = message_context.base(message_context.company(company), notice["notice_date"], customer_name,
                                  contract_number)
    context = message_context.notice(common, notice["text"], notice["notice_date"], notice["amount"],
                                     notice.get("suspension_date"))
    return with_context(message_row(MessageEvent.AVISO_INADIMPLENCIA, notice["contract_id"], customer_id,
                                    f"aviso:{notice['id']}", email, "", "", at), context)


def channel_order(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The channels to try, in the order of ``mensagens_canais``, without those with no provider chosen."""
    order = parse_channels(str(values["mensagens_canais"]))
    return tuple(c for c in order if c == MessageChannel.EMAIL
                 or (PushSettings.from_parameters(values).enabled if c == MessageChannel.PUSH
                     else values[f"{c}_provedor"] != "nenhum"))


def address_for(channel: str, email: str | None, mobile: str | None, push: str | None = None) -> str | None:
    """The customer's address on `channel` (e-mail, the mobile in E.164, the push device), or None."""
    if channel == MessageChannel.EMAIL:
        return email or None
    if channel == MessageChannel.PUSH:
        return push or None
    return e164(mobile)


def first_usable(order: Sequence[str], email: str | None, mobile: str | None,
                 after: str | None = None, push: str | None = None) -> tuple[str, str] | None:
    """(channel, address) of the first channel in `order` (after `after`, if given) the customer can get.

    `push` names the customer's active push device (`push_devices.first_targets`), None when it has none.
    """
    start = order.index(after) + 1 if after in order else (len(order) if after is not None else 0)
    for channel in order[start:]:
        address = address_for(channel, email, mobile, push)
        if address:
            return channel, address
    return None


def _contacts(uow: UnitOfWork, customer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str | None, str | None]]:
    ids = list(set(customer_ids))
    found: dict[uuid.UUID, tuple[str | None, str | None]] = {}
    for start in range(0, len(ids), 1000):
        found.update({r[0]: (r[1], r[2]) for r in uow.session.execute(
            select(Customer.id, Customer.email, Customer.mobile).where(Customer.id.in_(ids[start:start + 1000])))})
    return found


def _push_targets(uow: UnitOfWork, customer_ids: Iterable[uuid.UUID], order: Sequence[str]) -> dict[uuid.UUID, str]:
    """Customer → its active push device's label, when ``push`` is one of the channels."""
    return push_devices.first_targets(uow.session, customer_ids) if MessageChannel.PUSH in order else {}


def _route(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], order: Sequence[str]) -> list[dict[str, Any]]:
    """Rows on each customer's first usable channel of `order` (else a letter); already-written ones left out.

    A message is one per event × contract × reference whatever the channel, so a change of
    ``mensagens_canais`` between two runs never writes it a second time.
    """
    contacts = _contacts(uow, (r["customer_id"] for r in rows))
    pushes = _push_targets(uow, (r["customer_id"] for r in rows), order)
    references = list({r["reference"] for r in rows})
    existing: set[tuple[str, Any, str]] = set()
    for start in range(0, len(references), 1000):
        existing.update((r[0], r[1], r[2]) for r in uow.session.execute(
            select(_M.c.event, _M.c.contract_id, _M.c.reference)
            .where(_M.c.reference.in_(references[start:start + 1000]))))
    routed = []
    for row in rows:
        if (row["event"], row["contract_id"], row["reference"]) in existing:
            continue
        email, mobile = contacts.get(row["customer_id"], (None, None))
        pick = first_usable(order, email, mobile, push=pushes.get(row["customer_id"]))
        channel, address = pick if pick else (MessageChannel.CARTA.value, None)
        routed.append({**row, "channel": str(channel), "address": address,
                       "status": MessageStatus.CARTA.value if pick is None else MessageStatus.PENDENTE.value})
    return routed


def enqueue_rows_in(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert outbox rows in the caller's transaction; a row already there (same key) is left alone.

    With ``mensagens_canais`` other than ``email`` each row goes on the customer's first usable channel.
    """
    if not rows:
        return
    order = channel_order(params_service.load(uow.session))
    if order != (MessageChannel.EMAIL.value,):
        rows = _route(uow, rows, order)
        if not rows:
            return
    rows = fill_texts(uow.session, rows)  # subject and body from the templates, for the channel chosen
    dialect = uow.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    # no conflict target: either key holds (per contract, or per customer when there is no contract)
    statement = module.insert(_M).on_conflict_do_nothing()
    uow.session.execute(statement, list(rows))


# --- sending ----------------------------------------------------------------------------------


class Mailer(Protocol):
    """What the sender needs from an e-mail adapter (`SmtpMailer`)."""

    def __enter__(self) -> Any: ...
    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None: ...


@dataclass
class SendResult:
    """What a sending run did: `sent` now, `pending` still waiting, `failed` given up (all channels)."""

    sent: int = 0
    pending: int = 0
    failed: int = 0
    letters: int = 0
    outside_hours: bool = False
    problem: str | None = None
    cancelled: bool = False

    def last_line(self) -> str:
        """``mensagens: enviadas=N pendentes=N falhas=N`` (scripts read it)."""
        return f"mensagens: enviadas={self.sent} pendentes={self.pending} falhas={self.failed}"


def _claim(uow: UnitOfWork, token: str, at: datetime, channel: str = MessageChannel.EMAIL) -> list[Any]:
    """Take up to `CLAIM_BATCH` due messages of `channel` for this sender (committed: no other sender gets them)."""
    session = uow.session
    due = (select(_M.c.id)
           .where(_M.c.status == MessageStatus.PENDENTE, _M.c.channel == channel,
                  _M.c.next_attempt_at <= at, or_(_M.c.claimed_until.is_(None), _M.c.claimed_until < at))
           .order_by(_M.c.next_attempt_at, _M.c.id).limit(CLAIM_BATCH))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = session.execute(
        update(_M).where(_M.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=token, claimed_until=at + CLAIM_FOR)
        .returning(_M.c.id, _M.c.address, _M.c.subject, _M.c.body, _M.c.attempts, _M.c.reference,
                   _M.c.event, _M.c.contract_id, _M.c.customer_id, _M.c.legal, _M.c.channel)
    ).all()
    uow.commit()
    return sorted(claimed, key=lambda r: r[0])


def _record_sent(uow: UnitOfWork, token: str, message_id: Any, reference: str, at: datetime) -> None:
    session = uow.session
    session.execute(update(_M).where(_M.c.id == message_id, _M.c.claimed_by == token)
                    .values(status=MessageStatus.ENVIADA, sent_at=at, claimed_by=None, claimed_until=None,
                            last_error=None))
    if reference.startswith("aviso:"):  # the notice now counts as sent
        notice_id = uuid.UUID(reference.removeprefix("aviso:"))
        session.execute(update(Notice).where(Notice.id == notice_id, Notice.sent_at.is_(None)).values(sent_at=at))
    uow.commit()


def _fall_back(uow: UnitOfWork, row: Any, reason: str, at: datetime, order: Sequence[str]) -> None:
    """A message given up on its channel goes on the next usable one; a legal notice with none left, as a letter."""
    email, mobile = _contacts(uow, [row.customer_id]).get(row.customer_id, (None, None))
    push = _push_targets(uow, [row.customer_id], order).get(row.customer_id)
    pick = first_usable(order, email, mobile, after=row.channel, push=push)
    if pick is None and not row.legal:
        return
    channel, address = pick if pick else (MessageChannel.CARTA.value, None)
    status = MessageStatus.PENDENTE.value if pick else MessageStatus.CARTA.value
    enqueue_rows_in_channel(uow, {
        "id": uuid7(), "event": row.event, "channel": channel, "contract_id": row.contract_id,
        "customer_id": row.customer_id, "reference": row.reference, "address": address, "subject": row.subject,
        "body": row.body, "legal": row.legal, "status": status, "attempts": 0, "next_attempt_at": at,
        "claimed_by": None, "claimed_until": None,
        "last_error": f"{row.channel} falhou: {reason}"[:500], "sent_at": None, "created_at": at})


def enqueue_rows_in_channel(uow: UnitOfWork, row: Mapping[str, Any]) -> None:
    """Insert one outbox row on exactly its channel (no routing); an existing one is left alone."""
    dialect = uow.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    uow.session.execute(module.insert(_M).on_conflict_do_nothing(
        index_elements=["event", "contract_id", "reference", "channel"]), [dict(row)])


def _record_failure(uow: UnitOfWork, token: str, rows: Iterable[Any], reason: str, at: datetime,
                    tries: int, order: Sequence[str] = ()) -> tuple[int, int]:
    """Count a failed try on `rows`; returns (still pending, given up). Given up: the next channel of `order`."""
    pending = failed = 0
    for row in rows:
        message_id, attempts = row.id, row.attempts
        count = attempts + 1
        final = count >= tries
        values: dict[str, Any] = {"attempts": count, "last_error": reason[:500], "claimed_by": None,
                                  "claimed_until": None}
        if final:
            values["status"] = MessageStatus.FALHOU
        else:
            values["next_attempt_at"] = next_attempt(at, count)
        done = uow.session.execute(update(_M).where(_M.c.id == message_id, _M.c.claimed_by == token)
                                   .values(**values))
        done = cast(Any, done).rowcount
        if final and done and order:
            _fall_back(uow, row, reason, at, order)
        failed += final
        pending += not final
    uow.commit()
    return pending, failed


def _release(uow: UnitOfWork, token: str) -> None:
    """Give back the rows this sender claimed but did not send (a cancelled run): due again at once."""
    uow.session.execute(update(_M).where(_M.c.claimed_by == token).values(claimed_by=None, claimed_until=None))
    uow.commit()


def _count(uow: UnitOfWork, status: MessageStatus) -> int:
    return uow.session.scalar(select(func.count()).select_from(_M).where(_M.c.status == status)) or 0


def send_due(uow: UnitOfWork, at: datetime | None = None,
             mailer_factory: Callable[[SmtpSettings], Mailer] | None = None, *,
             stop: Callable[[int], bool] | None = None) -> SendResult:
    """Send every message due at `at` (default: now) within the sending hours; see the module docstring.

    Never raises for a server that is down: the messages stay pending with the reason. `stop(done)` is
    asked after each message (the GUI's progress and Cancelar): True ends the run, the rest stays due.

    Raises:
        PermissionDenied: the actor may not run tasks.
    """
    uow.require(Permission.TASKS_RUN)
    result = SendResult()
    token = uuid.uuid4().hex
    with uow:
        moment = at or uow.now
        values = params_service.load(uow.session)
        start = parse_hhmm(values["mensagens_horario_inicio"], "mensagens_horario_inicio")
        end = parse_hhmm(values["mensagens_horario_fim"], "mensagens_horario_fim")
        tries = int(values["mensagens_tentativas"])
        settings = SmtpSettings.from_parameters(values, str(values.get("empresa_nome_fantasia") or ""))
        order = channel_order(values)
        if not within_hours(moment.astimezone(), start, end):  # the office's hours, in local time
            result.outside_hours = True
        else:
            result.problem = settings.problem()
            if result.problem is None:
                make_mailer = mailer_factory or SmtpMailer
                _send_batches(uow, token, moment, MessageChannel.EMAIL, lambda: make_mailer(settings), tries,
                              result, order, stop)
            for channel in (MessageChannel.SMS, MessageChannel.WHATSAPP):
                if not result.cancelled:
                    _send_gateway(uow, token, moment, channel, values, tries, result, order, stop)
            if not result.cancelled:
                _send_push(uow, token, moment, values, tries, result, order, stop)
        uow.session.rollback()
        result.pending = _count(uow, MessageStatus.PENDENTE)
        result.letters = _count(uow, MessageStatus.CARTA)
    return result


def _send_gateway(uow: UnitOfWork, token: str, at: datetime, channel: MessageChannel, values: Mapping[str, Any],
                  tries: int, result: SendResult, order: Sequence[str],
                  stop: Callable[[int], bool] | None = None) -> None:
    """Send the due SMS or WhatsApp messages through their gateway; a gateway not configured leaves them pending."""
    waiting = uow.session.scalar(select(func.count()).select_from(_M).where(
        _M.c.status == MessageStatus.PENDENTE, _M.c.channel == channel, _M.c.next_attempt_at <= at)) or 0
    if not waiting:
        return
    settings = GatewaySettings.from_parameters(channel.value, dict(values))
    problem = settings.problem()
    if problem is not None:
        result.problem = result.problem or problem
        return
    _send_batches(uow, token, at, channel, lambda: HttpGateway(settings), tries, result, order, stop)


def _send_push(uow: UnitOfWork, token: str, at: datetime, values: Mapping[str, Any], tries: int,
               result: SendResult, order: Sequence[str], stop: Callable[[int], bool] | None = None) -> None:
    """Send the due push notifications (`ispdesk.services.push_sending`, built on this module's claim/record)."""
    from ispdesk.services import push_sending  # imports this module: loaded here, not at the top

    push_sending.send_due_push(uow, token, at, values, tries, result, order, stop)


def _send_batches(uow: UnitOfWork, token: str, at: datetime, channel: str, open_transport: Callable[[], Mailer],
                  tries: int, result: SendResult, order: Sequence[str] = (),
                  stop: Callable[[int], bool] | None = None) -> None:
    """Claim, send and record batch after batch; a server that is down ends the run (rows retried later)."""
    while True:
        batch = _claim(uow, token, at, channel)
        if not batch:
            return
        context = open_transport()
        try:
            mailer = context.__enter__()
        except SendError as exc:  # cannot connect: every claimed row counts a try and waits
            result.failed += _record_failure(uow, token, batch, exc.reason, at, tries, order)[1]
            result.problem = exc.reason
            return
        try:
            for n, row in enumerate(batch):
                message_id, address, subject, body, reference = row.id, row.address, row.subject, row.body, \
                    row.reference
                try:
                    mailer.send(address, subject, body, str(message_id))
                except SendError as exc:
                    failing = batch[n:] if exc.whole_batch else [row]
                    result.failed += _record_failure(uow, token, failing, exc.reason, at, tries, order)[1]
                    if exc.whole_batch:  # the connection dropped: the rest waits for the next run
                        result.problem = exc.reason
                        return
                    if stop is not None and stop(result.sent + result.failed):
                        _release(uow, token)
                        result.cancelled = True
                        return
                    continue
                _record_sent(uow, token, message_id, reference, at)
                result.sent += 1
                if stop is not None and stop(result.sent + result.failed):
                    _release(uow, token)
                    result.cancelled = True
                    return
        finally:
            context.__exit__(None, None, None)


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageLine:
    """A message as lists show it."""

    id: uuid.UUID
    event: str
    contract_number: int | None
    channel: str
    address: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    subject: str

    def line(self) -> str:
        """One line: event, contract number, channel, address, status (the CLI prints this)."""
        number = self.contract_number if self.contract_number is not None else "-"
        text = f"{self.event}\t{number}\t{self.channel}\t{self.address or '-'}\t{self.status}"
        return text + (f"\t{self.last_error}" if self.last_error else "")


def list_messages(uow: UnitOfWork, status: str | None = None, contract_number: int | None = None,
                  limit: int = 1000) -> list[MessageLine]:
    """Messages, newest first, optionally by status and contract.

    Raises:
        PermissionDenied: the actor may not view contracts.
        BusinessRuleError: unknown status.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    if status is not None and status not in MessageStatus.values():
        raise BusinessRuleError(f"Situação de mensagem desconhecida: “{status}”. Use uma destas: "
                                f"{', '.join(MessageStatus.values())}.", field="status")
    with uow:
        query = (select(_M.c.id, _M.c.event, Contract.number, _M.c.channel, _M.c.address, _M.c.status,
                        _M.c.attempts, _M.c.last_error, _M.c.created_at, _M.c.sent_at, _M.c.subject)
                 .outerjoin(Contract, Contract.id == _M.c.contract_id)
                 .order_by(_M.c.created_at.desc(), _M.c.id.desc()).limit(limit))
        if status is not None:
            query = query.where(_M.c.status == status)
        if contract_number is not None:
            query = query.where(Contract.number == contract_number)
        return [MessageLine(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7] or "", r[8], r[9], r[10])
                for r in uow.session.execute(query)]


def mark_letters_delivered(uow: UnitOfWork, contract_number: int, on: datetime | None = None) -> int:
    """Record that the printed letters of contract `contract_number` were handed to the customer.

    A notice sent as a letter then counts as sent from that day (see `aviso_exige_envio`).

    Returns:
        How many letters were marked.

    Raises:
        PermissionDenied: the actor may not edit contracts.
        BusinessRuleError: no such contract, or no letter waiting for it.
    """
    uow.require(Permission.CONTRACTS_EDIT)
    with uow:
        moment = on or uow.now
        contract_id = uow.session.scalar(select(Contract.id).where(Contract.number == contract_number))
        if contract_id is None:
            raise BusinessRuleError(f"Contrato {contract_number} não encontrado.", field="contrato")
        letters = uow.session.execute(
            select(_M.c.id, _M.c.reference).where(_M.c.contract_id == contract_id,
                                                  _M.c.status == MessageStatus.CARTA, _M.c.sent_at.is_(None))).all()
        if not letters:
            raise BusinessRuleError(f"O contrato {contract_number} não tem carta aguardando entrega.",
                                    field="contrato")
        for message_id, reference in letters:
            uow.session.execute(update(_M).where(_M.c.id == message_id).values(sent_at=moment))
            if reference.startswith("aviso:"):
                notice_id = uuid.UUID(reference.removeprefix("aviso:"))
                uow.session.execute(update(Notice).where(Notice.id == notice_id, Notice.sent_at.is_(None))
                                    .values(sent_at=moment))
        uow.audit("contract", contract_id, "letters_delivered", {"cartas": len(letters)},
                  summary=f"Contrato {contract_number}: "
                          f"{plural(len(letters), 'carta entregue', 'cartas entregues')} ao cliente")
        uow.commit()
        return len(letters)
