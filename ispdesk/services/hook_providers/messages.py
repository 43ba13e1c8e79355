"""Messages react to access changes: reduction, block, restoration and rescission tell the customer."""

from __future__ import annotations

from ispdesk.services import hooks
from ispdesk.services.status_messages import enqueue_for_changes

if enqueue_for_changes not in hooks.ACCESS_CHANGED:
    hooks.ACCESS_CHANGED.append(enqueue_for_changes)
