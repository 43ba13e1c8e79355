"""Contract cancellation: the last period pro-rata, the termination fine, open future charges.

`preview_cancellation` computes what `cancel_contract` would do (shown before confirming);
`cancel_contract_in` does it inside an open unit of work so the access-control routine can rescind
contracts automatically (origin ``automatico``, reason INADIMPLENCIA).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import CancellationReason, Charge, Contract, ContractValueChange, Plan
from ispdesk.domain import billing
from ispdesk.domain.access import AccessStatus, Cause
from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.fine import FineBreakdown, termination_fine
from ispdesk.domain.money import ZERO, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import hooks
from ispdesk.services import parameters as params_service
from ispdesk.services.charges import (
    CANCELLED,
    FINE,
    OPEN,
    PAID,
    RECURRING,
    ChargeRow,
    billing_start,
    charge_values,
    check_billing_start,
    create_one_off_charge_in,
    generate_unchecked_in,
    recurring_description,
    refresh_paid_until,
    row_of,
    suspensions_by_contract,
)
from ispdesk.services.uow import UnitOfWork

ORIGINS = ("manual", "automatico")
CANCELLABLE = (ContractStatus.ATIVO, ContractStatus.PRE_CONTRATO)


@dataclass(frozen=True)
class CancellationPreview:
    """What a cancellation on `on_date` would charge.

    Attributes:
        contract_number: the contract's number.
        on_date: the cancellation date.
        reason_code / reason_description: the reason (empty for a plain fine simulation).
        fine: the termination fine breakdown.
        last_period: the final partial period charged pro-rata (None when none, or freed).
        last_period_amount: its amount.
        frees_period: the reason frees the last period.
        pending_amount: cycles already ended but not generated yet, charged with the cancellation.
    """

    contract_number: int
    on_date: date
    reason_code: str
    reason_description: str
    fine: FineBreakdown
    last_period: billing.Cycle | None
    last_period_amount: Decimal
    frees_period: bool
    pending_amount: Decimal

    def lines(self) -> list[str]:
        """The fine breakdown lines, with the last period first; the last line is the fine amount."""
        head = [f"Contrato: {self.contract_number}"]
        if self.reason_code:
            head.append(f"Motivo: {self.reason_code} — {self.reason_description}")
        if self.last_period is not None:
            head.append(
                f"Último período (proporcional): {format_date(self.last_period.start)} a "
                f"{format_date(self.last_period.end)} ({self.last_period.days} dias) = "
                f"{format_brl(self.last_period_amount)}"
            )
        elif self.frees_period:
            head.append("Último período: liberado pelo motivo (não cobrado)")
        if self.pending_amount:
            head.append(f"Mensalidades vencidas ainda não geradas: {format_brl(self.pending_amount)}")
        return [*head, "Multa rescisória:", *self.fine.lines()]


@dataclass(frozen=True)
class CancellationResult:
    """What a cancellation did."""

    contract_id: uuid.UUID
    contract_number: int
    cancelled_on: date
    fine: FineBreakdown
    fine_charge: ChargeRow | None
    last_charge: ChargeRow | None
    cancelled_charges: int


def _contract(uow: UnitOfWork, contract_id: uuid.UUID) -> Contract:
    contract = uow.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    return contract


def _reason(uow: UnitOfWork, code: str | None) -> CancellationReason:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"motivo": "Escolha o motivo do cancelamento."})
    reason = uow.session.scalar(select(CancellationReason).where(CancellationReason.code == code))
    if reason is None or not reason.active:
        codes = ", ".join(uow.session.scalars(
            select(CancellationReason.code).where(CancellationReason.active.is_(True))
            .order_by(CancellationReason.code)))
        raise ValidationError({"motivo": f"Motivo de cancelamento “{code}” não existe ou está inativo. "
                                         f"Use um destes: {codes}."})
    return reason


def loyalty_window(contract: Contract) -> tuple[date | None, date | None]:
    """The loyalty's start (activation or last renewal) and expiration of a contract."""
    start = contract.renewed_on or contract.activated_on
    if start is None or contract.loyalty_months <= 0:
        return start, None
    return start, contract.loyalty_expires_on or add_months(start, contract.loyalty_months)


