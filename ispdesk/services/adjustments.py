"""Annual price adjustment (reajuste): simulate, apply (set-based), apply scheduled values, undo, notify.

Rules live in `ispdesk.domain.adjustment` (value, 12-month rule on effective dates, notice). This
module applies them to the contracts a filter selects **in SQL**: the eligibility test and the new
value (whole centavos × an exact fraction, half-up — `adjust_cents`) are SQL expressions, and
applying a batch is a handful of ``INSERT … SELECT`` / ``UPDATE`` statements in one transaction, so
500 000 contracts cost about as much as a hand-written UPDATE (see ``bench/bench_adjustment.py``).

- Every selected contract gets a ``contract_adjustments`` row (adjusted, or skipped with the reason);
  every adjusted one a ``contract_value_changes`` row (source ``reajuste``).
- ``contracts.value`` changes at once when the effective date has come (on the decision day's
  clock); otherwise the value change is scheduled (``applied = False``) and
  `apply_scheduled_values_in` applies it — registered as a ``BEFORE_CHARGES`` hook, so the charge
  generation never bills a stale value. ``last_adjusted_on`` takes the effective date at once (the
  12-month rule compares effective dates, so a second batch cannot stack on a scheduled one).
- The plans' list prices are never touched.
- `undo_adjustment` reverts a batch while no recurring charge was issued at the new value.
"""

from __future__ import annotations

import json
import typing
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Table,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.sql import ColumnElement

from ispdesk.db.models import (
    AdjustmentBatch,
    Charge,
    Contract,
    ContractAdjustment,
    ContractValueChange,
    Customer,
    Plan,
)
from ispdesk.domain import adjustment as rules
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import AdjustmentBatchStatus, ChargeKind, ChargeStatus, ContractStatus, ValueChangeSource
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from ispdesk.services.values import value_in_force

#: Rows of each list a simulation returns (the totals always cover every contract).
LIST_LIMIT = 1000

#: Called with (step done, steps total, text); returning False cancels (nothing is written).
Progress = Callable[[int, int, str], bool | None]

SOURCE = ValueChangeSource.REAJUSTE

#: Skip reason of a contract someone else changed while the batch ran.
REASON_CHANGED_MEANWHILE = rules.REASON_CHANGED_MEANWHILE


