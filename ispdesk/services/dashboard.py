"""The contracts dashboard: every KPI and chart series, each computed by one SQL aggregate query.

Each figure is a `Figure`: a builder of one SQLAlchemy Core statement (portable: date arithmetic is
done in Python and bound as parameters, no database-specific date function) and a converter of the
few aggregated rows it returns. `compute_dashboard` runs them all in one read-only unit of work and
times each one; the bench (`bench/bench_dashboard.py`) runs the same statements raw to get the floor.

Definitions (as of a date D, month M = the month of D):

- ``contratos_ativos``: contracts with status ``ativo``; ``mrr``: sum of their monthly values;
  ``ticket_medio``: mrr ÷ active (0 when none).
- ``em_fidelidade``: active contracts whose loyalty ends after D.
- ``expirando_N``: active contracts whose loyalty ends after D and on or before D + N days.
- ``reduzidos`` / ``bloqueados``: active contracts whose access status is reduzido / bloqueado now.
- access chart: events per day by the status entered (reduzido, bloqueado, liberado_*, normal), so
  the query reads only the ``(on_date, to_status)`` index.
- ``cancelamentos_mes``: contracts cancelled in M; ``churn_mes``: those whose reason counts as
  churn ÷ contracts active on M's first day (activated on or before it, not cancelled before it)
  × 100, two decimals.
- ``upgrades_mes``: plan changes in M of type UP, SC or UV; ``downgrades_mes``: DW or DV.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Select, false, func, or_, select, type_coerce
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ispdesk.db.models import (
    AccessEvent,
    Branch,
    CancellationReason,
    Contract,
    Customer,
    InclusionReason,
    Plan,
    PlanChange,
)
from ispdesk.domain.access import RELEASED, AccessStatus
from ispdesk.domain.dates import add_months, days_in_month
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.money import to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import lookups
from ispdesk.services.uow import UnitOfWork
from ispdesk.services.values import value_in_force, values_differ_on

ACTIVE = ContractStatus.ATIVO
UPGRADE_TYPES = ("UP", "SC", "UV")
DOWNGRADE_TYPES = ("DW", "DV")
RELEASED_STATUSES = (AccessStatus.NORMAL, *sorted(RELEASED))
RESTRICTED_STATUSES = (AccessStatus.REDUZIDO, AccessStatus.BLOQUEADO)
EXPIRING_WINDOWS = (30, 60, 90)
#: Weeks ahead in the expirations chart; days back in the access chart.
WEEKS_AHEAD = 13
ACCESS_DAYS = 90
#: The JSON keys the issue fixes (`ispdesk report dashboard --format json`), in order.
KPI_KEYS = (
    "contratos_ativos", "mrr", "ticket_medio", "em_fidelidade", "expirando_30", "expirando_60",
    "expirando_90", "reduzidos", "bloqueados", "cancelamentos_mes", "churn_mes", "upgrades_mes",
    "downgrades_mes",
)
NO_REASON = "Sem motivo"


# ---------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard looks at; None means "any".

    Attributes:
        period_start / period_end: the period of the history charts (cancellations per reason, new
            contracts per inclusion reason, upgrades vs downgrades per month); default: the 12
            months ending at the reference date.
        plan_code: only contracts on this plan (offer code).
        city: only contracts of customers in this city (accent- and case-insensitive, as everywhere).
        branch_code: only contracts of this branch (filial).
    """

    period_start: date | None = None
    period_end: date | None = None
    plan_code: str | None = None
    city: str | None = None
    branch_code: str | None = None

    def resolved(self, as_of: date) -> DashboardFilters:
        """The same filters with the period filled in (12 months ending at `as_of` by default)."""
        end = self.period_end or as_of
        start = self.period_start or add_months(end.replace(day=1), -11)
        return replace(self, period_start=start, period_end=end)

    @property
    def restricts_contracts(self) -> bool:
        """True when plan, city or branch narrow the contracts."""
        return bool(self.plan_code or self.city or self.branch_code)


@dataclass(frozen=True)
class WeekCount:
    """Contracts whose loyalty ends in one week ahead (`start` … `end`, both included)."""

    start: date
    end: date
    count: int


