"""Access control: the daily suspension routine, releases, exemptions and restore on payment.

Every access change is stored as an `AccessEvent` (date, cause, actor); days in ``bloqueado`` are
`SuspensionPeriod` rows (``start_date`` and ``end_date`` both included, ``end_date`` None while
blocked), which charge generation leaves out of the subscription (RGC 765).

The routine (`run_suspension`) is idempotent for a date: a second run for the same date changes
nothing. It streams the candidate contracts from a read-only snapshot (a second connection) and
works in batches, committing each batch, so memory stays flat at a million contracts and an
interrupted run is completed by running it again for the same date.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ispdesk.db.models import (
    AccessEvent,
    CancellationReason,
    Charge,
    Contract,
    Customer,
    Notice,
    Plan,
    SuspensionPeriod,
    SuspensionRun,
)
from ispdesk.domain import access as ladder
from ispdesk.domain.access import AccessStatus, Cause, LadderParams, LadderState, Step
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.late_fees import LateRates, Updated, updated_amount
from ispdesk.domain.money import ZERO, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, ContractStatus
from ispdesk.domain.wording import agree, plural
from ispdesk.services import hooks, lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.messages import enqueue_rows_in, notice_message_row
from ispdesk.services.notices import notice_schedule
from ispdesk.services.notices import template_for as notice_template
from ispdesk.services.uow import UnitOfWork

BATCH_SIZE = 2000
OPEN_CHARGE = ChargeStatus.ABERTA
ACTIVE = ContractStatus.ATIVO
CLOSED_CONTRACT = (ContractStatus.CANCELADO, ContractStatus.NEGATIVADO)
RESCISSION_REASON = "INADIMPLENCIA"

#: Counters of a run, in the order they are printed.
COUNT_KEYS = ("aviso", "reducao", "bloqueio", "rescisao", "fim_liberacao", "sem_debito", "cancelamento", "falhas")
COUNT_LABELS = {
    "aviso": "Avisos registrados",
    "reducao": "Reduções",
    "bloqueio": "Bloqueios",
    "rescisao": "Rescisões",
    "fim_liberacao": "Fim de liberação (suspensos de novo)",
    "sem_debito": "Restabelecidos (sem débito vencido)",
    "cancelamento": "Cancelados marcados como bloqueados",
    "falhas": "Falhas",
}

_C: Table = Contract.__table__  # type: ignore[assignment]
_CH: Table = Charge.__table__  # type: ignore[assignment]
_N: Table = Notice.__table__  # type: ignore[assignment]
_SP: Table = SuspensionPeriod.__table__  # type: ignore[assignment]
_EV: Table = AccessEvent.__table__  # type: ignore[assignment]


class ProgressLike(Protocol):
    """What the routine needs of a progress reporter (`ispdesk.ui.workers.Progress`)."""

    def report(self, done: int, total: int, text: str = "") -> None:
        """Tell how far the run is."""

    @property
    def cancelled(self) -> bool:
        """True when the user asked to stop."""


# --- rows returned to the GUI and CLI -------------------------------------------------------

@dataclass(frozen=True)
class AccessChange:
    """The result of a release or exemption on one contract."""

    contract_id: uuid.UUID
    number: int
    from_status: str
    to_status: str
    until: date | None
    message: str


@dataclass
class SuspensionResult:
    """What a run of the routine did (or, for a preview, would do).

    Attributes:
        run_date: the date of the run.
        counts: transitions per kind (`COUNT_KEYS`).
        examined: candidate contracts looked at.
        interrupted: the user cancelled; running again for the same date completes the run.
        failures: per-contract messages of rescissions that the rules refused.
        changed_meanwhile: numbers of the contracts whose access status someone else changed between
            the routine's reading and its writing: left as they are (not counted), decided again by
            the next run.
    """

    run_date: date
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    examined: int = 0
    interrupted: bool = False
    failures: list[str] = field(default_factory=list)
    changed_meanwhile: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        """``chave: n`` lines, one per transition kind."""
        return [f"{key}: {self.counts.get(key, 0)}" for key in COUNT_KEYS]

    def changed_meanwhile_text(self, shown: int = 20) -> str:
        """The sentence naming the contracts left as they were (empty when none)."""
        if not self.changed_meanwhile:
            return ""
        numbers = ", ".join(str(n) for n in self.changed_meanwhile[:shown])
        more = f" e mais {len(self.changed_meanwhile) - shown}" if len(self.changed_meanwhile) > shown else ""
        return (f"{plural(len(self.changed_meanwhile), 'contrato teve', 'contratos tiveram')}"
                f" o acesso alterado por outra pessoa durante a "
                f"rotina e {agree(len(self.changed_meanwhile), 'ficou como estava', 'ficaram como estavam')}: "
                f"{numbers}{more}. A próxima execução decide de novo.")


@dataclass(frozen=True)
class PreviewRow:
    """One contract the next run will change."""

    contract_id: uuid.UUID
    number: int
    customer_name: str
    access_status: str
    overdue_since: date | None
    notice_date: date | None
    action: str
    to_status: str
    amount: Decimal


@dataclass(frozen=True)
class RunRow:
    """One past run of the routine."""

    run_date: date
    started_at: datetime
    finished_at: datetime | None
    actor: str
    counts: dict[str, int]


@dataclass(frozen=True)
class HistoryRow:
    """One line of a contract's access history (an access change or a notice)."""

    on_date: date
    at: datetime
    kind: str
    from_status: str
    to_status: str
    cause: str
    actor: str
    until: date | None
    note: str
    detail: str = ""


@dataclass(frozen=True)
class AccessInfo:
    """A contract's access situation as the "Acesso" panel shows it."""

    contract_id: uuid.UUID
    number: int
    status: str
    access_status: str
    access_until: date | None
    no_block_until: date | None
    block_exempt: bool
    trust_restriction_lifted: bool
    overdue_since: date | None
    overdue_amount: Decimal
    notice_date: date | None
    last_trust_unlock: date | None
    trust_allowed_from: date | None
    temporary_used: int
    temporary_max: int
    schedule: ladder.Schedule | None
    notice_sent_on: date | None = None
    notice_hold: str | None = None


# --- batch loading ------------------------------------------------------------------------

