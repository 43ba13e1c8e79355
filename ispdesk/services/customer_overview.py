"""A customer's contracts and charges, for the customer form's "Contratos e cobranças" tab."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import Charge, Contract, Plan
from ispdesk.domain.permissions import Permission
from ispdesk.services.charges import ChargeRow, row_of
from ispdesk.services.uow import UnitOfWork

#: Newest charges shown in the form (the contract form lists every one).
CHARGES_SHOWN = 200


@dataclass(frozen=True)
class CustomerContractRow:
    """One contract of the customer as the form lists it."""

    id: uuid.UUID
    number: int
    plan_code: str
    status: str
    access_status: str
    value: Decimal
    activated_on: date | None
    cancelled_on: date | None


@dataclass(frozen=True)
class CustomerOverview:
    """The customer's contracts (newest number first) and newest charges."""

    contracts: list[CustomerContractRow]
    charges: list[ChargeRow]


def customer_overview(uow: UnitOfWork, customer_id: uuid.UUID) -> CustomerOverview:
    """The contracts and newest charges of `customer_id` (CONTRACTS_VIEW)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return customer_overview_in(uow, customer_id)


def customer_overview_in(uow: UnitOfWork, customer_id: uuid.UUID) -> CustomerOverview:
    """Same as `customer_overview` inside an open unit of work."""
    rows = uow.session.execute(
        select(Contract.id, Contract.number, Plan.code, Contract.status, Contract.access_status, Contract.value,
               Contract.activated_on, Contract.cancelled_on)
        .join(Plan, Plan.id == Contract.plan_id)
        .where(Contract.customer_id == customer_id)
        .order_by(Contract.number.desc())
    ).all()
    contracts = [CustomerContractRow(*r) for r in rows]
    numbers = {c.id: c.number for c in contracts}
    charges: list[ChargeRow] = []
    if numbers:
        found = uow.session.scalars(
            select(Charge).where(Charge.contract_id.in_(list(numbers)))
            .order_by(Charge.due_date.desc(), Charge.id.desc()).limit(CHARGES_SHOWN)
        )
        charges = [row_of(c, numbers[c.contract_id]) for c in found]
    return CustomerOverview(contracts, charges)
