"""Issue 11 item 9: the notices CSV of ``adjust`` is never lost and never blocks on a bad path.

- an unwritable ``--avisos`` path is refused *before* anything is applied (exit 2, no batch);
- ``ispdesk adjust notices LOTE`` re-exports any batch's list from the database at any time, also
  after the process that applied the batch was killed (SIGKILL) right after its commit.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.cli.main import main
from ispdesk.db.models import AdjustmentBatch
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_contract, make_customer, make_plan

UoW = Callable[..., UnitOfWork]
ROOT = str(Path(__file__).resolve().parents[2])
APPLY = ["adjust", "--percent", "5", "--date", "27/11/2026"]


@pytest.fixture
def numbers(uow: UoW) -> list[int]:
    with uow() as u:
        f300 = make_plan(u.session, "F300", "99.90")
        made = [make_contract(u.session, customer=make_customer(u.session, name), plan=f300,
                              activated_on=date(2025, 3, 1)).number
                for name in ("Joana Araújo", "Pedro Lima", "=CMD()")]
        make_contract(u.session, plan=f300, activated_on=date(2026, 6, 1))  # skipped: too recent
        u.commit()
        return made


def _batches(uow: UoW) -> int:
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(AdjustmentBatch)) or 0)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.mark.parametrize("where", ["missing_dir", "is_dir", "under_a_file"])
def test_unwritable_notices_path_is_refused_before_applying(
        db_url: str, numbers: list[int], uow: UoW, tmp_path: Path, capsys, where: str) -> None:  # type: ignore[no-untyped-def]
    target = {"missing_dir": tmp_path / "nao-existe" / "avisos.csv", "is_dir": tmp_path,
              "under_a_file": tmp_path / "arquivo.txt" / "avisos.csv"}[where]
    (tmp_path / "arquivo.txt").write_text("x")
    assert main(["--db", db_url, *APPLY, "--avisos", str(target)]) == 2
    message = capsys.readouterr().err
    assert "Nada foi gravado" in message and "Traceback" not in message
    assert _batches(uow) == 0
    assert not any(p.name.endswith(".tmp") or p.name.startswith(".ispdesk") for p in tmp_path.rglob("*"))


def test_notices_reexported_from_the_database_any_time(
        db_url: str, numbers: list[int], uow: UoW, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "avisos.csv"
    assert main(["--db", db_url, *APPLY, "-o", str(first)]) == 0
    capsys.readouterr()
    again = tmp_path / "de-novo.csv"
    assert main(["--db", db_url, "adjust", "notices", "1", "--avisos", str(again)]) == 0
    assert "3 em" in capsys.readouterr().out
    assert first.read_bytes() == again.read_bytes()
    rows = _read(again)
    assert sorted(int(r["contrato"]) for r in rows) == sorted(numbers)
    assert {r["valor_novo"] for r in rows} == {"104,90"} and {r["lote"] for r in rows} == {"1"}
    assert "'=CMD()" in {r["cliente"] for r in rows}  # formula guard kept
    # -o and the default name work too
    os.chdir(tmp_path)
    assert main(["--db", db_url, "adjust", "notices", "1"]) == 0
    assert (tmp_path / "reajuste-1-avisos.csv").read_bytes() == first.read_bytes()
    assert main(["--db", db_url, "adjust", "notices", "7"]) == 2
    assert "Reajuste nº 7 não encontrado" in capsys.readouterr().err
    assert main(["--db", db_url, "adjust", "notices"]) == 2
    assert "adjust notices LOTE" in capsys.readouterr().err
    # an undone batch still has its list, with a warning
    assert main(["--db", db_url, "adjust", "undo", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "adjust", "notices", "1", "-o", str(again)]) == 0
    assert "o lote nº 1 foi desfeito" in capsys.readouterr().out
    assert first.read_bytes() == again.read_bytes()


def test_notices_survive_a_kill_right_after_the_commit(db_url: str, numbers: list[int], uow: UoW,
                                                       tmp_path: Path) -> None:
    """The applying process dies (SIGKILL) just after its commit: the list is still there to export."""
    script = textwrap.dedent(f"""
        import os, signal
        from datetime import date
        from decimal import Decimal
        from ispdesk.domain.clock import FixedClock
        from ispdesk.services import adjustments
        from ispdesk.services.uow import Actor, UnitOfWorkFactory
        factory = UnitOfWorkFactory.from_url({db_url!r}, FixedClock(date(2026, 11, 27)))
        adjustments.apply_adjustment(factory(Actor.cli()), adjustments.AdjustmentParams(percent=Decimal("5")))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _batches(uow) == 1
    out = tmp_path / "avisos.csv"
    done = subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, "adjust", "notices", "1", "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(int(r["contrato"]) for r in _read(out)) == sorted(numbers)
