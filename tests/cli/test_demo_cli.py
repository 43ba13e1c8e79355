"""``ispdesk demo --customers N --contracts M``."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from ispdesk.cli.main import main
from ispdesk.db.models import Charge, Contract, Customer


def _count(factory, admin, model) -> int:
    with factory(admin) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_demo_defaults_to_contracts_for_80_percent(db_url, factory, admin, capsys) -> None:
    assert main(["--db", db_url, "demo", "--customers", "50", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "50 clientes" in out and "40 contratos" in out and "rotina de bloqueio" in out
    assert _count(factory, admin, Contract) == 40 and _count(factory, admin, Charge) > 40


def test_demo_contracts_zero_and_negative(db_url, factory, admin, capsys) -> None:
    assert main(["--db", db_url, "demo", "--customers", "12", "--contracts", "0"]) == 0
    assert _count(factory, admin, Customer) == 12 and _count(factory, admin, Contract) == 0
    assert main(["--db", db_url, "demo", "--customers", "1", "--contracts", "-1"]) == 2
    assert "--contracts deve ser zero ou mais" in capsys.readouterr().err


def test_demo_subprocess_contracts_for_existing_customers(db_url, factory, admin) -> None:
    run = subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, "demo", "--customers", "20",
                          "--contracts", "7", "--seed", "9"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "7 contratos" in run.stdout
    assert _count(factory, admin, Contract) == 7
