"""One write path for access status: only `access.write_status_changes` writes events, periods, statuses.

Reads the source: a second writer would bypass the hooks the network enforcement and the messages
rely on (`hooks.ACCESS_CHANGED`).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ispdesk"
#: The writer and the period closer (`services/access.py`).
ALLOWED = {"write_status_changes", "close_open_periods"}
#: The demo generator writes history set-based, the same rows the services write (checked by
#: tests/services/test_demo_full.py::test_set_based_history_equals_the_services).
GENERATORS = {"demo.py", "demo_history.py", "contract_demo.py"}
TABLES = {"AccessEvent", "SuspensionPeriod", "_EV", "_SP"}


def _writes(tree: ast.AST) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef):
            function = node.name
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in ("AccessEvent", "SuspensionPeriod"):
                found.append((function, node.lineno))
            if name in ("insert", "update", "delete") and node.args and isinstance(node.args[0], ast.Name) \
                    and node.args[0].id in TABLES:
                found.append((function, node.lineno))
            if name == "update" and node.args and isinstance(node.args[0], ast.Name) \
                    and node.args[0].id in ("_C", "Contract"):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and any(k.arg == "access_status" for k in call.keywords):
                        found.append((function, node.lineno))
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Attribute) and t.attr == "access_status" and \
                            isinstance(t.value, ast.Name) and t.value.id == "contract":
                        found.append((function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_only_the_writer_writes_access_events_periods_and_statuses() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "db" in path.relative_to(PACKAGE).parts[:1] or path.name in GENERATORS:
            continue
        for function, line in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            if function not in ALLOWED:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} in {function}()")
    assert not offenders, "access status written outside access.write_status_changes:\n" + "\n".join(offenders)


def test_the_checker_sees_a_second_writer() -> None:
    code = "def sneaky(s, contract):\n    contract.access_status = 'bloqueado'\n    s.add(AccessEvent(x=1))\n"
    assert [f for f, _ in _writes(ast.parse(code))] == ["sneaky", "sneaky"]
