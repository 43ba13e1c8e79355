"""The dedupe key of outbox messages about a customer rather than a contract (e.g. `aniversario`).

The outbox's unique key (event, contract_id, reference, channel) does not hold when `contract_id`
is NULL (NULLs never conflict), so messages with no contract get their own partial unique index,
keyed by the customer: one per event × customer × reference × channel.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Index, Table

from ispdesk.db.models.messages import OutboxMessage

_M = cast(Table, OutboxMessage.__table__)

CUSTOMER_MESSAGE_KEY = Index(
    "uq_messages_customer_ref", _M.c.event, _M.c.customer_id, _M.c.reference, _M.c.channel, unique=True,
    sqlite_where=_M.c.contract_id.is_(None), postgresql_where=_M.c.contract_id.is_(None))
