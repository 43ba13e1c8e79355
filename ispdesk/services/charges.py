"""Charges: recurring generation (set-based, streamed), one-off charges, listing.

The billing convention (post-paid cycles anchored on the due day, pro-rata) lives in
`ispdesk.domain.billing`; this module applies it to the database. Generation reads the contracts
in keyset batches (primary key) with the end of their last recurring charge, computes the new
cycles in Python and inserts each batch with one DB-API ``executemany`` — no per-contract ORM round
trip (1,000,000 contracts: see ``bench/bench_charges.py``).

Concurrency: each batch first locks what it decides on (SQLite: the write lock, taken before the
batch's first read; PostgreSQL: ``SELECT … FOR UPDATE`` on the batch's contracts), then reads the
contracts, their last charge, suspensions and value changes, and inserts — so its charges always
match the row state it read, and a second generation running at the same time waits for the batch
and then finds it done. The public `generate_charges` commits every batch (the lock is released
between batches; a killed run leaves whole batches and a rerun completes it).

Bad data: a contract whose dates would need more than `MAX_PERIODS` cycles in one run (an
activation in 1900 or in year 1), or whose dates fall off the calendar, is skipped and reported
(`GenerationResult.skipped`, number and reason in Portuguese); it never stops the others.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String, and_, func, or_, select, type_coerce
from sqlalchemy.exc import IntegrityError

from ispdesk.db.models import Charge, Contract, ContractValueChange, Plan, SuspensionPeriod
from ispdesk.domain import billing
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import ZERO, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, ContractStatus
from ispdesk.domain.wording import agree, plural
from ispdesk.services import hooks
from ispdesk.services import parameters as params_service
from ispdesk.services.business_days import calendar_on
from ispdesk.services.charge_stamp import NUMBER_SEQUENCE
from ispdesk.services.uow import UnitOfWork

RECURRING, ONE_OFF, FINE = ChargeKind.MENSALIDADE, ChargeKind.AVULSA, ChargeKind.MULTA
OPEN, PAID, CANCELLED = ChargeStatus.ABERTA, ChargeStatus.PAGA, ChargeStatus.CANCELADA
KINDS = ChargeKind.values()
STATUSES = ChargeStatus.values()

#: Contracts read per batch during generation.
BATCH = 5000

#: Most recurring charges one run generates for one contract (three years of monthly cycles). A
#: contract that would need more (activation in 1900, in year 1, a base date typed wrong) is skipped
#: and reported instead: such a backlog is a data error to fix in the contract, not to bill.
MAX_PERIODS = 36

#: SQLite: after holding the write lock this long (seconds) in committed batches, pause for
#: `LOCK_PAUSE` so another station waiting on the lock (busy handler polls every 0.1 s) gets in.
LOCK_WINDOW = 2.0
LOCK_PAUSE = 0.12

#: Called with (contracts done, contracts total); returning False cancels the generation.
Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class ChargeRow:
    """A charge as the screens and exports show it.

    `effective_due_date` is the vencimento útil; `fine_owed` / `interest_owed` the late amounts fixed
    by partial payments (the late amounts of today are computed by `ispdesk.services.late_fees`).
    """

    id: uuid.UUID
    contract_id: uuid.UUID
    contract_number: int
    kind: str
    description: str
    period_start: date | None
    period_end: date | None
    due_date: date
    amount: Decimal
    paid_amount: Decimal
    paid_on: date | None
    status: str
    plan_code: str | None
    number: int = 0
    effective_due_date: date | None = None
    fine_owed: Decimal = ZERO
    interest_owed: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        """Principal still owed (0 for paid or cancelled charges)."""
        return ZERO if self.status != OPEN else to_cents(self.amount - self.paid_amount)

    @property
    def effective_due(self) -> date:
        """The vencimento útil (the nominal due date when not known)."""
        return self.effective_due_date or self.due_date


@dataclass(frozen=True)
class SkippedContract:
    """A contract the generation left out, and why (Portuguese, says what to fix)."""

    number: int
    reason: str


@dataclass(frozen=True)
class GenerationResult:
    """What a generation run did; `skipped` lists the contracts left out (bad dates)."""

    until: date
    charges: int
    contracts: int
    total: Decimal
    skipped: tuple[SkippedContract, ...] = ()


def backlog_problem(start: date, until: date) -> str | None:
    """Why billing from `start` up to `until` in one run is implausible (None when it is fine).

    More than `MAX_PERIODS` monthly cycles (each cycle ends on a due day, so the count is at most the
    months between the two dates plus one) means a wrong activation or base date.
    """
    months = (until.year - start.year) * 12 + until.month - start.month
    if months <= MAX_PERIODS:
        return None
    shown = f"{start.day:02d}/{start.month:02d}/{start.year:04d}"
    count = f"{months:,}".replace(",", ".")
    return (f"a cobrança começaria em {shown} e exigiria cerca de {count} mensalidades de uma vez (o limite é "
            f"{MAX_PERIODS} por execução): a data de ativação ou a data base financeira do contrato está errada. "
            "Corrija-a no contrato.")


def check_billing_start(number: int, start: date, until: date) -> None:
    """Refuse (BusinessRuleError) a single-contract computation from an implausible `start`."""
    problem = backlog_problem(start, until)
    if problem is not None:
        raise BusinessRuleError(f"Contrato {number}: {problem}")


def row_of(charge: Charge, number: int) -> ChargeRow:
    """The frozen row of a `Charge`."""
    return ChargeRow(
        charge.id, charge.contract_id, number, charge.kind, charge.description, charge.period_start,
        charge.period_end, charge.due_date, charge.amount, charge.paid_amount, charge.paid_on, charge.status,
        charge.plan_code, charge.number, charge.effective_due_date, charge.fine_owed, charge.interest_owed,
    )


def stamp_rows(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Give charge dicts for a bulk ``insert(Charge)`` their number and vencimento útil."""
    missing = [r for r in rows if r.get("number") is None]
    if missing:
        first = uow.next_numbers(NUMBER_SEQUENCE, len(missing))
        for offset, row in enumerate(missing):
            row["number"] = first + offset
    cal = calendar_on(uow.session)
    for row in rows:
        if row.get("effective_due_date") is None:
            row["effective_due_date"] = cal.effective_due(row["due_date"])


