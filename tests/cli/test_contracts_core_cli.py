"""Command line: plans/contracts import and export, reasons, contracts renew/activate/show."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ispdesk.cli.main import main
from ispdesk.db.models import Contract
from ispdesk.domain.documents import mask_document
from ispdesk.services import contracts
from tests.factories import make_contract, make_customer, make_plan


def run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True, text=True,
                          timeout=120)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_plans_subprocess_with_rejects(db_url: str, tmp_path: Path) -> None:
    src = write(tmp_path / "planos.csv",
                "codigo;nome;valor;download_mbps;upload_mbps;fidelidade_meses;beneficio_fidelidade\n"
                "fibra-300;Fibra 300 Mega;99,90;300;150;12;600,00\n"
                "FIBRA 1G;Fibra 1 Giga;199,90;1000;500;12;1.200,00\n"
                "RADIO-10;Rádio 10;abc;10;2;;\n"
                "FIBRA-300;De novo;89,90;300;150;0;0\n")
    rejects = tmp_path / "rej.csv"
    result = run(db_url, "import", "plans", str(src), "--rejects", str(rejects))
    assert result.returncode == 1, result.stderr
    assert "4 linhas lidas, 1 importada, 3 rejeitadas" in result.stdout
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "motivo"
    assert [r[0] for r in rows[1:]] == ["FIBRA 1G", "RADIO-10", "FIBRA-300"]
    assert "repetido" in rows[3][-1]
    exported = run(db_url, "export", "plans", "--format", "json")
    assert exported.returncode == 0
    data = json.loads(exported.stdout)
    assert data == [{"codigo": "FIBRA-300", "nome": "Fibra 300 Mega", "valor": "99,90", "download_mbps": "300",
                     "upload_mbps": "150", "fidelidade_meses": "12", "beneficio_fidelidade": "600,00",
                     "regra_reajuste": "", "ativo": "sim"}]


def test_import_plans_unusable_file_exit_2(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "p.csv", "codigo;nome\nX;Y\n")
    assert main(["--db", db_url, "import", "plans", str(src)]) == 2
    assert "valor" in capsys.readouterr().err


@pytest.fixture
def people(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        s = u.session
        plan = make_plan(s, "FIBRA-300", "99.90", loyalty_months=12, loyalty_benefit=Decimal("600"))
        make_plan(s, "EMPRESA-1G", "499.90", loyalty_months=24, loyalty_benefit=Decimal("3000"))
        ana = make_customer(s, "Ana Souza")
        firm = make_customer(s, "Firma Ltda", person_type="J", document="11222333000181")
        twin_a = make_customer(s, "Gêmeo A", document="52998224725")
        make_customer(s, "Gêmeo B", document="52998224725")
        u.commit()
        return {"ana": ana.document, "firm": firm.document, "twin": twin_a.document, "plan": plan.id}


def test_import_contracts_defaults_rules_and_ambiguity(db_url: str, tmp_path: Path, people, uow,  # type: ignore[no-untyped-def]
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ana = mask_document(people["ana"])
    src = write(tmp_path / "contratos.csv",
                "cpf_cnpj,plano,valor,data_ativacao,data_base_financeira,dia_vencimento,fidelidade_meses,"
                "beneficio_fidelidade,motivo_inclusao,observacao\n"
                f"{ana},FIBRA-300,,31/01/2026,,,,,MIGRACAO,veio do sistema antigo\n"
                f"{people['firm']},EMPRESA-1G,450,2026-03-01,15/03/2026,20,24,2000,NOVO,\n"
                f"{people['ana']},FIBRA-300,,,,,,,NOVO,\n"
                f"{people['twin']},FIBRA-300,,,,,,,NOVO,\n"
                f"{people['ana']},FIBRA-300,,01/01/2026,,,18,,NOVO,\n"
                "000.000.001-91,FIBRA-300,,,,,,,NOVO,\n"
                f"{people['ana']},NAOEXISTE,,,,,,,NOVO,\n")
    code = main(["--db", db_url, "import", "contracts", str(src)])
    out = capsys.readouterr().out
    assert code == 1
    assert "7 linhas lidas, 3 importadas, 4 rejeitadas" in out
    assert "pertence a 2 clientes" in out
    assert "Anatel" in out
    assert "NAOEXISTE" in out
    with uow() as u:
        rows = sorted(u.session.query(Contract).all(), key=lambda c: c.number)
        numbers = [c.number for c in rows]
    first = contracts.get_contract_by_number(uow(), numbers[0])
    assert (first.value, first.activated_on, first.billing_base_date, first.due_day) == (
        Decimal("99.90"), date(2026, 1, 31), date(2026, 1, 31), 10)
    assert (first.loyalty_months, first.loyalty_expires_on, first.inclusion_reason_code, first.notes) == (
        12, date(2027, 1, 31), "MIGRACAO", "veio do sistema antigo")
    second = contracts.get_contract_by_number(uow(), numbers[1])
    assert (second.value, second.billing_base_date, second.due_day, second.loyalty_months) == (
        Decimal("450.00"), date(2026, 3, 15), 20, 24)
    third = contracts.get_contract_by_number(uow(), numbers[2])
    assert third.status == "pre_contrato"


def test_export_contracts_exact_columns(db_url: str, tmp_path: Path, uow) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        c = make_contract(u.session, activated_on=date(2026, 1, 31), value=Decimal("1234.5"),
                          paid_until=date(2026, 10, 30))
        number = c.number
        u.commit()
    out = tmp_path / "contratos.csv"
    result = run(db_url, "export", "contracts", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 contrato exportado" in result.stdout
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == ["numero", "cpf_cnpj", "plano", "valor", "status", "status_acesso", "data_ativacao",
                       "data_base_financeira", "pago_ate", "data_renovacao", "data_expiracao", "dia_vencimento",
                       "motivo_inclusao", "pppoe_login"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["numero"] == str(number)
    assert row["valor"] == "1234,50"
    assert row["data_ativacao"] == "31/01/2026"
    assert row["pago_ate"] == "30/10/2026"
    assert row["data_expiracao"] == "31/01/2027"
    assert row["motivo_inclusao"] == "NOVO"
    assert len(row["cpf_cnpj"]) == 14 and row["cpf_cnpj"][3] == "."


def test_reasons_list_and_add(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "reasons", "add", "cancellation", "falha-rede", "Falha de rede recorrente",
                 "--isenta-multa", "--libera-periodo"]) == 0
    assert "FALHA-REDE cadastrado" in capsys.readouterr().out
    assert main(["--db", db_url, "reasons", "list", "cancellation"]) == 0
    listing = capsys.readouterr().out
    assert "FALHA-REDE" in listing and "isenta multa: sim; libera período: sim; churn: não" in listing
    assert "DESCUMPRIMENTO" in listing
    assert main(["--db", db_url, "reasons", "add", "cancellation", "FALHA-REDE", "x"]) == 2
    assert "já existe" in capsys.readouterr().err
    result = run(db_url, "reasons", "list", "inclusion")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "MIGRACAO", "MUDANCA_ENDERECO", "NOVO", "TITULARIDADE"]


def test_contracts_renew_activate_show(db_url: str, uow, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        active = make_contract(u.session, activated_on=date(2025, 1, 31))
        pre = make_contract(u.session, activated_on=None)
        u.commit()
    assert main(["--db", db_url, "contracts", "renew", str(active.number), "--date", "31/08/2026"]) == 0
    assert "renovado em 31/08/2026" in capsys.readouterr().out
    row = contracts.get_contract(uow(), active.id)
    assert (row.renewed_on, row.loyalty_expires_on, row.activated_on) == (
        date(2026, 8, 31), date(2027, 8, 31), date(2025, 1, 31))
    assert main(["--db", db_url, "contracts", "renew", "999999"]) == 2
    assert "não encontrado" in capsys.readouterr().err
    result = run(db_url, "contracts", "activate", str(pre.number), "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert "ativado em 20/11/2026" in result.stdout
    result = run(db_url, "contracts", "show", str(pre.number))
    assert "Data de ativação:         20/11/2026" in result.stdout
    assert "Pré-contrato" not in result.stdout
