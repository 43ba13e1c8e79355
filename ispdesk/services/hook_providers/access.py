"""Access control reacts to debt changes: paying the overdue debt restores access at once."""

from __future__ import annotations

from ispdesk.services import hooks
from ispdesk.services.access import restore_after_debt_change_in, restore_after_debts_change_in

if restore_after_debt_change_in not in hooks.DEBT_CHANGED:
    hooks.DEBT_CHANGED.append(restore_after_debt_change_in)
if restore_after_debts_change_in not in hooks.DEBTS_CHANGED:
    hooks.DEBTS_CHANGED.append(restore_after_debts_change_in)
