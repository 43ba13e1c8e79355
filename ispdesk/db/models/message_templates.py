"""Edited message templates: one row per event × channel that differs from the shipped text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime, one_of
from ispdesk.domain.message_templates import TEMPLATE_CHANNELS
from ispdesk.domain.messages import MessageEvent


class MessageTemplate(IdMixin, Base):
    """The subject and body an office wrote for an event on a channel (``padrao``: any channel).

    No row means the shipped text (`domain.message_templates.DEFAULTS`); resetting deletes the row.
    """

    __tablename__ = "message_templates"

    event: Mapped[str] = mapped_column(String(40), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(60), nullable=False)

    __table_args__ = (
        one_of("event", MessageEvent),
        CheckConstraint("channel IN (" + ", ".join(f"'{c}'" for c in TEMPLATE_CHANNELS) + ")",
                        name="channel_valido"),
        UniqueConstraint("event", "channel", name="uq_message_templates_event_channel"),
    )
