"""Devices of a customer registered for push notifications (FCM registration tokens)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime, one_of
from ispdesk.domain.push import TOKEN_MAX
from ispdesk.domain.statuses import DevicePlatform


class PushDevice(IdMixin, Base):
    """One app installation of a customer: its FCM token, unique across all customers.

    A token FCM reports as unregistered is kept with ``active`` false and the reason in `last_error`.
    """

    __tablename__ = "push_devices"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), nullable=False)
    token: Mapped[str] = mapped_column(String(TOKEN_MAX), nullable=False, unique=True)
    platform: Mapped[str] = mapped_column(String(10), nullable=False, default=DevicePlatform.ANDROID)
    app: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        one_of("platform", DevicePlatform),
        Index("ix_push_devices_customer", "customer_id", "active", "created_at"),
    )
