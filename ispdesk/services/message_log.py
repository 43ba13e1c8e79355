"""The desk's view of the outbox: filtered delivery log, counts per status, resend of a failed message.

`services/messages.py` writes and sends the messages; this module reads them for the "Mensagens"
window and the customer/contract panels, and re-arms a failed one (`resend_message`) — the same row
goes back to the queue, so a resend never duplicates a message already delivered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, func, or_, select, update

from ispdesk.db.models import Contract, Customer, OutboxMessage
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import MessageChannel, MessageStatus
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork

_M = cast(Table, OutboxMessage.__table__)
#: Most rows one read returns (the window says when there are more).
LIMIT = 2000


@dataclass(frozen=True)
class MessageFilter:
    """What the window filters by; None = any. `since`/`until` are local days of creation (inclusive)."""

    status: str | None = None
    event: str | None = None
    channel: str | None = None
    contract_number: int | None = None
    contract_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class MessageLogRow:
    """One message as the desk shows it (plain values, no session)."""

    id: uuid.UUID
    event: str
    channel: str
    contract_number: int | None
    customer_name: str
    address: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    subject: str
    body: str
    legal: bool
    holds_suspension: bool

    @property
    def event_label(self) -> str:
        """The event in Portuguese."""
        return _label(MessageEvent, self.event)

    @property
    def channel_label(self) -> str:
        """The channel in Portuguese."""
        return _label(MessageChannel, self.channel)

    @property
    def status_label(self) -> str:
        """The status in Portuguese; a delivered letter says so."""
        if self.status == MessageStatus.CARTA and self.sent_at is not None:
            return "Carta entregue"
        return _label(MessageStatus, self.status)

    @property
    def resendable(self) -> bool:
        """A failed message (or a pending one that failed a try) may be put back in the queue now."""
        return self.status == MessageStatus.FALHOU or (self.status == MessageStatus.PENDENTE and bool(self.last_error))

    @property
    def letter_waiting(self) -> bool:
        """A printed letter not yet marked as handed to the customer."""
        return self.status == MessageStatus.CARTA and self.sent_at is None


def _label(enum: Any, value: str) -> str:
    return str(enum.label_of(value))


def _check(flt: MessageFilter) -> None:
    for value, enum, name, what in ((flt.status, MessageStatus, "status", "Situação"),
                                    (flt.event, MessageEvent, "event", "Evento"),
                                    (flt.channel, MessageChannel, "channel", "Canal")):
        if value is not None and value not in enum.values():
            raise BusinessRuleError(f"{what} de mensagem desconhecido(a): “{value}”. Use um destes valores: "
                                    f"{', '.join(enum.values())}.", field=name)
    if flt.since and flt.until and flt.since > flt.until:
        raise BusinessRuleError("O período começa depois de terminar: corrija as datas “de” e “até”.",
                                field="since")


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def _where(query: Any, flt: MessageFilter, with_status: bool = True) -> Any:
    if with_status and flt.status is not None:
        query = query.where(_M.c.status == flt.status)
    if flt.event is not None:
        query = query.where(_M.c.event == flt.event)
    if flt.channel is not None:
        query = query.where(_M.c.channel == flt.channel)
    if flt.contract_number is not None:
        query = query.where(Contract.number == flt.contract_number)
    if flt.contract_id is not None:
        query = query.where(_M.c.contract_id == flt.contract_id)
    if flt.customer_id is not None:
        query = query.where(_M.c.customer_id == flt.customer_id)
    if flt.since is not None:
        query = query.where(_M.c.created_at >= _local_start(flt.since))
    if flt.until is not None:
        query = query.where(_M.c.created_at < _local_start(flt.until + timedelta(days=1)))
    return query


def search_messages(uow: UnitOfWork, flt: MessageFilter | None = None, limit: int = LIMIT) -> list[MessageLogRow]:
    """Messages matching `flt`, newest first (at most `limit`).

    Raises:
        PermissionDenied: the actor may not view contracts.
        BusinessRuleError: unknown status/event/channel, or a period that ends before it starts.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    flt = flt or MessageFilter()
    _check(flt)
    with uow:
        holds = bool(params_service.load(uow.session).get("aviso_exige_envio", True))
        query = (select(_M.c.id, _M.c.event, _M.c.channel, Contract.number, Customer.name, _M.c.address,
                        _M.c.status, _M.c.attempts, _M.c.last_error, _M.c.created_at, _M.c.sent_at,
                        _M.c.next_attempt_at, _M.c.subject, _M.c.body, _M.c.legal, _M.c.reference)
                 .outerjoin(Contract, Contract.id == _M.c.contract_id)
                 .join(Customer, Customer.id == _M.c.customer_id)
                 .order_by(_M.c.created_at.desc(), _M.c.id.desc()).limit(limit))
        rows = uow.session.execute(_where(query, flt)).all()
        return [MessageLogRow(r.id, r.event, r.channel, r.number, r.name, r.address or "", r.status, r.attempts,
                              r.last_error or "", r.created_at, r.sent_at, r.next_attempt_at, r.subject, r.body,
                              bool(r.legal), holds and r.reference.startswith("aviso:") and r.sent_at is None)
                for r in rows]


