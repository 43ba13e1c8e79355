"""Network enforcement reacts to access changes: the user's FreeRADIUS group follows the status."""

from __future__ import annotations

from collections.abc import Sequence

from ispdesk.services import hooks
from ispdesk.services.uow import UnitOfWork


def provision_changes(uow: UnitOfWork, changes: Sequence[hooks.AccessStatusChange]) -> None:
    """`ACCESS_CHANGED` hook: rewrite the RADIUS group of the contracts just changed (same transaction)."""
    from ispdesk.services.radius import provision_in

    provision_in(uow, [c.contract_id for c in changes])


if provision_changes not in hooks.ACCESS_CHANGED:
    hooks.ACCESS_CHANGED.append(provision_changes)
