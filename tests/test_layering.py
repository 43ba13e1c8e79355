"""Layering read from the source: `ui/` and `cli/` never import `ispdesk.db` nor each other.

They reach the database only through `ispdesk.services` (`bootstrap.open_database`,
`services.database`, the use cases); the app's composition root (`ispdesk/app.py`) ties them together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ispdesk

PACKAGE = Path(ispdesk.__file__).parent

#: layer → packages it must not import (the package itself and anything below it)
FORBIDDEN = {
    "ui": ("ispdesk.db", "ispdesk.cli"),
    "cli": ("ispdesk.db", "ispdesk.ui"),
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """Every module `path` imports (top level, inside functions, under TYPE_CHECKING), absolute names.

    ``from X import a`` gives ``X.a`` (``a`` may be a submodule, as in ``from ispdesk import db``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.extend((node.lineno, target if alias.name == "*" else f"{target}.{alias.name}")
                         for alias in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def _matches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


def violations(layer: str, root: Path = PACKAGE) -> list[str]:
    """``path:line imports module`` for every forbidden import in ``<root>/<layer>`` (one per line)."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted((root / layer).rglob("*.py")):
        where = path.relative_to(root.parent).as_posix()
        for line, name in imported_modules(path, root):
            if any(_matches(name, forbidden) for forbidden in FORBIDDEN[layer]):
                found.setdefault((where, line), f"{where}:{line} imports {name}")
    return list(found.values())


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer):
    assert (PACKAGE / layer).is_dir()
    assert violations(layer) == [], (
        f"ispdesk/{layer} must not import {' or '.join(FORBIDDEN[layer])}; go through ispdesk.services "
        "(bootstrap.open_database, services.database, the use cases) instead"
    )


def test_checker_sees_every_import_form(tmp_path):
    """The reader catches plain, from, relative, aliased and function-local imports."""
    fake = tmp_path / "ispdesk"
    (fake / "ui" / "dialogs").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "ui" / "__init__.py").write_text("")
    (fake / "ui" / "dialogs" / "__init__.py").write_text("")
    (fake / "ui" / "dialogs" / "bad.py").write_text(
        "import ispdesk.db.engine\n"
        "from ispdesk import db\n"
        "from ...db.models import Contract\n"
        "from ispdesk.cli.context import out\n"
        "def later():\n"
        "    from ispdesk.db import migrate\n"
        "from ispdesk.services import database\n"
        "from ispdesk.dbx import nothing\n"
        "importlib.import_module('ispdesk.db.base')\n"
    )
    assert violations("ui", fake) == [
        "ispdesk/ui/dialogs/bad.py:1 imports ispdesk.db.engine",
        "ispdesk/ui/dialogs/bad.py:2 imports ispdesk.db",
        "ispdesk/ui/dialogs/bad.py:3 imports ispdesk.db.models.Contract",
        "ispdesk/ui/dialogs/bad.py:4 imports ispdesk.cli.context.out",
        "ispdesk/ui/dialogs/bad.py:6 imports ispdesk.db.migrate",
        "ispdesk/ui/dialogs/bad.py:9 imports ispdesk.db.base",
    ]