def recurring_description(plan_code: str | None, cycle: billing.Cycle) -> str:
    """``Mensalidade FIBRA-300 10/01/2026 a 09/02/2026`` (+ `` (proporcional)`` when partial)."""
    text = f"Mensalidade {plan_code or ''} {format_date(cycle.start)} a {format_date(cycle.end)}".replace("  ", " ")
    return text + ("" if cycle.is_full else " (proporcional)")


def billing_start(contract_base: date | None, activated_on: date | None, last_end: date | None) -> date | None:
    """Where the next recurring charge starts: the day after the last one, else the base date."""
    if last_end is not None:
        return last_end + billing.ONE_DAY
    return contract_base or activated_on


def charge_values(
    uow: UnitOfWork, contract_id: uuid.UUID, plan_code: str | None, cycle: billing.Cycle, amount: Decimal
) -> dict[str, Any]:
    """Column values of a new recurring charge (zero-amount cycles are born paid)."""
    return {
        "id": uuid7(), "contract_id": contract_id, "kind": RECURRING,
        "description": recurring_description(plan_code, cycle), "period_start": cycle.start,
        "period_end": cycle.end, "due_date": cycle.due, "amount": amount, "paid_amount": ZERO,
        "paid_on": None, "status": PAID if amount == 0 else OPEN, "plan_code": plan_code,
        "created_at": uow.now, "created_by": uow.actor.login, "version": 1,
    }


def _last_end_subquery() -> Any:
    return (
        select(Charge.period_end)
        .where(Charge.contract_id == Contract.id, Charge.kind == RECURRING)
        .order_by(Charge.period_start.desc())
        .limit(1)
        .correlate(Contract)
        .scalar_subquery()
    )


def suspensions_by_contract(
    uow: UnitOfWork, low: uuid.UUID, high: uuid.UUID, ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[tuple[date, date | None]]]:
    """Suspension periods of the contracts with ids in [low, high] (one range query)."""
    result: dict[uuid.UUID, list[tuple[date, date | None]]] = defaultdict(list)
    query = select(SuspensionPeriod.contract_id, SuspensionPeriod.start_date, SuspensionPeriod.end_date).where(
        SuspensionPeriod.contract_id >= low, SuspensionPeriod.contract_id <= high
    )
    for contract_id, start, end in uow.session.execute(query):
        result[contract_id].append((start, end))
    if ids is not None:
        wanted = set(ids)
        return {k: v for k, v in result.items() if k in wanted}
    return result