@dataclass(frozen=True)
class AdjustmentParams:
    """An adjustment to simulate or apply.

    Attributes:
        percent: the percentage (or the index of the period, e.g. IPCA 4,68).
        index_name: the index's name when `percent` is an index value (IPCA, IGP-M …).
        decided_on: the day it is decided (None = today).
        effective_on: the effective date (None = decided_on + ``reajuste_aviso_dias``).
        customers_notified: the user confirms the customers were told (allows a sooner effective date).
        statuses: contract statuses (default: active only).
        plan_code: only this plan.
        city: only customers of this city (accent- and case-insensitive).
        activated_from / activated_to: activation date range.
        last_adjusted_before: last adjustment effective before this date (or never adjusted).
    """

    percent: Decimal
    index_name: str | None = None
    decided_on: date | None = None
    effective_on: date | None = None
    customers_notified: bool = False
    statuses: tuple[str, ...] = (ContractStatus.ATIVO,)
    plan_code: str | None = None
    city: str | None = None
    activated_from: date | None = None
    activated_to: date | None = None
    last_adjusted_before: date | None = None

    def filters_json(self) -> str:
        """The filter part, as stored on the batch."""
        data = asdict(self)
        for key in ("percent", "index_name", "decided_on", "effective_on", "customers_notified"):
            data.pop(key)
        return json.dumps({k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()
                           if v not in (None, (), [])}, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class AdjustmentLine:
    """One contract of a simulation or batch: adjusted (`reason` None) or skipped."""

    contract_id: uuid.UUID
    contract_number: int
    customer_name: str
    plan_code: str
    activated_on: date | None
    last_adjusted_on: date | None
    old_value: Decimal
    new_value: Decimal
    reason: str | None = None


@dataclass(frozen=True)
class AdjustmentSimulation:
    """What an adjustment would do (or did).

    Attributes:
        decided_on / effective_on / percent / index_name: the resolved parameters.
        count: contracts adjusted.
        revenue_before / revenue_after: monthly revenue of those contracts before / after.
        lines: the adjusted contracts (at most `LIST_LIMIT`).
        skipped_count: contracts left out; `skipped_by_reason` counts per reason.
        skipped: the skipped contracts with the reason (at most `LIST_LIMIT`).
        notice_ok: the effective date respects the notice period.
        batch_number: set once applied.
        changed_meanwhile: numbers of the contracts someone else changed while the batch ran (left as
            they were, counted in `skipped_by_reason` under `rules.REASON_CHANGED_MEANWHILE`).
    """

    decided_on: date
    effective_on: date
    percent: Decimal
    index_name: str | None
    count: int
    revenue_before: Decimal
    revenue_after: Decimal
    lines: list[AdjustmentLine]
    skipped_count: int
    skipped_by_reason: dict[str, int]
    skipped: list[AdjustmentLine]
    notice_ok: bool = True
    batch_number: int | None = None
    scheduled: bool = False
    changed_meanwhile: tuple[int, ...] = ()

    @property
    def delta(self) -> Decimal:
        """Monthly revenue change."""
        return self.revenue_after - self.revenue_before


@dataclass(frozen=True)
class BatchRow:
    """An adjustment batch as lists show it."""

    id: uuid.UUID
    number: int
    decided_on: date
    effective_on: date
    percent: Decimal
    index_name: str | None
    status: str
    contracts_count: int
    revenue_before: Decimal
    revenue_after: Decimal
    created_by: str
    customers_notified: bool
    filters: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------ SQL building


def _cents(column: Any) -> ColumnElement[int]:
    """The raw whole-centavos integer of a Money column."""
    return type_coerce(column, BigInteger)


def _old_value(uow: UnitOfWork, effective_on: date) -> Any:
    """The value the adjustment starts from: the one in force on its effective date.

    Plain `Contract.value` when no value change is scheduled after today up to that date (the usual
    case, and the fast one on a million contracts), else `values.value_in_force`.
    """
    cvc = ContractValueChange
    scheduled = uow.session.scalar(select(func.count()).select_from(cvc).where(
        cvc.undone_at.is_(None), cvc.applied.is_(False), cvc.effective_on <= effective_on))
    return value_in_force(effective_on) if scheduled else Contract.value


def _new_cents(numerator: int, denominator: int, old: Any = Contract.value) -> ColumnElement[int]:
    """``(value·n + d/2) // d`` — `rules.adjust_cents` in SQL (integer division on both databases)."""
    return (_cents(old) * numerator + denominator // 2) // denominator


def _reason_expr(effective_on: date) -> ColumnElement[str | None]:
    cutoff = rules.twelve_month_cutoff(effective_on)
    return case(
        (Contract.no_adjustment.is_(True), literal(rules.REASON_NO_ADJUSTMENT)),
        (Contract.activated_on.is_(None), literal(rules.REASON_NOT_ACTIVATED)),
        (and_(Contract.last_adjusted_on.is_not(None), Contract.last_adjusted_on > cutoff),
         literal(rules.reason_recent_adjustment(cutoff))),
        (Contract.activated_on > cutoff, literal(rules.reason_recent_activation(cutoff))),
        else_=literal(None),
    )


def _where(uow: UnitOfWork, p: AdjustmentParams) -> list[ColumnElement[bool]]:
    """The filter as WHERE clauses on `Contract` (subqueries for plan and city: no joins needed)."""
    clauses: list[ColumnElement[bool]] = []
    if p.statuses:
        clauses.append(Contract.status.in_(list(p.statuses)))
    if p.plan_code:
        clauses.append(Contract.plan_id == lookups.plan_by_code(uow, p.plan_code).id)
    if p.city:
        clauses.append(Contract.customer_id.in_(lookups.customers_in_city(uow, p.city)))
    if p.activated_from is not None:
        clauses.append(Contract.activated_on >= p.activated_from)
    if p.activated_to is not None:
        clauses.append(Contract.activated_on <= p.activated_to)
    if p.last_adjusted_before is not None:
        clauses.append(or_(Contract.last_adjusted_on.is_(None), Contract.last_adjusted_on < p.last_adjusted_before))
    return clauses


def _resolve(uow: UnitOfWork, p: AdjustmentParams, enforce_notice: bool) -> tuple[date, date, int, int, bool]:
    rules.validate_percent(p.percent)
    index = (p.index_name or "").strip()
    if len(index) > 30:  # adjustment_batches.index_name
        raise BusinessRuleError(
            f"O nome do índice tem {len(index)} caracteres; use no máximo 30 (por exemplo, IPCA ou IGP-M).",
            field="indice")
    decided = p.decided_on or uow.today
    notice_days = int(params_service.load(uow.session)["reajuste_aviso_dias"])
    effective = p.effective_on or rules.default_effective_date(decided, notice_days)
    notice_ok = True
    try:
        rules.check_notice(decided, effective, notice_days, p.customers_notified)
    except BusinessRuleError:
        if enforce_notice:
            raise
        notice_ok = False
    n, d = rules.factor_fraction(p.percent)
    return decided, effective, n, d, notice_ok


def _ids_expr(uow: UnitOfWork, prefix: str, row_number: Any) -> ColumnElement[Any]:
    """Time-ordered UUIDv7 ids built in SQL: a fresh uuid7's first 80 bits + a 48-bit row counter."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return cast(literal(prefix) + func.lpad(func.to_hex(row_number), 12, "0"), ContractAdjustment.id.type)
    return type_coerce(literal(prefix) + func.printf("%012x", row_number), ContractAdjustment.id.type)


def _lines(uow: UnitOfWork, stmt: Any) -> list[AdjustmentLine]:
    return [AdjustmentLine(*row) for row in uow.session.execute(stmt)]


# -------------------------------------------------------------------------------------- simulate


def simulate_adjustment(uow: UnitOfWork, params: AdjustmentParams, limit: int = LIST_LIMIT) -> AdjustmentSimulation:
    """What `apply_adjustment` would do: count, revenue before → after, the list, the skipped ones.

    A too-soon effective date does not stop the simulation (`notice_ok` is False); applying refuses it.
    """
    uow.require(Permission.ADJUSTMENT_SIMULATE)
    with uow:
        return simulate_adjustment_in(uow, params, limit)


def simulate_adjustment_in(uow: UnitOfWork, params: AdjustmentParams, limit: int = LIST_LIMIT) -> AdjustmentSimulation:
    """`simulate_adjustment` inside an open unit of work.

    Scheduled values already due are put in force first (rolled back with the simulation's unit of
    work when it is not committed), so the simulation starts from the values in force today.
    """
    decided, effective, n, d, notice_ok = _resolve(uow, params, enforce_notice=False)
    apply_scheduled_values_in(uow, uow.today, audit=False)
    where = _where(uow, params)
    reason = _reason_expr(effective).label("reason")
    old = _old_value(uow, effective)
    new_cents = _new_cents(n, d, old)
    inner = select(Contract.id.label("id"), _cents(old).label("old"), new_cents.label("new"),
                   reason).where(*where).subquery()
    totals = uow.session.execute(
        select(inner.c.reason, func.count(), func.sum(inner.c.old), func.sum(inner.c.new)).group_by(inner.c.reason)
    ).all()
    count, before, after, skipped_by_reason = 0, 0, 0, {}
    for why, n_rows, old_sum, new_sum in totals:
        if why is None:
            count, before, after = int(n_rows), int(old_sum or 0), int(new_sum or 0)
        else:
            skipped_by_reason[str(why)] = int(n_rows)
    columns = (Contract.id, Contract.number, Customer.name, Plan.code, Contract.activated_on,
               Contract.last_adjusted_on, type_coerce(old, Contract.value.type))
    base = (select(*columns, type_coerce(new_cents, Contract.value.type), reason)
            .join(Customer, Customer.id == Contract.customer_id).join(Plan, Plan.id == Contract.plan_id)
            .where(*where).order_by(Contract.number).limit(limit))
    lines = _lines(uow, base.where(reason.is_(None)))
    skipped = _lines(uow, base.where(reason.is_not(None)))
    return AdjustmentSimulation(
        decided_on=decided, effective_on=effective, percent=params.percent, index_name=params.index_name,
        count=count, revenue_before=Decimal(before) / 100, revenue_after=Decimal(after) / 100,
        lines=lines, skipped_count=sum(skipped_by_reason.values()), skipped_by_reason=skipped_by_reason,
        skipped=skipped, notice_ok=notice_ok, scheduled=effective > uow.today)


# ----------------------------------------------------------------------------------------- apply


def apply_adjustment(
    uow: UnitOfWork, params: AdjustmentParams, progress: Progress | None = None
) -> AdjustmentSimulation:
    """Apply the adjustment in one transaction and return what was done (with the batch number).

    Raises:
        PermissionDenied: the actor may not apply adjustments.
        BusinessRuleError: invalid percentage, effective date too soon without notice confirmed,
            unknown plan, or cancelled through `progress` (nothing written).
    """
    uow.require(Permission.ADJUSTMENT_APPLY)
    with uow:
        result = apply_adjustment_in(uow, params, progress)
        uow.commit()
        return result


def apply_adjustment_in(
    uow: UnitOfWork, params: AdjustmentParams, progress: Progress | None = None
) -> AdjustmentSimulation:
    """`apply_adjustment` inside an open unit of work (no commit)."""
    session = uow.session
    decided, effective, n, d, _ = _resolve(uow, params, enforce_notice=True)
    steps = 5

    def step(done: int, text: str) -> None:
        if progress is not None and progress(done, steps, text) is False:
            raise BusinessRuleError("Reajuste cancelado pelo usuário; nada foi gravado.")

    step(0, "Preparando o lote…")
    apply_scheduled_values_in(uow, uow.today)
    where = _where(uow, params)
    number = uow.next_numbers("adjustment_batch")
    batch = AdjustmentBatch(
        number=number, decided_on=decided, effective_on=effective, percent=params.percent,
        index_name=(params.index_name or None), filters=params.filters_json(),
        customers_notified=params.customers_notified, status=AdjustmentBatchStatus.APLICADO, created_at=uow.now,
        created_by=uow.actor.login)
    session.add(batch)
    session.flush()
    applied_now = effective <= uow.today
    # SQLite: the batch row above took the database's write lock, so the contracts cannot change until
    # commit and the totals and the update may read `contracts` directly (sequential scans, no join).
    # PostgreSQL: rows may change between statements, so everything derives from the batch's rows, and
    # the update is a compare-and-set on the version each row was decided on: a contract changed
    # meanwhile (a plan change, an edit) keeps its new state and is reported as skipped.
    locked = session.get_bind().dialect.name == "sqlite"
    reason = _reason_expr(effective)
    old = _old_value(uow, effective)
    ca = typing.cast(Table, ContractAdjustment.__table__)
    selected = and_(ca.c.batch_id == batch.id, ca.c.skipped_reason.is_(None))
    step(1, "Selecionando os contratos…")
    if locked:
        sums = session.execute(
            select(reason, func.count(), func.sum(_cents(old)), func.sum(_new_cents(n, d, old)))
            .where(*where).group_by(reason)).all()
    rn = func.row_number().over()  # no ORDER BY: unique ids without a sort of every row
    session.execute(insert(ca).from_select(
        ["id", "batch_id", "contract_id", "contract_version", "old_value", "new_value", "skipped_reason"],
        select(_ids_expr(uow, uuid7().hex[:20], rn), literal(batch.id, ContractAdjustment.batch_id.type),
               Contract.id, Contract.version, _cents(old), _new_cents(n, d, old), reason).where(*where)))

    cvc = typing.cast(Table, ContractValueChange.__table__)
    constants = (literal(SOURCE), literal(batch.id, ContractValueChange.batch_id.type), literal(applied_now),
                 literal(uow.now, ContractValueChange.created_at.type), literal(uow.actor.login))
    eff = literal(effective, ContractValueChange.effective_on.type)
    history_columns = ["id", "contract_id", "effective_on", "old_value", "new_value", "source", "batch_id",
                       "applied", "created_at", "created_by"]
    contracts = typing.cast(Table, Contract.__table__)
    values: dict[str, Any] = {
        "last_adjusted_on": effective, "version": contracts.c.version + 1,
        "updated_at": uow.now, "updated_by": uow.actor.login}
    changed_meanwhile: tuple[int, ...] = ()
    if locked:  # the same rows, read sequentially from contracts (nothing changed them meanwhile)
        step(2, "Gravando o histórico de valores…")
        history = select(_ids_expr(uow, uuid7().hex[:20], func.row_number().over()), Contract.id, eff, _cents(old),
                         _new_cents(n, d, old), *constants).where(*where, reason.is_(None))
        session.execute(insert(cvc).from_select(history_columns, history))
        step(3, "Atualizando os contratos…")
        if applied_now:
            values["value"] = _new_cents(n, d, old)
        session.execute(update(Contract).where(*where, reason.is_(None)).values(**values),
                        execution_options={"synchronize_session": False})
    else:
        step(2, "Atualizando os contratos…")
        changed_meanwhile = _update_unchanged(uow, batch.id, ca, selected, values, applied_now)
        step(3, "Gravando o histórico de valores…")
        history = select(_ids_expr(uow, uuid7().hex[:20], func.row_number().over()), ca.c.contract_id, eff,
                         _cents(ca.c.old_value), _cents(ca.c.new_value), *constants).where(selected)
        session.execute(insert(cvc).from_select(history_columns, history))

    step(4, "Conferindo os totais…")
    if not locked:
        sums = session.execute(
            select(ca.c.skipped_reason, func.count(), func.sum(_cents(ca.c.old_value)),
                   func.sum(_cents(ca.c.new_value)))
            .where(ca.c.batch_id == batch.id).group_by(ca.c.skipped_reason)).all()
    count, before, after, skipped_by_reason = 0, 0, 0, {}
    for why, rows, old_sum, new_sum in sums:
        if why is None:
            count, before, after = int(rows), int(old_sum or 0), int(new_sum or 0)
        else:
            skipped_by_reason[str(why)] = int(rows)
    batch.contracts_count = count
    batch.revenue_before = Decimal(before) / 100
    batch.revenue_after = Decimal(after) / 100
    session.flush()
    label = f"{params.index_name} " if params.index_name else ""
    uow.audit("adjustment_batch", batch.id, "apply",
              {"lote": number, "percentual": params.percent, "indice": params.index_name, "decidido_em": decided,
               "vigencia": effective, "contratos": int(count), "ignorados": sum(skipped_by_reason.values()),
               "receita": [batch.revenue_before, batch.revenue_after], "filtros": json.loads(batch.filters),
               "clientes_notificados": params.customers_notified},
              summary=f"Reajuste nº {number} de {label}{params.percent}% com vigência em {format_date(effective)}: "
                      f"{count} contratos, {format_brl(batch.revenue_before)} → {format_brl(batch.revenue_after)}")
    step(5, "Concluído.")
    detail = _batch_lines(uow, batch.id)
    return AdjustmentSimulation(
        decided_on=decided, effective_on=effective, percent=params.percent, index_name=params.index_name,
        count=int(count), revenue_before=batch.revenue_before, revenue_after=batch.revenue_after,
        lines=detail[0], skipped_count=sum(skipped_by_reason.values()), skipped_by_reason=skipped_by_reason,
        skipped=detail[1], batch_number=number, scheduled=not applied_now, changed_meanwhile=changed_meanwhile)


def _update_unchanged(uow: UnitOfWork, batch_id: uuid.UUID, ca: Table, selected: ColumnElement[bool],
                      values: dict[str, Any], applied_now: bool) -> tuple[int, ...]:
    """Update the selected contracts still at the version the batch read (PostgreSQL); return the others.

    The ``UPDATE … FROM contract_adjustments`` compares ``contracts.version`` with the version stored
    on the batch row (PostgreSQL re-checks it on the newest row version after waiting for a concurrent
    writer) and returns the ids it updated; the batch rows of the contracts it did not update are
    marked skipped with `rules.REASON_CHANGED_MEANWHILE`. Their value history is not written (it is
    written afterwards from the rows still selected). The ids are compared in Python: a join against
    the statement's own result lets the planner pick a quadratic plan.
    """
    session = uow.session
    contracts = typing.cast(Table, Contract.__table__)
    if applied_now:
        values = {**values, "value": ca.c.new_value}
    done = set(session.scalars(
        update(contracts)
        .where(contracts.c.id == ca.c.contract_id, selected, contracts.c.version == ca.c.contract_version)
        .values(**values).returning(contracts.c.id)))
    wanted = int(session.scalar(select(func.count()).select_from(ca).where(selected)) or 0)
    if len(done) == wanted:
        return ()
    skipped_ids = [cid for cid in session.scalars(select(ca.c.contract_id).where(selected)) if cid not in done]
    numbers: list[int] = []
    for start in range(0, len(skipped_ids), 1000):
        chunk = skipped_ids[start:start + 1000]
        session.execute(update(ca).where(selected, ca.c.contract_id.in_(chunk))
                        .values(skipped_reason=rules.REASON_CHANGED_MEANWHILE),
                        execution_options={"synchronize_session": False})
        numbers.extend(session.scalars(select(Contract.number).where(Contract.id.in_(chunk))))
    return tuple(sorted(numbers))


def _batch_lines(uow: UnitOfWork, batch_id: uuid.UUID, limit: int = LIST_LIMIT) -> tuple[list[AdjustmentLine],
                                                                                          list[AdjustmentLine]]:
    base = (select(Contract.id, Contract.number, Customer.name, Plan.code, Contract.activated_on,
                   Contract.last_adjusted_on, ContractAdjustment.old_value, ContractAdjustment.new_value,
                   ContractAdjustment.skipped_reason)
            .join(Contract, Contract.id == ContractAdjustment.contract_id)
            .join(Customer, Customer.id == Contract.customer_id).join(Plan, Plan.id == Contract.plan_id)
            .where(ContractAdjustment.batch_id == batch_id)
            .order_by(ContractAdjustment.batch_id, ContractAdjustment.contract_id).limit(limit))
    # the batch index gives the first `limit` rows without sorting the whole batch; shown by number

    def by_number(lines: list[AdjustmentLine]) -> list[AdjustmentLine]:
        return sorted(lines, key=lambda line: line.contract_number)

    return (by_number(_lines(uow, base.where(ContractAdjustment.skipped_reason.is_(None)))),
            by_number(_lines(uow, base.where(ContractAdjustment.skipped_reason.is_not(None)))))


# ------------------------------------------------------------------------------- scheduled values


def apply_scheduled_values_in(uow: UnitOfWork, until: date, audit: bool = True) -> int:
    """Put in force every scheduled value change effective on or before `until`; return how many.

    Registered as a ``BEFORE_CHARGES`` hook (``hook_providers/values.py``), so charges generated up to
    `until` use the adjusted values. No permission check: it only executes what was decided.
    """
    session = uow.session
    pending = and_(ContractValueChange.applied.is_(False), ContractValueChange.undone_at.is_(None),
                   ContractValueChange.effective_on <= until)
    count = session.scalar(select(func.count()).select_from(ContractValueChange).where(pending)) or 0
    if not count:
        return 0
    latest = (select(ContractValueChange.new_value).where(pending, ContractValueChange.contract_id == Contract.id)
              .order_by(ContractValueChange.effective_on.desc(), ContractValueChange.id.desc()).limit(1)
              .scalar_subquery())
    contracts = typing.cast(Table, Contract.__table__)
    # lock the contracts first: the update below then reads the value changes as they are once no
    # concurrent plan change can still replace them (it locks the contract before touching them)
    _lock_contracts(uow, select(ContractValueChange.contract_id).where(pending))
    due = contracts.c.id.in_(select(ContractValueChange.contract_id).where(pending))
    session.execute(
        update(contracts)
        .where(due)
        .values(value=latest, version=contracts.c.version + 1, updated_at=uow.now, updated_by=uow.actor.login),
        execution_options={"synchronize_session": False})
    session.execute(update(ContractValueChange).where(pending).values(applied=True),
                    execution_options={"synchronize_session": False})
    if audit:
        uow.audit("contract_value_changes", None, "apply_scheduled", {"ate": until, "alteracoes": int(count)},
                  summary=f"{count} valores reajustados entraram em vigor (até {format_date(until)})")
    return int(count)


# -------------------------------------------------------------------------------------------- undo


def undo_adjustment(uow: UnitOfWork, batch_number: int) -> BatchRow:
    """Undo a batch: values back, history marked undone, ``last_adjusted_on`` restored, one audit row.

    Raises:
        NotFound: no such batch.
        BusinessRuleError: already undone; a recurring charge was issued at the new value; or a
            contract's value changed again after the batch (undo that first).
    """
    uow.require(Permission.ADJUSTMENT_UNDO)
    with uow:
        row = undo_adjustment_in(uow, batch_number)
        uow.commit()
        return row


def undo_adjustment_in(uow: UnitOfWork, batch_number: int) -> BatchRow:
    """`undo_adjustment` inside an open unit of work (no commit)."""
    session = uow.session
    batch = session.scalar(select(AdjustmentBatch).where(AdjustmentBatch.number == batch_number))
    if batch is None:
        raise NotFound(f"Reajuste nº {batch_number} não encontrado. Confira o número do lote.")
    if batch.status == AdjustmentBatchStatus.DESFEITO:
        raise BusinessRuleError(
            f"O reajuste nº {batch_number} já foi desfeito em {format_date(batch.undone_at.date())} "
            f"por {batch.undone_by}." if batch.undone_at else f"O reajuste nº {batch_number} já foi desfeito.")
    mine = and_(ContractValueChange.batch_id == batch.id, ContractValueChange.undone_at.is_(None))
    # the checks below and the writes after them must see the same contracts: lock them first
    _lock_contracts(uow, select(ContractValueChange.contract_id).where(mine))
    charged = session.execute(
        select(Contract.number, Charge.due_date)
        .join(ContractValueChange, ContractValueChange.contract_id == Charge.contract_id)
        .join(Contract, Contract.id == Charge.contract_id)
        .where(mine, Charge.kind == ChargeKind.MENSALIDADE, Charge.status != ChargeStatus.CANCELADA,
               Charge.period_end >= batch.effective_on, Charge.created_at >= batch.created_at)
        .order_by(Charge.due_date, Contract.number).limit(1)).first()
    if charged is not None:
        raise BusinessRuleError(
            f"O reajuste nº {batch_number} não pode ser desfeito: já há mensalidade emitida com o novo valor "
            f"(contrato {charged[0]}, vencimento {format_date(charged[1])}). Cancele as cobranças emitidas "
            "com o novo valor antes de desfazer.")
    later = session.execute(
        select(Contract.number)
        .join(ContractValueChange, ContractValueChange.contract_id == Contract.id)
        .where(mine, exists().where(
            _other(ContractValueChange.contract_id, batch.id, batch.effective_on)))
        .limit(1)).first()
    if later is not None:
        raise BusinessRuleError(
            f"O reajuste nº {batch_number} não pode ser desfeito: o contrato {later[0]} teve outra alteração de "
            "valor depois dele. Desfaça ou corrija essa alteração primeiro.")
    contracts = typing.cast(Table, Contract.__table__)
    cvc = typing.cast(Table, ContractValueChange.__table__)
    # values back where the adjustment was in force
    session.execute(
        update(contracts)
        .where(contracts.c.id == cvc.c.contract_id, cvc.c.batch_id == batch.id, cvc.c.undone_at.is_(None),
               cvc.c.applied.is_(True))
        .values(value=cvc.c.old_value),
        execution_options={"synchronize_session": False})
    previous = (select(func.max(cvc.c.effective_on))
                .where(cvc.c.contract_id == contracts.c.id, cvc.c.source == SOURCE, cvc.c.undone_at.is_(None),
                       cvc.c.batch_id != batch.id)
                .scalar_subquery())
    session.execute(
        update(contracts)
        .where(contracts.c.id.in_(select(cvc.c.contract_id).where(cvc.c.batch_id == batch.id,
                                                                   cvc.c.undone_at.is_(None))))
        .values(last_adjusted_on=previous, version=contracts.c.version + 1, updated_at=uow.now,
                updated_by=uow.actor.login),
        execution_options={"synchronize_session": False})
    reverted = getattr(session.execute(
        update(ContractValueChange).where(mine).values(undone_at=uow.now),
        execution_options={"synchronize_session": False}), "rowcount", 0)
    batch.status = AdjustmentBatchStatus.DESFEITO
    batch.undone_at = uow.now
    batch.undone_by = uow.actor.login
    session.flush()
    uow.audit("adjustment_batch", batch.id, "undo", {"lote": batch_number, "contratos": int(reverted or 0)},
              summary=f"Reajuste nº {batch_number} desfeito: {reverted} contratos voltaram ao valor anterior")
    return _batch_row(batch)


def _lock_contracts(uow: UnitOfWork, ids: Any) -> None:
    """Hold the contracts `ids` (a SELECT of ids) until commit, so nothing changes them between checks and writes.

    PostgreSQL: ``SELECT … FOR UPDATE`` (a concurrent plan change waits, then finds a new version and
    is refused as a conflict). SQLite: a no-op UPDATE takes the database's write lock (reads before it
    ran outside the transaction).
    """
    session = uow.session
    contracts = typing.cast(Table, Contract.__table__)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.count()).select_from(
            select(contracts.c.id).where(contracts.c.id.in_(ids)).with_for_update().subquery()))
    else:
        session.execute(update(contracts).where(false()).values(version=contracts.c.version),
                        execution_options={"synchronize_session": False})


def _other(contract_id: Any, batch_id: uuid.UUID, effective_on: date) -> ColumnElement[bool]:
    from sqlalchemy.orm import aliased

    other = aliased(ContractValueChange)
    return and_(other.contract_id == contract_id, other.undone_at.is_(None),
                or_(other.batch_id.is_(None), other.batch_id != batch_id), other.effective_on >= effective_on)


# ------------------------------------------------------------------------------- lists and export


def _batch_row(b: AdjustmentBatch) -> BatchRow:
    return BatchRow(b.id, b.number, b.decided_on, b.effective_on, b.percent, b.index_name, b.status,
                    b.contracts_count, b.revenue_before, b.revenue_after, b.created_by, b.customers_notified,
                    json.loads(b.filters or "{}"))


def list_batches(uow: UnitOfWork) -> list[BatchRow]:
    """Every adjustment batch, newest first."""
    uow.require(Permission.ADJUSTMENT_SIMULATE)
    with uow:
        return [_batch_row(b) for b in uow.session.scalars(
            select(AdjustmentBatch).order_by(AdjustmentBatch.number.desc()))]


NOTIFY_HEADER = ["lote", "contrato", "cliente", "tipo_pessoa", "cpf_cnpj", "email", "celular", "plano",
                 "valor_atual", "valor_novo", "vigencia"]


def notification_rows(uow: UnitOfWork, batch_number: int) -> list[list[str]]:
    """The customers to notify of batch `batch_number` (CSV cells, formatted), by contract number.

    Derived from stored data only: the batch and its adjusted ``contract_adjustments`` rows (old and
    new value as decided), with the customer's current contact data, so it can be exported again at
    any time (``ispdesk adjust notices LOTE``), also for a batch undone later.
    """
    from ispdesk.services.csv_io import fmt_date, fmt_document, fmt_money

    uow.require(Permission.ADJUSTMENT_SIMULATE)
    with uow:
        batch = uow.session.scalar(select(AdjustmentBatch).where(AdjustmentBatch.number == batch_number))
        if batch is None:
            raise NotFound(f"Reajuste nº {batch_number} não encontrado. Confira o número do lote.")
        ca = ContractAdjustment
        rows = uow.session.execute(
            select(Contract.number, Customer.name, Customer.person_type, Customer.document, Customer.email,
                   Customer.mobile, Plan.code, ca.old_value, ca.new_value)
            .join(Contract, Contract.id == ca.contract_id)
            .join(Customer, Customer.id == Contract.customer_id).join(Plan, Plan.id == Contract.plan_id)
            .where(ca.batch_id == batch.id, ca.skipped_reason.is_(None))
            .order_by(Contract.number))
        return [[str(batch_number), str(num), name, pt, fmt_document(doc), email or "", mobile or "", plan,
                 fmt_money(old), fmt_money(new), fmt_date(batch.effective_on)]
                for num, name, pt, doc, email, mobile, plan, old, new in rows]


def _target_message(path: Path, problem: str) -> BusinessRuleError:
    return BusinessRuleError(
        f"Não é possível gravar o CSV de avisos em “{path}”: {problem}. Escolha outro arquivo "
        "(--avisos ARQUIVO) numa pasta em que você possa gravar. Nada foi gravado.", field="avisos")


def check_notices_target(path: str | Path) -> Path:
    """Refuse a notices CSV path that cannot be written, before anything is applied; return it.

    The directory must exist and accept a new file (a probe file is created and removed at once);
    an existing target must be a writable file.

    Raises:
        BusinessRuleError: what is wrong with the path and what to do (field ``avisos``).
    """
    import os
    import tempfile

    target = Path(path).expanduser()
    if target.is_dir():
        raise _target_message(target, "é uma pasta; informe o nome do arquivo, por exemplo "
                                      f"{target / 'avisos.csv'}")
    folder = target.parent
    if not folder.exists():
        raise _target_message(target, f"a pasta “{folder}” não existe (crie-a antes)")
    if not folder.is_dir():
        raise _target_message(target, f"“{folder}” não é uma pasta")
    if target.exists() and not os.access(target, os.W_OK):
        raise _target_message(target, "o arquivo existe e é somente leitura")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ispdesk-avisos-", suffix=".tmp"):
            pass
    except OSError as exc:
        raise _target_message(target, f"a pasta não aceita arquivos novos ({exc.strerror or exc})") from exc
    return target


def export_notifications(uow: UnitOfWork, batch_number: int, path: str | Path) -> int:
    """Write the customers to notify of a batch as CSV (``;``, UTF-8 with BOM); return the row count.

    Written to a temporary file next to `path` and renamed over it, so a failure leaves no partial file.
    """
    import os

    from ispdesk.services.csv_io import write_csv

    rows = notification_rows(uow, batch_number)
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        count = write_csv(temporary, NOTIFY_HEADER, rows)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def value_history(uow: UnitOfWork, contract_id: uuid.UUID) -> list[dict[str, Any]]:
    """A contract's value changes (adjustments and plan changes), newest first, for its history panel."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        rows = uow.session.execute(
            select(ContractValueChange, AdjustmentBatch.number)
            .outerjoin(AdjustmentBatch, AdjustmentBatch.id == ContractValueChange.batch_id)
            .where(ContractValueChange.contract_id == contract_id)
            .order_by(ContractValueChange.effective_on.desc(), ContractValueChange.id.desc())).all()
        return [{"effective_on": c.effective_on, "old_value": c.old_value, "new_value": c.new_value,
                 "source": c.source, "batch_number": number, "applied": c.applied,
                 "undone": c.undone_at is not None, "created_by": c.created_by} for c, number in rows]

