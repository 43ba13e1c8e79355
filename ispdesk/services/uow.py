"""Unit of work: one short session per user action, with the actor (who) and the clock (when)."""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ispdesk.db.engine import make_engine, make_session_factory
from ispdesk.db.models import AuditEntry, Sequence
from ispdesk.domain.clock import Clock, SystemClock
from ispdesk.domain.errors import ConflictError, PermissionDenied, TryAgainError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.permissions import ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a logged-in user, or ``cli:<os user>`` on the command line."""

    login: str
    role: Role
    name: str = ""
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def for_role(cls, login: str, role: Role | str, name: str = "") -> Actor:
        """An actor with the permissions of `role`."""
        r = Role(role)
        return cls(login=login, role=r, name=name or login, permissions=ROLE_PERMISSIONS[r])

    @classmethod
    def cli(cls) -> Actor:
        """The command line runs as an administrator recorded as ``cli:<os user>``."""
        try:
            user = getpass.getuser()
        except Exception:  # pragma: no cover - no user name on some systems
            user = "desconhecido"
        return cls.for_role(f"cli:{user}", Role.ADMINISTRADOR)

    @classmethod
    def system(cls) -> Actor:
        """Scheduled tasks with no person behind them."""
        return cls.for_role("sistema", Role.ADMINISTRADOR)

    def can(self, permission: Permission) -> bool:
        """True when the actor holds `permission`."""
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise `PermissionDenied` unless the actor holds `permission`."""
        if permission not in self.permissions:
            raise PermissionDenied(
                f"O usuário {self.login} não tem permissão para esta ação ({permission.value}). "
                "Peça a um administrador."
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


#: Shown when a lock wait timed out (SQLite "database is locked", PostgreSQL lock timeout/deadlock).
TRY_AGAIN = ("O banco de dados está ocupado com uma gravação de outra estação (por exemplo, a geração de "
             "cobranças). Nada foi gravado; tente de novo em alguns segundos.")
#: PostgreSQL SQLSTATEs of a lock that could not be had: lock_not_available, deadlock, serialization.
_LOCK_SQLSTATES = frozenset({"55P03", "40P01", "40001"})
#: What a versioned table holds, for the generic conflict message.
_TABLE_LABELS = {
    "contracts": "o contrato", "charges": "a cobrança", "plans": "o plano", "customers": "o cliente",
    "users": "o usuário",
}
#: Unique constraints that two stations saving the same new version at once run into.
_VERSION_CONSTRAINTS = {
    "uq_contract_templates_code_version": "Outra pessoa salvou uma nova versão deste modelo de contrato ao mesmo "
                                          "tempo; a sua não foi gravada. Reabra o modelo e refaça a alteração.",
    "uq_charges_contract_period": "Outra geração de cobranças gravou ao mesmo tempo. Execute a geração de novo: "
                                  "ela só cria o que falta.",
}


def is_lock_timeout(exc: BaseException) -> bool:
    """True when `exc` is a lock wait that gave up (SQLite busy, PostgreSQL lock timeout or deadlock)."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    text = str(orig).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    return getattr(orig, "sqlstate", None) in _LOCK_SQLSTATES


def stale_conflict(exc: StaleDataError) -> ConflictError:
    """The documented conflict for a versioned write that matched no row (someone saved it meanwhile)."""
    found = re.search(r"table '([a-z_]+)'", str(exc))
    what = _TABLE_LABELS.get(found.group(1), "o registro") if found else "o registro"
    return ConflictError(
        f"Outra pessoa alterou {what} ao mesmo tempo que você; suas alterações não foram gravadas. "
        "Atualize a tela para ver os dados atuais e refaça a alteração."
    )


def race_error(exc: BaseException) -> ConflictError | TryAgainError | None:
    """The Portuguese error for a race that `exc` reveals, or None when it is not one."""
    if isinstance(exc, StaleDataError):
        return stale_conflict(exc)
    if is_lock_timeout(exc):
        return TryAgainError(TRY_AGAIN)
    if isinstance(exc, IntegrityError):
        text = str(exc.orig)
        for name, message in _VERSION_CONSTRAINTS.items():
            if name in text:
                return ConflictError(message)
        if "UNIQUE constraint failed: charges.contract_id, charges.kind, charges.period_start" in text:
            return ConflictError(_VERSION_CONSTRAINTS["uq_charges_contract_period"])
        if "UNIQUE constraint failed: contract_templates.code, contract_templates.version_number" in text:
            return ConflictError(_VERSION_CONSTRAINTS["uq_contract_templates_code_version"])
    return None


@contextmanager
def conflict_on_stale(build: Callable[[], ConflictError]) -> Iterator[None]:
    """Turn a `StaleDataError` raised inside the block into the service's own `ConflictError`.

    `build` makes the conflict (it may roll the session back to read what changed). Services that
    write under a version wrap their flush with it; anything not wrapped still becomes the generic
    conflict when it leaves the unit of work (`UnitOfWork.__exit__`).
    """
    try:
        yield
    except StaleDataError:
        raise build() from None


class UnitOfWork:
    """A transaction for one user action.

    Use as ``with factory(actor) as uow: …; uow.commit()``; leaving the block without commit rolls back.
    The one place where races become messages (`race_error`): a versioned write that lost a race
    (`StaleDataError`) leaves the block as `ConflictError`, a lock wait that timed out (SQLite
    "database is locked", PostgreSQL lock timeout or deadlock) as `TryAgainError` ("tente de novo").

    Attributes:
        session: the SQLAlchemy session (only services use it; `ui/` and `cli/` never touch it).
        actor: who performs the action.
        clock: the injected clock.
    """

    def __init__(self, session_factory: sessionmaker[Session], actor: Actor, clock: Clock) -> None:
        self._session_factory = session_factory
        self.actor = actor
        self.clock = clock
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back what was not committed and detaches objects without expiring them,
        # so rows loaded here stay readable after the block.
        self.session.close()
        mapped = race_error(exc) if exc is not None else None
        if mapped is not None:
            raise mapped from None

    @property
    def today(self) -> date:
        """The business date of this action."""
        return self.clock.today()

    @property
    def now(self) -> datetime:
        """The instant of this action."""
        return self.clock.now()

    def commit(self) -> None:
        """Commit the transaction."""
        self.session.commit()

    def rollback(self) -> None:
        """Discard the transaction."""
        self.session.rollback()

    def require(self, permission: Permission) -> None:
        """Check the actor's permission (raises `PermissionDenied`)."""
        self.actor.require(permission)

    def audit(
        self,
        entity: str,
        entity_id: Any,
        action: str,
        changes: Mapping[str, Any] | None = None,
        summary: str = "",
    ) -> None:
        """Append an audit row in this transaction.

        Args:
            entity: record type, e.g. ``customer``.
            entity_id: the record's id.
            action: ``create``, ``update``, ``cancel`` …
            changes: ``{field: [before, after]}`` (or any JSON-able detail).
            summary: one human line in Portuguese.
        """
        self.session.add(AuditEntry(**self._audit_values(entity, entity_id, action, changes, summary)))

    def _audit_values(self, entity: str, entity_id: Any, action: str, changes: Mapping[str, Any] | None,
                      summary: str) -> dict[str, Any]:
        return {"at": self.clock.now(), "actor": self.actor.login, "entity": entity,
                "entity_id": None if entity_id is None else str(entity_id), "action": action,
                "summary": summary[:300],
                "changes": json.dumps(_jsonable(changes or {}), ensure_ascii=False, sort_keys=True)}

    def audit_many(self, entries: Iterable[tuple[str, Any, str, Mapping[str, Any] | None, str]]) -> None:
        """Append many audit rows at once, each ``(entity, entity_id, action, changes, summary)`` as in `audit`.

        One multi-row INSERT (bulk paths: thousands of payments of a bank return), same rows as `audit`.
        """
        rows = [{"id": uuid7(), **self._audit_values(*entry)} for entry in entries]
        if rows:
            self.session.execute(insert(AuditEntry), rows)

    def next_numbers(self, name: str, count: int = 1) -> int:
        """Reserve `count` sequential numbers of sequence `name`; return the first.

        The row update locks the sequence until commit (SQLite: the write lock; PostgreSQL: the row
        lock), so two workstations never get the same number.
        """
        result = self.session.execute(
            update(Sequence)
            .where(Sequence.name == name)
            .values(next_value=Sequence.next_value + count)
            .returning(Sequence.next_value)
        ).scalar_one_or_none()
        if result is None:
            self.session.add(Sequence(name=name, next_value=1 + count))
            self.session.flush()
            return 1
        return int(result) - count

    def peek_sequence(self, name: str) -> int:
        """The next number of `name` without reserving it."""
        value = self.session.scalar(select(Sequence.next_value).where(Sequence.name == name))
        return int(value or 1)


class UnitOfWorkFactory:
    """Makes units of work bound to one database; the composition root builds one per app.

    Attributes:
        engine: the SQLAlchemy engine.
        clock: the clock handed to every unit of work.
    """

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        from ispdesk.services import charge_stamp  # noqa: F401  (numbers and vencimento útil of every charge)

        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.session_factory = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str, clock: Clock | None = None) -> UnitOfWorkFactory:
        """Build from a database URL."""
        return cls(make_engine(url), clock)

    def __call__(self, actor: Actor, clock: Clock | None = None) -> UnitOfWork:
        return UnitOfWork(self.session_factory, actor, clock or self.clock)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
