"""The `_in` rule (docs/ENGINEERING.md), read from the code.

A public service function checks the permission, opens the unit of work and commits; its `_in`
twin takes a `UnitOfWork`, never commits and never checks; `ui/` and `cli/` never call an `_in`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ispdesk"
#: Public reads open to every signed-in role (documented in docs/ENGINEERING.md).
OPEN_READS = {"plans.py:list_plans", "catalogs.py:list_entries", "customers.py:check_draft"}


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _calls(node: ast.AST, attr: str) -> bool:
    return any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == attr
               for c in ast.walk(node))


def _service_modules() -> list[Path]:
    return sorted((PACKAGE / "services").rglob("*.py"))


def test_every_in_takes_a_unit_of_work_and_never_commits_or_checks() -> None:
    wrong = []
    for path in _service_modules():
        for name, fn in _functions(path).items():
            if not name.endswith("_in"):
                continue
            args = fn.args.posonlyargs + fn.args.args
            first = ast.unparse(args[0].annotation) if args and args[0].annotation else None
            if first != "UnitOfWork":
                wrong.append(f"{path.name}:{name} takes {first}, not a UnitOfWork")
            if _calls(fn, "commit"):
                wrong.append(f"{path.name}:{name} commits")
            if _calls(fn, "require"):
                wrong.append(f"{path.name}:{name} checks a permission")
    assert not wrong, "\n".join(wrong)


def test_every_public_twin_checks_the_permission() -> None:
    """A public function with an `_in` twin checks a permission itself (open reads excepted)."""
    missing = []
    for path in _service_modules():
        functions = _functions(path)
        for name, fn in functions.items():
            twin = functions.get(f"{name}_in")
            if twin is None or name.startswith("_") or f"{path.name}:{name}" in OPEN_READS:
                continue
            if not _calls(fn, "require"):
                missing.append(f"{path.name}:{name}")
    assert not missing, "public functions without a permission check: " + ", ".join(missing)


def test_ui_and_cli_never_call_an_in() -> None:
    callers = []
    for layer in ("ui", "cli"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) \
                        else ""
                    if name.endswith("_in") and not name.startswith("_"):
                        callers.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert not callers, "ui/ or cli/ call an _in (use the public function):\n" + "\n".join(callers)


def test_the_rule_is_written_down() -> None:
    text = (PACKAGE.parent / "docs" / "ENGINEERING.md").read_text(encoding="utf-8")
    assert "## The `_in` rule" in text
