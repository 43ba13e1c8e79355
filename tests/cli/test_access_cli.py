"""``ispdesk tasks suspension`` and the release commands, as a user types them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import Contract
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract


def _contract(uow: Callable[..., UnitOfWork]) -> int:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 9, 10))
        u.commit()
        return contract.number


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True,
                          text=True, timeout=120)


def test_suspension_from_the_command_line_prints_counts(db_url: str, uow: Callable[..., UnitOfWork]) -> None:
    _contract(uow)
    first = _cli(db_url, "tasks", "suspension", "--date", "11/09/2026")
    assert first.returncode == 0, first.stderr
    assert "aviso: 1" in first.stdout and "bloqueio: 0" in first.stdout
    again = _cli(db_url, "tasks", "suspension", "--date", "2026-09-11")
    assert again.returncode == 0 and "aviso: 0" in again.stdout  # idempotent for a date
    block = _cli(db_url, "tasks", "suspension", "--date", "11/10/2026")
    assert "bloqueio: 1" in block.stdout
    earlier = _cli(db_url, "tasks", "suspension", "--date", "01/10/2026")
    assert earlier.returncode == 2 and "11/10/2026" in earlier.stderr


def test_release_commands_in_process(
    db_url: str, uow: Callable[..., UnitOfWork], capsys: pytest.CaptureFixture[str]
) -> None:
    number = _contract(uow)
    assert main(["--db", db_url, "contracts", "trust-unlock", str(number), "--date", "12/10/2026"]) == 2
    assert "reduzidos ou bloqueados" in capsys.readouterr().err
    main(["--db", db_url, "tasks", "suspension", "--date", "11/09/2026"])
    main(["--db", db_url, "tasks", "suspension", "--date", "11/10/2026"])
    capsys.readouterr()
    assert main(["--db", db_url, "contracts", "trust-unlock", str(number), "--date", "12/10/2026"]) == 0
    assert "15/10/2026" in capsys.readouterr().out
    main(["--db", db_url, "tasks", "suspension", "--date", "15/10/2026"])
    capsys.readouterr()
    assert main(["--db", db_url, "contracts", "trust-unlock", str(number), "--date", "16/10/2026"]) == 2
    assert "11/11/2026" in capsys.readouterr().err
    assert main(["--db", db_url, "contracts", "release-temp", str(number), "--date", "16/10/2026"]) == 0
    main(["--db", db_url, "tasks", "suspension", "--date", "18/10/2026"])
    assert main(["--db", db_url, "contracts", "release-manual", str(number), "--date", "18/10/2026",
                 "--obs", "acordo"]) == 0
    with uow() as u:
        assert u.session.scalar(select(Contract.access_status).where(Contract.number == number)) == "liberado_manual"


@pytest.mark.parametrize(("name", "value", "words"), [
    ("dias_rescisao", "59", "60"), ("dias_bloqueio", "10", "aviso em 1 + 15 dias"), ("dias_reducao", "5", "16"),
])
def test_params_set_refuses_the_legal_floors(
    db_url: str, capsys: pytest.CaptureFixture[str], name: str, value: str, words: str
) -> None:
    assert main(["--db", db_url, "params", "set", name, value]) == 2
    message = capsys.readouterr().err
    assert words in message and "RGC 765" in message