def generate_charges(uow: UnitOfWork, until: date, progress: Progress | None = None) -> GenerationResult:
    """Create every recurring charge due on or before `until` for the active contracts (idempotent).

    Runs the `BEFORE_CHARGES` hooks first (scheduled value changes, committed on their own), then
    generates batch by batch, committing each one (other stations can write between batches), and
    writes one audit row. A run killed midway leaves whole batches; the next run completes it.
    Contracts with implausible dates are skipped and listed in the result.

    Raises:
        PermissionDenied: the actor may not generate charges.
        BusinessRuleError: cancelled through `progress` (the batches already committed stay).
        TryAgainError: a lock held elsewhere did not come free in time (the unit of work maps it).
    """
    uow.require(Permission.CHARGES_GENERATE)
    with uow:
        pacer = _Pacer(uow)
        try:
            result = generate_unchecked_in(uow, until, progress=progress, checkpoint=pacer.checkpoint)
            uow.commit()
        except IntegrityError:
            raise BusinessRuleError(
                "Outra geração de cobranças gravou ao mesmo tempo. Execute a geração de novo: "
                "ela só cria o que falta."
            ) from None
        return result


class _Pacer:
    """Commits a generation batch; on SQLite pauses now and then so waiting stations get the lock."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.sqlite = uow.session.get_bind().dialect.name == "sqlite"
        self.since = time.monotonic()

    def checkpoint(self) -> None:
        """Commit what the batch wrote (the next statement starts a new transaction)."""
        self.uow.commit()
        if self.sqlite and time.monotonic() - self.since >= LOCK_WINDOW:
            time.sleep(LOCK_PAUSE)
            self.since = time.monotonic()


def generate_charges_in(
    uow: UnitOfWork,
    until: date,
    contract_ids: Sequence[uuid.UUID] | None = None,
    progress: Progress | None = None,
    run_hooks: bool = True,
) -> GenerationResult:
    """Generation inside an open unit of work (no commit); `contract_ids` restricts it."""
    return generate_unchecked_in(uow, until, contract_ids, progress, run_hooks)


def generate_unchecked_in(
    uow: UnitOfWork,
    until: date,
    contract_ids: Sequence[uuid.UUID] | None = None,
    progress: Progress | None = None,
    run_hooks: bool = True,
    audit: bool = True,
    checkpoint: Callable[[], None] | None = None,
) -> GenerationResult:
    """The generation itself, for services that checked their own permission (cancellation).

    `checkpoint` (the public `generate_charges` passes one) is called after the hooks and after each
    batch to commit it; without one everything stays in the caller's transaction.

    Streams the contracts in keyset batches of `BATCH` ids, reading the active ones with the end of their last recurring
    charge (one correlated lookup on the unique index), computes the cycles in Python — a full
    aligned cycle without suspension is just the monthly value; anything else goes through
    `billing.cycle_amount` — and inserts each batch with one DB-API ``executemany``. Contracts whose
    value changes after their last charge (one `ContractValueChange` range query per batch) are
    split into value segments (`billing.value_segments` / `billing.segmented_amount`).
    """
    if run_hooks:
        hooks.before_charges(uow, until)
        uow.session.flush()
    session = uow.session
    divisor = str(params_service.load(session)["divisor_proporcional"])
    sqlite = session.get_bind().dialect.name == "sqlite"
    raw_id = type_coerce(Contract.id, String)
    base = (
        select(raw_id, type_coerce(Contract.value, BigInteger), Contract.due_day,
               type_coerce(Contract.billing_base_date, String), type_coerce(Contract.activated_on, String),
               Plan.code, type_coerce(_last_end_subquery(), String).label("last_end"), Contract.status,
               Contract.number)
        .join(Plan, Plan.id == Contract.plan_id)
    )
    # The status is checked in Python on purpose: with a status filter in SQL, SQLite prefers the
    # status index over the primary key for the batch's ``id IN (…)`` and scans every contract.
    if contract_ids is not None:
        base = base.where(Contract.id.in_(list(contract_ids)))
    total_contracts = 0
    if progress is not None:
        counted = select(func.count()).select_from(Contract).where(Contract.status == ContractStatus.ATIVO)
        if contract_ids is not None:
            counted = counted.where(Contract.id.in_(list(contract_ids)))
        total_contracts = session.scalar(counted) or 0
    if checkpoint is not None:
        checkpoint()  # the hooks' writes; each batch below starts a transaction of its own
    writer = _ChargeWriter(uow)
    created = touched = done = total_cents = committed = 0
    skipped: list[SkippedContract] = []
    last_id: Any = None
    while True:
        connection = session.connection()  # Core results: no ORM row machinery per contract
        if sqlite:
            # the write lock before the batch's first read: what is read below is what is written on
            connection.exec_driver_sql("UPDATE sequences SET next_value = next_value WHERE 0")
        # keyset over the primary key alone (the planner could otherwise pick the status index and
        # sort every active contract on each batch), then the batch's rows by id
        ids_query = select(raw_id).order_by(raw_id).limit(BATCH)
        if contract_ids is not None:  # a few contracts (cancellation, demo): never page the whole table
            ids_query = ids_query.where(Contract.id.in_(list(contract_ids)))
        if last_id is not None:
            ids_query = ids_query.where(raw_id > last_id)
        if not sqlite:
            # lock the batch's contracts first; the reads below (new statements, READ COMMITTED)
            # then see every change committed before the lock, and none can land until the commit
            ids_query = ids_query.with_for_update()
        chunk = list(connection.execute(ids_query).scalars())
        if not chunk:
            break
        last_id = chunk[-1]
        if contract_ids is None:
            # the batch is the key range [first, last] (a range reads the index like the keyset above;
            # ``IN`` with 5,000 literals costs more to build than to run). A contract stored inside the
            # range after the lock was taken is left for the next run, as it was not locked.
            locked = set(chunk) if not sqlite else None
            batch = connection.execute(base.where(raw_id >= chunk[0], raw_id <= last_id)).all()
            if locked is not None:
                batch = [r for r in batch if r[0] in locked]
        else:
            batch = connection.execute(base.where(raw_id.in_(chunk))).all()
        suspended = _raw_suspensions(uow, chunk[0], last_id) if batch else {}
        changed = _raw_value_changes(uow, chunk[0], last_id) if batch else {}
        rows: list[tuple[Any, ...]] = []
        for contract_id, value_cents, due_day, base_date, activated_on, plan_code, last_end, status, number in batch:
            if status != ContractStatus.ATIVO:
                continue
            try:
                if last_end is not None:
                    start = _as_date(last_end) + billing.ONE_DAY
                elif base_date or activated_on:
                    start = _as_date(base_date or activated_on)
                else:
                    continue
            except (ValueError, OverflowError):
                skipped.append(SkippedContract(number, "a data de ativação ou a data base financeira não é uma "
                                                       "data válida. Corrija-a no contrato."))
                continue
            problem = backlog_problem(start, until)
            if problem is not None:
                skipped.append(SkippedContract(number, problem))
                continue
            periods = suspended.get(contract_id)
            changes = changed.get(contract_id)
            if changes is not None:
                changes = [c for c in changes if c[0] > start] or None
            before = len(rows)
            before_cents = total_cents
            try:
                while True:
                    # due date of the cycle starting on `start` (due_day ≤ 28, so every month has it)
                    if start.day < due_day:
                        due = date(start.year, start.month, due_day)
                    elif start.month == 12:
                        due = date(start.year + 1, 1, due_day)
                    else:
                        due = date(start.year, start.month + 1, due_day)
                    if due > until:
                        break
                    if changes is None and periods is None and start.day == due_day:  # full cycle, nothing to leave out
                        cents = value_cents
                        rows.append(writer.row(contract_id, plan_code, start, due - billing.ONE_DAY, due, cents, False))
                    elif changes is not None:  # the value changes at some point after `start`: split by value
                        cycle = billing.cycle_at(start, due_day)
                        segments = billing.value_segments(cycle, Decimal(value_cents) / 100, changes)
                        amount = billing.segmented_amount(cycle, segments, divisor, periods or ())
                        cents = int(amount * 100)
                        rows.append(writer.row(contract_id, plan_code, start, cycle.end, due, cents, not cycle.is_full))
                    else:
                        cycle = billing.cycle_at(start, due_day)
                        amount = billing.cycle_amount(Decimal(value_cents) / 100, cycle, divisor, periods or ())
                        cents = int(amount * 100)
                        rows.append(writer.row(contract_id, plan_code, start, cycle.end, due, cents, not cycle.is_full))
                    total_cents += cents
                    start = due
            except (ValueError, OverflowError):  # a date off the calendar (year 1 or 9999)
                del rows[before:]
                total_cents = before_cents
                skipped.append(SkippedContract(number, "as datas de cobrança saem do calendário (ano 1 ou 9999). "
                                                       "Corrija a data de ativação ou a data base financeira."))
                continue
            if len(rows) > before:
                touched += 1
        if rows:
            writer.insert(rows)
            created += len(rows)
        done += sum(1 for r in batch if r[7] == ContractStatus.ATIVO)
        if progress is not None and not progress(done, total_contracts):
            kept = (f"{agree(committed, 'a', 'as')} {plural(committed, 'cobrança', 'cobranças')}"
                    f" dos lotes já concluídos {agree(committed, 'fica gravada', 'ficam gravadas')}; gere de novo para "
                    "completar (nada é duplicado)." if committed else "nada foi gravado.")
            raise BusinessRuleError(f"Geração de cobranças cancelada pelo usuário; {kept}")
        if checkpoint is not None:
            checkpoint()
            committed = created
    total = to_cents(Decimal(total_cents) / 100)
    if audit:
        detail: dict[str, Any] = {"ate": until, "cobrancas": created, "contratos": touched}
        summary = (f"Cobranças geradas até {format_date(until)}: {created} em {touched} contratos "
                   f"({format_brl(total)})")
        if skipped:
            detail["ignorados"] = [f"{s.number}: {s.reason}" for s in skipped[:100]]
            summary += f"; {plural(len(skipped), 'contrato ignorado', 'contratos ignorados')} por datas inválidas"
        uow.audit("charges", None, "generate", detail, summary=summary)
    return GenerationResult(until, created, touched, total, tuple(skipped))


def _as_date(value: Any) -> date:
    """A date from the driver (SQLite gives ``aaaa-mm-dd`` text when the column type is bypassed)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _raw_suspensions(uow: UnitOfWork, low: Any, high: Any) -> dict[Any, list[tuple[date, date | None]]]:
    """Suspension periods of contracts with raw ids in [low, high], keyed by the raw id."""
    raw = type_coerce(SuspensionPeriod.contract_id, String)
    result: dict[Any, list[tuple[date, date | None]]] = defaultdict(list)
    query = select(raw, SuspensionPeriod.start_date, SuspensionPeriod.end_date).where(raw >= low, raw <= high)
    for contract_id, start, end in uow.session.connection().execute(query):
        result[contract_id].append((start, end))
    return result