@dataclass
class _Item:
    contract_id: uuid.UUID
    number: int
    status: str
    access_status: str
    access_until: date | None
    no_block_until: date | None
    block_exempt: bool
    customer_name: str
    plan_code: str
    customer_id: uuid.UUID
    customer_email: str | None
    #: (charge id, vencimento útil, principal owed, description, nominal due date, multa and juros fixed by
    #: partial payments) of each overdue charge
    charges: list[tuple[uuid.UUID, date, Decimal, str, date, Decimal, Decimal]] = field(default_factory=list)
    last_notice: date | None = None
    notice_sent: date | None = None
    periods: list[tuple[uuid.UUID, date, date | None]] = field(default_factory=list)

    @property
    def overdue_since(self) -> date | None:
        return min((c[1] for c in self.charges), default=None)

    @property
    def overdue_amount(self) -> Decimal:
        return sum((c[2] for c in self.charges), Decimal("0"))

    def state(self, on: date) -> LadderState:
        v = self.overdue_since
        notice = ladder.valid_notice(v, self.last_notice)
        days = ladder.blocked_days([(s, e) for _, s, e in self.periods], notice, on) if notice else 0
        return LadderState(
            status=AccessStatus(self.access_status), overdue_since=v, last_notice=self.last_notice,
            notice_sent_on=self.notice_sent, access_until=self.access_until, no_block_until=self.no_block_until,
            block_exempt=self.block_exempt, blocked_days=days,
        )


def _load_items(session: Session, ids: Sequence[uuid.UUID], on: date, lock: bool) -> list[_Item]:
    query = (
        select(_C.c.id, _C.c.number, _C.c.status, _C.c.access_status, _C.c.access_until, _C.c.no_block_until,
               _C.c.block_exempt, Customer.__table__.c.name, Plan.__table__.c.code, Customer.__table__.c.id,
               Customer.__table__.c.email)
        .join(Customer.__table__, Customer.__table__.c.id == _C.c.customer_id)
        .join(Plan.__table__, Plan.__table__.c.id == _C.c.plan_id)
        .where(_C.c.id.in_(ids))
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=_C)
    items = {row[0]: _Item(*row) for row in session.execute(query)}
    # overdue = open and past its vencimento útil (a due date on a weekend/holiday counts from the next business day)
    charges = select(_CH.c.contract_id, _CH.c.id, _CH.c.effective_due_date, _CH.c.amount, _CH.c.paid_amount,
                     _CH.c.description, _CH.c.due_date, _CH.c.fine_owed, _CH.c.interest_owed).where(
        _CH.c.contract_id.in_(ids), _CH.c.status == OPEN_CHARGE, _CH.c.effective_due_date < on)
    for cid, charge_id, due, amount, paid, description, nominal, fine, interest in session.execute(charges):
        items[cid].charges.append((charge_id, due, to_cents(amount - paid), description, nominal, fine, interest))
    notices = select(_N.c.contract_id, _N.c.notice_date, _N.c.sent_at).where(_N.c.contract_id.in_(ids))
    for cid, notice_date, sent_at in session.execute(notices):
        item = items[cid]
        if item.last_notice is None or notice_date > item.last_notice:
            item.last_notice, item.notice_sent = notice_date, sent_day(sent_at)
        elif notice_date == item.last_notice and item.notice_sent is None:
            item.notice_sent = sent_day(sent_at)
    periods = select(_SP.c.contract_id, _SP.c.id, _SP.c.start_date, _SP.c.end_date).where(_SP.c.contract_id.in_(ids))
    for cid, pid, start, end in session.execute(periods):
        items[cid].periods.append((pid, start, end))
    return [items[i] for i in ids if i in items]


# --- candidates (a superset of the contracts a run changes; the domain decides) ------------

def _candidate_queries(on: date, params: LadderParams) -> list[Any]:
    overdue = (
        select(_CH.c.contract_id.label("cid"), func.min(_CH.c.effective_due_date).label("v"))
        .where(_CH.c.status == OPEN_CHARGE, _CH.c.effective_due_date < on)
        .group_by(_CH.c.contract_id)
        .subquery("o")
    )
    last_notice = select(func.max(_N.c.notice_date)).where(_N.c.contract_id == overdue.c.cid).scalar_subquery()
    k = (
        select(overdue.c.cid, overdue.c.v, _C.c.access_status, _C.c.access_until, last_notice.label("nd"))
        .join(_C, _C.c.id == overdue.c.cid)
        .where(_C.c.status == ACTIVE)
        .subquery("k")
    )
    first_days = min(params.dias_bloqueio, params.dias_reducao) if params.reducao_habilitada else params.dias_bloqueio
    notice_limit = on - timedelta(days=max(params.dias_aviso, 0))
    suspend_limit = on - timedelta(days=max(first_days, 0))
    block_limit = on - timedelta(days=max(params.dias_bloqueio, 0))
    notice_floor = on - timedelta(days=ladder.NOTICE_TO_SUSPENSION_DAYS)
    rescission_limit = on - timedelta(days=params.rescission_days)
    long_block = exists().where(_SP.c.contract_id == k.c.cid, _SP.c.start_date <= rescission_limit)
    ladder_ids = select(k.c.cid).where(or_(
        and_(k.c.v <= notice_limit, or_(k.c.nd.is_(None), k.c.nd <= k.c.v)),
        and_(k.c.access_status == AccessStatus.NORMAL, k.c.nd > k.c.v, k.c.nd <= notice_floor, k.c.v <= suspend_limit),
        and_(k.c.access_status == AccessStatus.REDUZIDO, k.c.nd > k.c.v, k.c.nd <= notice_floor, k.c.v <= block_limit),
        and_(k.c.access_status.in_([s.value for s in ladder.RELEASED]),
             or_(k.c.access_until.is_(None), k.c.access_until <= on)),
        and_(k.c.access_status == AccessStatus.BLOQUEADO, long_block),
    ))
    has_overdue = exists().where(_CH.c.contract_id == _C.c.id, _CH.c.status == OPEN_CHARGE,
                                 _CH.c.effective_due_date < on)
    not_normal = [s.value for s in AccessStatus if s is not AccessStatus.NORMAL]
    restore_ids = select(_C.c.id).where(_C.c.status == ACTIVE, _C.c.access_status.in_(not_normal), ~has_overdue)
    closed_ids = select(_C.c.id).where(_C.c.status.in_(CLOSED_CONTRACT), _C.c.access_status != AccessStatus.BLOQUEADO)
    return [ladder_ids, restore_ids, closed_ids]


