"""Central side of offline entry: the inbox of operations already applied by `ispdesk sync`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, UTCDateTime, UUIDType, one_of
from ispdesk.domain.statuses import OfflineOpKind


class SyncInbox(Base):
    """One row per offline operation applied centrally, written in the same transaction as its effect.

    The primary key is the operation's UUIDv7 (made on the workstation), so a replay after a lost
    reply finds the row and applies nothing twice.
    """

    __tablename__ = "sync_inbox"

    op_id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    number: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (one_of("kind", OfflineOpKind),)