def _raw_value_changes(uow: UnitOfWork, low: Any, high: Any) -> dict[Any, list[tuple[date, Decimal, Decimal]]]:
    """Value changes in force after the last recurring charge of contracts with raw ids in [low, high].

    One range query per batch on ``(contract_id, effective_on)``; only applied, not undone changes
    whose `effective_on` falls after the end of the contract's last recurring charge (changes inside
    cycles already charged are the plan-change service's one-off difference). Keyed by the raw id,
    ``(effective_on, old_value, new_value)`` in effect order.
    """
    cvc = ContractValueChange
    raw = type_coerce(cvc.contract_id, String)
    last_end = (
        select(Charge.period_end)
        .where(Charge.contract_id == cvc.contract_id, Charge.kind == RECURRING)
        .order_by(Charge.period_start.desc())
        .limit(1)
        .correlate(cvc)
        .scalar_subquery()
    )
    query = (
        select(raw, cvc.effective_on, cvc.old_value, cvc.new_value)
        .where(raw >= low, raw <= high, cvc.applied.is_(True), cvc.undone_at.is_(None),
               or_(last_end.is_(None), cvc.effective_on > last_end))
        .order_by(raw, cvc.effective_on, cvc.created_at)
    )
    result: dict[Any, list[tuple[date, Decimal, Decimal]]] = defaultdict(list)
    for contract_id, effective_on, old_value, new_value in uow.session.connection().execute(query):
        result[contract_id].append((_as_date(effective_on), Decimal(old_value), Decimal(new_value)))
    return result


