"""Plan changes (alteração wizard), value history and annual price adjustments (reajustes)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, DecimalText, IdMixin, Money, UTCDateTime, one_of
from ispdesk.domain.statuses import AdjustmentBatchStatus, ValueChangeSource


class PlanChange(IdMixin, Base):
    """One plan/value/due-day/billing-type change with IXC's type code (UP, SC, DW, AV, UV, DV)."""

    __tablename__ = "plan_changes"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    change_type: Mapped[str] = mapped_column(String(2), nullable=False)
    old_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), nullable=False)
    new_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), nullable=False)
    old_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    new_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    old_due_day: Mapped[int] = mapped_column(Integer, nullable=False)
    new_due_day: Mapped[int] = mapped_column(Integer, nullable=False)
    old_billing_type_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("billing_types.id"))
    new_billing_type_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("billing_types.id"))
    prorata_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    loyalty_action: Mapped[str] = mapped_column(String(10), nullable=False, default="manter")
    new_loyalty_benefit: Mapped[Decimal | None] = mapped_column(Money)
    charge_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charges.id"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_plan_changes_date", "changed_on", "change_type"),
        Index("ix_plan_changes_contract", "contract_id"),
    )


class ContractValueChange(IdMixin, Base):
    """Dated record of a contract's monthly value change (reajuste, plan change, manual edit)."""

    __tablename__ = "contract_value_changes"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    old_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    new_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("adjustment_batches.id"))
    plan_change_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plan_changes.id"))
    applied: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)

    __table_args__ = (
        one_of("source", ValueChangeSource),
        Index("ix_contract_value_changes_contract", "contract_id", "effective_on"),
        Index("ix_contract_value_changes_batch", "batch_id"),
    )


class AdjustmentBatch(IdMixin, Base):
    """One price adjustment (reajuste) decided on a day, effective on another, over a filter."""

    __tablename__ = "adjustment_batches"

    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    percent: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    index_name: Mapped[str | None] = mapped_column(String(30))
    filters: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    customers_notified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="aplicado")
    contracts_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    revenue_before: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    revenue_after: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (one_of("status", AdjustmentBatchStatus),)


class ContractAdjustment(IdMixin, Base):
    """A contract adjusted (or skipped, with the reason) by a batch."""

    __tablename__ = "contract_adjustments"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("adjustment_batches.id"), nullable=False)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    old_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    new_value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    skipped_reason: Mapped[str | None] = mapped_column(String(200))
    #: the contract's version the batch decided on; the update applies only to that version
    contract_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_contract_adjustments_batch", "batch_id", "contract_id"),)
