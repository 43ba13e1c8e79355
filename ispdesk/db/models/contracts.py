"""Plans, contracts, charges, payments and credit-bureau listings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, Money, StampMixin, UTCDateTime, UUIDType, one_of
from ispdesk.domain.access import AccessStatus
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, ContractStatus, PaymentPart, PaymentSource


class Plan(IdMixin, StampMixin, Base):
    """Plano de venda (offer): unique code printed on contracts and charges (RGC 765)."""

    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    download_mbps: Mapped[int] = mapped_column(Integer, nullable=False)
    upload_mbps: Mapped[int] = mapped_column(Integer, nullable=False)
    loyalty_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    loyalty_benefit: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    adjustment_rule: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class Contract(IdMixin, StampMixin, Base):
    """A customer's subscription to a plan, with its own value and dates.

    `value` is the monthly value in force (reajustes and plan changes update it on their effective
    date; their history lives in `contract_value_changes`). `paid_until` is derived, never typed.
    """

    __tablename__ = "contracts"

    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), nullable=False)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), nullable=False)
    branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"))
    value: Mapped[Decimal] = mapped_column(Money, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    access_status: Mapped[str] = mapped_column(String(25), nullable=False, default="normal")
    access_until: Mapped[date | None] = mapped_column(Date)
    activated_on: Mapped[date | None] = mapped_column(Date)
    billing_base_date: Mapped[date | None] = mapped_column(Date)
    paid_until: Mapped[date | None] = mapped_column(Date)
    renewed_on: Mapped[date | None] = mapped_column(Date)
    loyalty_expires_on: Mapped[date | None] = mapped_column(Date)
    loyalty_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    loyalty_benefit: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    due_day: Mapped[int] = mapped_column(Integer, nullable=False)
    payment_term_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_terms.id"))
    billing_type_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("billing_types.id"))
    inclusion_reason_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inclusion_reasons.id"))
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancellation_reason_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cancellation_reasons.id"))
    cancellation_note: Mapped[str | None] = mapped_column(Text)
    cancellation_origin: Mapped[str | None] = mapped_column(String(12))
    negativated_on: Mapped[date | None] = mapped_column(Date)
    no_block_until: Mapped[date | None] = mapped_column(Date)
    block_exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    trust_restriction_lifted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    no_adjustment: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_adjusted_on: Mapped[date | None] = mapped_column(Date)
    sent_for_signature_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("status", ContractStatus),
        one_of("access_status", AccessStatus),
        Index("ix_contracts_customer", "customer_id"),
        # (filter column, number): the contracts tab filters and pages newest-number-first from these.
        Index("ix_contracts_plan", "plan_id", "number"),
        Index("ix_contracts_status_access", "status", "access_status"),
        Index("ix_contracts_status_number", "status", "number"),
        Index("ix_contracts_access_number", "access_status", "number"),
        Index("ix_contracts_loyalty_expires", "loyalty_expires_on", "number"),
        Index("ix_contracts_due_day", "due_day", "number"),
        Index("ix_contracts_cancelled_on", "cancelled_on"),
        Index("ix_contracts_activated_on", "activated_on"),
        # covering indexes of the dashboard's aggregates (bench/bench_dashboard.py: 1,000,000 contracts)
        Index("ix_contracts_status_loyalty", "status", "loyalty_expires_on"),
        Index("ix_contracts_status_due_value", "status", "due_day", "value"),
        Index("ix_contracts_activated_cancelled", "activated_on", "cancelled_on", "inclusion_reason_id"),
        Index("ix_contracts_cancelled_reason", "cancelled_on", "cancellation_reason_id"),
    )


class Charge(IdMixin, Base):
    """A charge (cobrança): recurring (mensalidade), one-off (avulsa) or termination fine (multa)."""

    __tablename__ = "charges"

    #: Sequential number people see and quote (``ispdesk charges show NUMERO``), from the ``charge_number`` sequence.
    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    description: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    #: Vencimento útil: the first business day on or after `due_date` (domain.business_days); late
    #: amounts and the non-payment ladder count from it. Refreshed when the holiday calendar changes.
    effective_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    #: Principal paid so far (late amounts are kept apart: `fine_owed`, `interest_owed`, payment lines).
    paid_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    #: Late amounts fixed by partial payments and still unpaid (they bear no further interest).
    fine_owed: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), server_default="0")
    interest_owed: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), server_default="0")
    paid_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="aberta")
    plan_code: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("kind", ChargeKind),
        one_of("status", ChargeStatus),
        UniqueConstraint("contract_id", "kind", "period_start", name="uq_charges_contract_period"),
        Index("ix_charges_contract_due", "contract_id", "due_date"),
        Index("ix_charges_status_due", "status", "due_date"),
        Index("ix_charges_status_effective", "status", "effective_due_date"),
        Index("ix_charges_contract_effective", "contract_id", "effective_due_date"),
    )


class Payment(IdMixin, Base):
    """A payment (or part payment) of a charge; reversal keeps the row and marks it."""

    __tablename__ = "payments"

    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(12), nullable=False, default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by: Mapped[str | None] = mapped_column(String(80))
    reversal_reason: Mapped[str | None] = mapped_column(String(200))
    #: Late amounts this payment fixed on the charge (undone by a reversal).
    fine_accrued: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), server_default="0")
    interest_accrued: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"),
                                                      server_default="0")
    #: The bank's own id of the payment (PIX end-to-end id): one payment per id, so a statement
    #: imported twice settles nothing twice.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    __table_args__ = (one_of("source", PaymentSource), Index("ix_payments_charge", "charge_id"))


class PaymentLine(IdMixin, Base):
    """What a payment settled, one line per part: principal, multa (late fine) or juros (interest).

    Reports tell revenue from late amounts by `part`; a reversed payment's lines count as reversed.
    """

    __tablename__ = "payment_lines"

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), nullable=False)
    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"), nullable=False)
    part: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (one_of("part", PaymentPart), Index("ix_payment_lines_payment", "payment_id"),
                      Index("ix_payment_lines_part_paid", "part", "paid_on"))


class Holiday(IdMixin, Base):
    """A municipal holiday the provider registers (national and state ones come from ``holidays``).

    Attributes:
        day: the date (with `yearly`, only its day and month count, every year).
        yearly: repeats every year on the same day and month.
    """

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, nullable=False)
    yearly: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)

    __table_args__ = (UniqueConstraint("day", "yearly", name="uq_holidays_day"),)


class Negativation(IdMixin, Base):
    """A credit-bureau listing (negativação), only after rescission with open debt."""

    __tablename__ = "negativations"

    contract_id: Mapped[uuid.UUID] = mapped_column(UUIDType, ForeignKey("contracts.id"), nullable=False)
    protocol: Mapped[str] = mapped_column(String(60), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    listed_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)
