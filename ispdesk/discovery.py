"""Finds the area modules of a package (CLI commands, UI areas, seeders) without a central list."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def area_modules(package_name: str) -> list[ModuleType]:
    """Import and return every module of `package_name`, sorted by name (stable order)."""
    package = importlib.import_module(package_name)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"{package_name}.{name}") for name in names]