_INSERT_COLUMNS = ("number", "id", "contract_id", "kind", "description", "period_start", "period_end", "due_date",
                   "effective_due_date", "amount", "paid_amount", "status", "plan_code", "created_at", "created_by",
                   "version")


class _ChargeWriter:
    """Builds charge rows in the driver's own format and inserts them with one ``executemany``.

    The column types' bind processors are applied once per value kind (dates) or once per run
    (constants), not through SQLAlchemy's per-row machinery, which dominates at a million rows.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.session = uow.session
        dialect = self.session.get_bind().dialect
        columns = Charge.__table__.c
        self._sqlite = dialect.name == "sqlite"
        # SQLite stores DATE as ``aaaa-mm-dd`` text (SQLAlchemy's format); other drivers take `date`
        self._date: Callable[[date], Any] = date.isoformat if self._sqlite else (lambda v: v)
        created_proc = columns.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        now = uow.now
        self._created_at = created_proc(now) if created_proc else now
        self._created_by = uow.actor.login
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._sql = (f"INSERT INTO charges ({', '.join(_INSERT_COLUMNS)}) "
                     f"VALUES ({', '.join([mark] * len(_INSERT_COLUMNS))})")
        self._descriptions: dict[tuple[str | None, date, date, bool], str] = {}
        self._dates: dict[date, Any] = {}
        self._effective: dict[date, Any] = {}
        self._random = b""
        self._offset = 0
        self._counter = 0
        self._uow = uow
        self._calendar = calendar_on(self.session)

    def new_id(self) -> Any:
        """A UUIDv7 (48-bit ms, 12-bit counter, 62 random bits) in the driver's format."""
        if self._offset + 8 > len(self._random):
            self._random, self._offset = os.urandom(8 * 4096), 0
        rand = int.from_bytes(self._random[self._offset:self._offset + 8], "big") & ((1 << 62) - 1)
        self._offset += 8
        self._counter = (self._counter + 1) & 0xFFF
        ms = time.time_ns() // 1_000_000
        value = ((ms & ((1 << 48) - 1)) << 80) | (0x7 << 76) | (self._counter << 64) | (0b10 << 62) | rand
        return f"{value:032x}" if self._sqlite else uuid.UUID(int=value)

    def row(self, contract_id: Any, plan_code: str | None, start: date, end: date, due: date, cents: int,
            partial: bool) -> tuple[Any, ...]:
        """One charge row (contract id as the driver returned it; amount in centavos)."""
        key = (plan_code, start, end, partial)
        description = self._descriptions.get(key)
        if description is None:  # a run has few distinct (plan, cycle) pairs: build each text once
            description = (f"Mensalidade {plan_code} {start.day:02d}/{start.month:02d}/{start.year} a "
                           f"{end.day:02d}/{end.month:02d}/{end.year}" + (" (proporcional)" if partial else ""))
            self._descriptions[key] = description
        d = self._stored_date
        effective = self._effective.get(due)
        if effective is None:
            effective = self._effective[due] = d(self._calendar.effective_due(due))
        return (self.new_id(), contract_id, RECURRING, description, d(start), d(end), d(due), effective, cents, 0,
                PAID if cents == 0 else OPEN, plan_code, self._created_at, self._created_by, 1)

    def _stored_date(self, value: date) -> Any:
        """`value` in the driver's format, converted once per distinct date of the run."""
        stored = self._dates.get(value)
        if stored is None:
            stored = self._dates[value] = self._date(value)
        return stored

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert the rows (one executemany, numbered in order) on the session's current connection."""
        first = self._uow.next_numbers(NUMBER_SEQUENCE, len(rows))
        numbered = [(first + i, *row) for i, row in enumerate(rows)]
        self.session.connection().exec_driver_sql(self._sql, numbered)


