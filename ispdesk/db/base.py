"""Declarative base, portable column types and common mixins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, MetaData, String, Text, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import to_cents

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING)


class Money(TypeDecorator[Decimal]):
    """Money stored as whole centavos (BIGINT) so SQL sums are exact on every database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(to_cents(value) * 100)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal that is never summed in SQL (percentages, index values), stored as text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC instants on every database (SQLite returns naive strings)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Search keys compared byte-wise (prefix range scans use the index on both databases).
SearchKey = String(200).with_variant(String(200, collation="C"), "postgresql")

UUIDType = Uuid(as_uuid=True)


class IdMixin:
    """Time-ordered UUID primary key."""

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid7)


class StampMixin:
    """Who created / last changed the record, and when."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(80))


__all__ = [
    "Base",
    "BigInteger",
    "DecimalText",
    "IdMixin",
    "Money",
    "SearchKey",
    "StampMixin",
    "Text",
    "UTCDateTime",
    "UUIDType",
]


def one_of(column: str, vocabulary: type[StrEnum]) -> CheckConstraint:
    """CHECK that ``column`` holds only a value of ``vocabulary`` (so every stored value has a label)."""
    values = ", ".join(f"'{member.value}'" for member in vocabulary)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valido")
