"""`ispdesk sync`: replay the journal of the offline store on the central database, once each.

Each operation runs through the same public service as the online screen, under the original actor
and with the original entry time (the clock of its unit of work), in its own transaction together
with a `sync_inbox` row keyed by the operation id. Before replaying, the inbox is read: an operation
already there (the reply was lost) is only marked applied. Refusals go to the conflict queue with
the service's message; an operation that needs a refused or waiting one waits with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ispdesk.db.models import Contract, Customer, SyncInbox
from ispdesk.domain.errors import BusinessRuleError, NotFound, TryAgainError
from ispdesk.domain.permissions import Role
from ispdesk.domain.wording import agree
from ispdesk.services import contracts as contract_service
from ispdesk.services import customers as customer_service
from ispdesk.services import database_errors
from ispdesk.services.csv_import import reason_of
from ispdesk.services.offline_journal import CUSTOMER, dump_draft, load_draft
from ispdesk.services.offline_store import open_store, ops
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

PENDING, APPLIED, CONFLICT, DISCARDED = "pendente", "aplicado", "conflito", "descartado"
ProgressFn = Callable[[int, int, str], None]


class ServerUnreachable(Exception):
    """The central database could not be reached (or dropped during the sync)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _EntryClock:
    """The clock of a replay: the instant and business date of the original entry."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.astimezone().date()


class InboxUnitOfWork(UnitOfWork):
    """Central unit of work of one replay: its commit also writes the inbox row of the operation."""

    def __init__(self, base: UnitOfWorkFactory, actor: Actor, op: Any) -> None:
        super().__init__(base.session_factory, actor, _EntryClock(op.entered_at))
        self.op = op
        self.created: uuid.UUID | None = None
        self.number: int | None = None
        self.password_hash: str | None = None

    def audit(self, entity: str, entity_id: Any, action: str, changes: Any = None, summary: str = "") -> None:
        if action == "create" and entity == self.op.kind and self.created is None:
            self.created = uuid.UUID(str(entity_id))
        super().audit(entity, entity_id, action, changes, summary)

    def commit(self) -> None:
        number: int | None = None
        if self.created is not None:
            if self.op.kind == CUSTOMER:
                customer = self.session.get(Customer, self.created)
                assert customer is not None
                number = customer.code
                if self.password_hash and not customer.portal_password_hash:
                    customer.portal_password_hash = self.password_hash  # typed offline, hashed there
            else:
                contract = self.session.get(Contract, self.created)
                assert contract is not None
                number = contract.number
        self.number = number
        self.session.add(SyncInbox(op_id=self.op.id, kind=self.op.kind, entity_id=self.created, number=number,
                                   actor=self.op.actor, entered_at=self.clock.now(),
                                   applied_at=datetime.now(UTC)))
        self.session.commit()


@dataclass(frozen=True)
class SyncCounts:
    """The three numbers of the last line."""

    pending: int
    applied: int
    conflicts: int

    @property
    def line(self) -> str:
        """``pendentes=N aplicados=N conflitos=N``."""
        return f"pendentes={self.pending} aplicados={self.applied} conflitos={self.conflicts}"


@dataclass(frozen=True)
class SyncReport:
    """What one sync did; `counts` are those of the whole store afterwards."""

    counts: SyncCounts
    applied_now: int = 0
    conflicts_now: int = 0
    error: str | None = None


@dataclass(frozen=True)
class OpRow:
    """One operation of the journal, as the lists show it."""

    id: uuid.UUID
    kind: str
    status: str
    actor: str
    entered_at: datetime
    provisional_number: int
    central_number: int | None
    message: str | None
    summary: str
    depends_on: uuid.UUID | None

    @property
    def kind_label(self) -> str:
        return "Cliente" if self.kind == CUSTOMER else "Pré-contrato"

    @property
    def number_text(self) -> str:
        """The real number, or the provisional one marked as such."""
        if self.central_number is not None:
            return str(self.central_number)
        return f"{self.provisional_number} (provisório)"


def counts(store: UnitOfWorkFactory) -> SyncCounts:
    """Pending / applied / conflict operations in the store."""
    with store.engine.connect() as conn:
        by: dict[str, int] = {r[0]: int(r[1]) for r in conn.execute(
            select(ops.c.status, func.count()).group_by(ops.c.status))}
    return SyncCounts(int(by.get(PENDING, 0)), int(by.get(APPLIED, 0)), int(by.get(CONFLICT, 0)))


def _summary(kind: str, draft: str) -> str:
    d, _ = load_draft(kind, draft)
    if isinstance(d, customer_service.CustomerDraft):
        return f"{d.name} ({d.document})" if d.document else d.name
    return f"plano {d.plan_code or d.plan_id}"


def list_ops(store: UnitOfWorkFactory, status: str | None = None) -> list[OpRow]:
    """The operations in journal order (optionally one status)."""
    query = select(ops).order_by(ops.c.id)
    if status is not None:
        query = query.where(ops.c.status == status)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [OpRow(r.id, r.kind, r.status, r.actor, r.entered_at, r.provisional_number, r.central_number, r.message,
                  _summary(r.kind, r.draft), r.depends_on) for r in rows]


def _unreachable(exc: BaseException, url: str) -> str | None:
    if isinstance(exc, database_errors.DatabaseUnavailable):
        return str(exc)
    return database_errors.unusable_message(exc, url)


def _flush(store: UnitOfWorkFactory, marks: list[tuple[Any, dict[str, Any]]]) -> SyncCounts:
    """Write the outcomes of `marks` to the store in one transaction; return the counts afterwards.

    A mark lost in a crash is harmless: the inbox answers for it at the next sync.
    """
    if marks:
        with store.engine.begin() as conn:
            for op, values in marks:
                conn.execute(update(ops).where(ops.c.id == op.id).values(updated_at=datetime.now(UTC), **values))
                number = values.get("central_number")
                if values.get("status") == APPLIED and number is not None:
                    model: Any = Customer if op.kind == CUSTOMER else Contract
                    column = model.code if op.kind == CUSTOMER else model.number
                    conn.execute(update(model).where(model.id == op.entity_id).values({column: number}))
        marks.clear()
    return counts(store)


def _replay(central: UnitOfWorkFactory, op: Any, parent_central_id: uuid.UUID | None,
            done: SyncInbox | None) -> tuple[uuid.UUID | None, int | None]:
    """Apply `op` centrally once (`done`: its inbox row read beforehand); (central id, real number)."""
    if done is not None:
        return done.entity_id, done.number
    actor = Actor.for_role(op.actor, Role(op.role))
    draft, extra = load_draft(op.kind, op.draft)
    uow = InboxUnitOfWork(central, actor, op)
    uow.password_hash = extra.get("portal_password_hash")
    try:
        if isinstance(draft, customer_service.CustomerDraft):
            customer_service.create_customer(uow, draft)
        else:
            if parent_central_id is not None:
                draft = replace(draft, customer_id=parent_central_id)
            contract_service.create_contract(uow, draft)
    except IntegrityError:
        with central(actor) as again:  # another sync applied it at the same moment
            row = again.session.get(SyncInbox, op.id)
            if row is None:
                raise
            return row.entity_id, row.number
    return uow.created, uow.number


def _inbox_rows(central: UnitOfWorkFactory, ids: list[uuid.UUID]) -> dict[uuid.UUID, SyncInbox]:
    """The inbox rows of `ids` already applied centrally (one query per 500)."""
    found: dict[uuid.UUID, SyncInbox] = {}
    with central(Actor.system()) as uow:
        for i in range(0, len(ids), 500):
            for row in uow.session.scalars(select(SyncInbox).where(SyncInbox.op_id.in_(ids[i:i + 500]))):
                found[row.op_id] = row
    return found


def sync(central_url: str, store_path: str | Path | None = None, progress: ProgressFn | None = None,
         open_central: Callable[[str], UnitOfWorkFactory] | None = None) -> SyncReport:
    """Replay every pending operation in order; stop (pending kept) when the server is gone."""
    from ispdesk.services.bootstrap import open_database

    store = open_store(store_path)
    applied = conflicts = 0
    try:
        try:
            central = (open_central or (lambda u: open_database(u)))(central_url)
        except Exception as exc:
            message = _unreachable(exc, central_url)
            if message is None:
                raise
            return SyncReport(counts(store), error=message)
        marks: list[tuple[Any, dict[str, Any]]] = []
        try:
            with store.engine.connect() as conn:
                pending = conn.execute(select(ops).where(ops.c.status == PENDING).order_by(ops.c.id)).all()
                state = {r.id: (r.status, r.central_id) for r in conn.execute(select(ops.c.id, ops.c.status,
                                                                                    ops.c.central_id))}
            try:
                inbox = _inbox_rows(central, [op.id for op in pending])
            except Exception as exc:
                message = _unreachable(exc, central_url)
                if message is None:
                    raise
                return SyncReport(counts(store), error=message)
            for n, op in enumerate(pending, 1):
                if progress is not None:
                    progress(n, len(pending), "Enviando lançamentos offline")
                parent_id = None
                if op.depends_on is not None:
                    parent_status, parent_id = state[op.depends_on]
                    if parent_status != APPLIED:
                        continue  # waits with the operation it needs
                try:
                    central_id, number = _replay(central, op, parent_id, inbox.get(op.id))
                except TryAgainError:
                    continue  # busy: stays pending, next sync tries again
                except database_errors.DatabaseUnavailable as exc:
                    return SyncReport(_flush(store, marks), applied, conflicts, exc.message)
                except BusinessRuleError as exc:
                    marks.append((op, dict(status=CONFLICT, message=reason_of(exc))))
                    state[op.id] = (CONFLICT, None)
                    conflicts += 1
                    continue
                except Exception as exc:
                    message = _unreachable(exc, central_url)
                    if message is None:
                        raise
                    return SyncReport(_flush(store, marks), applied, conflicts, message)
                marks.append((op, dict(status=APPLIED, message=None, central_id=central_id, central_number=number)))
                state[op.id] = (APPLIED, central_id)
                applied += 1
                if len(marks) >= 100:
                    _flush(store, marks)
        finally:
            _flush(store, marks)
            central.dispose()
        return SyncReport(counts(store), applied, conflicts)
    finally:
        store.dispose()


def status(store_path: str | Path | None = None) -> SyncCounts:
    """The counts of the store (no server needed)."""
    store = open_store(store_path)
    try:
        return counts(store)
    finally:
        store.dispose()


def _op(store: UnitOfWorkFactory, op_id: str) -> Any:
    with store.engine.connect() as conn:
        rows = conn.execute(select(ops)).all()
    found = [r for r in rows if str(r.id) == op_id or str(r.id).startswith(op_id)]
    if len(found) != 1:
        raise NotFound(f"Lançamento “{op_id}” não encontrado (ou o início do código é ambíguo). "
                       "Veja os códigos com ispdesk sync conflicts.")
    return found[0]


def resubmit(store_path: str | Path | None, op_id: str, changes: dict[str, str]) -> OpRow:
    """Correct fields of the draft of a conflict (`changes`: field → text) and put it back in the queue."""
    store = open_store(store_path)
    try:
        op = _op(store, op_id)
        if op.status != CONFLICT:
            raise BusinessRuleError(f"O lançamento {op.id} está {op.status}; só um conflito pode ser reenviado.")
        draft, extra = load_draft(op.kind, op.draft)
        names = set(draft.__dataclass_fields__)
        unknown = sorted(set(changes) - names)
        if unknown:
            raise BusinessRuleError(f"{agree(len(unknown), 'Campo', 'Campos')} {', '.join(unknown)} "
                                    f"{agree(len(unknown), 'não existe', 'não existem')} neste lançamento. "
                                    f"Use um de: {', '.join(sorted(names))}.")
        fixed = load_draft(op.kind, dump_draft(draft, **{k: v or None for k, v in changes.items()}, **extra))[0]
        with store.engine.begin() as conn:
            conn.execute(update(ops).where(ops.c.id == op.id).values(
                status=PENDING, message=None, draft=dump_draft(fixed, **extra), updated_at=datetime.now(UTC)))
        return next(r for r in list_ops(store) if r.id == op.id)
    finally:
        store.dispose()


def discard(store_path: str | Path | None, op_id: str, reason: str, actor: Actor) -> list[OpRow]:
    """Discard a conflict (and what waits on it) with `reason`, audited in the store."""
    if len(reason.strip()) < 3:
        raise BusinessRuleError("Informe o motivo do descarte (ao menos 3 letras).", "motivo")
    store = open_store(store_path)
    try:
        op = _op(store, op_id)
        if op.status != CONFLICT:
            raise BusinessRuleError(f"O lançamento {op.id} está {op.status}; só um conflito pode ser descartado.")
        with store(actor) as uow:
            gone = [op.id]
            while True:
                more = uow.session.scalars(select(ops.c.id).where(ops.c.depends_on.in_(gone),
                                                                  ops.c.id.not_in(gone))).all()
                if not more:
                    break
                gone.extend(more)
            uow.session.execute(update(ops).where(ops.c.id.in_(gone)).values(
                status=DISCARDED, message=f"Descartado: {reason.strip()}", updated_at=datetime.now(UTC)))
            for ident in gone:
                uow.audit("offline_op", ident, "discard", {"motivo": [None, reason.strip()]},
                          summary=f"Lançamento offline {ident} descartado: {reason.strip()}")
            uow.commit()
        return [r for r in list_ops(store) if r.id in gone]
    finally:
        store.dispose()


def list_ops_of(store_path: str | Path | None, status_: str | None = None) -> list[OpRow]:
    """`list_ops` on the store at `store_path`."""
    store = open_store(store_path)
    try:
        return list_ops(store, status_)
    finally:
        store.dispose()