def create_one_off_charge(
    uow: UnitOfWork, contract_id: uuid.UUID, description: str, amount: Decimal, due_date: date
) -> ChargeRow:
    """Create a one-off charge (venda / boleto avulso) on a contract.

    Raises:
        PermissionDenied: the actor may not create charges.
        ValidationError: empty description, amount not positive, due date missing.
        NotFound: no such contract.
    """
    uow.require(Permission.CHARGES_CREATE)
    with uow:
        row = create_one_off_charge_in(uow, contract_id, description, amount, due_date)
        uow.commit()
        return row


def create_one_off_charge_in(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    description: str,
    amount: Decimal,
    due_date: date | None,
    kind: str = ONE_OFF,
    notify: bool = True,
) -> ChargeRow:
    """One-off (or fine, `kind` = ``multa``) charge inside an open unit of work (no commit).

    `notify` = False skips the `DEBT_CHANGED` hooks (the cancellation runs them once, at its end).
    """
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["descricao"] = "Informe a descrição da cobrança (por exemplo, “Taxa de instalação”)."
    elif len(description) > 200:
        errors["descricao"] = "A descrição tem mais de 200 caracteres; resuma-a."
    if amount is None or to_cents(amount) <= 0:
        errors["valor"] = "Informe um valor maior que zero, por exemplo 150,00."
    if due_date is None:
        errors["vencimento"] = "Informe a data de vencimento (dd/mm/aaaa)."
    if errors:
        raise ValidationError(errors)
    assert due_date is not None
    contract = uow.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    plan_code = uow.session.scalar(select(Plan.code).where(Plan.id == contract.plan_id))
    charge = Charge(
        id=uuid7(), contract_id=contract.id, kind=kind, description=description, due_date=due_date,
        amount=to_cents(amount), paid_amount=ZERO, status=OPEN, plan_code=plan_code, created_at=uow.now,
        created_by=uow.actor.login,
    )
    uow.session.add(charge)
    uow.session.flush()
    label = "Multa rescisória" if kind == FINE else "Cobrança avulsa"
    uow.audit("charge", charge.id, "create",
              {"contrato": contract.number, "tipo": kind, "descricao": description, "valor": charge.amount,
               "vencimento": due_date},
              summary=f"{label} de {format_brl(charge.amount)} no contrato {contract.number}, "
                      f"vencimento {format_date(due_date)}")
    if notify:
        hooks.debt_changed(uow, contract)
    return row_of(charge, contract.number)


