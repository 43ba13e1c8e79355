"""Finds the area modules of a package (CLI commands, UI areas, seeders) without a central list.

In the frozen app (PyInstaller) modules live in an archive that `pkgutil` may not list; the spec
file then writes `ispdesk/_frozen_areas.py` with the names found at build time.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType


def module_names(package_name: str) -> list[str]:
    """Names of the public modules of `package_name`, sorted."""
    package = importlib.import_module(package_name)
    names = {info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")}
    if getattr(sys, "frozen", False):
        try:
            frozen = importlib.import_module("ispdesk._frozen_areas")
            names |= set(frozen.AREAS.get(package_name, ()))
        except ImportError:  # pragma: no cover - only in a broken frozen build
            pass
    return sorted(names)


def area_modules(package_name: str) -> list[ModuleType]:
    """Import and return every module of `package_name`, sorted by name (stable order)."""
    return [importlib.import_module(f"{package_name}.{name}") for name in module_names(package_name)]


DISCOVERY_PACKAGES = (
    "ispdesk.cli",
    "ispdesk.ui.areas",
    "ispdesk.services.seeds",
    "ispdesk.services.hook_providers",
)
