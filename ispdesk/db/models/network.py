"""Network identity of a contract (PPPoE login, fixed IP, MAC) and the log of CoA/Disconnect requests.

The password is not here: FreeRADIUS needs it in clear, so it lives only in the RADIUS ``radcheck``
table (``Cleartext-Password``), see `ispdesk.adapters.radius.tables`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime, one_of
from ispdesk.domain.statuses import RadiusRequestKind, RadiusRequestResult


class ContractNetwork(IdMixin, Base):
    """A contract's network login (unique, also folded to lower case) and optional fixed IP / MAC."""

    __tablename__ = "contract_network"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), unique=True, nullable=False)
    login: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    login_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    fixed_ip: Mapped[str | None] = mapped_column(String(45), unique=True)
    mac: Mapped[str | None] = mapped_column(String(17))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(80), nullable=False)


class RadiusRequestLog(IdMixin, Base):
    """One CoA or Disconnect request sent to a NAS after a commit, with its outcome."""

    __tablename__ = "radius_requests"

    login: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    nas_ip: Mapped[str] = mapped_column(String(45), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[str] = mapped_column(String(12), nullable=False)
    detail: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    __table_args__ = (Index("ix_radius_requests_login_at", "login", "at"),
                      one_of("kind", RadiusRequestKind), one_of("result", RadiusRequestResult))