def list_charges(uow: UnitOfWork, contract_id: uuid.UUID) -> list[ChargeRow]:
    """Every charge of a contract, newest due date first."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return list_charges_in(uow, contract_id)


def list_charges_in(uow: UnitOfWork, contract_id: uuid.UUID) -> list[ChargeRow]:
    """Every charge of a contract inside an open unit of work."""
    number = uow.session.scalar(select(Contract.number).where(Contract.id == contract_id))
    if number is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    charges = uow.session.scalars(
        select(Charge).where(Charge.contract_id == contract_id)
        .order_by(Charge.due_date.desc(), Charge.period_start.desc())
    )
    return [row_of(c, number) for c in charges]


def open_debt_in(uow: UnitOfWork, contract_id: uuid.UUID) -> Decimal:
    """What the contract still owes (open charges' principal and the late amounts fixed by partial payments)."""
    rows = uow.session.execute(
        select(Charge.amount, Charge.paid_amount, Charge.fine_owed, Charge.interest_owed)
        .where(Charge.contract_id == contract_id, Charge.status == OPEN)
    )
    return to_cents(sum((a - p + f + i for a, p, f, i in rows), ZERO))


def recurring_states(uow: UnitOfWork, contract_id: uuid.UUID) -> list[billing.ChargeState]:
    """The recurring charges of a contract as paid-until needs them."""
    rows = uow.session.execute(
        select(Charge.period_start, Charge.period_end, Charge.status)
        .where(Charge.contract_id == contract_id, Charge.kind == RECURRING,
               and_(Charge.period_start.is_not(None), Charge.period_end.is_not(None)))
    )
    return [billing.ChargeState(s, e, st) for s, e, st in rows]


def refresh_paid_until(uow: UnitOfWork, contract: Contract) -> date | None:
    """Recompute `contract.paid_until` from its recurring charges (never typed)."""
    value = billing.paid_until(recurring_states(uow, contract.id))
    if contract.paid_until != value:
        contract.paid_until = value
    return value

