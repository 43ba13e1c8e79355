"""Loads every area UI module (``ispdesk/ui/areas/*.py``) so it registers its tabs and actions."""

from __future__ import annotations

from ispdesk.discovery import area_modules

_loaded = False


def load_all() -> None:
    """Import every area UI module once."""
    global _loaded
    if not _loaded:
        area_modules("ispdesk.ui.areas")
        _loaded = True