def _stream_ids(conn: Connection, on: date, params: LadderParams, size: int) -> Iterator[list[uuid.UUID]]:
    """Batches of candidate ids, read from one snapshot on `conn`."""
    for query in _candidate_queries(on, params):
        result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
        for part in result.partitions(size):
            yield [row[0] for row in part]


def count_candidates(session: Session, on: date, params: LadderParams) -> int:
    """How many contracts the routine will look at for `on` (for a progress bar)."""
    return sum(
        int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)
        for q in _candidate_queries(on, params)
    )


# --- applying steps ---------------------------------------------------------------------

@dataclass(frozen=True)
class StatusWrite:
    """One access status change to write (see `write_status_changes`)."""

    contract_id: uuid.UUID
    from_status: str
    to_status: AccessStatus
    cause: Cause
    active: bool  #: the contract is ``ativo`` (only then does a block open a suspension period)
    until: date | None = None
    note: str | None = None


def write_status_changes(
    uow: UnitOfWork, writes: Sequence[StatusWrite], on: date, bump_version: bool = True
) -> list[StatusWrite]:
    """Write access status changes — the one writer, for a single contract and for the routine's batches.

    For each change: the contract's status (and release end), its `AccessEvent`, and the suspension
    period opened or closed as `domain.access.period_change` says; all set-based, in the caller's
    unit of work (no commit). Then the ``hooks.ACCESS_CHANGED`` hooks run with the changes, inside the
    same transaction: **this is the one place the network enforcement (FreeRADIUS) and the customer
    messages hook into**, so whatever changes an access status reaches them exactly once.

    ORM objects of the touched contracts and periods are flushed before and expired after, so a caller
    holding them reads the new state. `bump_version` False: the caller's own change of the same
    contracts in this transaction already counts as the one new version (a cancellation).

    Compare-and-set: a change is written only when the contract's stored access status is still its
    `StatusWrite.from_status` (read under ``SELECT … FOR UPDATE`` on PostgreSQL; SQLite holds the write
    lock once the caller wrote). The others — decided on a state someone else changed meanwhile —
    are left as they are and **returned**, so the caller reports them; nothing of theirs is written.
    """
    if not writes:
        return []
    session = uow.session
    session.flush()
    current = _stored_statuses(session, [w.contract_id for w in writes])
    skipped = [w for w in writes if current.get(w.contract_id) != w.from_status]
    if skipped:
        writes = [w for w in writes if current.get(w.contract_id) == w.from_status]
        if not writes:
            return skipped
    at, actor = uow.now, uow.actor.login
    session.execute(
        update(_C).where(_C.c.id == bindparam("cid"), _C.c.access_status == bindparam("f")).values(
            access_status=bindparam("s"), access_until=bindparam("u"), version=_C.c.version + int(bump_version),
            updated_at=bindparam("at"), updated_by=bindparam("by")),
        [{"cid": w.contract_id, "f": w.from_status, "s": w.to_status.value, "u": w.until, "at": at, "by": actor}
         for w in writes],
        execution_options={"synchronize_session": False},
    )
    session.execute(insert(_EV), [
        {"id": uuid7(), "contract_id": w.contract_id, "on_date": on, "at": at, "from_status": w.from_status,
         "to_status": w.to_status.value, "cause": w.cause.value, "actor": actor, "until": w.until, "note": w.note}
        for w in writes])
    effect = {w.contract_id: ladder.period_change(w.from_status, w.to_status, w.active) for w in writes}
    close_open_periods(uow, [cid for cid, e in effect.items() if e is ladder.PeriodChange.CLOSE], on)
    opening = [cid for cid, e in effect.items() if e is ladder.PeriodChange.OPEN]
    if opening:
        session.execute(insert(_SP), [{"id": uuid7(), "contract_id": cid, "start_date": on, "end_date": None}
                                      for cid in opening])
    touched = set(effect)
    for obj in list(session.identity_map.values()):
        if (isinstance(obj, Contract) and obj.id in touched) or (
                isinstance(obj, SuspensionPeriod) and obj.contract_id in touched):
            session.expire(obj)
    hooks.access_changed(uow, [hooks.AccessStatusChange(w.contract_id, w.from_status, w.to_status.value,
                                                        w.cause.value, on) for w in writes])
    return skipped


