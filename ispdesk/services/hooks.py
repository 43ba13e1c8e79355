"""Cross-area hooks, so areas react to each other without importing each other.

- `DEBT_CHANGED`: called inside the transaction after a payment, reversal or cancellation changed a
  contract's open debt (the access-control area restores access at once when the debt is paid).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ispdesk.services.uow import UnitOfWork

DEBT_CHANGED: list[Callable[[UnitOfWork, Any], None]] = []


def debt_changed(uow: UnitOfWork, contract: Any) -> None:
    """Run every `DEBT_CHANGED` hook for `contract` (a `Contract` model instance)."""
    _load()
    for hook in DEBT_CHANGED:
        hook(uow, contract)


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        from ispdesk.discovery import area_modules

        area_modules("ispdesk.services.hook_providers")
        _loaded = True