@dataclass(frozen=True)
class AccessDay:
    """Access changes on one day, counted by the status entered.

    Attributes:
        reductions: to ``reduzido``; blocks: to ``bloqueado``;
        releases: to a ``liberado_*`` status (trust unlock, temporary or manual release);
        restorations: back to ``normal`` (debt paid, or a release ending well).
    """

    day: date
    reductions: int
    blocks: int
    releases: int
    restorations: int


@dataclass(frozen=True)
class ReasonCount:
    """Contracts per catalogue reason (code "" = no reason recorded)."""

    code: str
    description: str
    count: int
    counts_as_churn: bool = False


@dataclass(frozen=True)
class MonthChanges:
    """Upgrades and downgrades in one month (`month` = its first day)."""

    month: date
    upgrades: int
    downgrades: int


@dataclass(frozen=True)
class ReceiptDay:
    """Expected monthly fees falling due on one date of the coming month."""

    day: date
    contracts: int
    amount: Decimal


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard as of a date (see the module docstring for definitions).

    Attributes:
        timings: (figure name, seconds) for each query, in execution order.
    """

    as_of: date
    filters: DashboardFilters
    contratos_ativos: int
    mrr: Decimal
    ticket_medio: Decimal
    em_fidelidade: int
    expirando_30: int
    expirando_60: int
    expirando_90: int
    reduzidos: int
    bloqueados: int
    cancelamentos_mes: int
    churn_mes: Decimal
    upgrades_mes: int
    downgrades_mes: int
    ativos_inicio_mes: int
    cancelamentos_churn_mes: int
    expiracoes_semana: tuple[WeekCount, ...]
    acessos_dia: tuple[AccessDay, ...]
    cancelamentos_motivo: tuple[ReasonCount, ...]
    alteracoes_mes: tuple[MonthChanges, ...]
    recebimentos_dia: tuple[ReceiptDay, ...]
    novos_motivo: tuple[ReasonCount, ...]
    timings: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    @property
    def month_start(self) -> date:
        """First day of the reference month."""
        return self.as_of.replace(day=1)

    @property
    def month_end(self) -> date:
        """Last day of the reference month."""
        return self.as_of.replace(day=days_in_month(self.as_of.year, self.as_of.month))


# ---------------------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """The reference date, the resolved filters and the date bounds every figure uses."""

    as_of: date
    filters: DashboardFilters
    #: the filters' plan and branch resolved by `lookups` (None = no such code) and the city's spellings
    plan_id: uuid.UUID | None = None
    branch_id: uuid.UUID | None = None
    cities: tuple[str, ...] = ()
    #: some contract's value on `as_of` differs from `Contract.value` (a scheduled change in force)
    values_differ: bool = False

    @property
    def value(self) -> Any:
        """The monthly value in force on `as_of` (plain `Contract.value` when nothing is scheduled)."""
        return value_in_force(self.as_of) if self.values_differ else Contract.value

    @property
    def month_start(self) -> date:
        return self.as_of.replace(day=1)

    @property
    def month_end(self) -> date:
        return self.as_of.replace(day=days_in_month(self.as_of.year, self.as_of.month))

    @property
    def period_start(self) -> date:
        assert self.filters.period_start is not None
        return self.filters.period_start

    @property
    def period_end(self) -> date:
        assert self.filters.period_end is not None
        return self.filters.period_end

    def contract_conditions(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on `Contract` for the plan / city / branch filters."""
        f = self.filters
        conds: list[ColumnElement[bool]] = []
        if f.plan_code:
            conds.append(Contract.plan_id == self.plan_id if self.plan_id is not None else false())
        if f.branch_code:
            conds.append(Contract.branch_id == self.branch_id if self.branch_id is not None else false())
        if f.city:
            conds.append(Contract.customer_id.in_(select(Customer.id).where(Customer.city.in_(self.cities)))
                         if self.cities else false())
        return conds

    def active_conditions(self) -> list[ColumnElement[bool]]:
        """Active contracts within the filters."""
        return [Contract.status == ACTIVE, *self.contract_conditions()]

    def contract_ids(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions restricting a ``contract_id`` column of another table to the filtered contracts."""
        if not self.filters.restricts_contracts:
            return []
        return [column.in_(select(Contract.id).where(*self.contract_conditions()))]


@dataclass(frozen=True)
class Figure:
    """One figure: the statement that computes it and the conversion of its rows."""

    name: str
    build: Callable[[Scope], Select[Any]]
    convert: Callable[[Sequence[Row[Any]], Scope], Any]


def _scalar_int(rows: Sequence[Row[Any]], _scope: Scope) -> int:
    return int(rows[0][0] or 0) if rows else 0


def _cents(value: Any) -> Decimal:
    """A SQL sum of a Money column (whole centavos) as reais."""
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _sum_cents(column: Any) -> ColumnElement[Any]:
    """SUM of a Money column as raw whole centavos (0 when no rows), exact on every database."""
    return func.coalesce(func.sum(type_coerce(column, BigInteger)), 0)


def _scalar_money(rows: Sequence[Row[Any]], _scope: Scope) -> Decimal:
    return _cents(rows[0][0] if rows else 0)


# ---------------------------------------------------------------------------------------- KPIs


def stmt_contratos_ativos(scope: Scope) -> Select[Any]:
    """Count of active contracts."""
    return select(func.count()).select_from(Contract).where(*scope.active_conditions())


def stmt_mrr(scope: Scope) -> Select[Any]:
    """Sum of the monthly values of active contracts (centavos)."""
    return select(_sum_cents(scope.value)).where(*scope.active_conditions())


def stmt_em_fidelidade(scope: Scope) -> Select[Any]:
    """Active contracts whose loyalty ends after the date."""
    return (
        select(func.count())
        .select_from(Contract)
        .where(*scope.active_conditions(), Contract.loyalty_expires_on > scope.as_of)
    )


def stmt_expirando(days: int) -> Callable[[Scope], Select[Any]]:
    """Builder: active contracts whose loyalty ends after the date and within `days` days."""

    def build(scope: Scope) -> Select[Any]:
        return (
            select(func.count())
            .select_from(Contract)
            .where(
                *scope.active_conditions(),
                Contract.loyalty_expires_on > scope.as_of,
                Contract.loyalty_expires_on <= scope.as_of + timedelta(days=days),
            )
        )

    return build


def stmt_access(status: str) -> Callable[[Scope], Select[Any]]:
    """Builder: active contracts whose access status is `status` now."""

    def build(scope: Scope) -> Select[Any]:
        return (
            select(func.count())
            .select_from(Contract)
            .where(*scope.active_conditions(), Contract.access_status == status)
        )

    return build


def stmt_cancelamentos_mes(scope: Scope) -> Select[Any]:
    """Contracts cancelled in the month of the date."""
    return (
        select(func.count())
        .select_from(Contract)
        .where(
            Contract.cancelled_on >= scope.month_start,
            Contract.cancelled_on <= scope.month_end,
            *scope.contract_conditions(),
        )
    )


def stmt_cancelamentos_churn_mes(scope: Scope) -> Select[Any]:
    """Contracts cancelled in the month with a reason that counts as churn."""
    churn_reasons = select(CancellationReason.id).where(CancellationReason.counts_as_churn.is_(True))
    return (
        select(func.count())
        .select_from(Contract)
        .where(
            Contract.cancelled_on >= scope.month_start,
            Contract.cancelled_on <= scope.month_end,
            Contract.cancellation_reason_id.in_(churn_reasons),
            *scope.contract_conditions(),
        )
    )


def stmt_ativos_inicio_mes(scope: Scope) -> Select[Any]:
    """Contracts active on the month's first day: activated on or before it, not cancelled before it."""
    first = scope.month_start
    return (
        select(func.count())
        .select_from(Contract)
        .where(
            Contract.activated_on <= first,
            or_(Contract.cancelled_on.is_(None), Contract.cancelled_on >= first),
            *scope.contract_conditions(),
        )
    )


def _stmt_changes_month(types: tuple[str, ...]) -> Callable[[Scope], Select[Any]]:
    def build(scope: Scope) -> Select[Any]:
        return (
            select(func.count())
            .select_from(PlanChange)
            .where(
                PlanChange.changed_on >= scope.month_start,
                PlanChange.changed_on <= scope.month_end,
                PlanChange.change_type.in_(types),
                *scope.contract_ids(PlanChange.contract_id),
            )
        )

    return build


stmt_upgrades_mes = _stmt_changes_month(UPGRADE_TYPES)
stmt_downgrades_mes = _stmt_changes_month(DOWNGRADE_TYPES)


# ---------------------------------------------------------------------------------------- charts


def stmt_expiracoes_semana(scope: Scope) -> Select[Any]:
    """Active contracts per loyalty end date over the weeks ahead (bucketed into weeks afterwards)."""
    last = scope.as_of + timedelta(days=7 * WEEKS_AHEAD)
    return (
        select(Contract.loyalty_expires_on, func.count())
        .where(
            *scope.active_conditions(),
            Contract.loyalty_expires_on > scope.as_of,
            Contract.loyalty_expires_on <= last,
        )
        .group_by(Contract.loyalty_expires_on)
    )


def convert_expiracoes_semana(rows: Sequence[Row[Any]], scope: Scope) -> tuple[WeekCount, ...]:
    """Weeks ahead: week i runs from D + 7i + 1 to D + 7(i + 1)."""
    counts = [0] * WEEKS_AHEAD
    for day, count in rows:
        index = ((day - scope.as_of).days - 1) // 7
        if 0 <= index < WEEKS_AHEAD:
            counts[index] += int(count)
    return tuple(
        WeekCount(scope.as_of + timedelta(days=7 * i + 1), scope.as_of + timedelta(days=7 * (i + 1)), counts[i])
        for i in range(WEEKS_AHEAD)
    )


def stmt_acessos_dia(scope: Scope) -> Select[Any]:
    """Access changes per day over the last 90 days, by the status entered."""
    first = scope.as_of - timedelta(days=ACCESS_DAYS - 1)
    return (
        select(AccessEvent.on_date, AccessEvent.to_status, func.count())
        .where(
            AccessEvent.on_date >= first,
            AccessEvent.on_date <= scope.as_of,
            AccessEvent.to_status.in_(RESTRICTED_STATUSES + RELEASED_STATUSES),
            *scope.contract_ids(AccessEvent.contract_id),
        )
        .group_by(AccessEvent.on_date, AccessEvent.to_status)
    )


def convert_acessos_dia(rows: Sequence[Row[Any]], scope: Scope) -> tuple[AccessDay, ...]:
    """One entry per day (zeros included), oldest first."""
    first = scope.as_of - timedelta(days=ACCESS_DAYS - 1)
    table = [[0, 0, 0, 0] for _ in range(ACCESS_DAYS)]
    for day, to_status, count in rows:
        column = {AccessStatus.REDUZIDO: 0, AccessStatus.BLOQUEADO: 1, AccessStatus.NORMAL: 3}.get(to_status, 2)
        table[(day - first).days][column] += int(count)
    return tuple(AccessDay(first + timedelta(days=i), *table[i]) for i in range(ACCESS_DAYS))


def _count_per_reason(scope: Scope, day: Any, reason_id: Any) -> Any:
    """Contracts whose `day` falls in the period, counted per `reason_id` (a subquery: reason_id, n)."""
    return (
        select(reason_id.label("reason_id"), func.count().label("n"))
        .where(day >= scope.period_start, day <= scope.period_end, *scope.contract_conditions())
        .group_by(reason_id)
        .subquery()
    )


def stmt_cancelamentos_motivo(scope: Scope) -> Select[Any]:
    """Contracts cancelled in the period per cancellation reason (grouped first, then named)."""
    per_reason = _count_per_reason(scope, Contract.cancelled_on, Contract.cancellation_reason_id)
    return select(
        CancellationReason.code, CancellationReason.description, CancellationReason.counts_as_churn, per_reason.c.n
    ).select_from(per_reason).outerjoin(CancellationReason, CancellationReason.id == per_reason.c.reason_id)


def convert_cancelamentos_motivo(rows: Sequence[Row[Any]], _scope: Scope) -> tuple[ReasonCount, ...]:
    """Most frequent first, then by code."""
    items = [
        ReasonCount(code or "", description or NO_REASON, int(count), bool(churn))
        for code, description, churn, count in rows
    ]
    return tuple(sorted(items, key=lambda r: (-r.count, r.code)))


def stmt_alteracoes_mes(scope: Scope) -> Select[Any]:
    """Upgrades and downgrades in the period per day and type (bucketed into months afterwards)."""
    return (
        select(PlanChange.changed_on, PlanChange.change_type, func.count())
        .where(
            PlanChange.changed_on >= scope.period_start,
            PlanChange.changed_on <= scope.period_end,
            PlanChange.change_type.in_(UPGRADE_TYPES + DOWNGRADE_TYPES),
            *scope.contract_ids(PlanChange.contract_id),
        )
        .group_by(PlanChange.changed_on, PlanChange.change_type)
    )


def _months(start: date, end: date) -> list[date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def convert_alteracoes_mes(rows: Sequence[Row[Any]], scope: Scope) -> tuple[MonthChanges, ...]:
    """One entry per month of the period (zeros included), oldest first."""
    table = {m: [0, 0] for m in _months(scope.period_start, scope.period_end)}
    for day, change_type, count in rows:
        table[day.replace(day=1)][0 if change_type in UPGRADE_TYPES else 1] += int(count)
    return tuple(MonthChanges(m, up, down) for m, (up, down) in table.items())


def stmt_recebimentos_dia(scope: Scope) -> Select[Any]:
    """Active contracts and their monthly values per due day."""
    return (
        select(Contract.due_day, func.count(), _sum_cents(scope.value))
        .where(*scope.active_conditions())
        .group_by(Contract.due_day)
    )


def due_date_in_coming_month(as_of: date, due_day: int) -> date:
    """The date a due day falls on in the month after `as_of` (D + 1 … D + 1 month), clamped to month end."""
    this_month = as_of.replace(day=min(due_day, days_in_month(as_of.year, as_of.month)))
    if this_month > as_of:
        return this_month
    following = add_months(as_of.replace(day=1), 1)
    return following.replace(day=min(due_day, days_in_month(following.year, following.month)))


def convert_recebimentos_dia(rows: Sequence[Row[Any]], scope: Scope) -> tuple[ReceiptDay, ...]:
    """Expected fees per date of the coming month (days with none omitted), in date order."""
    table: dict[date, list[int]] = {}
    for due_day, count, cents in rows:
        day = due_date_in_coming_month(scope.as_of, int(due_day))
        entry = table.setdefault(day, [0, 0])
        entry[0] += int(count)
        entry[1] += int(cents or 0)
    return tuple(ReceiptDay(day, n, _cents(c)) for day, (n, c) in sorted(table.items()))


def stmt_novos_motivo(scope: Scope) -> Select[Any]:
    """Contracts activated in the period per inclusion reason (grouped first, then named)."""
    per_reason = _count_per_reason(scope, Contract.activated_on, Contract.inclusion_reason_id)
    return select(InclusionReason.code, InclusionReason.description, per_reason.c.n).select_from(
        per_reason
    ).outerjoin(InclusionReason, InclusionReason.id == per_reason.c.reason_id)


def convert_novos_motivo(rows: Sequence[Row[Any]], _scope: Scope) -> tuple[ReasonCount, ...]:
    """Most frequent first, then by code."""
    items = [ReasonCount(code or "", description or NO_REASON, int(count)) for code, description, count in rows]
    return tuple(sorted(items, key=lambda r: (-r.count, r.code)))


#: Every figure, in the order they run. `ticket_medio` and `churn_mes` are derived from these.
FIGURES: tuple[Figure, ...] = (
    Figure("contratos_ativos", stmt_contratos_ativos, _scalar_int),
    Figure("mrr", stmt_mrr, _scalar_money),
    Figure("em_fidelidade", stmt_em_fidelidade, _scalar_int),
    *(Figure(f"expirando_{n}", stmt_expirando(n), _scalar_int) for n in EXPIRING_WINDOWS),
    Figure("reduzidos", stmt_access(AccessStatus.REDUZIDO), _scalar_int),
    Figure("bloqueados", stmt_access(AccessStatus.BLOQUEADO), _scalar_int),
    Figure("cancelamentos_mes", stmt_cancelamentos_mes, _scalar_int),
    Figure("cancelamentos_churn_mes", stmt_cancelamentos_churn_mes, _scalar_int),
    Figure("ativos_inicio_mes", stmt_ativos_inicio_mes, _scalar_int),
    Figure("upgrades_mes", stmt_upgrades_mes, _scalar_int),
    Figure("downgrades_mes", stmt_downgrades_mes, _scalar_int),
    Figure("expiracoes_semana", stmt_expiracoes_semana, convert_expiracoes_semana),
    Figure("acessos_dia", stmt_acessos_dia, convert_acessos_dia),
    Figure("cancelamentos_motivo", stmt_cancelamentos_motivo, convert_cancelamentos_motivo),
    Figure("alteracoes_mes", stmt_alteracoes_mes, convert_alteracoes_mes),
    Figure("recebimentos_dia", stmt_recebimentos_dia, convert_recebimentos_dia),
    Figure("novos_motivo", stmt_novos_motivo, convert_novos_motivo),
)
FIGURES_BY_NAME = {f.name: f for f in FIGURES}


def run_figure(session: Session, figure: Figure, scope: Scope) -> Any:
    """Execute one figure's statement and convert its rows."""
    return figure.convert(session.execute(figure.build(scope)).all(), scope)


def make_scope(session: Session, as_of: date, filters: DashboardFilters | None = None) -> Scope:
    """The scope for `as_of` with the filters' defaults resolved and their codes looked up."""
    f = (filters or DashboardFilters()).resolved(as_of)
    return Scope(as_of, f, plan_id=lookups.plan_id_by_code(session, f.plan_code),
                 branch_id=lookups.branch_id_by_code(session, f.branch_code),
                 cities=tuple(lookups.city_spellings(session, f.city)) if f.city else (),
                 values_differ=values_differ_on(session, as_of))


def percent(part: int, whole: int) -> Decimal:
    """`part` ÷ `whole` × 100, half-up to two decimals; 0.00 when `whole` is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute_dashboard_on(session: Session, as_of: date, filters: DashboardFilters | None = None) -> Dashboard:
    """Every figure on an open session (no permission check, no commit)."""
    scope = make_scope(session, as_of, filters)
    values: dict[str, Any] = {}
    timings: list[tuple[str, float]] = []
    for figure in FIGURES:
        started = time.perf_counter()
        values[figure.name] = run_figure(session, figure, scope)
        timings.append((figure.name, time.perf_counter() - started))
    active = values["contratos_ativos"]
    mrr = values["mrr"]
    return Dashboard(
        as_of=as_of,
        filters=scope.filters,
        ticket_medio=to_cents(mrr / active) if active else Decimal("0.00"),
        churn_mes=percent(values["cancelamentos_churn_mes"], values["ativos_inicio_mes"]),
        timings=tuple(timings),
        **values,
    )


def compute_dashboard(uow: UnitOfWork, as_of: date | None = None, filters: DashboardFilters | None = None) -> Dashboard:
    """Compute the dashboard as of `as_of` (default: the unit of work's date) with `filters`.

    Raises:
        PermissionDenied: the actor may not view the dashboard.
        ValidationError: the period starts after it ends.
    """
    uow.require(Permission.DASHBOARD_VIEW)
    f = filters or DashboardFilters()
    if f.period_start and f.period_end and f.period_start > f.period_end:
        raise ValidationError({"period_start": (
            f"O período começa em {f.period_start:%d/%m/%Y}, depois do fim ({f.period_end:%d/%m/%Y}). "
            "Informe uma data inicial anterior à final."
        )})
    with uow:
        return compute_dashboard_on(uow.session, as_of or uow.today, f)


@dataclass(frozen=True)
class FilterChoices:
    """Values offered by the dashboard's filter boxes: (code, label) for plans and branches; cities."""

    plans: tuple[tuple[str, str], ...]
    cities: tuple[str, ...]
    branches: tuple[tuple[str, str], ...]


def filter_choices(uow: UnitOfWork) -> FilterChoices:
    """Plans, cities (of customers with a contract) and branches to filter by."""
    uow.require(Permission.DASHBOARD_VIEW)
    with uow:
        s = uow.session
        plans = tuple((c, n) for c, n in s.execute(select(Plan.code, Plan.name).order_by(Plan.code)))
        branches = tuple(
            (c, n or ln)
            for c, n, ln in s.execute(select(Branch.code, Branch.trade_name, Branch.legal_name).order_by(Branch.code))
        )
        cities = tuple(
            c for (c,) in s.execute(
                select(Customer.city).where(Customer.city.is_not(None), Customer.city != "")
                .distinct().order_by(Customer.city)
            )
        )
    return FilterChoices(plans, cities, branches)


# ---------------------------------------------------------------------------------------- output


def _money(value: Decimal) -> str:
    return f"{to_cents(value):.2f}"


def dashboard_to_dict(d: Dashboard) -> dict[str, Any]:
    """The dashboard as JSON-ready values: the issue's KPI keys first, then the chart series.

    Money and percentages are strings with two decimals and a point (``"1234.50"``); dates ISO.
    """
    out: dict[str, Any] = {
        "contratos_ativos": d.contratos_ativos,
        "mrr": _money(d.mrr),
        "ticket_medio": _money(d.ticket_medio),
        "em_fidelidade": d.em_fidelidade,
        "expirando_30": d.expirando_30,
        "expirando_60": d.expirando_60,
        "expirando_90": d.expirando_90,
        "reduzidos": d.reduzidos,
        "bloqueados": d.bloqueados,
        "cancelamentos_mes": d.cancelamentos_mes,
        "churn_mes": _money(d.churn_mes),
        "upgrades_mes": d.upgrades_mes,
        "downgrades_mes": d.downgrades_mes,
    }
    out["data"] = d.as_of.isoformat()
    out["ativos_inicio_mes"] = d.ativos_inicio_mes
    out["cancelamentos_churn_mes"] = d.cancelamentos_churn_mes
    for name in CHARTS:
        header, rows = chart_table(d, name, for_json=True)
        out[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return out


#: Chart series: name → Portuguese title.
CHARTS: dict[str, str] = {
    "expiracoes_semana": "Fidelidades expirando por semana",
    "acessos_dia": "Reduções, bloqueios, liberações e restabelecimentos por dia (90 dias)",
    "cancelamentos_motivo": "Cancelamentos por motivo",
    "alteracoes_mes": "Upgrades e downgrades por mês",
    "recebimentos_dia": "Recebimentos previstos por dia de vencimento (próximo mês)",
    "novos_motivo": "Novos contratos por motivo de inclusão",
}


def chart_table(d: Dashboard, name: str, for_json: bool = False) -> tuple[list[str], list[list[Any]]]:
    """One chart's data as (header, rows), for the CSV export and the JSON output.

    For CSV (default) dates are dd/mm/aaaa and money has a decimal comma; for JSON, ISO dates,
    point decimals and integers as numbers.
    """
    def day(value: date) -> str:
        return value.isoformat() if for_json else value.strftime("%d/%m/%Y")

    def money(value: Decimal) -> str:
        return _money(value) if for_json else _money(value).replace(".", ",")

    def num(value: int) -> Any:
        return value if for_json else str(value)

    if name == "expiracoes_semana":
        return ["inicio", "fim", "contratos"], [[day(w.start), day(w.end), num(w.count)] for w in d.expiracoes_semana]
    if name == "acessos_dia":
        return (
            ["data", "reducoes", "bloqueios", "liberacoes", "restabelecimentos"],
            [[day(a.day), num(a.reductions), num(a.blocks), num(a.releases), num(a.restorations)]
             for a in d.acessos_dia],
        )
    if name == "cancelamentos_motivo":
        return (
            ["motivo", "descricao", "cancelamentos", "conta_churn"],
            [[r.code, r.description, num(r.count), r.counts_as_churn if for_json else ("sim" if r.counts_as_churn
                                                                                   else "não")]
             for r in d.cancelamentos_motivo],
        )
    if name == "alteracoes_mes":
        return (
            ["mes", "upgrades", "downgrades"],
            [[m.month.strftime("%Y-%m") if for_json else m.month.strftime("%m/%Y"), num(m.upgrades), num(m.downgrades)]
             for m in d.alteracoes_mes],
        )
    if name == "recebimentos_dia":
        return (
            ["vencimento", "contratos", "valor"],
            [[day(r.day), num(r.contracts), money(r.amount)] for r in d.recebimentos_dia],
        )
    if name == "novos_motivo":
        return ["motivo", "descricao", "contratos"], [[r.code, r.description, num(r.count)] for r in d.novos_motivo]
    raise KeyError(name)


def export_chart_csv(d: Dashboard, name: str, path: str | Path) -> int:
    """Write one chart's data as an ispdesk CSV (``;``, UTF-8 with BOM, dd/mm/aaaa, decimal comma).

    Raises:
        BusinessRuleError: the file cannot be written.
    """
    from ispdesk.services.csv_io import write_csv  # the shared CSV writer (customers area)

    header, rows = chart_table(d, name)
    try:
        return write_csv(path, header, rows)
    except OSError as exc:
        raise BusinessRuleError(
            f"Não foi possível gravar {path}: {exc.strerror or exc}. Escolha outra pasta."
        ) from None
