"""Cross-area hooks, so areas react to each other without importing each other.

- `DEBT_CHANGED`: called inside the transaction after a payment, reversal or cancellation changed a
  contract's open debt (the access-control area restores access at once when the debt is paid).
- `DEBTS_CHANGED`: the same for many contracts at once (ids), after a bulk path (bank return, PIX
  statement) changed their debt; a `DEBT_CHANGED` provider registers its bulk twin here too.
- `BEFORE_CHARGES`: called by the charge generation task before it generates charges up to a date
  (the adjustment area applies scheduled value changes whose effective date has come).
- `ACCESS_CHANGED`: called inside the transaction by the function that writes access status changes
  (single and bulk path), with every change it wrote; network enforcement (RADIUS) and messages
  hook here, so a status never changes without its outward effects being recorded with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ispdesk.services.uow import UnitOfWork

DEBT_CHANGED: list[Callable[[UnitOfWork, Any], None]] = []
DEBTS_CHANGED: list[Callable[[UnitOfWork, Sequence[uuid.UUID]], None]] = []
BEFORE_CHARGES: list[Callable[[UnitOfWork, date], None]] = []


@dataclass(frozen=True)
class AccessStatusChange:
    """One access status change just written (``before``/``after`` are `AccessStatus` values)."""

    contract_id: uuid.UUID
    before: str
    after: str
    cause: str
    on: date


ACCESS_CHANGED: list[Callable[[UnitOfWork, Sequence[AccessStatusChange]], None]] = []


def debt_changed(uow: UnitOfWork, contract: Any) -> None:
    """Run every `DEBT_CHANGED` hook for `contract` (a `Contract` model instance)."""
    _load()
    for hook in DEBT_CHANGED:
        hook(uow, contract)


def debts_changed(uow: UnitOfWork, contract_ids: Sequence[uuid.UUID]) -> None:
    """Run every `DEBTS_CHANGED` hook once for all of `contract_ids` (nothing when empty)."""
    if not contract_ids:
        return
    _load()
    for hook in DEBTS_CHANGED:
        hook(uow, contract_ids)


def before_charges(uow: UnitOfWork, until: date) -> None:
    """Run every `BEFORE_CHARGES` hook for the generation date `until`."""
    _load()
    for hook in BEFORE_CHARGES:
        hook(uow, until)


def access_changed(uow: UnitOfWork, changes: Sequence[AccessStatusChange]) -> None:
    """Run every `ACCESS_CHANGED` hook for the changes just written (nothing when empty)."""
    if not changes:
        return
    _load()
    for hook in ACCESS_CHANGED:
        hook(uow, changes)


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        from ispdesk.discovery import area_modules

        area_modules("ispdesk.services.hook_providers")
        _loaded = True