def _stored_statuses(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The stored access status of `ids`, kept until commit (PostgreSQL: ``FOR UPDATE``; SQLite: write lock)."""
    found: dict[uuid.UUID, str] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:  # take SQLite's write lock first (a no-op UPDATE), so no one commits between read and write
        session.execute(update(_C).where(false()).values(version=_C.c.version),
                        execution_options={"synchronize_session": False})
    for chunk in _chunks(list(dict.fromkeys(ids)), 1000):
        query = select(_C.c.id, _C.c.access_status).where(_C.c.id.in_(chunk))
        if postgres:
            query = query.with_for_update()
        found.update(session.execute(query).tuples().all())
    return found


def close_open_periods(uow: UnitOfWork, contract_ids: Sequence[uuid.UUID], on: date) -> None:
    """Close the open suspension periods of `contract_ids` on `on` (`domain.access.period_change`).

    The period ends the day before `on`; one that began on `on` or later is dropped.
    """
    session = uow.session
    for chunk in _chunks(list(contract_ids), 500):
        still_open = and_(_SP.c.contract_id.in_(chunk), _SP.c.end_date.is_(None))
        session.execute(delete(_SP).where(still_open, _SP.c.start_date >= on),
                        execution_options={"synchronize_session": False})
        session.execute(update(_SP).where(still_open).values(end_date=on - timedelta(days=1)),
                        execution_options={"synchronize_session": False})


@dataclass
class _Writes:
    notices: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[StatusWrite] = field(default_factory=list)
    rescind: list[tuple[_Item, int]] = field(default_factory=list)


def _flush_writes(uow: UnitOfWork, w: _Writes, on: date, items: Sequence[_Item], result: SuspensionResult) -> None:
    if w.notices:
        uow.session.execute(insert(_N), w.notices)
        # the notice's message goes out through `tasks messages`; written with the notice, never without
        enqueue_rows_in(uow, w.messages)
    skipped = write_status_changes(uow, w.statuses, on)
    if not skipped:
        return
    numbers = {item.contract_id: item.number for item in items}
    for write in skipped:  # changed by someone else since the batch read it: the next run decides again
        key = write.cause.value
        result.counts[key] = max(result.counts.get(key, 0) - 1, 0)
        result.changed_meanwhile.append(numbers.get(write.contract_id, 0))


def _notice_row(item: _Item, on: date, params: LadderParams, company: dict[str, Any], at: datetime) -> dict[str, Any]:
    v = item.overdue_since
    assert v is not None
    plan = notice_schedule(v, on, params, item.no_block_until)
    owed = [(c[4], c[2]) for c in item.charges]
    oldest = min(item.charges, key=lambda c: c[4])
    rates = _late_rates(company)
    late = [updated_amount(c[2], c[5], c[6], c[1], on, rates) for c in item.charges]
    updated = Updated(sum((u.principal for u in late), ZERO), sum((u.fine for u in late), ZERO),
                      sum((u.interest for u in late), ZERO))
    template = notice_template(company)  # header, footer, dates and amounts formatted once per run
    return {
        "id": uuid7(), "contract_id": item.contract_id, "charge_id": oldest[0], "notice_date": on,
        "amount": item.overdue_amount, "reference_month": template.month(oldest[4]),
        "suspension_date": plan.suspension, "rescission_date": plan.rescission,
        "text": template.render(item.customer_name, item.number, item.plan_code, owed, plan, updated),
        "sent_at": None, "created_at": at,
    }


def _late_rates(values: dict[str, Any]) -> LateRates:
    """The late-amount rates of a run (parameters)."""
    return LateRates.from_values(values)


def _plan_batch(
    items: Sequence[_Item], on: date, params: LadderParams, company: dict[str, Any], at: datetime, actor: str,
    result: SuspensionResult, write: bool,
) -> tuple[_Writes, list[tuple[_Item, Step]]]:
    w = _Writes()
    decided: list[tuple[_Item, Step]] = []
    counts = result.counts
    for item in items:
        result.examined += 1
        if item.status in CLOSED_CONTRACT:
            if item.access_status != AccessStatus.BLOQUEADO:
                counts["cancelamento"] += 1
                step = Step(to_status=AccessStatus.BLOQUEADO, cause=Cause.CANCELAMENTO)
                decided.append((item, step))
                if write:
                    w.statuses.append(StatusWrite(item.contract_id, item.access_status, AccessStatus.BLOQUEADO,
                                                  Cause.CANCELAMENTO, active=False))
            continue
        if item.status != ACTIVE:
            continue
        state = item.state(on)
        step = ladder.next_step(state, params, on)
        if step.empty:
            continue
        decided.append((item, step))
        if step.notice:
            counts["aviso"] += 1
            if write:
                notice = _notice_row(item, on, params, company, at)
                w.notices.append(notice)
                w.messages.append(notice_message_row(notice, item.customer_id, item.customer_email, company, at,
                                                    item.customer_name, item.number))
        if step.to_status is not None and step.cause is not None:
            counts[step.cause.value] = counts.get(step.cause.value, 0) + 1
            if write:
                w.statuses.append(StatusWrite(item.contract_id, item.access_status, step.to_status, step.cause,
                                              active=True))
                item.access_status = step.to_status.value
        if step.rescind:
            counts["rescisao"] += 1
            if write:
                w.rescind.append((item, state.blocked_days))
    return w, decided


def _rescind(uow: UnitOfWork, item: _Item, days: int, on: date, result: SuspensionResult) -> None:
    from ispdesk.services.cancellation import cancel_contract_in

    reason = uow.session.scalar(select(CancellationReason).where(CancellationReason.code == RESCISSION_REASON))
    note = (f"Rescisão automática por inadimplência após {days} dias de suspensão total "
            f"(débito vencido desde {format_date(item.overdue_since)}).")
    try:
        if reason is None:
            raise BusinessRuleError(
                f"O motivo de cancelamento {RESCISSION_REASON} não existe; cadastre-o em Motivos de cancelamento "
                "(ispdesk reasons add cancellation INADIMPLENCIA \"Inadimplência\") e rode a rotina de novo."
            )
        with uow.session.begin_nested():
            contract = uow.session.get(Contract, item.contract_id, populate_existing=True)
            assert contract is not None
            write_status_changes(uow, [StatusWrite(contract.id, contract.access_status, AccessStatus.BLOQUEADO,
                                                   Cause.RESCISAO, active=True, note=note)], on, bump_version=False)
            cancel_contract_in(uow, contract, reason, note, on, origin="automatico")
            uow.session.flush()
    except BusinessRuleError as exc:
        result.counts["rescisao"] -= 1
        result.counts["falhas"] += 1
        result.failures.append(f"Contrato {item.number}: {exc.message}")


# --- the routine -----------------------------------------------------------------------

def _ladder_params(session: Session) -> tuple[LadderParams, dict[str, Any]]:
    values = params_service.load(session)
    return LadderParams.from_values(values), values


def _check_run_date(session: Session, on: date) -> None:
    later = session.scalar(
        select(func.max(SuspensionRun.run_date)).where(SuspensionRun.finished_at.is_not(None))
    )
    if later is not None and later > on:
        raise BusinessRuleError(
            f"A rotina de bloqueio já rodou para {format_date(later)}; não é possível rodá-la para uma data "
            f"anterior ({format_date(on)}). Rode para {format_date(later)} ou depois."
        )


def run_suspension(
    uow: UnitOfWork, on_date: date | None = None, progress: ProgressLike | None = None, batch_size: int = BATCH_SIZE
) -> SuspensionResult:
    """Run the non-payment ladder for `on_date` (default: today); idempotent for a date.

    Notices, reductions, blocks, rescissions, ends of releases, restores of contracts with no
    overdue debt left.

    Each batch of contracts is committed on its own; a cancelled (or interrupted) run is completed by
    running it again for the same date.

    Raises:
        PermissionDenied: the actor may not run tasks.
        BusinessRuleError: a later date was already run.
    """
    uow.require(Permission.TASKS_RUN)
    with uow:
        on = on_date or uow.today
        session = uow.session
        _check_run_date(session, on)
        params, company = _ladder_params(session)
        result = SuspensionResult(on)
        run = SuspensionRun(id=uuid7(), run_date=on, started_at=uow.now, actor=uow.actor.login, counts="{}")
        session.add(run)
        session.commit()
        total = count_candidates(session, on, params) if progress is not None else 0
        session.commit()
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        actor = uow.actor.login
        with engine.connect() as reader:
            for ids in _stream_ids(reader, on, params, batch_size):
                if progress is not None and progress.cancelled:
                    result.interrupted = True
                    break
                # the first statement takes the write lock (SQLite), so the batch reads fresh rows
                session.execute(update(SuspensionRun).where(SuspensionRun.id == run.id).values(
                    counts=json.dumps(result.counts)))
                items = _load_items(session, ids, on, lock=True)
                writes, _ = _plan_batch(items, on, params, company, uow.now, actor, result, write=True)
                _flush_writes(uow, writes, on, items, result)
                for item, days in writes.rescind:
                    _rescind(uow, item, days, on, result)
                session.commit()
                session.expunge_all()
                if progress is not None:
                    progress.report(result.examined, max(total, result.examined),
                                    f"{result.examined} de {max(total, result.examined)} contratos analisados")
            reader.rollback()
        session.execute(update(SuspensionRun).where(SuspensionRun.id == run.id).values(
            counts=json.dumps(result.counts), finished_at=None if result.interrupted else uow.now))
        summary = ", ".join(f"{k} {v}" for k, v in result.counts.items() if v)
        uow.audit("suspension_run", run.id, "run", {"data": on, "contagens": result.counts,
                                                    "interrompida": result.interrupted,
                                                    "falhas": result.failures[:50],
                                                    "alterados_durante": result.changed_meanwhile[:50]},
                  summary=f"Rotina de bloqueio de {format_date(on)}: {summary or 'nada a fazer'}")
        uow.commit()
        return result


def preview_suspension(uow: UnitOfWork, on_date: date, limit: int = 2000) -> tuple[SuspensionResult, list[PreviewRow]]:
    """What the routine would do for `on_date`, without writing: counts and the first `limit` contracts."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        session = uow.session
        params, company = _ladder_params(session)
        result = SuspensionResult(on_date)
        rows: list[PreviewRow] = []
        conn = session.connection()
        ids_batches = [ids for query in _candidate_queries(on_date, params)
                       for ids in _chunks([r[0] for r in conn.execute(query)], BATCH_SIZE)]
        for ids in ids_batches:
            items = _load_items(session, ids, on_date, lock=False)
            _, decided = _plan_batch(items, on_date, params, company, uow.now, "", result, write=False)
            for item, step in decided:
                if len(rows) >= limit:
                    break
                to = step.to_status.value if step.to_status else item.access_status
                rows.append(PreviewRow(
                    item.contract_id, item.number, item.customer_name, item.access_status, item.overdue_since,
                    ladder.valid_notice(item.overdue_since, item.last_notice), _action_label(step),
                    ContractStatus.CANCELADO if step.rescind else to, item.overdue_amount))
        return result, rows


def _chunks(values: list[uuid.UUID], size: int) -> Iterator[list[uuid.UUID]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


ACTION_LABELS = {
    "aviso": "Aviso de inadimplência",
    "reducao": "Redução de velocidade",
    "bloqueio": "Bloqueio",
    "rescisao": "Rescisão (cancelamento por inadimplência)",
    "fim_liberacao": "Fim da liberação",
    "sem_debito": "Restabelecer (sem débito)",
    "cancelamento": "Bloquear contrato cancelado",
}


def _action_label(step: Step) -> str:
    parts = []
    if step.notice:
        parts.append(ACTION_LABELS["aviso"])
    if step.to_status is not None and step.cause is not None:
        parts.append(ACTION_LABELS.get(step.cause.value, step.cause.value))
    if step.rescind:
        parts.append(ACTION_LABELS["rescisao"])
    return " + ".join(parts)


def last_runs(uow: UnitOfWork, limit: int = 30) -> list[RunRow]:
    """The latest runs of the routine, newest first."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        runs = uow.session.scalars(
            select(SuspensionRun).order_by(SuspensionRun.started_at.desc(), SuspensionRun.id.desc()).limit(limit))
        return [RunRow(r.run_date, r.started_at, r.finished_at, r.actor, json.loads(r.counts or "{}")) for r in runs]


# --- one contract: releases, exemptions, restore on payment ---------------------------------

def _contract_in(uow: UnitOfWork, ref: uuid.UUID | int | str) -> Contract:
    if not isinstance(ref, uuid.UUID):
        return lookups.contract_by_number(uow, ref, lock=True)
    query = select(Contract).where(Contract.id == ref)
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    contract = uow.session.scalar(query)
    if contract is None:
        raise lookups.contract_not_found(ref)
    return contract


def _overdue_since(session: Session, contract_id: uuid.UUID, on: date) -> date | None:
    return session.scalar(select(func.min(Charge.effective_due_date)).where(
        Charge.contract_id == contract_id, Charge.status == OPEN_CHARGE, Charge.effective_due_date < on))


def _last_notice(session: Session, contract_id: uuid.UUID) -> date | None:
    return session.scalar(select(func.max(Notice.notice_date)).where(Notice.contract_id == contract_id))


def sent_day(sent_at: datetime | None) -> date | None:
    """The office's date on which a notice reached the customer (None: not yet)."""
    return None if sent_at is None else sent_at.astimezone().date()


def _last_notice_sent(session: Session, contract_id: uuid.UUID, notice: date) -> date | None:
    """When the contract's notice of `notice` was sent (earliest sending of that day's notices)."""
    sent = session.scalar(select(func.min(Notice.sent_at)).where(
        Notice.contract_id == contract_id, Notice.notice_date == notice))
    return sent_day(sent)


def change_status_in(
    uow: UnitOfWork, contract: Contract, to: AccessStatus, cause: Cause, until: date | None = None,
    note: str | None = None,
) -> None:
    """Change one contract's access status today through `write_status_changes` (no commit).

    `contract` is expired and reads the new state on its next attribute access.
    """
    write_status_changes(uow, [StatusWrite(contract.id, contract.access_status, to, cause,
                                           active=contract.status == ACTIVE, until=until, note=note)], uow.today)


def _require_active(contract: Contract, action: str) -> None:
    if contract.status != ACTIVE:
        raise BusinessRuleError(
            f"O contrato nº {contract.number} está “{contract.status}”: {action} só se aplica a contratos ativos."
        )


def _release_in(
    uow: UnitOfWork, contract: Contract, to: AccessStatus, cause: Cause, until: date, note: str | None,
    summary: str,
) -> AccessChange:
    before = contract.access_status
    change_status_in(uow, contract, to, cause, until, note)
    uow.audit("contract", contract.id, cause.value,
              {"access_status": [before, to.value], "access_until": [None, until], "observacao": note},
              summary=summary)
    return AccessChange(contract.id, contract.number, before, to.value, until, summary)


def _last_trust_unlock(session: Session, contract_id: uuid.UUID) -> date | None:
    return session.scalar(select(func.max(AccessEvent.on_date)).where(
        AccessEvent.contract_id == contract_id, AccessEvent.cause == Cause.DESBLOQUEIO_CONFIANCA.value))


def trust_unlock(uow: UnitOfWork, ref: uuid.UUID | int | str) -> AccessChange:
    """Desbloqueio de confiança, asked by the customer (the attendant clicks it for them).

    Raises:
        PermissionDenied: the actor may not do it.
        BusinessRuleError: the contract is not reduced/blocked, or the last use was too recent
            (the message says from which date it is allowed again).
    """
    uow.require(Permission.ACCESS_TRUST_UNLOCK)
    with uow:
        change = trust_unlock_in(uow, _contract_in(uow, ref))
        uow.commit()
        return change


def trust_unlock_in(uow: UnitOfWork, contract: Contract) -> AccessChange:
    """Trust unlock inside an open unit of work (no commit)."""
    _require_active(contract, "o desbloqueio de confiança")
    ladder.check_release_applies(contract.access_status, "o desbloqueio de confiança", contract.number)
    values = params_service.load(uow.session)
    on = uow.today
    last = _last_trust_unlock(uow.session, contract.id)
    interval = int(values["desbloqueio_confianca_intervalo_dias"])
    ladder.check_trust_unlock(last, interval, contract.trust_restriction_lifted, on)
    allowed_from = ladder.trust_unlock_allowed_from(last, interval)
    note = None
    if allowed_from is not None and on < allowed_from:
        contract.trust_restriction_lifted = False
        note = "Restrição de intervalo liberada por um usuário autorizado (uso único)."
    until = ladder.release_until(on, int(values["desbloqueio_confianca_dias"]))
    return _release_in(uow, contract, AccessStatus.LIBERADO_CONFIANCA, Cause.DESBLOQUEIO_CONFIANCA, until, note,
                       f"Desbloqueio de confiança do contrato {contract.number} até {format_date(until)} "
                       f"(volta a ser suspenso a partir de {format_date(until)} se o débito continuar).")


def _episode_start(session: Session, contract: Contract, on: date) -> date:
    v = _overdue_since(session, contract.id, on)
    notice = ladder.valid_notice(v, _last_notice(session, contract.id))
    return notice or v or on


def temporary_releases_used(session: Session, contract: Contract, on: date) -> int:
    """Temporary releases granted since the notice of the current debt (the current block)."""
    since = _episode_start(session, contract, on)
    return int(session.scalar(select(func.count()).select_from(AccessEvent).where(
        AccessEvent.contract_id == contract.id, AccessEvent.cause == Cause.LIBERACAO_TEMPORARIA.value,
        AccessEvent.on_date >= since)) or 0)


def release_temporary(uow: UnitOfWork, ref: uuid.UUID | int | str, note: str | None = None) -> AccessChange:
    """Liberação temporária (staff action).

    Gives `liberacao_temporaria_dias` of access, at most `liberacao_temporaria_max_por_bloqueio` per
    block (per non-payment episode, from its notice until the debt is paid).

    Raises:
        PermissionDenied / BusinessRuleError: no permission, not reduced/blocked, limit reached.
    """
    uow.require(Permission.ACCESS_RELEASE_TEMPORARY)
    with uow:
        change = release_temporary_in(uow, _contract_in(uow, ref), note)
        uow.commit()
        return change


def release_temporary_in(uow: UnitOfWork, contract: Contract, note: str | None = None) -> AccessChange:
    """Temporary release inside an open unit of work (no commit)."""
    _require_active(contract, "a liberação temporária")
    ladder.check_release_applies(contract.access_status, "a liberação temporária", contract.number)
    values = params_service.load(uow.session)
    on = uow.today
    ladder.check_temporary_release(temporary_releases_used(uow.session, contract, on),
                                   int(values["liberacao_temporaria_max_por_bloqueio"]))
    until = ladder.release_until(on, int(values["liberacao_temporaria_dias"]))
    return _release_in(uow, contract, AccessStatus.LIBERADO_TEMPORARIO, Cause.LIBERACAO_TEMPORARIA, until,
                       (note or "").strip() or None,
                       f"Liberação temporária do contrato {contract.number} até {format_date(until)}.")


def release_manual(uow: UnitOfWork, ref: uuid.UUID | int | str, note: str | None = None) -> AccessChange:
    """Liberação manual (permission-gated, no limit).

    The routine's next run on a later day suspends the contract again if the debt remains.

    Raises:
        PermissionDenied / BusinessRuleError: no permission, not reduced/blocked.
    """
    uow.require(Permission.ACCESS_RELEASE_MANUAL)
    with uow:
        change = release_manual_in(uow, _contract_in(uow, ref), note)
        uow.commit()
        return change


def release_manual_in(uow: UnitOfWork, contract: Contract, note: str | None = None) -> AccessChange:
    """Manual release inside an open unit of work (no commit)."""
    _require_active(contract, "a liberação manual")
    ladder.check_release_applies(contract.access_status, "a liberação manual", contract.number)
    until = uow.today + timedelta(days=1)
    return _release_in(uow, contract, AccessStatus.LIBERADO_MANUAL, Cause.LIBERACAO_MANUAL, until,
                       (note or "").strip() or None,
                       f"Liberação manual do contrato {contract.number} (a rotina de {format_date(until)} em "
                       "diante suspende de novo se o débito continuar).")


def lift_trust_restriction(uow: UnitOfWork, ref: uuid.UUID | int | str, reason: str) -> AccessChange:
    """Allow one more trust unlock before the interval ends, with a mandatory reason (audited).

    Raises:
        PermissionDenied: the actor lacks ACCESS_LIFT_TRUST_RESTRICTION.
        ValidationError: no reason.
        BusinessRuleError: there is no restriction to lift (or it is already lifted).
    """
    uow.require(Permission.ACCESS_LIFT_TRUST_RESTRICTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"motivo": "Informe o motivo da liberação da restrição (obrigatório, fica na auditoria)."})
    with uow:
        contract = _contract_in(uow, ref)
        _require_active(contract, "a liberação da restrição")
        values = params_service.load(uow.session)
        last = _last_trust_unlock(uow.session, contract.id)
        allowed_from = ladder.trust_unlock_allowed_from(last, int(values["desbloqueio_confianca_intervalo_dias"]))
        if contract.trust_restriction_lifted:
            raise BusinessRuleError(
                f"A restrição do desbloqueio de confiança do contrato {contract.number} já foi liberada e ainda "
                "não foi usada.")
        if allowed_from is None or uow.today >= allowed_from:
            raise BusinessRuleError(
                f"O desbloqueio de confiança do contrato {contract.number} já está permitido; não há restrição a "
                "liberar.")
        contract.trust_restriction_lifted = True
        contract.updated_at, contract.updated_by = uow.now, uow.actor.login
        message = (f"Restrição do desbloqueio de confiança liberada para o contrato {contract.number} "
                   f"(um uso antes de {format_date(allowed_from)}). Motivo: {reason}")
        uow.audit("contract", contract.id, "lift_trust_restriction",
                  {"trust_restriction_lifted": [False, True], "motivo": reason}, summary=message)
        uow.commit()
        return AccessChange(contract.id, contract.number, contract.access_status, contract.access_status, None,
                            message)


def set_block_exemption(
    uow: UnitOfWork, ref: uuid.UUID | int | str, no_block_until: date | None, exempt: bool, note: str = ""
) -> AccessChange:
    """Set "não bloquear até" and "isento de bloqueio automático" (ACCESS_BLOCK_EXEMPTION, audited).

    A reduced or blocked contract that becomes protected gets its access back at once.

    Raises:
        PermissionDenied: the actor lacks ACCESS_BLOCK_EXEMPTION.
        ValidationError: the date is in the past.
    """
    uow.require(Permission.ACCESS_BLOCK_EXEMPTION)
    with uow:
        change = set_block_exemption_in(uow, _contract_in(uow, ref), no_block_until, exempt, note)
        uow.commit()
        return change


def set_block_exemption_in(
    uow: UnitOfWork, contract: Contract, no_block_until: date | None, exempt: bool, note: str = ""
) -> AccessChange:
    """`set_block_exemption` inside an open unit of work (no commit)."""
    if no_block_until is not None and no_block_until < uow.today:
        raise ValidationError({"nao_bloquear_ate": (
            f"“Não bloquear até” ({format_date(no_block_until)}) já passou; informe hoje ou uma data futura, "
            "ou deixe em branco.")})
    before: dict[str, Any] = {"no_block_until": contract.no_block_until, "block_exempt": contract.block_exempt,
                              "access_status": contract.access_status}
    contract.no_block_until, contract.block_exempt = no_block_until, bool(exempt)
    contract.updated_at, contract.updated_by = uow.now, uow.actor.login
    note = (note or "").strip()
    protected = exempt or no_block_until is not None
    if protected and contract.status == ACTIVE and AccessStatus(contract.access_status) in ladder.SUSPENDED:
        cause = Cause.ISENCAO if exempt else Cause.NAO_BLOQUEAR_ATE
        change_status_in(uow, contract, AccessStatus.NORMAL, cause, None, note or None)
    parts = []
    if exempt:
        parts.append("isento de bloqueio automático")
    if no_block_until is not None:
        parts.append(f"não bloquear até {format_date(no_block_until)}")
    message = (f"Contrato {contract.number}: " + (", ".join(parts) if parts else "sem proteção contra bloqueio")
               + (f" ({note})" if note else "") + ".")
    uow.audit("contract", contract.id, "block_exemption",
              {"no_block_until": [before["no_block_until"], no_block_until],
               "block_exempt": [before["block_exempt"], bool(exempt)],
               "access_status": [before["access_status"], contract.access_status], "observacao": note},
              summary=message)
    uow.session.flush()
    return AccessChange(contract.id, contract.number, before["access_status"], contract.access_status,
                        contract.access_until, message)


def restore_after_debt_change_in(uow: UnitOfWork, contract: Contract) -> None:
    """`DEBT_CHANGED` hook: paying the overdue debt restores ``normal`` at once.

    The contract is re-read (and locked on PostgreSQL) before deciding, so a payment made while the
    routine suspends the contract restores it once the routine commits.

    No reconnection fee. A cancelled contract's access is ``bloqueado`` and its open suspension
    period is closed on the cancellation date.
    """
    session = uow.session
    session.flush()
    # decide on the stored state, not on what the caller read before its own writes: the routine may
    # have changed the access status meanwhile (locked on PostgreSQL until this transaction ends)
    session.refresh(contract, with_for_update=True if session.get_bind().dialect.name == "postgresql" else None)
    on = uow.today
    if contract.status in CLOSED_CONTRACT:
        if contract.access_status != AccessStatus.BLOQUEADO:
            change_status_in(uow, contract, AccessStatus.BLOQUEADO, Cause.CANCELAMENTO)
        close_open_periods(uow, [contract.id], (contract.cancelled_on or on) + timedelta(days=1))
        for period in session.identity_map.values():
            if isinstance(period, SuspensionPeriod) and period.contract_id == contract.id:
                session.expire(period)
        return
    if contract.access_status == AccessStatus.NORMAL:
        return
    v = _overdue_since(session, contract.id, on)
    if v is None or ladder.valid_notice(v, _last_notice(session, contract.id)) is None:
        cause = Cause.PAGAMENTO if v is None else Cause.SEM_DEBITO
        change_status_in(uow, contract, AccessStatus.NORMAL, cause, None,
                         "Débito vencido pago: acesso restabelecido na hora, sem taxa de religação."
                         if v is None else "Débito do aviso pago; o débito restante terá novo aviso.")


def restore_after_debts_change_in(uow: UnitOfWork, contract_ids: Sequence[uuid.UUID]) -> None:
    """`DEBTS_CHANGED` hook: `restore_after_debt_change_in` for many contracts, with ONE status write.

    The same decision per contract, on the stored state after the whole batch (read with ``FOR
    UPDATE`` on PostgreSQL): a cancelled contract is ``bloqueado`` with its suspension period closed
    on the cancellation date; a suspended one whose overdue debt (or the debt of its notice) was paid
    is ``normal`` again. All changes go through one `write_status_changes` call (events, periods,
    messages and RADIUS hooks).
    """
    session = uow.session
    session.flush()
    ids = list(dict.fromkeys(contract_ids))
    postgres = session.get_bind().dialect.name == "postgresql"
    stored: dict[uuid.UUID, tuple[str, str, date | None]] = {}
    for chunk in _chunks(ids, 1000):
        query = select(_C.c.id, _C.c.status, _C.c.access_status, _C.c.cancelled_on).where(_C.c.id.in_(chunk))
        if postgres:
            query = query.with_for_update()
        stored.update((cid, (st, acc, off)) for cid, st, acc, off in session.execute(query))
    on = uow.today
    pending = [cid for cid, (st, acc, _) in stored.items() if st not in CLOSED_CONTRACT and acc != AccessStatus.NORMAL]
    overdue: dict[uuid.UUID, date] = {}
    notices: dict[uuid.UUID, date] = {}
    for chunk in _chunks(pending, 1000):
        overdue.update(session.execute(
            select(_CH.c.contract_id, func.min(_CH.c.effective_due_date))
            .where(_CH.c.contract_id.in_(chunk), _CH.c.status == OPEN_CHARGE, _CH.c.effective_due_date < on)
            .group_by(_CH.c.contract_id)).tuples().all())
        notices.update(session.execute(
            select(_N.c.contract_id, func.max(_N.c.notice_date)).where(_N.c.contract_id.in_(chunk))
            .group_by(_N.c.contract_id)).tuples().all())
    writes: list[StatusWrite] = []
    closing: dict[date, list[uuid.UUID]] = {}
    for cid in ids:
        if cid not in stored:
            continue
        status, access, cancelled_on = stored[cid]
        if status in CLOSED_CONTRACT:
            if access != AccessStatus.BLOQUEADO:
                writes.append(StatusWrite(cid, access, AccessStatus.BLOQUEADO, Cause.CANCELAMENTO, active=False))
            closing.setdefault((cancelled_on or on) + timedelta(days=1), []).append(cid)
        elif access != AccessStatus.NORMAL:
            v = overdue.get(cid)
            if v is None or ladder.valid_notice(v, notices.get(cid)) is None:
                writes.append(StatusWrite(
                    cid, access, AccessStatus.NORMAL, Cause.PAGAMENTO if v is None else Cause.SEM_DEBITO,
                    active=status == ACTIVE,
                    note="Débito vencido pago: acesso restabelecido na hora, sem taxa de religação."
                    if v is None else "Débito do aviso pago; o débito restante terá novo aviso."))
    write_status_changes(uow, writes, on)
    for day, closed in closing.items():
        close_open_periods(uow, closed, day)
    closed_ids = {cid for closed in closing.values() for cid in closed}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, SuspensionPeriod) and obj.contract_id in closed_ids:
            session.expire(obj)


