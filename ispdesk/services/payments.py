"""Payments: record (full or partial), reverse, list; paid-until recomputed on each change.

A late charge is settled with its updated amount (`ispdesk.domain.late_fees`): each payment is split
principal first, then multa, then juros, and recorded as one `PaymentLine` per part, so reports tell
revenue from late amounts. A partial payment leaves the charge open with what is left (principal and
the late amounts it fixed); a payment above the updated amount on its date is refused.
After every change the contract's `paid_until` is recomputed from its recurring charges and the
`DEBT_CHANGED` hooks run (access control restores access at once when the debt is paid).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select

from ispdesk.db.models import Charge, Contract, Payment, PaymentLine
from ispdesk.domain.date_windows import check_payment
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.late_fees import Allocation, LateRates, allocate, updated_amount
from ispdesk.domain.money import ZERO, check_cents, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import PaymentPart, PaymentSource
from ispdesk.services import hooks, parameters
from ispdesk.services.charges import CANCELLED, OPEN, PAID, refresh_paid_until
from ispdesk.services.late_fees import rates_on
from ispdesk.services.uow import UnitOfWork, conflict_on_stale

if TYPE_CHECKING:
    from ispdesk.services.payment_batch import PaymentRequest

SOURCES = PaymentSource.values()


@dataclass(frozen=True)
class PaymentRow:
    """A payment as the screens show it."""

    id: uuid.UUID
    charge_id: uuid.UUID
    amount: Decimal
    paid_on: date
    source: str
    created_by: str
    reversed_at: datetime | None
    reversal_reason: str | None

    @property
    def reversed(self) -> bool:
        """True when the payment was reversed (estornado)."""
        return self.reversed_at is not None


@dataclass(frozen=True)
class PaymentResult:
    """Outcome of recording or reversing a payment."""

    payment: PaymentRow
    charge_status: str
    balance: Decimal
    paid_until: date | None
    principal: Decimal = ZERO
    fine: Decimal = ZERO
    interest: Decimal = ZERO


def _row(p: Payment) -> PaymentRow:
    return PaymentRow(p.id, p.charge_id, p.amount, p.paid_on, p.source, p.created_by, p.reversed_at,
                      p.reversal_reason)


def record_payment(
    uow: UnitOfWork, charge_id: uuid.UUID, amount: Decimal, paid_on: date, source: str = "manual"
) -> PaymentResult:
    """Record a payment (or part payment) of a charge.

    Raises:
        PermissionDenied: the actor may not record payments.
        ValidationError: amount not positive or above the balance, date in the future.
        BusinessRuleError: the charge is paid or cancelled.
    """
    uow.require(Permission.PAYMENTS_RECORD)
    with uow:
        result = record_payment_in(uow, charge_id, amount, paid_on, source)
        uow.commit()
        return result


def charge_label(due_date: date, contract_number: int) -> str:
    """``a cobrança de dd/mm/aaaa do contrato N``: how every payment message names a charge."""
    return f"a cobrança de {format_date(due_date)} do contrato {contract_number}"


def _charge_label(charge: Charge, number: int) -> str:
    return charge_label(charge.due_date, number)


def _raced(label: str, what: str) -> ConflictError:
    """Another station paid or reversed the same charge at the same moment: nothing of this one is saved."""
    return ConflictError(
        f"Outra estação registrou um pagamento ou estorno em {label} ao mesmo tempo; {what} não foi gravado. "
        "Atualize a tela, confira o saldo e registre de novo se ainda for preciso."
    )


class ChargeBalance(Protocol):
    """What the payment rule reads of a charge (a `Charge` row or the bulk path's copy of one)."""

    status: str
    amount: Decimal
    paid_amount: Decimal
    fine_owed: Decimal
    interest_owed: Decimal
    due_date: date
    effective_due_date: date
    period_start: date | None


def checked_split(charge: ChargeBalance, label: str, amount: Decimal, paid_on: date, today: date, founding: date,
                  rates: LateRates) -> Allocation:
    """The split of a payment of `charge` (principal first, then multa and juros), after every check.

    The one rule of both payment paths (`record_payment_in` and the bulk `record_payments_in`).

    Raises:
        ValidationError: amount not positive or above the updated balance, bad date.
        BusinessRuleError: the charge is paid or cancelled.
    """
    if charge.status == PAID:
        raise BusinessRuleError(f"Não há saldo a pagar: {label} já está paga.", field="valor_pago")
    if charge.status == CANCELLED:
        raise BusinessRuleError(f"Não é possível receber {label}: ela foi cancelada.", field="valor_pago")
    principal = to_cents(charge.amount - charge.paid_amount)
    if amount is None or to_cents(amount) <= 0:
        raise ValidationError({"valor_pago": "Informe um valor pago maior que zero, por exemplo 99,90."})
    amount = check_cents(amount, "valor_pago", "O valor pago")
    if paid_on is None:
        raise ValidationError({"data_pagamento": "Informe a data do pagamento (dd/mm/aaaa)."})
    check_payment(paid_on, today, charge.period_start, founding)
    due = charge.effective_due_date or charge.due_date
    updated = updated_amount(principal, charge.fine_owed, charge.interest_owed, due, paid_on, rates)
    if amount > updated.total:
        late = (f" (principal {format_brl(updated.principal)} + multa {format_brl(updated.fine)} + juros "
                f"{format_brl(updated.interest)} em {format_date(paid_on)})" if updated.total != principal else "")
        raise ValidationError({"valor_pago": (
            f"Valor pago ({format_brl(amount)}) maior que o saldo de {label} ({format_brl(updated.total)}{late}). "
            f"Registre no máximo {format_brl(updated.total)}; a diferença deve ser devolvida ou lançada à parte."
        )})
    return allocate(amount, principal, charge.fine_owed, charge.interest_owed, due, paid_on, rates)


def record_payment_in(
    uow: UnitOfWork, charge_id: uuid.UUID, amount: Decimal, paid_on: date, source: str = "manual",
    external_id: str | None = None,
) -> PaymentResult:
    """Record a payment inside an open unit of work (no commit); `external_id`: the bank's id (unique)."""
    charge = uow.session.get(Charge, charge_id)
    if charge is None:
        raise NotFound("Cobrança não encontrada; atualize a lista e tente de novo.")
    contract = uow.session.get(Contract, charge.contract_id)
    assert contract is not None
    label = _charge_label(charge, contract.number)
    split = checked_split(charge, label, amount, paid_on, uow.today, parameters.founding_date(uow.session),
                          rates_on(uow.session))
    amount = to_cents(amount)
    payment = Payment(id=uuid7(), charge_id=charge.id, amount=amount, paid_on=paid_on, source=source,
                      external_id=external_id, created_at=uow.now, created_by=uow.actor.login,
                      fine_accrued=split.fine_accrued,
                      interest_accrued=split.interest_accrued)
    uow.session.add(payment)
    for part, value in ((PaymentPart.PRINCIPAL, split.principal), (PaymentPart.MULTA, split.fine),
                        (PaymentPart.JUROS, split.interest)):
        if value > 0:
            uow.session.add(PaymentLine(id=uuid7(), payment_id=payment.id, charge_id=charge.id, part=part,
                                        amount=value, paid_on=paid_on))
    before = (charge.status, charge.paid_amount)
    charge.paid_amount = to_cents(charge.paid_amount + split.principal)
    charge.fine_owed, charge.interest_owed = split.fine_owed, split.interest_owed
    if charge.paid_amount >= charge.amount and split.fine_owed == 0 and split.interest_owed == 0:
        charge.status, charge.paid_on = PAID, paid_on
    with conflict_on_stale(lambda: _raced(label, "este pagamento")):
        uow.session.flush()
    paid_until = refresh_paid_until(uow, contract)
    uow.audit(*payment_audit(charge.id, before, (charge.status, charge.paid_amount), payment.id, amount, paid_on,
                             source, split, label))
    hooks.debt_changed(uow, contract)
    return PaymentResult(_row(payment), charge.status, _left(charge), paid_until, split.principal, split.fine,
                         split.interest)


def payment_audit(charge_id: uuid.UUID, before: tuple[str, Decimal], after: tuple[str, Decimal],
                  payment_id: uuid.UUID, amount: Decimal, paid_on: date, source: str, split: Allocation,
                  label: str) -> tuple[str, uuid.UUID, str, dict[str, Any], str]:
    """The audit row of a payment (``UnitOfWork.audit`` arguments), the same for both payment paths."""
    return ("charge", charge_id, "payment",
            {"status": [before[0], after[0]], "valor_pago": [before[1], after[1]],
             "pagamento": str(payment_id), "data_pagamento": paid_on, "origem": source,
             "principal": split.principal, "multa": split.fine, "juros": split.interest},
            f"Pagamento de {format_brl(amount)} em {format_date(paid_on)} para {label}"
            + (f" (multa {format_brl(split.fine)}, juros {format_brl(split.interest)})"
               if split.fine or split.interest else ""))


def record_payments_in(uow: UnitOfWork, requests: Sequence[PaymentRequest]) -> list[PaymentResult | BusinessRuleError]:
    """Record many payments at once (bank returns, PIX statements): see `payment_batch.record_payments_in`.

    Same rule, amounts, lines and audit as `record_payment_in` for each; set-based writes and one run
    of the debt hooks (one access-status write) for all contracts; no commit.
    """
    from ispdesk.services.payment_batch import record_payments_in as record_batch

    return record_batch(uow, requests)


def _left(charge: ChargeBalance) -> Decimal:
    """Principal and fixed late amounts still owed (late amounts of later days not included)."""
    if charge.status != OPEN:
        return ZERO
    return to_cents(charge.amount - charge.paid_amount + charge.fine_owed + charge.interest_owed)


def reverse_payment(uow: UnitOfWork, payment_id: uuid.UUID, reason: str) -> PaymentResult:
    """Reverse (estornar) a payment: the charge gets its balance back; the payment row stays, marked.

    Raises:
        PermissionDenied: the actor may not reverse payments.
        ValidationError: no reason given.
        BusinessRuleError: already reversed, or the charge was cancelled.
    """
    uow.require(Permission.PAYMENTS_REVERSE)
    with uow:
        result = reverse_payment_in(uow, payment_id, reason)
        uow.commit()
        return result


def reverse_payment_in(uow: UnitOfWork, payment_id: uuid.UUID, reason: str) -> PaymentResult:
    """Reverse a payment inside an open unit of work (no commit)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"motivo": "Informe o motivo do estorno (por exemplo, “cheque devolvido”)."})
    if len(reason) > 200:
        raise ValidationError({"motivo": f"O motivo tem {len(reason)} caracteres; resuma-o em até 200."})
    payment = uow.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("Pagamento não encontrado; atualize a lista e tente de novo.")
    if payment.reversed_at is not None:
        raise BusinessRuleError(
            f"Este pagamento já foi estornado em {format_date(payment.reversed_at.date())}.")
    charge = uow.session.get(Charge, payment.charge_id)
    assert charge is not None
    contract = uow.session.get(Contract, charge.contract_id)
    assert contract is not None
    if charge.status == CANCELLED:
        raise BusinessRuleError("A cobrança deste pagamento foi cancelada; o estorno não se aplica.")
    payment.reversed_at, payment.reversed_by, payment.reversal_reason = uow.now, uow.actor.login, reason
    before = (charge.status, charge.paid_amount)
    parts = dict.fromkeys(PaymentPart.values(), ZERO)
    lines = list(uow.session.execute(select(PaymentLine.part, PaymentLine.amount)
                                     .where(PaymentLine.payment_id == payment.id)))
    for part, value in lines:
        parts[part] += value
    principal = parts[PaymentPart.PRINCIPAL] if lines else payment.amount  # rows written before payment lines
    charge.paid_amount = max(ZERO, to_cents(charge.paid_amount - principal))
    charge.fine_owed = max(ZERO, to_cents(charge.fine_owed - payment.fine_accrued + parts[PaymentPart.MULTA]))
    charge.interest_owed = max(ZERO, to_cents(charge.interest_owed - payment.interest_accrued
                                              + parts[PaymentPart.JUROS]))
    if charge.paid_amount < charge.amount or charge.fine_owed > 0 or charge.interest_owed > 0:
        charge.status, charge.paid_on = OPEN, None
    label = _charge_label(charge, contract.number)
    with conflict_on_stale(lambda: _raced(label, "este estorno")):
        uow.session.flush()
    paid_until = refresh_paid_until(uow, contract)
    uow.audit("charge", charge.id, "reverse_payment",
              {"status": [before[0], charge.status], "valor_pago": [before[1], charge.paid_amount],
               "pagamento": str(payment.id), "motivo": reason},
              summary=f"Estorno de {format_brl(payment.amount)} de {label}: "
                      f"{reason}")
    hooks.debt_changed(uow, contract)
    return PaymentResult(_row(payment), charge.status, _left(charge), paid_until)


def list_payments(uow: UnitOfWork, contract_id: uuid.UUID) -> list[PaymentRow]:
    """Every payment of a contract's charges (reversed ones included), newest first."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        payments = uow.session.scalars(
            select(Payment).join(Charge, Charge.id == Payment.charge_id)
            .where(Charge.contract_id == contract_id)
            .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
        )
        return [_row(p) for p in payments]


def find_charge_in(uow: UnitOfWork, contract_number: int, due_date: date) -> Charge:
    """The charge of contract `contract_number` due on `due_date` that a payment file refers to.

    Prefers an open charge (recurring first); raises a specific error when none matches.
    """
    contract_id = uow.session.scalar(select(Contract.id).where(Contract.number == contract_number))
    if contract_id is None:
        raise BusinessRuleError(f"Contrato {contract_number} não encontrado.", field="contrato")
    charges = list(uow.session.scalars(
        select(Charge).where(Charge.contract_id == contract_id, Charge.due_date == due_date)
    ))
    if not charges:
        raise BusinessRuleError(
            f"O contrato {contract_number} não tem cobrança com vencimento em {format_date(due_date)}.",
            field="vencimento")
    open_ones = [c for c in charges if c.status == OPEN]
    if open_ones:
        order = {"mensalidade": 0, "avulsa": 1, "multa": 2}
        return sorted(open_ones, key=lambda c: (order.get(c.kind, 9), c.created_at))[0]
    return charges[0]
