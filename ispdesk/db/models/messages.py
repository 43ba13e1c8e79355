"""The message outbox: one row per event × contract × reference × channel, written with its cause."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime, one_of
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.statuses import MessageChannel, MessageStatus


class OutboxMessage(IdMixin, Base):
    """A message to a customer, recorded in the transaction of the change that causes it.

    `reference` names what the message is about (the notice's charge, the adjustment batch …), so
    re-running the routine that wrote it never writes a second one (unique key).
    """

    __tablename__ = "messages"

    event: Mapped[str] = mapped_column(String(40), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contracts.id"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), nullable=False)
    reference: Mapped[str] = mapped_column(String(80), nullable=False)
    address: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    legal: Mapped[bool] = mapped_column(nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=MessageStatus.PENDENTE)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        one_of("event", MessageEvent),
        one_of("channel", MessageChannel),
        one_of("status", MessageStatus),
        UniqueConstraint("event", "contract_id", "reference", "channel", name="uq_messages_event_ref"),
        Index("ix_messages_due", "status", "next_attempt_at"),
        Index("ix_messages_contract", "contract_id", "created_at"),
    )
