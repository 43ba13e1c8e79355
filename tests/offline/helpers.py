"""Shared builders of the offline tests: a central database with a plan, a store, drafts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import func, select

from ispdesk.db.models import AuditEntry, Contract, Customer
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.documents import generate_cpf
from ispdesk.domain.permissions import Role
from ispdesk.services import contracts, customers
from ispdesk.services.offline_journal import JournalFactory
from ispdesk.services.offline_store import open_store
from ispdesk.services.uow import Actor, UnitOfWorkFactory

ATTENDANT = Actor.for_role("atendente", Role.ATENDIMENTO, "Atendente Teste")
ENTRY_DAY = date(2026, 11, 20)


def entry_clock(minute: int = 0) -> FixedClock:
    """The offline entry moment: 20/11/2026 10:mm UTC."""
    return FixedClock(ENTRY_DAY, time(10, minute))


def entry_time(minute: int = 0) -> datetime:
    return datetime.combine(ENTRY_DAY, time(10, minute), tzinfo=UTC)


def draft(name: str = "Maria Offline", document: str | None = None, n: int = 1) -> customers.CustomerDraft:
    return customers.CustomerDraft(name=name, document=document or generate_cpf(), email=f"off{n}@example.com",
                                   mobile="11987654321", city="Campinas", state="SP")


def store_factory(path: Path) -> UnitOfWorkFactory:
    return open_store(path, JournalFactory)


def enter_customer(path: Path, d: customers.CustomerDraft, minute: int = 0) -> customers.CustomerRow:
    """A customer typed offline by the attendant."""
    store = store_factory(path)
    try:
        return customers.create_customer(store(ATTENDANT, entry_clock(minute)), d).customer
    finally:
        store.dispose()


def enter_contract(path: Path, customer_id: object, plan_code: str = "FIBRA-300", minute: int = 1) -> int:
    """A pre-contract typed offline; its provisional number."""
    store = store_factory(path)
    try:
        row = contracts.create_contract(store(ATTENDANT, entry_clock(minute)),
                                        contracts.ContractDraft(customer_id=customer_id, plan_code=plan_code,  # type: ignore[arg-type]
                                                                loyalty_months=12, inclusion_reason="NOVO"))
        return row.number
    finally:
        store.dispose()


def central_counts(factory: UnitOfWorkFactory) -> tuple[int, int]:
    """(customers, contracts) in the central database."""
    with factory.engine.connect() as conn:
        return (int(conn.scalar(select(func.count()).select_from(Customer)) or 0),
                int(conn.scalar(select(func.count()).select_from(Contract)) or 0))


def create_audits(factory: UnitOfWorkFactory, entity: str) -> list[AuditEntry]:
    with factory(ATTENDANT) as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.entity == entity,
                                                                 AuditEntry.action == "create")))
