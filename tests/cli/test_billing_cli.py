"""Billing commands as a user types them (in-process and one real subprocess), both databases."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import Charge, Contract
from tests.factories import make_charge, make_contract, make_plan
from tests.services.billing_helpers import arrange


def _contract(s):  # noqa: ANN001, ANN202
    return make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10))


def test_fine_last_line_is_amount_in_subprocess(uow, db_url) -> None:  # noqa: ANN001
    c = arrange(uow, _contract)
    proc = subprocess.run(
        [sys.executable, "-m", "ispdesk", "--db", db_url, "contracts", "fine", str(c.number), "--date", "20/03/2026"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "R$ 486,58"
    assert any("Dias restantes: 296" in line for line in lines)
    assert any("10/01/2027" in line for line in lines)


def test_fine_unknown_contract_exit_2(uow, db_url, capsys) -> None:  # noqa: ANN001
    assert main(["--db", db_url, "contracts", "fine", "999999"]) == 2
    assert "não encontrado" in capsys.readouterr().err


def test_tasks_charges_and_idempotence(uow, db_url, capsys) -> None:  # noqa: ANN001
    c = arrange(uow, _contract)
    assert main(["--db", db_url, "tasks", "charges", "--until", "10/03/2026"]) == 0
    assert capsys.readouterr().out.startswith("2 cobranças geradas em 1 contrato")
    assert main(["--db", db_url, "tasks", "charges", "--until", "2026-03-10"]) == 0
    assert capsys.readouterr().out.startswith("0 cobranças")
    with pytest.raises(SystemExit) as info:
        main(["--db", db_url, "tasks", "charges", "--until", "31/02/2026"])
    assert info.value.code == 2
    with uow() as u:
        assert len(list(u.session.scalars(select(Charge).where(Charge.contract_id == c.id)))) == 2


def test_cancel_command(uow, db_url, capsys) -> None:  # noqa: ANN001
    c = arrange(uow, _contract)
    args = ["--db", db_url, "contracts", "cancel", str(c.number), "--motivo", "PEDIDO", "--date", "20/03/2026"]
    assert main(args) == 2  # the note is mandatory
    assert "observação" in capsys.readouterr().err
    assert main([*args, "--obs", "cliente mudou"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == f"Contrato {c.number} cancelado em 20/03/2026."
    assert lines[-1] == "R$ 486,58"
    with uow() as u:
        assert u.session.get(Contract, c.id).status == "cancelado"
        kinds = sorted(u.session.scalars(select(Charge.kind).where(Charge.contract_id == c.id)))
    assert kinds == ["mensalidade", "mensalidade", "mensalidade", "multa"]
    assert main(args[:-2] + ["--obs", "de novo", "--date", "20/03/2026"]) == 2


def test_cancel_unknown_reason_exit_2(uow, db_url, capsys) -> None:  # noqa: ANN001
    c = arrange(uow, _contract)
    assert main(["--db", db_url, "contracts", "cancel", str(c.number), "--motivo", "XYZ", "--obs", "x",
                 "--date", "20/03/2026"]) == 2
    assert "XYZ" in capsys.readouterr().err


def test_export_charges_csv_and_json(uow, db_url, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        contract = _contract(s)
        make_charge(s, contract, date(2026, 2, 10), amount="1234.5", period_start=date(2026, 1, 10),
                    period_end=date(2026, 2, 9), status="paga", paid_amount=Decimal("1234.50"),
                    paid_on=date(2026, 2, 8))
        make_charge(s, contract, date(2026, 3, 15), amount="10", kind="avulsa", description="Roteador")
        return contract

    c = arrange(uow, build)
    target = tmp_path / "cobrancas.csv"
    assert main(["--db", db_url, "export", "charges", "--output", str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["contrato", "tipo", "inicio_periodo", "fim_periodo", "vencimento", "valor", "pago_em",
                       "valor_pago", "situacao", "numero", "vencimento_util", "nosso_numero"]
    with uow() as u:
        numbers = dict(u.session.execute(select(Charge.kind, Charge.number)).tuples().all())
    assert rows[1] == [str(c.number), "mensalidade", "10/01/2026", "09/02/2026", "10/02/2026", "1234,50",
                       "08/02/2026", "1234,50", "paga", str(numbers["mensalidade"]), "10/02/2026", ""]
    # due on Sunday 15/03/2026: payable without late amounts on Monday 16/03
    assert rows[2] == [str(c.number), "avulsa", "", "", "15/03/2026", "10,00", "", "0,00", "aberta",
                       str(numbers["avulsa"]), "16/03/2026", ""]
    capsys.readouterr()
    assert main(["--db", db_url, "export", "charges", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items[1]["tipo"] == "avulsa" and items[0]["valor"] == "1234,50"


@pytest.fixture
def payments_scenario(uow):  # noqa: ANN001, ANN201
    def build(s):  # noqa: ANN001, ANN202
        contract = _contract(s)
        for m in (1, 2):
            make_charge(s, contract, date(2026, m + 1, 10), amount="90.00", period_start=date(2026, m, 10),
                        period_end=date(2026, m + 1, 9))
        return contract

    return arrange(uow, build)


def test_import_payments_with_rejects(uow, db_url, tmp_path: Path, capsys, payments_scenario) -> None:  # noqa: ANN001
    n = payments_scenario.number
    source = tmp_path / "pagamentos.csv"
    source.write_text(
        "contrato;vencimento;valor_pago;data_pagamento\n"
        f"{n};10/02/2026;90,00;10/02/2026\n"
        f"{n};10/03/2026;50,00;11/03/2026\n"
        f"{n};10/03/2026;50,00;12/03/2026\n"
        f"{n};10/04/2026;90,00;10/04/2026\n"
        "abc;10/02/2026;90,00;10/02/2026\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rej.csv"
    assert main(["--db", db_url, "import", "payments", str(source), "--rejects", str(rejects)]) == 1
    summary = capsys.readouterr().out
    assert "2 importadas, 3 rejeitadas" in summary
    assert "maior que o saldo" in summary and "não tem cobrança" in summary
    with rejects.open(encoding="utf-8-sig") as fh:
        rejected = list(csv.reader(fh, delimiter=";"))
    assert rejected[0][-1] == "motivo" and len(rejected) == 4
    with uow() as u:
        contract = u.session.get(Contract, payments_scenario.id)
        assert contract.paid_until == date(2026, 2, 9)
        balances = [(c.status, c.paid_amount) for c in u.session.scalars(
            select(Charge).where(Charge.contract_id == contract.id).order_by(Charge.due_date))]
    assert balances == [("paga", Decimal("90.00")), ("aberta", Decimal("50.00"))]


def test_import_payments_unusable_file_exit_2(uow, db_url, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    source = tmp_path / "ruim.csv"
    source.write_text("contrato;valor\n1;2\n", encoding="utf-8")
    assert main(["--db", db_url, "import", "payments", str(source)]) == 2
    assert "vencimento" in capsys.readouterr().err
