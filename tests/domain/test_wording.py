"""Plurals are words (issue 12): "1 contrato", "3 contratos", never "contrato(s)"."""

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.wording import agree, plural

ROOT = Path(__file__).resolve().parents[2] / "ispdesk"
#: The overdue notice keeps its legal template wording (billing area).
KEPT = {"services/notices.py"}


def test_plural_examples():
    assert plural(1, "contrato", "contratos") == "1 contrato"
    assert plural(3, "contrato", "contratos") == "3 contratos"
    assert plural(0, "contrato", "contratos") == "0 contratos"
    assert plural(1500, "cliente", "clientes") == "1.500 clientes"
    assert agree(1, "gerada", "geradas") == "gerada"


@given(st.integers(0, 10**7))
def test_plural_agrees_with_the_number(n):
    text = plural(n, "cobrança", "cobranças")
    assert text.endswith("cobrança" if n == 1 else "cobranças")
    assert int(text.split()[0].replace(".", "")) == n


def test_no_user_text_says_s_in_parentheses():
    """No string literal in the app writes a plural as "(s)" (code such as ``lambda s=spec`` is not text)."""
    offenders = []
    literal = re.compile(r"""(["'])(?:(?!\1).)*\w\((?:s|m|es)\)(?:(?!\1).)*\1""")
    for path in ROOT.rglob("*.py"):
        if str(path.relative_to(ROOT)) in KEPT:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            code_only = "params_service.load" in line or "label_of(s)" in line  # (s) is a call there
            if stripped.startswith("#") or stripped.startswith('"""') or code_only:
                continue
            if literal.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {stripped}")
    assert offenders == []
