"""Plan changes (alteração wizard): preview a draft, apply it in one transaction, list and total them.

The wizard and ``ispdesk contracts change-plan`` both call `preview_plan_change` (reads only) and then
`apply_plan_change` once. Applying re-runs the preview inside the write transaction, so the rules
hold at the moment of writing, and refuses when the contract changed since the preview.

Pro-rata difference (billing convention of `ispdesk.domain.billing`, post-paid cycles): the days
from the change date to the end of the current cycle are at the new value. It is the cycle split by
value (`billing.segmented_amount`, rounded once) minus the cycle at the old value, so a cycle charged
before the change plus the difference is exactly what generation charges for a cycle with the change.
When the current cycle's recurring charge was **already issued** (at the old value) a positive
difference becomes a one-off charge due on the cycle's due date (if the actor may create charges;
otherwise it is recorded on the change for the finance team); when the cycle was **not issued yet**
the next recurring charge is generated split by value, so nothing extra is issued; a negative
difference (credit) is recorded on the change. ``PlanChange.note`` says which case happened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased

from ispdesk.db.models import (
    BillingType,
    Charge,
    Contract,
    ContractValueChange,
    Customer,
    Plan,
    PlanChange,
    SuspensionPeriod,
)
from ispdesk.domain import billing
from ispdesk.domain.billing import check_due_day, cycle_containing
from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound
from ispdesk.domain.loyalty import check_loyalty_months
from ispdesk.domain.money import ZERO, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.plan_change import (
    CHANGE_TYPE_LABELS,
    DOWNGRADES,
    UPGRADES,
    PlanSide,
    ProRata,
    classify,
)
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, ContractStatus, ValueChangeSource
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from ispdesk.services.values import value_on

LoyaltyAction = Literal["manter", "reiniciar"]
LOYALTY_ACTIONS = ("manter", "reiniciar")

#: What happens to the pro-rata difference.
PRORATA_CHARGE, PRORATA_NEXT, PRORATA_CREDIT, PRORATA_PENDING, PRORATA_NONE = (
    "cobranca_avulsa", "proxima_mensalidade", "credito", "a_lancar", "nenhuma")


@dataclass(frozen=True)
class PlanChangeDraft:
    """Everything the review page shows; `apply_plan_change` writes it.

    Attributes:
        contract_id / contract_number / contract_version / customer_name: the contract.
        on_date: the change date (first day at the new value).
        old_* / new_*: plan, value, due day, billing type before and after.
        value_typed: the new value was typed (not the new plan's list price).
        change_type / change_label: IXC code and its label.
        prorata: the pro-rata difference of the current cycle.
        prorata_action: what is done with it (see the module docstring) and `prorata_text` in words.
        loyalty: ``manter`` or ``reiniciar``; `loyalty_*` the resulting loyalty.
        warnings: things the user should know before confirming.
    """

    contract_id: uuid.UUID
    contract_number: int
    contract_version: int
    customer_name: str
    on_date: date
    old_plan_id: uuid.UUID
    old_plan_code: str
    old_plan_name: str
    old_value: Decimal
    old_due_day: int
    old_billing_type_id: uuid.UUID | None
    old_billing_type: str | None
    new_plan_id: uuid.UUID
    new_plan_code: str
    new_plan_name: str
    new_plan_price: Decimal
    new_value: Decimal
    value_typed: bool
    new_due_day: int
    new_billing_type_id: uuid.UUID | None
    new_billing_type: str | None
    change_type: str
    change_label: str
    prorata: ProRata
    prorata_action: str
    prorata_text: str
    loyalty: str
    loyalty_months: int
    loyalty_benefit: Decimal
    loyalty_expires_on: date | None
    old_loyalty_expires_on: date | None
    warnings: tuple[str, ...] = ()

    @property
    def monthly_delta(self) -> Decimal:
        """New minus old monthly value."""
        return self.new_value - self.old_value


@dataclass(frozen=True)
class PlanChangeRow:
    """One logged change as the tab, the report and the CSV show it."""

    id: uuid.UUID
    changed_on: date
    actor: str
    contract_id: uuid.UUID
    contract_number: int
    customer_name: str
    change_type: str
    old_plan_code: str
    new_plan_code: str
    old_value: Decimal
    new_value: Decimal
    old_due_day: int
    new_due_day: int
    prorata_amount: Decimal
    loyalty_action: str
    charge_id: uuid.UUID | None
    note: str

    @property
    def delta(self) -> Decimal:
        """Monthly revenue change of this change."""
        return self.new_value - self.old_value


@dataclass(frozen=True)
class PlanChangeFilter:
    """Which changes to list (None / empty = any).

    Attributes:
        date_from / date_to: change date range (inclusive).
        types: IXC codes.
        plan_from / plan_to: old / new plan code.
        actor: login of who made the change.
        contract_number: one contract.
    """

    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    plan_from: str | None = None
    plan_to: str | None = None
    actor: str | None = None
    contract_number: int | None = None


@dataclass(frozen=True)
class PlanChangeTotals:
    """Totals of a list of changes.

    Attributes:
        count: changes listed.
        upgrades / downgrades / due_day_only: counts by family (UP+SC+UV / DW+DV / AV).
        by_type: count per code.
        revenue_before / revenue_after: sum of the monthly values before / after.
        net_change: after minus before (net monthly revenue change).
        ticket_before / ticket_after: average monthly value before / after (ticket médio).
    """

    count: int = 0
    upgrades: int = 0
    downgrades: int = 0
    due_day_only: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    revenue_before: Decimal = ZERO
    revenue_after: Decimal = ZERO

    @property
    def net_change(self) -> Decimal:
        """Net monthly revenue change."""
        return self.revenue_after - self.revenue_before

    @property
    def ticket_before(self) -> Decimal:
        """Average monthly value before the changes."""
        return to_cents(self.revenue_before / self.count) if self.count else ZERO

    @property
    def ticket_after(self) -> Decimal:
        """Average monthly value after the changes."""
        return to_cents(self.revenue_after / self.count) if self.count else ZERO


@dataclass(frozen=True)
class PlanChangeReport:
    """The rows and their totals."""

    rows: list[PlanChangeRow]
    totals: PlanChangeTotals


# ------------------------------------------------------------------------------------------ preview


def preview_plan_change(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    new_plan_code: str,
    new_value: Decimal | None = None,
    new_due_day: int | None = None,
    new_billing_type: str | None = None,
    loyalty: LoyaltyAction = "manter",
    new_benefit: Decimal | None = None,
    on_date: date | None = None,
) -> PlanChangeDraft:
    """Compute the change without writing: type, pro-rata difference, new value, loyalty effect.

    Args:
        contract_id: the contract (active).
        new_plan_code: the new plan's offer code (may be the current plan for a due-day or value change).
        new_value: the new monthly value; None = the new plan's list price (or the current value when
            the plan does not change).
        new_due_day: 1–28; None = unchanged.
        new_billing_type: a billing type code; None = unchanged.
        loyalty: ``manter`` (keep) or ``reiniciar`` (restart on the change date with `new_benefit`).
        new_benefit: the benefit of the restarted loyalty; None = the new plan's benefit.
        on_date: the change date; None = today.

    Raises:
        PermissionDenied, NotFound, BusinessRuleError (with the field at fault).
    """
    uow.require(Permission.PLAN_CHANGE)
    with uow:
        return preview_plan_change_in(uow, contract_id, new_plan_code, new_value, new_due_day, new_billing_type,
                                      loyalty, new_benefit, on_date)


def preview_plan_change_in(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    new_plan_code: str,
    new_value: Decimal | None = None,
    new_due_day: int | None = None,
    new_billing_type: str | None = None,
    loyalty: LoyaltyAction = "manter",
    new_benefit: Decimal | None = None,
    on_date: date | None = None,
) -> PlanChangeDraft:
    """`preview_plan_change` inside an open unit of work."""
    session = uow.session
    on_date = on_date or uow.today
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    if contract.status != ContractStatus.ATIVO:
        raise BusinessRuleError(
            f"O contrato {contract.number} está “{contract.status}”: só contratos ativos mudam de plano.",
            field="contrato")
    if contract.activated_on is not None and on_date < contract.activated_on:
        raise BusinessRuleError(
            f"A data da alteração ({format_date(on_date)}) é anterior à ativação do contrato "
            f"({format_date(contract.activated_on)}).", field="data")
    customer_name = session.scalar(select(Customer.name).where(Customer.id == contract.customer_id)) or ""
    old_plan = session.get(Plan, contract.plan_id)
    assert old_plan is not None
    if not (new_plan_code or "").strip():
        raise BusinessRuleError("Escolha o novo plano.", field="plano")
    new_plan = lookups.plan_by_code(uow, new_plan_code)
    if not new_plan.active and new_plan.id != old_plan.id:
        raise BusinessRuleError(f"O plano {new_plan.code} está inativo e não pode ser contratado.", field="plano")
    due_day = contract.due_day if new_due_day is None else check_due_day(new_due_day)
    value_typed = new_value is not None
    current = value_on(uow, contract, on_date)
    typed_or_price = new_plan.price if new_value is None else to_cents(new_value)
    value = current if new_value is None and new_plan.id == old_plan.id else typed_or_price
    if value <= 0:
        raise BusinessRuleError("O novo valor mensal deve ser maior que zero, por exemplo 99,90.", field="valor")
    old_bt = session.get(BillingType, contract.billing_type_id) if contract.billing_type_id else None
    new_bt = old_bt
    if new_billing_type:
        new_bt = session.scalar(select(BillingType).where(BillingType.code == new_billing_type.strip()))
        if new_bt is None:
            raise BusinessRuleError(
                f"Tipo de cobrança “{new_billing_type}” não encontrado. Escolha um tipo cadastrado.",
                field="tipo_cobranca")
    change_type = classify(
        PlanSide(old_plan.code, old_plan.download_mbps, old_plan.upload_mbps, current, contract.due_day,
                 old_bt.code if old_bt else None),
        PlanSide(new_plan.code, new_plan.download_mbps, new_plan.upload_mbps, value, due_day,
                 new_bt.code if new_bt else None),
    )
    divisor = str(params_service.load(session)["divisor_proporcional"])
    prorata = _segmented_prorata(uow, contract, value, on_date, divisor)
    action, text = _prorata_action(uow, contract, prorata, on_date)
    warnings: list[str] = []
    months, benefit, expires = contract.loyalty_months, contract.loyalty_benefit, contract.loyalty_expires_on
    if loyalty not in LOYALTY_ACTIONS:
        raise BusinessRuleError("Fidelidade: escolha “manter” ou “reiniciar”.", field="fidelidade")
    if loyalty == "reiniciar":
        months = new_plan.loyalty_months or contract.loyalty_months
        if months <= 0:
            raise BusinessRuleError(
                f"O plano {new_plan.code} não tem fidelidade: escolha “manter” a fidelidade atual.",
                field="fidelidade")
        person_type = session.scalar(select(Customer.person_type).where(Customer.id == contract.customer_id))
        check_loyalty_months(months, person_type, field="fidelidade")
        benefit = to_cents(new_benefit) if new_benefit is not None else new_plan.loyalty_benefit
        if benefit < 0:
            raise BusinessRuleError("O benefício da fidelidade não pode ser negativo.", field="beneficio")
        expires = add_months(on_date, months)
    elif new_benefit is not None:
        raise BusinessRuleError("Um novo benefício só vale ao reiniciar a fidelidade.", field="beneficio")
    if value_typed and value != new_plan.price:
        warnings.append(f"Valor digitado ({format_brl(value)}) diferente do preço de tabela do plano "
                        f"{new_plan.code} ({format_brl(new_plan.price)}).")
    pending = session.scalar(
        select(func.count()).select_from(ContractValueChange).where(
            ContractValueChange.contract_id == contract.id, ContractValueChange.applied.is_(False),
            ContractValueChange.undone_at.is_(None), ContractValueChange.effective_on > on_date))
    if pending:
        warnings.append("Há um reajuste agendado para este contrato; ele será cancelado, pois o novo valor "
                        "substitui o atual.")
    return PlanChangeDraft(
        contract_id=contract.id, contract_number=contract.number, contract_version=contract.version,
        customer_name=customer_name, on_date=on_date,
        old_plan_id=old_plan.id, old_plan_code=old_plan.code, old_plan_name=old_plan.name,
        old_value=current, old_due_day=contract.due_day,
        old_billing_type_id=old_bt.id if old_bt else None, old_billing_type=old_bt.code if old_bt else None,
        new_plan_id=new_plan.id, new_plan_code=new_plan.code, new_plan_name=new_plan.name,
        new_plan_price=new_plan.price, new_value=value, value_typed=value_typed, new_due_day=due_day,
        new_billing_type_id=new_bt.id if new_bt else None, new_billing_type=new_bt.code if new_bt else None,
        change_type=change_type.value, change_label=CHANGE_TYPE_LABELS[change_type.value],
        prorata=prorata, prorata_action=action, prorata_text=text,
        loyalty=loyalty, loyalty_months=months, loyalty_benefit=benefit, loyalty_expires_on=expires,
        old_loyalty_expires_on=contract.loyalty_expires_on, warnings=tuple(warnings),
    )


def _segmented_prorata(uow: UnitOfWork, contract: Contract, new_value: Decimal, on_date: date,
                       divisor: str) -> ProRata:
    """The pro-rata difference, consistent with generation: segmented cycle minus the cycle at the old value.

    The period is the recurring charge covering `on_date` when there is one (what was charged), else
    the full cycle containing it. ``difference`` = `billing.segmented_amount` (old value before
    `on_date`, new from it on, rounded once) − `billing.cycle_amount` at the old value, both with the
    contract's suspended days left out, so *charge already issued + difference = what generation
    would have charged for the cycle with the change*. `old_amount` is the changed days at the old
    value (shown to the user); `new_amount` = `old_amount` + difference.
    """
    session = uow.session
    old_value = value_on(uow, contract, on_date)
    cycle = cycle_containing(on_date, contract.due_day)
    covering = session.execute(
        select(Charge.period_start, Charge.period_end).where(
            Charge.contract_id == contract.id, Charge.kind == ChargeKind.MENSALIDADE,
            Charge.status != ChargeStatus.CANCELADA,
            Charge.period_start <= on_date, Charge.period_end >= on_date, Charge.period_end >= cycle.start)
        .order_by(Charge.period_start.desc()).limit(1)).first()
    period = cycle
    if covering is not None:
        period = billing.cycle_at(covering[0], contract.due_day)._replace(end=covering[1])
    suspended = [(s, e) for s, e in session.execute(
        select(SuspensionPeriod.start_date, SuspensionPeriod.end_date).where(
            SuspensionPeriod.contract_id == contract.id))]
    before = billing.cycle_amount(old_value, period, divisor, suspended)
    segments = billing.value_segments(period, new_value, [(on_date, old_value, new_value)])
    after = billing.segmented_amount(period, segments, divisor, suspended)
    days = max(0, (period.end - on_date).days + 1)
    div = billing.divisor_days(divisor, period)
    old_amount = billing.prorate(old_value, days, div)
    return ProRata(start=on_date, end=period.end, days=days, divisor=div, old_amount=old_amount,
                   new_amount=old_amount + (after - before))


def _current_cycle_charged(uow: UnitOfWork, contract: Contract, on_date: date) -> bool:
    cycle = cycle_containing(on_date, contract.due_day)
    found = uow.session.scalar(
        select(func.count()).select_from(Charge).where(
            Charge.contract_id == contract.id, Charge.kind == ChargeKind.MENSALIDADE,
            Charge.status != ChargeStatus.CANCELADA,
            Charge.period_start <= on_date, Charge.period_end >= on_date, Charge.period_end >= cycle.start))
    return bool(found)


def _prorata_action(uow: UnitOfWork, contract: Contract, prorata: ProRata, on_date: date) -> tuple[str, str]:
    diff = prorata.difference
    days = f"{prorata.days} dia" if prorata.days == 1 else f"{prorata.days} dias"
    period = f"{format_date(prorata.start)} a {format_date(prorata.end)} ({days})"
    if diff == 0:
        return PRORATA_NONE, "Sem diferença proporcional."
    if diff < 0:
        return PRORATA_CREDIT, (f"Crédito de {format_brl(-diff)} ao cliente pelos dias de {period}; "
                                "registrado na alteração para o financeiro conceder.")
    if not _current_cycle_charged(uow, contract, on_date):
        return PRORATA_NEXT, (f"Diferença de {format_brl(diff)} ({period}): o ciclo atual ainda não foi cobrado, "
                              "a próxima mensalidade já sai com o novo valor.")
    if uow.actor.can(Permission.CHARGES_CREATE):
        return PRORATA_CHARGE, f"Cobrança avulsa de {format_brl(diff)} pelos dias de {period}."
    return PRORATA_PENDING, (f"Diferença de {format_brl(diff)} ({period}) registrada para o financeiro lançar "
                             "(seu usuário não cria cobranças).")


# -------------------------------------------------------------------------------------------- apply


def apply_plan_change(uow: UnitOfWork, draft: PlanChangeDraft) -> PlanChangeRow:
    """Write the change in one transaction: contract, PlanChange, value history, pro-rata charge, audit.

    Raises:
        ConflictError: the contract changed since the preview (open the wizard again).
        BusinessRuleError: a rule no longer holds.
    """
    uow.require(Permission.PLAN_CHANGE)
    with uow:
        row = apply_plan_change_in(uow, draft)
        uow.commit()
        return row


def apply_plan_change_in(uow: UnitOfWork, draft: PlanChangeDraft) -> PlanChangeRow:
    """`apply_plan_change` inside an open unit of work (no commit)."""
    session = uow.session
    contract = session.get(Contract, draft.contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    if contract.version != draft.contract_version:
        raise ConflictError(
            f"O contrato {contract.number} foi alterado por outra pessoa depois da revisão. "
            "Abra a alteração de plano de novo para ver os dados atuais.")
    fresh = preview_plan_change_in(
        uow, draft.contract_id, draft.new_plan_code, draft.new_value if draft.value_typed else None,
        draft.new_due_day, draft.new_billing_type, draft.loyalty,  # type: ignore[arg-type]
        draft.loyalty_benefit if draft.loyalty == "reiniciar" else None, draft.on_date)
    if (fresh.new_value, fresh.change_type, fresh.prorata.difference) != (
            draft.new_value, draft.change_type, draft.prorata.difference):
        raise ConflictError("Os dados mudaram depois da revisão; abra a alteração de plano de novo.")
    d = fresh
    change = PlanChange(
        contract_id=contract.id, changed_on=d.on_date, at=uow.now,
        actor=uow.actor.login, change_type=d.change_type, old_plan_id=d.old_plan_id, new_plan_id=d.new_plan_id,
        old_value=d.old_value, new_value=d.new_value, old_due_day=d.old_due_day, new_due_day=d.new_due_day,
        old_billing_type_id=d.old_billing_type_id, new_billing_type_id=d.new_billing_type_id,
        prorata_amount=d.prorata.difference, loyalty_action=d.loyalty,
        new_loyalty_benefit=d.loyalty_benefit if d.loyalty == "reiniciar" else None, note=d.prorata_text,
    )
    session.add(change)
    session.flush()
    before = {"plano": d.old_plan_code, "valor": d.old_value, "dia_vencimento": d.old_due_day,
              "tipo_cobranca": d.old_billing_type, "fidelidade_ate": contract.loyalty_expires_on}
    contract.plan_id = d.new_plan_id
    contract.value = d.new_value
    contract.due_day = d.new_due_day
    contract.billing_type_id = d.new_billing_type_id
    if d.loyalty == "reiniciar":
        contract.renewed_on = d.on_date
        contract.loyalty_months = d.loyalty_months
        contract.loyalty_benefit = d.loyalty_benefit
        contract.loyalty_expires_on = d.loyalty_expires_on
    contract.updated_at = uow.now
    contract.updated_by = uow.actor.login
    from ispdesk.services.radius import provision_in

    provision_in(uow, [contract.id])  # the plan's group in FreeRADIUS, same transaction
    mine = and_(ContractValueChange.contract_id == contract.id, ContractValueChange.applied.is_(False),
                ContractValueChange.undone_at.is_(None))
    # a scheduled value already in force on the change date stays in the history (it was charged);
    # one scheduled after it is replaced by the new value
    session.execute(update(ContractValueChange).where(mine, ContractValueChange.effective_on <= d.on_date)
                    .values(applied=True), execution_options={"synchronize_session": False})
    cancelled_pending = getattr(session.execute(
        update(ContractValueChange).where(mine, ContractValueChange.effective_on > d.on_date)
        .values(undone_at=uow.now), execution_options={"synchronize_session": False}
    ), "rowcount", 0)
    if d.new_value != d.old_value:
        session.add(ContractValueChange(
            contract_id=contract.id, effective_on=d.on_date, old_value=d.old_value, new_value=d.new_value,
            source=ValueChangeSource.PLANO, plan_change_id=change.id, applied=True, created_at=uow.now,
            created_by=uow.actor.login))
    if d.prorata_action == PRORATA_CHARGE:
        from ispdesk.services import charges as charges_service

        cycle = cycle_containing(d.on_date, d.old_due_day)
        charge = charges_service.create_one_off_charge_in(
            uow, contract.id,
            f"Diferença proporcional {d.change_type} {d.old_plan_code}→{d.new_plan_code} "
            f"{format_date(d.prorata.start)} a {format_date(d.prorata.end)}",
            d.prorata.difference, cycle.due)
        change.charge_id = charge.id
    session.flush()
    after = {"plano": d.new_plan_code, "valor": d.new_value, "dia_vencimento": d.new_due_day,
             "tipo_cobranca": d.new_billing_type, "fidelidade_ate": contract.loyalty_expires_on}
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    changes["tipo"] = d.change_type
    changes["proporcional"] = d.prorata.difference
    if cancelled_pending:
        changes["reajuste_agendado_cancelado"] = True
    uow.audit("contract", contract.id, "plan_change", changes,
              summary=f"Alteração de plano {d.change_type} no contrato {contract.number}: "
                      f"{d.old_plan_code} {format_brl(d.old_value)} → {d.new_plan_code} {format_brl(d.new_value)}")
    return PlanChangeRow(
        id=change.id, changed_on=d.on_date, actor=uow.actor.login, contract_id=contract.id,
        contract_number=contract.number, customer_name=d.customer_name, change_type=d.change_type,
        old_plan_code=d.old_plan_code, new_plan_code=d.new_plan_code, old_value=d.old_value,
        new_value=d.new_value, old_due_day=d.old_due_day, new_due_day=d.new_due_day,
        prorata_amount=d.prorata.difference, loyalty_action=d.loyalty, charge_id=change.charge_id,
        note=d.prorata_text)


# --------------------------------------------------------------------------------------------- list


def list_plan_changes(uow: UnitOfWork, filter: PlanChangeFilter | None = None) -> PlanChangeReport:  # noqa: A002
    """Every change the filter selects (newest first) with the totals."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return list_plan_changes_in(uow, filter or PlanChangeFilter())


