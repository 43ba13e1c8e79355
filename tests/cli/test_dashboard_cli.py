"""`ispdesk report dashboard`: JSON keys exactly as the issue spells them, text in Portuguese."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from ispdesk.cli.main import main
from ispdesk.db.models import CancellationReason
from tests.factories import make_contract, make_customer, make_plan

KEYS = [
    "contratos_ativos", "mrr", "ticket_medio", "em_fidelidade", "expirando_30", "expirando_60", "expirando_90",
    "reduzidos", "bloqueados", "cancelamentos_mes", "churn_mes", "upgrades_mes", "downgrades_mes",
]


@pytest.fixture
def data(uow):
    with uow() as u:
        s = u.session
        plan = make_plan(s, "T-500", "1234.50")
        make_contract(s, make_customer(s, city="Campinas"), plan, activated_on=date(2026, 2, 1))
        make_contract(s, make_customer(s), plan, activated_on=date(2026, 3, 1), value=Decimal("100.00"),
                      access_status="bloqueado")
        moved = CancellationReason(code="T-MUDOU", description="Mudou de cidade", active=True, counts_as_churn=True)
        s.add(moved)
        s.flush()
        make_contract(s, make_customer(s), plan, activated_on=date(2025, 1, 1), status="cancelado",
                      cancelled_on=date(2026, 11, 3), cancellation_reason_id=moved.id)
        u.commit()


def test_json_keys_in_process(db_url, data, capsys):
    assert main(["--db", db_url, "report", "dashboard", "--date", "27/11/2026", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [k for k in out if k in KEYS] == KEYS and list(out)[: len(KEYS)] == KEYS
    assert out["contratos_ativos"] == 2
    assert out["mrr"] == "1334.50" and out["ticket_medio"] == "667.25"
    assert out["bloqueados"] == 1 and out["cancelamentos_mes"] == 1
    assert out["churn_mes"] == "33.33"  # 1 of the 3 active on 01/11
    assert out["cancelamentos_motivo"] == [
        {"motivo": "T-MUDOU", "descricao": "Mudou de cidade", "cancelamentos": 1, "conta_churn": True}
    ]


def test_text_and_filters_subprocess(db_url, data):
    result = subprocess.run(
        [sys.executable, "-m", "ispdesk", "--db", db_url, "report", "dashboard", "--date", "2026-11-27",
         "--cidade", "Campinas"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Painel de contratos em 27/11/2026" in text and "Filtro: cidade Campinas" in text
    assert "R$ 1.234,50" in text and "Contratos ativos" in text
    assert "Churn em 11/2026" in text


def test_bad_date_exits_2(db_url, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--db", db_url, "report", "dashboard", "--date", "31/02/2026"])
    assert exc.value.code == 2
    assert "Data inválida" in capsys.readouterr().err


def test_period_backwards_is_refused(db_url, capsys):
    code = main(["--db", db_url, "report", "dashboard", "--de", "01/11/2026", "--ate", "01/10/2026"])
    assert code == 2
    assert "Informe uma data inicial anterior à final" in capsys.readouterr().err
