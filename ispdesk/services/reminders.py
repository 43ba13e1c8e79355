"""Date-driven messages: charge due soon, charge overdue, birthday, loyalty ending (issue 14).

`run_reminders` (``ispdesk tasks reminders [--date D]``, also run by ``tasks messages`` before it
sends) looks at the day and enqueues, in one transaction, one outbox row per event × contract ×
reference: the charge for `cobranca_vencendo` / `cobranca_vencida`, the loyalty's end date for
`fidelidade_vencendo`, the year for `aniversario` (a customer message with no contract, kept
unique by the partial index of `db/models/message_keys.py`). Each window looks back, so a day
the task did not run is caught up the next day, and a rerun never writes a second message.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, extract, or_, select

from ispdesk.db.models import Charge, Contract, Customer, OutboxMessage
from ispdesk.domain.messages import MessageEvent, switch_parameter
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, ContractStatus
from ispdesk.services import message_context
from ispdesk.services import parameters as params_service
from ispdesk.services.message_templates import with_context
from ispdesk.services.messages import enqueue_rows_in, message_row
from ispdesk.services.uow import UnitOfWork

#: A day the task did not run is still caught up within this many days.
CATCH_UP = timedelta(days=7)

#: The date-driven events, in the order of the task's last line.
REMINDER_EVENTS = (MessageEvent.COBRANCA_VENCENDO, MessageEvent.COBRANCA_VENCIDA, MessageEvent.FIDELIDADE_VENCENDO,
                   MessageEvent.ANIVERSARIO)

#: The contracts that get reminders.
_LIVE = (ContractStatus.ATIVO.value,)


@dataclass
class ReminderResult:
    """How many messages each event enqueued (already written ones not counted)."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)

    def last_line(self) -> str:
        """``lembretes: cobranca_vencendo=N cobranca_vencida=N fidelidade_vencendo=N aniversario=N``."""
        return "lembretes: " + " ".join(f"{e.value}={self.counts.get(e.value, 0)}" for e in REMINDER_EVENTS)


def _charges_due(uow: UnitOfWork, day: date, days_before: int) -> list[Any]:
    return list(uow.session.execute(
        select(Charge.id, Charge.due_date, Charge.amount, Charge.paid_amount, Contract.id, Contract.number,
               Customer.id, Customer.name, Customer.email)
        .join(Contract, Contract.id == Charge.contract_id).join(Customer, Customer.id == Contract.customer_id)
        .where(Charge.status == ChargeStatus.ABERTA.value, Contract.status.in_(_LIVE),
               Charge.due_date >= day, Charge.due_date <= day + timedelta(days=days_before))))


def _charges_overdue(uow: UnitOfWork, day: date, days_after: int) -> list[Any]:
    last = day - timedelta(days=days_after)
    return list(uow.session.execute(
        select(Charge.id, Charge.effective_due_date, Charge.amount, Charge.paid_amount, Contract.id,
               Contract.number, Customer.id, Customer.name, Customer.email)
        .join(Contract, Contract.id == Charge.contract_id).join(Customer, Customer.id == Contract.customer_id)
        .where(Charge.status == ChargeStatus.ABERTA.value, Contract.status.in_(_LIVE),
               Charge.effective_due_date <= last, Charge.effective_due_date > last - CATCH_UP)))


def _loyalty_ending(uow: UnitOfWork, day: date, days_before: int) -> list[Any]:
    return list(uow.session.execute(
        select(Contract.loyalty_expires_on, Contract.id, Contract.number, Customer.id, Customer.name,
               Customer.email)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.status.in_(_LIVE), Contract.loyalty_expires_on >= day,
               Contract.loyalty_expires_on <= day + timedelta(days=days_before))))


def birthdays_on(day: date) -> list[tuple[int, int]]:
    """(month, day) pairs whose birthday falls on `day` (29 February on 28 February of a common year)."""
    pairs = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        pairs.append((2, 29))
    return pairs


def _birthdays(uow: UnitOfWork, day: date) -> list[Any]:
    live = exists().where(Contract.customer_id == Customer.id, Contract.status.in_(_LIVE))
    same_day = or_(*(and_(extract("month", Customer.birth_date) == m, extract("day", Customer.birth_date) == d)
                     for m, d in birthdays_on(day)))
    return list(uow.session.execute(
        select(Customer.id, Customer.name, Customer.email).where(Customer.birth_date.is_not(None), same_day, live)))