# --- reading --------------------------------------------------------------------------

def access_history(uow: UnitOfWork, contract_id: uuid.UUID) -> list[HistoryRow]:
    """Access changes and notices of a contract, newest first."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        rows = [
            HistoryRow(e.on_date, e.at, "acesso", e.from_status, e.to_status, e.cause, e.actor, e.until, e.note or "")
            for e in uow.session.scalars(select(AccessEvent).where(AccessEvent.contract_id == contract_id))
        ]
        for n in uow.session.scalars(select(Notice).where(Notice.contract_id == contract_id)):
            rows.append(HistoryRow(
                n.notice_date, n.created_at, "aviso", "", "", "aviso", "sistema", None,
                f"Aviso: {n.reference_month}, suspensão a partir de {format_date(n.suspension_date)}, "
                f"rescisão a partir de {format_date(n.rescission_date)}", n.text))
        rows.sort(key=lambda r: (r.on_date, r.at), reverse=True)
        return rows


def access_info(uow: UnitOfWork, ref: uuid.UUID | int | str) -> AccessInfo:
    """A contract's access situation: status, protections, releases used, the ladder's dates."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        contract = _contract_in(uow, ref)
        session = uow.session
        values = params_service.load(session)
        params = LadderParams.from_values(values)
        on = uow.today
        charges = session.execute(select(Charge.effective_due_date, Charge.amount, Charge.paid_amount).where(
            Charge.contract_id == contract.id, Charge.status == OPEN_CHARGE, Charge.effective_due_date < on)).all()
        v = min((c[0] for c in charges), default=None)
        amount = sum((to_cents(c[1] - c[2]) for c in charges), Decimal("0"))
        notice = ladder.valid_notice(v, _last_notice(session, contract.id))
        last = _last_trust_unlock(session, contract.id)
        allowed = ladder.trust_unlock_allowed_from(last, int(values["desbloqueio_confianca_intervalo_dias"]))
        sent = _last_notice_sent(session, contract.id, notice) if notice else None
        counted = ladder.counting_date(notice, sent, params)
        plan = ladder.schedule(v, counted, params, contract.no_block_until) if v and counted else None
        hold = None
        if notice is not None and counted is None:
            hold = (f"Suspensão aguardando o envio do aviso de {format_date(notice)}: redução e bloqueio só "
                    "15 dias depois que ele chegar ao cliente (parâmetro “Suspensão conta do envio do aviso”). "
                    + _unsent_reason(session, contract.id, notice))
        return AccessInfo(
            contract.id, contract.number, contract.status, contract.access_status, contract.access_until,
            contract.no_block_until, contract.block_exempt, contract.trust_restriction_lifted, v, amount, notice,
            last, allowed, temporary_releases_used(session, contract, on),
            int(values["liberacao_temporaria_max_por_bloqueio"]), plan, sent, hold,
        )


def _unsent_reason(session: Session, contract_id: uuid.UUID, notice: date) -> str:
    """What happened to the notice's message (pending with the last error, failed, a letter to hand over)."""
    from ispdesk.db.models import OutboxMessage

    ids = session.scalars(select(Notice.id).where(Notice.contract_id == contract_id, Notice.notice_date == notice))
    row = session.execute(
        select(OutboxMessage.status, OutboxMessage.last_error, OutboxMessage.channel)
        .where(OutboxMessage.contract_id == contract_id,
               OutboxMessage.reference.in_([f"aviso:{i}" for i in ids]))
        .order_by(OutboxMessage.created_at.desc()).limit(1)).first()
    if row is None:
        return "Não há mensagem do aviso na fila."
    status, error, channel = row
    if channel == "carta":
        return "O cliente não tem e-mail: imprima a carta e marque-a como entregue (ispdesk messages delivered)."
    if status == "falhou":
        return f"O envio falhou: {error or 'sem motivo registrado'}"
    return f"E-mail pendente{': ' + error if error else ''}"
