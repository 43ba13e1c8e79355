"""``contracts change-plan``, ``report plan-changes`` and ``adjust`` as a user types them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.cli.main import main
from ispdesk.db.models import AdjustmentBatch, Plan, PlanChange
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_contract, make_plan

UoW = Callable[..., UnitOfWork]


@pytest.fixture
def numbers(uow: UoW) -> dict[str, int]:
    with uow() as u:
        f300 = make_plan(u.session, "F300", "99.90")
        make_plan(u.session, "F500", "129.90", download_mbps=500)
        made = {
            "a": make_contract(u.session, plan=f300, activated_on=date(2025, 3, 1)),
            "b": make_contract(u.session, plan=f300, activated_on=date(2025, 3, 1)),
            "new": make_contract(u.session, plan=f300, activated_on=date(2026, 6, 1)),
        }
        u.commit()
        return {k: c.number for k, c in made.items()}


def run(db_url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=root)
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_change_plan_subprocess(db_url: str, numbers: dict[str, int], uow: UoW) -> None:
    done = run(db_url, "contracts", "change-plan", str(numbers["a"]), "--plano", "F500", "--dia-vencimento", "20",
               "--date", "27/11/2026")
    assert done.returncode == 0, done.stderr
    assert "Tipo: UV (Upgrade com alteração de vencimento)" in done.stdout
    assert "Proporcional: R$ 13,00 (13 dias de 27/11/2026 a 09/12/2026, divisor 30)" in done.stdout
    with uow() as u:
        change = u.session.scalars(select(PlanChange)).one()
        assert (change.change_type, change.new_due_day, change.actor.startswith("cli:")) == ("UV", 20, True)
    bad = run(db_url, "contracts", "change-plan", str(numbers["a"]), "--plano", "NADA")
    assert bad.returncode == 2 and "Plano “NADA” não encontrado" in bad.stderr


def test_change_plan_simulate_and_report(db_url: str, numbers: dict[str, int], uow: UoW, capsys,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    assert main(["--db", db_url, "contracts", "change-plan", str(numbers["a"]), "--plano", "F500", "--simular",
                 "--date", "2026-11-27"]) == 0
    assert "Simulação: nada foi gravado." in capsys.readouterr().out
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(PlanChange)) == 0
    assert main(["--db", db_url, "contracts", "change-plan", str(numbers["b"]), "--plano", "F500",
                 "--date", "2026-11-27"]) == 0
    capsys.readouterr()
    path = tmp_path / "alteracoes.csv"
    pdf = tmp_path / "alteracoes.pdf"
    assert main(["--db", db_url, "report", "plan-changes", "--from", "01/11/2026", "--to", "30/11/2026",
                 "--csv", str(path), "--pdf", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and b"DejaVuSans" in pdf.read_bytes()
    text = capsys.readouterr().out
    assert "27/11/2026  UP  contrato " + str(numbers["b"]) in text
    assert "Total: 1 alterações (UP 1); upgrades 1, downgrades 0, só vencimento 0." in text
    assert "Receita mensal: R$ 99,90 → R$ 129,90 (variação líquida +R$ 30,00); ticket médio" in text
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert rows[0]["tipo"] == "UP" and rows[0]["valor_novo"] == "129,90"


def test_adjust_dry_run_apply_and_undo(db_url: str, numbers: dict[str, int], uow: UoW, capsys,  # type: ignore[no-untyped-def]
                                       tmp_path: Path) -> None:
    assert main(["--db", db_url, "adjust", "--percent", "5", "--date", "27/11/2026", "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "vigência em 27/12/2026" in text and "1 × ativado há menos de 12 meses" in text
    assert text.strip().splitlines()[-1] == ("Simulação (nada gravado): 2 contratos seriam reajustados; "
                                             "variação da receita mensal +R$ 10,00.")
    # sooner than the 30-day notice: refused unless the customers were notified
    assert main(["--db", db_url, "adjust", "--percent", "5", "--date", "27/11/2026", "--vigencia", "01/12/2026"]) == 2
    assert "avisados 30 dias antes" in capsys.readouterr().err
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(AdjustmentBatch)) == 0
    avisos = tmp_path / "avisos.csv"
    assert main(["--db", db_url, "adjust", "--percent", "4,5", "--date", "27/11/2026", "--vigencia", "01/12/2026",
                 "--clientes-notificados", "--avisos", str(avisos), "--plano", "F300", "--status", "ativo",
                 "--ativados-ate", "31/12/2025"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "Lote nº 1 gravado. Os novos valores vigoram em 01/12/2026 (agendado)." in lines
    assert lines[-1] == "2 contratos reajustados; variação da receita mensal +R$ 9,00."
    assert avisos.exists() and len(avisos.read_text(encoding="utf-8-sig").splitlines()) == 3
    with uow() as u:
        assert u.session.scalar(select(Plan.price).where(Plan.code == "F300")) == Decimal("99.90")
    assert main(["--db", db_url, "adjust", "undo", "1", "--date", "28/11/2026"]) == 0
    assert "Reajuste nº 1 desfeito: 2 contratos" in capsys.readouterr().out
    assert main(["--db", db_url, "adjust", "undo", "1"]) == 2
    assert "já foi desfeito" in capsys.readouterr().err


def test_adjust_every_contract_skipped_exits_zero(db_url: str, numbers: dict[str, int], tmp_path: Path) -> None:
    done = run(db_url, "adjust", "--percent", "5", "--date", "27/11/2026", "--ativados-ate", "31/12/2026",
               "--plano", "F300", "--reajustados-antes", "01/01/2020", "--status", "ativo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run(db_url, "adjust", "--percent", "5", "--date", "27/11/2026", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Nenhum contrato reajustado: todos foram ignorados" in done.stdout
    assert "2 × reajustado há menos de 12 meses" in done.stdout and "1 × ativado há menos de 12 meses" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "0 contratos reajustados; variação da receita mensal R$ 0,00."
    assert (tmp_path / "reajuste-1-avisos.csv").exists()


def test_adjust_usage_errors(db_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", db_url, "adjust"]) == 2
    assert "--percent" in capsys.readouterr().err
    assert main(["--db", db_url, "adjust", "undo"]) == 2
    assert main(["--db", db_url, "adjust", "--percent", "abc", "--dry-run"]) == 2
    assert "Percentual inválido" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", db_url, "adjust", "redo", "1"])