def reminder_rows_in(uow: UnitOfWork, day: date) -> dict[MessageEvent, list[dict[str, Any]]]:
    """The outbox rows the day's reminders call for, per event (switched-off events left out)."""
    params = params_service.load(uow.session)
    company = message_context.company(params)
    at = uow.now
    wanted = {e for e in REMINDER_EVENTS if (key := switch_parameter(e)) is None or params.get(key, True)}
    out: dict[MessageEvent, list[dict[str, Any]]] = {e: [] for e in wanted}

    def charge_rows(event: MessageEvent, rows: list[Any]) -> None:
        for charge_id, due, amount, paid, contract_id, number, customer_id, name, email in rows:
            context = message_context.charge(message_context.base(company, day, name, number), due, amount - paid)
            out[event].append(with_context(message_row(event, contract_id, customer_id, f"cobranca:{charge_id}",
                                                       email, "", "", at), context))

    if MessageEvent.COBRANCA_VENCENDO in wanted:
        charge_rows(MessageEvent.COBRANCA_VENCENDO,
                    _charges_due(uow, day, int(params["mensagens_cobranca_dias_antes"])))
    if MessageEvent.COBRANCA_VENCIDA in wanted:
        charge_rows(MessageEvent.COBRANCA_VENCIDA,
                    _charges_overdue(uow, day, int(params["mensagens_cobranca_vencida_dias"])))
    if MessageEvent.FIDELIDADE_VENCENDO in wanted:
        for ends, contract_id, number, customer_id, name, email in _loyalty_ending(
                uow, day, int(params["mensagens_fidelidade_dias_antes"])):
            context = message_context.loyalty(message_context.base(company, day, name, number), ends)
            out[MessageEvent.FIDELIDADE_VENCENDO].append(with_context(message_row(
                MessageEvent.FIDELIDADE_VENCENDO, contract_id, customer_id, f"fidelidade:{ends.isoformat()}",
                email, "", "", at), context))
    if MessageEvent.ANIVERSARIO in wanted:
        for customer_id, name, email in _birthdays(uow, day):
            context = message_context.base(company, day, name)
            out[MessageEvent.ANIVERSARIO].append(with_context(message_row(
                MessageEvent.ANIVERSARIO, None, customer_id, f"aniversario:{day.year}", email, "", "", at), context))
    return out


def _key(event: str, contract_id: Any, customer_id: Any, reference: str) -> tuple[Any, ...]:
    """The dedupe key: per contract, or per customer when the message has no contract."""
    return (event, "contrato", contract_id, reference) if contract_id is not None else (
        event, "cliente", customer_id, reference)


def _new_only(uow: UnitOfWork, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` without those whose event × contract (or customer) × reference is already in the outbox."""
    if not rows:
        return rows
    references = list({r["reference"] for r in rows})
    events = list({r["event"] for r in rows})
    seen: set[tuple[Any, ...]] = set()
    for start in range(0, len(references), 1000):
        seen.update(_key(*r) for r in uow.session.execute(
            select(OutboxMessage.event, OutboxMessage.contract_id, OutboxMessage.customer_id,
                   OutboxMessage.reference)
            .where(OutboxMessage.event.in_(events), OutboxMessage.reference.in_(references[start:start + 1000]))))
    return [r for r in rows if _key(r["event"], r["contract_id"], r["customer_id"], r["reference"]) not in seen]


def run_reminders_in(uow: UnitOfWork, day: date) -> ReminderResult:
    """Enqueue the day's reminders in the caller's unit of work (never commits, never checks)."""
    result = ReminderResult(day)
    for event, rows in reminder_rows_in(uow, day).items():
        fresh = _new_only(uow, rows)
        enqueue_rows_in(uow, fresh)
        result.counts[event.value] = len(fresh)
    return result


def run_reminders(uow: UnitOfWork, day: date | None = None) -> ReminderResult:
    """Enqueue the reminders of `day` (default: today), once each; see the module docstring.

    Raises:
        PermissionDenied: the actor may not run tasks.
    """
    uow.require(Permission.TASKS_RUN)
    with uow:
        result = run_reminders_in(uow, day or uow.today)
        uow.commit()
    return result