def fine_for(contract: Contract, on_date: date, reason: CancellationReason | None = None) -> FineBreakdown:
    """The termination fine of `contract` cancelled on `on_date` for `reason`."""
    start, end = loyalty_window(contract)
    if contract.activated_on is None:
        start = end = None
    waived = reason.description if reason is not None and reason.waives_fine else None
    return termination_fine(start, end, contract.loyalty_benefit, on_date, waived)


def _covering_charge(uow: UnitOfWork, contract: Contract, on_date: date) -> Charge | None:
    """The recurring charge whose period contains the day before `on_date`, if generated already."""
    return uow.session.scalar(
        select(Charge).where(Charge.contract_id == contract.id, Charge.kind == RECURRING,
                             Charge.status != CANCELLED, Charge.period_start < on_date,
                             Charge.period_end >= on_date)
    )


def _last_end(uow: UnitOfWork, contract: Contract) -> date | None:
    return uow.session.scalar(
        select(Charge.period_end).where(Charge.contract_id == contract.id, Charge.kind == RECURRING,
                                        Charge.status != CANCELLED)
        .order_by(Charge.period_start.desc()).limit(1))


def _suspended(uow: UnitOfWork, contract: Contract) -> list[tuple[date, date | None]]:
    return suspensions_by_contract(uow, contract.id, contract.id).get(contract.id, [])


def _check_date(contract: Contract, on_date: date, today: date) -> None:
    if on_date > today:
        raise ValidationError({"data": f"A data do cancelamento ({format_date(on_date)}) está no futuro; "
                                       "o cancelamento vale a partir do registro. Informe hoje ou uma data passada."})
    if contract.activated_on is not None and on_date < contract.activated_on:
        raise ValidationError({"data": f"A data do cancelamento ({format_date(on_date)}) é anterior à ativação "
                                       f"({format_date(contract.activated_on)})."})


def _check_status(contract: Contract) -> None:
    if contract.status not in CANCELLABLE:
        when = f" em {format_date(contract.cancelled_on)}" if contract.cancelled_on else ""
        raise BusinessRuleError(f"O contrato {contract.number} já está {contract.status}{when}; "
                                "não pode ser cancelado de novo.")


def preview_cancellation(
    uow: UnitOfWork, contract_id: uuid.UUID, reason_code: str | None, on_date: date
) -> CancellationPreview:
    """Compute the fine and the last period of a cancellation without writing anything.

    `reason_code` may be None (plain fine simulation: no waiver, last period charged).
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        contract = _contract(uow, contract_id)
        reason = _reason(uow, reason_code) if reason_code else None
        return preview_in(uow, contract, reason, on_date)


def preview_in(
    uow: UnitOfWork, contract: Contract, reason: CancellationReason | None, on_date: date
) -> CancellationPreview:
    """The preview inside an open unit of work."""
    divisor = str(params_service.load(uow.session)["divisor_proporcional"])
    frees = bool(reason is not None and reason.frees_period)
    suspended = _suspended(uow, contract)
    pending = ZERO
    last: billing.Cycle | None = None
    last_amount = ZERO
    if contract.status == ContractStatus.ATIVO:
        covering = _covering_charge(uow, contract, on_date)
        if covering is not None:
            assert covering.period_start is not None
            last = billing.last_period(covering.period_start, on_date, contract.due_day)
        else:
            start = billing_start(contract.billing_base_date, contract.activated_on, _last_end(uow, contract))
            if start is not None:
                check_billing_start(contract.number, start, on_date)
                for cycle in billing.cycles_due_until(start, contract.due_day, on_date):
                    pending += _period_amount(uow, contract, cycle, divisor, suspended)
                    start = cycle.due
                last = billing.last_period(start, on_date, contract.due_day)
        if last is not None:
            last_amount = _period_amount(uow, contract, last, divisor, suspended)
    if frees:
        last, last_amount = None, ZERO
    return CancellationPreview(
        contract.number, on_date, reason.code if reason else "", reason.description if reason else "",
        fine_for(contract, on_date, reason), last, last_amount, frees, to_cents(pending),
    )


def _period_amount(
    uow: UnitOfWork,
    contract: Contract,
    period: billing.Cycle,
    divisor: str,
    suspended: list[tuple[date, date | None]],
) -> Decimal:
    """A period's amount with each day at the value in force on it (rounded once), like the charge task."""
    cvc = ContractValueChange
    changes = [
        (effective, old, new)
        for effective, old, new in uow.session.execute(
            select(cvc.effective_on, cvc.old_value, cvc.new_value)
            .where(cvc.contract_id == contract.id, cvc.undone_at.is_(None))  # scheduled ones count on their date
            .order_by(cvc.effective_on, cvc.created_at)
        )
    ]
    if not changes:
        return billing.cycle_amount(contract.value, period, divisor, suspended)
    segments = billing.value_segments(period, contract.value, changes)
    return billing.segmented_amount(period, segments, divisor, suspended)


