"""The journal of offline entries: every customer or contract saved in the store becomes an operation.

Entries go through the ordinary public services on the store (same validation as online); the store's
unit of work (`JournalUnitOfWork`) adds, in the same transaction, one `offline_ops` row per new record
with a UUIDv7 id, the actor, the entry time and the draft the central service will take at sync.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ispdesk.db.models import BillingType, Branch, Contract, Customer, InclusionReason, PaymentTerm
from ispdesk.domain.ids import uuid7
from ispdesk.domain.statuses import OfflineOpKind
from ispdesk.services.contracts import ContractDraft
from ispdesk.services.customers import CustomerDraft
from ispdesk.services.offline_store import ops
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

CUSTOMER, CONTRACT = OfflineOpKind.CUSTOMER, OfflineOpKind.CONTRACT


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def dump_draft(draft: CustomerDraft | ContractDraft, **extra: Any) -> str:
    """The draft as JSON (plus `extra` keys such as the hotsite password hash)."""
    values = {k: _jsonable(v) for k, v in dataclasses.asdict(draft).items()}
    values.update(extra)
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


_DATES = {"birth_date", "activated_on", "billing_base_date"}
_DECIMALS = {"value", "loyalty_benefit"}
_UUIDS = {"customer_id", "plan_id"}


def load_draft(kind: str, text: str) -> tuple[CustomerDraft | ContractDraft, dict[str, Any]]:
    """(draft, extra keys) from the JSON of `dump_draft`."""
    raw = json.loads(text)
    cls: Any = CustomerDraft if kind == CUSTOMER else ContractDraft
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in names:
            continue
        if value is not None and key in _DATES:
            value = date.fromisoformat(value)
        elif value is not None and key in _DECIMALS:
            value = Decimal(value)
        elif value is not None and key in _UUIDS:
            value = uuid.UUID(value)
        values[key] = value
    return cls(**values), {k: v for k, v in raw.items() if k not in names}


def customer_draft(c: Customer) -> CustomerDraft:
    """The draft that creates `c` again (the stored, normalised values)."""
    return CustomerDraft(
        name=c.name, document=c.document or "", person_type=c.person_type, rg_ie=c.rg_ie or "",
        birth_date=c.birth_date, email=c.email or "", secondary_email=c.secondary_email or "",
        mobile=c.mobile or "", phone=c.phone or "", cep=c.cep or "", street=c.street or "",
        number=c.number or "", complement=c.complement or "", district=c.district or "", city=c.city or "",
        state=c.state or "", portal_login=c.portal_login or "", portal_password=None, status=c.status,
        notes=c.notes or "",
    )


def _code(session: Session, model: Any, ident: uuid.UUID | None) -> str | None:
    return None if ident is None else session.scalar(select(model.code).where(model.id == ident))


def contract_draft(session: Session, c: Contract) -> ContractDraft:
    """The draft that creates `c` again, catalogues by code."""
    return ContractDraft(
        customer_id=c.customer_id, plan_id=c.plan_id, value=c.value, activated_on=c.activated_on,
        billing_base_date=c.billing_base_date if c.activated_on else None, due_day=c.due_day,
        payment_term=_code(session, PaymentTerm, c.payment_term_id),
        billing_type=_code(session, BillingType, c.billing_type_id),
        inclusion_reason=_code(session, InclusionReason, c.inclusion_reason_id),
        loyalty_months=c.loyalty_months, loyalty_benefit=c.loyalty_benefit, notes=c.notes,
        branch_code=_code(session, Branch, c.branch_id),
    )


def journal_new_records(session: Session, actor: Actor) -> int:
    """Add an operation for every customer and contract of the store that has none yet; return how many."""
    added = 0
    new_customers = session.scalars(
        select(Customer).where(~exists().where(ops.c.entity_id == Customer.id)).order_by(Customer.code)).all()
    for customer in new_customers:
        session.execute(ops.insert().values(
            id=uuid7(), kind=CUSTOMER, entity_id=customer.id, depends_on=None, actor=customer.created_by,
            role=actor.role.value, entered_at=customer.created_at, status="pendente",
            draft=dump_draft(customer_draft(customer), portal_password_hash=customer.portal_password_hash),
            provisional_number=customer.code))
        added += 1
    new_contracts = session.scalars(
        select(Contract).where(~exists().where(ops.c.entity_id == Contract.id)).order_by(Contract.number)).all()
    for contract in new_contracts:
        parent = session.scalar(select(ops.c.id).where(ops.c.entity_id == contract.customer_id))
        session.execute(ops.insert().values(
            id=uuid7(), kind=CONTRACT, entity_id=contract.id, depends_on=parent, actor=contract.created_by,
            role=actor.role.value, entered_at=contract.created_at, status="pendente",
            draft=dump_draft(contract_draft(session, contract)), provisional_number=contract.number))
        added += 1
    return added


class JournalUnitOfWork(UnitOfWork):
    """A unit of work on the store whose commit journals the records it created (same transaction)."""

    def commit(self) -> None:
        self.session.flush()
        journal_new_records(self.session, self.actor)
        self.session.commit()


class JournalFactory(UnitOfWorkFactory):
    """Makes `JournalUnitOfWork`s on the store."""

    def __call__(self, actor: Actor, clock: Any = None) -> UnitOfWork:
        return JournalUnitOfWork(self.session_factory, actor, clock or self.clock)
