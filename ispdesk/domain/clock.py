"""Injected time: services ask a clock, never `datetime.now()`, so tasks run "as of" a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """The current local business date."""
        ...


class SystemClock:
    """The real clock of the workstation."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return date.today()


class FixedClock:
    """A clock stopped at a date (tasks with `--date`, tests)."""

    def __init__(self, day: date, at: time = time(12, 0)) -> None:
        self.day = day
        self.at = at

    def now(self) -> datetime:
        return datetime.combine(self.day, self.at, tzinfo=UTC)

    def today(self) -> date:
        return self.day


class AsOfClock:
    """The business date is fixed ("as of" a day, `--date` on the command line); instants stay real.

    Audit rows keep the true moment of the action while the rules see the chosen business date.
    """

    def __init__(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.day
