"""Imports every area's UI module so it registers its tabs and menu actions."""

from __future__ import annotations

import importlib

UI_MODULES: tuple[str, ...] = (
    "ispdesk.ui.admin_menu",
)


def load_all() -> None:
    """Import every area UI module once."""
    for name in UI_MODULES:
        importlib.import_module(name)