def _filtered(stmt: Any, f: PlanChangeFilter, old_plan: Any, new_plan: Any) -> Any:
    if f.date_from is not None:
        stmt = stmt.where(PlanChange.changed_on >= f.date_from)
    if f.date_to is not None:
        stmt = stmt.where(PlanChange.changed_on <= f.date_to)
    if f.types:
        stmt = stmt.where(PlanChange.change_type.in_(list(f.types)))
    if f.plan_from:
        stmt = stmt.where(old_plan.code == f.plan_from)
    if f.plan_to:
        stmt = stmt.where(new_plan.code == f.plan_to)
    if f.actor:
        stmt = stmt.where(PlanChange.actor == f.actor)
    if f.contract_number is not None:
        stmt = stmt.where(Contract.number == f.contract_number)
    return stmt


def list_plan_changes_in(uow: UnitOfWork, f: PlanChangeFilter) -> PlanChangeReport:
    """`list_plan_changes` inside an open unit of work."""
    old_plan, new_plan = aliased(Plan), aliased(Plan)

    def joins(stmt: Any) -> Any:
        return (stmt.join(Contract, Contract.id == PlanChange.contract_id)
                .join(Customer, Customer.id == Contract.customer_id)
                .join(old_plan, old_plan.id == PlanChange.old_plan_id)
                .join(new_plan, new_plan.id == PlanChange.new_plan_id))

    stmt = _filtered(joins(select(
        PlanChange.id, PlanChange.changed_on, PlanChange.actor, Contract.id, Contract.number, Customer.name,
        PlanChange.change_type, old_plan.code, new_plan.code, PlanChange.old_value, PlanChange.new_value,
        PlanChange.old_due_day, PlanChange.new_due_day, PlanChange.prorata_amount, PlanChange.loyalty_action,
        PlanChange.charge_id, PlanChange.note,
    ).select_from(PlanChange)), f, old_plan, new_plan).order_by(PlanChange.changed_on.desc(), PlanChange.at.desc(),
                                                                 PlanChange.id.desc())
    rows = [PlanChangeRow(*r[:16], r[16] or "") for r in uow.session.execute(stmt)]  # type: ignore[misc,call-arg]
    agg = _filtered(joins(select(
        PlanChange.change_type, func.count(), func.sum(PlanChange.old_value), func.sum(PlanChange.new_value),
    ).select_from(PlanChange)), f, old_plan, new_plan).group_by(PlanChange.change_type)
    by_type: dict[str, int] = {}
    before = after = ZERO
    for code, count, old_sum, new_sum in uow.session.execute(agg):
        by_type[code] = int(count)
        before += old_sum or ZERO
        after += new_sum or ZERO
    totals = PlanChangeTotals(
        count=sum(by_type.values()),
        upgrades=sum(n for c, n in by_type.items() if c in UPGRADES),
        downgrades=sum(n for c, n in by_type.items() if c in DOWNGRADES),
        due_day_only=by_type.get("AV", 0), by_type=by_type, revenue_before=before, revenue_after=after)
    return PlanChangeReport(rows, totals)