def cancel_contract(
    uow: UnitOfWork, contract_id: uuid.UUID, reason_code: str, note: str, on_date: date | None = None
) -> CancellationResult:
    """Cancel a contract now (or on a past `on_date`): last period, fine, open future charges.

    Raises:
        PermissionDenied: the actor may not cancel contracts.
        ValidationError: no reason, unknown reason, no note, date in the future or before activation.
        BusinessRuleError: the contract is already cancelled or negativado.
    """
    uow.require(Permission.CONTRACTS_CANCEL)
    with uow:
        contract = _contract(uow, contract_id)
        reason = _reason(uow, reason_code)
        result = cancel_contract_in(uow, contract, reason, note, on_date or uow.today)
        uow.commit()
        return result


def cancel_contract_in(
    uow: UnitOfWork,
    contract: Contract,
    reason: CancellationReason,
    note: str,
    on_date: date,
    origin: str = "manual",
) -> CancellationResult:
    """Cancel inside an open unit of work (no commit); the access-control routine uses ``automatico``."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"observacao": "Escreva uma observação sobre o cancelamento "
                                             "(por exemplo, o que o cliente informou)."})
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}")
    _check_status(contract)
    _check_date(contract, on_date, uow.today)
    preview = preview_in(uow, contract, reason, on_date)
    cancelled_count, last_row = 0, None
    if contract.status == ContractStatus.ATIVO:
        # 1. cycles that ended before the cancellation and were not generated yet
        generate_unchecked_in(uow, on_date, [contract.id], run_hooks=False, audit=False)
        # 2. open recurring charges after the cancellation; shrink the one that spans it
        cancelled_count, last_row = _settle_recurring(uow, contract, on_date, reason)
    fine_row: ChargeRow | None = None
    if preview.fine.amount > 0:
        fine_row = create_one_off_charge_in(
            uow, contract.id,
            f"Multa rescisória — cancelamento do contrato {contract.number} em {format_date(on_date)} "
            f"({preview.fine.remaining_days} de {preview.fine.loyalty_days} dias de fidelidade restantes)",
            preview.fine.amount, billing.next_due_date(on_date, contract.due_day), kind=FINE, notify=False,
        )
    before = {"status": contract.status, "access_status": contract.access_status}
    contract.status, contract.cancelled_on = ContractStatus.CANCELADO, on_date
    contract.cancellation_reason_id, contract.cancellation_note = reason.id, note
    contract.cancellation_origin = origin
    contract.updated_at, contract.updated_by = uow.now, uow.actor.login
    if contract.access_status != AccessStatus.BLOQUEADO:
        from ispdesk.services.access import StatusWrite, write_status_changes

        write_status_changes(uow, [StatusWrite(contract.id, contract.access_status, AccessStatus.BLOQUEADO,
                                               Cause.CANCELAMENTO, active=False, note=note[:500])], on_date,
                             bump_version=False)
    else:  # already blocked: no status change, but the login is now rejected
        from ispdesk.services.radius import provision_in

        provision_in(uow, [contract.id])
    uow.session.flush()
    refresh_paid_until(uow, contract)
    fine = preview.fine
    uow.audit(
        "contract", contract.id, "cancel",
        {"status": [before["status"], ContractStatus.CANCELADO],
         "access_status": [before["access_status"], AccessStatus.BLOQUEADO],
         "cancelled_on": [None, on_date], "motivo": reason.code, "observacao": note, "origem": origin,
         "multa": {"inicio": fine.start, "fim": fine.end, "dias_fidelidade": fine.loyalty_days,
                   "dias_restantes": fine.remaining_days, "beneficio": fine.benefit, "valor": fine.amount,
                   "isencao": fine.waived_reason, "cobranca": str(fine_row.id) if fine_row else None},
         "ultimo_periodo": str(last_row.id) if last_row else None, "cobrancas_canceladas": cancelled_count},
        summary=f"Contrato {contract.number} cancelado em {format_date(on_date)} ({reason.code}); "
                f"multa {format_brl(fine.amount)}",
    )
    hooks.debt_changed(uow, contract)
    return CancellationResult(contract.id, contract.number, on_date, fine, fine_row, last_row, cancelled_count)


def _settle_recurring(
    uow: UnitOfWork, contract: Contract, on_date: date, reason: CancellationReason
) -> tuple[int, ChargeRow | None]:
    """Cancel open recurring charges after `on_date` and charge the last partial period."""
    divisor = str(params_service.load(uow.session)["divisor_proporcional"])
    suspended = _suspended(uow, contract)
    cancelled = 0
    future = uow.session.scalars(
        select(Charge).where(Charge.contract_id == contract.id, Charge.kind == RECURRING, Charge.status == OPEN,
                             Charge.period_start >= on_date))
    for charge in future:
        if charge.paid_amount > 0:
            charge.amount = charge.paid_amount
            charge.status = PAID
            continue
        charge.status, charge.cancelled_at = CANCELLED, uow.now
        cancelled += 1
    covering = _covering_charge(uow, contract, on_date)
    if covering is not None:
        assert covering.period_start is not None
        period = billing.last_period(covering.period_start, on_date, contract.due_day)
        amount = ZERO if reason.frees_period or period is None else _period_amount(
            uow, contract, period, divisor, suspended)
        was_open = covering.status == OPEN
        if was_open:
            new_amount = max(amount, covering.paid_amount)
            if new_amount == 0:
                covering.status, covering.cancelled_at = CANCELLED, uow.now
                cancelled += 1
            else:
                covering.amount = new_amount
                if covering.paid_amount >= new_amount:
                    covering.status = PAID
        if was_open and covering.status != CANCELLED and period is not None:
            covering.period_end = period.end
            covering.description = recurring_description(covering.plan_code, period)
        uow.session.flush()
        return cancelled, row_of(covering, contract.number)
    if reason.frees_period:
        return cancelled, None
    start = billing_start(contract.billing_base_date, contract.activated_on, _last_end(uow, contract))
    period = billing.last_period(start, on_date, contract.due_day) if start else None
    if period is None:
        return cancelled, None
    amount = _period_amount(uow, contract, period, divisor, suspended)
    plan_code = uow.session.scalar(select(Plan.code).where(Plan.id == contract.plan_id))
    charge = Charge(**charge_values(uow, contract.id, plan_code, period, amount))
    uow.session.add(charge)
    uow.session.flush()
    return cancelled, row_of(charge, contract.number)
