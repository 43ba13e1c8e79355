"""Scheduled contract values (price adjustments) take effect before charges are generated."""

from __future__ import annotations

from datetime import date

from ispdesk.services import hooks
from ispdesk.services.uow import UnitOfWork


def apply_scheduled_values(uow: UnitOfWork, until: date) -> None:
    """`BEFORE_CHARGES` hook: put in force the value changes effective on or before `until`."""
    from ispdesk.services.adjustments import apply_scheduled_values_in

    apply_scheduled_values_in(uow, until)


if apply_scheduled_values not in hooks.BEFORE_CHARGES:
    hooks.BEFORE_CHARGES.append(apply_scheduled_values)