def contract_number_for(uow: UnitOfWork, number: int) -> uuid.UUID:
    """The id of contract `number` (NotFound when missing); for the CLI and the wizard."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return lookups.contract_id_by_number(uow, number)


__all__ = [
    "PlanChangeDraft", "PlanChangeFilter", "PlanChangeReport", "PlanChangeRow", "PlanChangeTotals",
    "apply_plan_change", "apply_plan_change_in", "contract_number_for", "list_plan_changes",
    "list_plan_changes_in", "preview_plan_change", "preview_plan_change_in",
]


# ------------------------------------------------------------------------------------------ export

#: CSV header (public names) and PDF titles of the plan-change report.
REPORT_COLUMNS = (
    ("data", "Data", 1.15, "left"),
    ("tipo", "Tipo", 0.5, "center"),
    ("contrato", "Contrato", 1.0, "right"),
    ("cliente", "Cliente", 2.2, "left"),
    ("plano_anterior", "Plano anterior", 1.1, "left"),
    ("plano_novo", "Plano novo", 1.1, "left"),
    ("valor_anterior", "Valor anterior", 1.0, "right"),
    ("valor_novo", "Valor novo", 1.0, "right"),
    ("vencimento_anterior", "Venc. ant.", 0.6, "right"),
    ("vencimento_novo", "Venc. novo", 0.6, "right"),
    ("proporcional", "Proporcional", 1.3, "right"),
    ("fidelidade", "Fidelidade", 1.1, "left"),
    ("usuario", "Usuário", 1.0, "left"),
)


def totals_lines(t: PlanChangeTotals) -> list[str]:
    """The totals in Portuguese (tab, PDF and CLI)."""
    by_type = ", ".join(f"{code} {n}" for code, n in sorted(t.by_type.items())) or "nenhuma"
    sign = "+" if t.net_change > 0 else ""
    return [
        f"Total: {t.count} alterações ({by_type}); upgrades {t.upgrades}, downgrades {t.downgrades}, "
        f"só vencimento {t.due_day_only}.",
        f"Receita mensal: {format_brl(t.revenue_before)} → {format_brl(t.revenue_after)} (variação líquida "
        f"{sign}{format_brl(t.net_change)}); ticket médio {format_brl(t.ticket_before)} → "
        f"{format_brl(t.ticket_after)}.",
    ]


def build_report(uow: UnitOfWork, f: PlanChangeFilter | None = None) -> Any:
    """The plan-change list as a `ispdesk.services.reports.Report` (CSV and PDF through `write_report`)."""
    from ispdesk.services.csv_io import fmt_date, fmt_money
    from ispdesk.services.reports import Report, ReportColumn

    f = f or PlanChangeFilter()
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        data = list_plan_changes_in(uow, f)
        company = str(params_service.load(uow.session)["empresa_razao_social"])
        today = uow.today
    parts = []
    if f.date_from or f.date_to:
        parts.append(f"de {format_date(f.date_from) or '…'} a {format_date(f.date_to) or '…'}")
    if f.types:
        parts.append("tipos " + ", ".join(f.types))
    if f.plan_from:
        parts.append(f"plano anterior {f.plan_from}")
    if f.plan_to:
        parts.append(f"plano novo {f.plan_to}")
    if f.actor:
        parts.append(f"usuário {f.actor}")
    subtitle = ("Período e filtros: " + "; ".join(parts) if parts else "Todas as alterações") + "."
    report = Report("Alterações de plano", subtitle, tuple(ReportColumn(*c) for c in REPORT_COLUMNS),
                    company_name=company, generated_on=today)
    loyalty = {"manter": "mantida", "reiniciar": "reiniciada"}
    for r in data.rows:
        common = (r.change_type, str(r.contract_number), r.customer_name, r.old_plan_code, r.new_plan_code)
        tail = (str(r.old_due_day), str(r.new_due_day))
        report.csv_rows.append((fmt_date(r.changed_on), *common, fmt_money(r.old_value), fmt_money(r.new_value),
                                *tail, fmt_money(r.prorata_amount), r.loyalty_action, r.actor))
        report.pdf_rows.append((format_date(r.changed_on), *common, format_brl(r.old_value), format_brl(r.new_value),
                                *tail, format_brl(r.prorata_amount), loyalty.get(r.loyalty_action, r.loyalty_action),
                                r.actor))
    report.totals.extend(totals_lines(data.totals))
    return report


def export_plan_changes(uow: UnitOfWork, f: PlanChangeFilter | None, path: str | Any, fmt: str) -> int:
    """Write the plan-change report as ``csv`` or ``pdf``; return the number of rows."""
    from ispdesk.services.reports import write_report

    return write_report(build_report(uow, f), path, fmt)


def plan_change_actors(uow: UnitOfWork) -> list[str]:
    """Logins that made plan changes (the tab's user filter)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return list(uow.session.scalars(select(PlanChange.actor).distinct().order_by(PlanChange.actor)))