def message_counts(uow: UnitOfWork, flt: MessageFilter | None = None) -> dict[str, int]:
    """How many messages per status (every status present, 0 when none), the status filter ignored.

    Raises:
        PermissionDenied: the actor may not view contracts.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    flt = flt or MessageFilter()
    _check(flt)
    with uow:
        query = select(_M.c.status, func.count()).select_from(_M)
        if flt.contract_number is not None:
            query = query.outerjoin(Contract, Contract.id == _M.c.contract_id)
        query = _where(query, flt, with_status=False).group_by(_M.c.status)
        counts = {status: 0 for status in MessageStatus.values()}
        counts.update({status: n for status, n in uow.session.execute(query)})
        return counts


def due_count(uow: UnitOfWork, at: datetime | None = None) -> int:
    """Messages a sending run at `at` would try (pending and due), for its progress bar.

    Raises:
        PermissionDenied: the actor may not run tasks.
    """
    uow.require(Permission.TASKS_RUN)
    with uow:
        moment = at or uow.now
        return uow.session.scalar(select(func.count()).select_from(_M).where(
            _M.c.status == MessageStatus.PENDENTE, _M.c.next_attempt_at <= moment)) or 0


def resend_message(uow: UnitOfWork, message_id: uuid.UUID) -> str:
    """Put a failed message back in the queue, due now, with its tries counted from zero (audited).

    The same row is re-armed, so a message already delivered is never sent twice.

    Returns:
        A Portuguese line saying what was done.

    Raises:
        PermissionDenied: the actor may not edit contracts.
        BusinessRuleError: no such message, already sent, a letter, or being sent right now.
    """
    uow.require(Permission.CONTRACTS_EDIT)
    with uow:
        text = resend_message_in(uow, message_id)
        uow.commit()
        return text


def resend_message_in(uow: UnitOfWork, message_id: uuid.UUID) -> str:
    """Body of `resend_message` (no commit, no permission check)."""
    session = uow.session
    now = uow.now
    row = session.execute(select(_M.c.status, _M.c.attempts, _M.c.last_error, _M.c.sent_at, _M.c.address,
                                 _M.c.event, _M.c.contract_id, _M.c.claimed_until)
                          .where(_M.c.id == message_id)).one_or_none()
    if row is None:
        raise BusinessRuleError("Mensagem não encontrada (pode ter sido apagada). Atualize a lista.")
    if row.status == MessageStatus.ENVIADA:
        when = row.sent_at.astimezone().strftime("%d/%m/%Y %H:%M") if row.sent_at else ""
        raise BusinessRuleError(f"Esta mensagem já foi enviada{' em ' + when if when else ''}; ela não é "
                                "reenviada para o cliente não recebê-la duas vezes.")
    if row.status == MessageStatus.CARTA:
        raise BusinessRuleError("Esta mensagem é uma carta (o cliente não tem e-mail): imprima-a e use "
                                "“Marcar carta entregue” depois de entregá-la.")
    if row.status == MessageStatus.PENDENTE and not row.last_error:
        raise BusinessRuleError("Esta mensagem ainda está na fila e sai no próximo envio; não é preciso reenviar.")
    changed = cast(CursorResult[Any], session.execute(
        update(_M).where(_M.c.id == message_id, _M.c.status.in_([MessageStatus.FALHOU, MessageStatus.PENDENTE]),
                         or_(_M.c.claimed_until.is_(None), _M.c.claimed_until < now))
        .values(status=MessageStatus.PENDENTE, attempts=0, next_attempt_at=now, claimed_by=None,
                claimed_until=None))).rowcount
    if not changed:
        raise BusinessRuleError("Esta mensagem está sendo enviada agora por outra estação; aguarde e "
                                "atualize a lista.")
    event = _label(MessageEvent, row.event)
    uow.audit("message", message_id, "resend",
              {"status": [row.status, MessageStatus.PENDENTE.value], "tentativas": [row.attempts, 0]},
              summary=f"Mensagem “{event}” para {row.address or 'o cliente'} recolocada na fila de envio "
                      f"(último erro: {row.last_error or '—'})")
    return f"Mensagem “{event}” recolocada na fila; ela sai no próximo envio."
