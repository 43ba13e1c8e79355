"""Users, audit log, general parameters and number sequences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime


class User(IdMixin, Base):
    """A person who logs in; `role` decides the permissions."""

    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Wrong passwords in a row since the last success, lockout or unlock (login hardening).
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: Logins are refused until this instant (None: not locked).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class AuditEntry(IdMixin, Base):
    """Append-only audit row: who, when, which record, fields before → after (JSON)."""

    __tablename__ = "audit_log"

    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    summary: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    changes: Mapped[str] = mapped_column(Text, nullable=False, default="{}")

    __table_args__ = (Index("ix_audit_log_entity_record", "entity", "entity_id", "at"),)


class Parameter(Base):
    """A general parameter whose value differs from (or was saved over) its default."""

    __tablename__ = "parameters"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)  # Text: a pasted JSON key (push) is long
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(80), nullable=False)


class Sequence(Base):
    """Sequential numbers people see (customer code, contract number, batch number)."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, nullable=False)
