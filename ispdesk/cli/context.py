"""What every command handler receives: the database, the actor and the clock."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date

from ispdesk.config import resolve_database_url
from ispdesk.domain.clock import AsOfClock, Clock, SystemClock
from ispdesk.domain.dates import parse_date
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

#: Exit codes shared by every command.
EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


@dataclass
class CliContext:
    """Lazily opened database for one command; `actor` is ``cli:<os user>``."""

    db_url: str
    actor: Actor = field(default_factory=Actor.cli)
    _factory: UnitOfWorkFactory | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        return cls(resolve_database_url(getattr(args, "db", None)))

    def factory(self, migrate_schema: bool = True) -> UnitOfWorkFactory:
        """The unit-of-work factory; the schema is upgraded and reference data seeded first."""
        if self._factory is None:
            self._factory = open_database(self.db_url, upgrade=migrate_schema)
        return self._factory

    def uow(self, on: date | None = None) -> UnitOfWork:
        """A unit of work for the CLI actor, "as of" `on` when given."""
        clock: Clock = AsOfClock(on) if on else SystemClock()
        return self.factory()(self.actor, clock)

    def close(self) -> None:
        if self._factory is not None:
            self._factory.dispose()


def date_arg(text: str) -> date:
    """Argparse type for dates: dd/mm/aaaa or aaaa-mm-dd."""
    from ispdesk.domain.errors import BusinessRuleError

    try:
        return parse_date(text)
    except BusinessRuleError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def out(text: str = "") -> None:
    """Print a line to stdout."""
    print(text)


def err(text: str) -> None:
    """Print a line to stderr."""
    print(text, file=sys.stderr)
