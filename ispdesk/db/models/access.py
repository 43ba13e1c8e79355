"""Access control: notices, access status history, suspension periods and routine runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, Money, UTCDateTime, one_of
from ispdesk.domain.access import AccessStatus, Cause


class Notice(IdMixin, Base):
    """Aviso de inadimplência recorded on a contract (RGC 765 content), sent once messaging exists."""

    __tablename__ = "notices"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"), nullable=False)
    notice_date: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    reference_month: Mapped[str] = mapped_column(String(7), nullable=False)
    suspension_date: Mapped[date] = mapped_column(Date, nullable=False)
    rescission_date: Mapped[date] = mapped_column(Date, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_notices_contract", "contract_id", "notice_date"),)


class AccessEvent(IdMixin, Base):
    """One change of a contract's access status, with its date, cause and actor."""

    __tablename__ = "access_events"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    from_status: Mapped[str] = mapped_column(String(25), nullable=False)
    to_status: Mapped[str] = mapped_column(String(25), nullable=False)
    cause: Mapped[str] = mapped_column(String(40), nullable=False)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        one_of("from_status", AccessStatus),
        one_of("to_status", AccessStatus),
        one_of("cause", Cause),
        Index("ix_access_events_contract", "contract_id", "on_date"),
        Index("ix_access_events_date", "on_date", "to_status"),
    )


class SuspensionPeriod(IdMixin, Base):
    """Days of total suspension (bloqueado): billing charges no subscription for them."""

    __tablename__ = "suspension_periods"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_suspension_periods_contract", "contract_id", "start_date"),)


class SuspensionRun(IdMixin, Base):
    """One run of the suspension routine for a date, with counts per transition (JSON)."""

    __tablename__ = "suspension_runs"

    run_date: Mapped[date] = mapped_column(Date, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    counts: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
