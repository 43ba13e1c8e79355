"""Menu entries for administration (users, parameters) — dialogs live in `ispdesk.ui.dialogs`."""

from __future__ import annotations
