"""The customer messages an access status change causes: reduction, block, restoration, rescission.

Called by the one status writer (through the ``ACCESS_CHANGED`` hook) inside its transaction, so a
status never changes without its message recorded with it. Texts come from the event's template
(`services.message_templates`: edited per channel, else the shipped text).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Contract, Customer
from ispdesk.domain.access import AccessStatus, Cause
from ispdesk.domain.messages import MessageEvent, switch_parameter
from ispdesk.services import message_context
from ispdesk.services import parameters as params_service
from ispdesk.services.hooks import AccessStatusChange
from ispdesk.services.message_templates import with_context
from ispdesk.services.messages import enqueue_rows_in, message_row
from ispdesk.services.uow import UnitOfWork

_SUSPENDED = {AccessStatus.REDUZIDO.value, AccessStatus.BLOQUEADO.value}


def event_of(change: AccessStatusChange) -> MessageEvent | None:
    """The message a status change causes, or None (releases and cancellations have their own)."""
    if change.cause == Cause.RESCISAO:
        return MessageEvent.RESCISAO
    if change.cause == Cause.REDUCAO:
        return MessageEvent.REDUCAO
    if change.cause == Cause.BLOQUEIO or (change.cause == Cause.FIM_LIBERACAO
                                          and change.after == AccessStatus.BLOQUEADO):
        return MessageEvent.BLOQUEIO
    if change.cause in (Cause.PAGAMENTO, Cause.SEM_DEBITO) and change.before in _SUSPENDED:
        return MessageEvent.RESTABELECIMENTO
    return None


def enqueue_for_changes(uow: UnitOfWork, changes: Sequence[AccessStatusChange]) -> None:
    """`ACCESS_CHANGED` hook: one outbox row per change that tells the customer something."""
    wanted = [(c, e) for c in changes if (e := event_of(c)) is not None]
    if not wanted:
        return
    session = uow.session
    params = params_service.load(session)
    wanted = [(c, e) for c, e in wanted if (key := switch_parameter(e)) is None or params.get(key, True)]
    if not wanted:
        return
    ids = list({c.contract_id for c, _ in wanted})
    people: dict[uuid.UUID, tuple[int, uuid.UUID, str, str | None]] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            select(Contract.id, Contract.number, Customer.id, Customer.name, Customer.email)
            .join(Customer, Customer.id == Contract.customer_id).where(Contract.id.in_(ids[start:start + 1000])))
        people.update({r[0]: (r[1], r[2], r[3], r[4]) for r in rows})
    company = message_context.company(params)
    at = uow.now
    out: list[dict[str, Any]] = []
    for change, event in wanted:
        number, customer_id, name, email = people[change.contract_id]
        context = message_context.access(message_context.base(company, uow.today, name, number), change.on)
        out.append(with_context(message_row(event, change.contract_id, customer_id,
                                            f"{change.cause}:{change.on.isoformat()}", email, "", "", at), context))
    enqueue_rows_in(uow, out)
