"""Issue 11 item 5: one bad cell rejects its row — never the file, never a traceback — on every import path.

Real SQLite and PostgreSQL. The cases are the probe's: a mobile ``²¹987654321``, superscript digits in
numbers, 20-digit amounts, a 10²³ contract number, a NUL byte (PostgreSQL cannot store it), a
cell over 128 KB, files holding only ``;;;`` or ``""``, and rows with more cells than the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import Charge, Contract, Customer, Payment, Plan
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services.charge_io import import_payments
from ispdesk.services.contract_io import import_contracts, import_plans
from ispdesk.services.csv_import import ImportReport
from ispdesk.services.customer_io import import_customers
from ispdesk.services.pix_io import import_pix
from tests import factories as f

CPF = "529.982.247-25"
CONTRACT = 7001
DUE = "10/11/2026"


def write(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], delimiter: str = ";") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def read_rejects(path: Path, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=delimiter))


def count(uow: Callable, model: type) -> int:
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def world(uow: Callable) -> None:
    """A customer with CPF 529.982.247-25, plan FIBRA-300 and contract 7001 with an open charge due 10/11/2026."""
    with uow() as u:
        customer = f.make_customer(u.session, document="52998224725")
        plan = f.make_plan(u.session)
        contract = f.make_contract(u.session, customer, plan, number=CONTRACT)
        f.make_charge(u.session, contract, date(2026, 11, 10))
        u.commit()


def assert_exact(report: ImportReport, imported: int, rejected_lines: list[int]) -> None:
    assert report.imported == imported, report.summary
    assert [r.line for r in report.rejected] == rejected_lines, report.summary
    assert all(r.reason.strip() for r in report.rejected)
    assert report.imported + len(report.rejected) == report.total


# --- the probe's cells, one import path at a time ------------------------------------------------------------


def test_superscript_mobile_rejects_only_its_row(uow, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", ["nome", "cpf_cnpj", "celular", "email"], [
        ["Ana Lima", "390.533.447-05", "(11) 98765-4321", "ana@example.com"],
        ["Bruno Dias", CPF, "²¹987654321", "bruno@example.com"],
        ["Carla Reis", "111.444.777-35", "21998765432", "carla@example.com"],
    ])
    report = import_customers(uow(), path)
    assert_exact(report, 2, [3])
    assert "celular" in report.rejected[0].reason
    assert "987654321" not in report.rejected[0].reason  # the reason names the column, not the value
    assert count(uow, Customer) == 2


def test_plans_superscripts_and_twenty_digit_amounts(uow, tmp_path: Path) -> None:
    header = ["codigo", "nome", "valor", "download_mbps", "upload_mbps"]
    path = write(tmp_path / "p.csv", header, [
        ["P1", "Plano Um", "99,90", "100", "50"],
        ["P2", "Plano Dois", "99999999999999999999", "100", "50"],
        ["P3", "Plano Três", "9²9", "100", "50"],
        ["P4", "Plano Quatro", "99,90", "1²", "50"],
        ["P5", "Plano Cinco", "99,90", "99999999999999999999", "50"],
        ["P6", "Plano Seis", "79,90", "300", "150"],
    ])
    report = import_plans(uow(), path)
    assert_exact(report, 2, [3, 4, 5, 6])
    with uow() as u:
        assert sorted(u.session.scalars(select(Plan.code))) == ["P1", "P6"]


def test_contracts_bad_numbers(uow, world, tmp_path: Path) -> None:
    header = ["cpf_cnpj", "plano", "valor", "dia_vencimento", "fidelidade_meses", "motivo_inclusao"]
    path = write(tmp_path / "k.csv", header, [
        [CPF, "FIBRA-300", "99999999999999999999", "10", "12", "NOVO"],
        [CPF, "FIBRA-300", "", "1²", "12", "NOVO"],
        [CPF, "FIBRA-300", "", "10", "10²³", "NOVO"],
        [CPF, "FIBRA-300", "", "10", "100000000000000000000000", "NOVO"],
        [CPF, "FIBRA-300", "89,90", "10", "12", "NOVO"],
    ])
    before = count(uow, Contract)
    report = import_contracts(uow(), path)
    assert_exact(report, 1, [2, 3, 4, 5])
    assert count(uow, Contract) == before + 1


def test_payments_ten_to_the_23_contract_and_huge_amount(uow, world, tmp_path: Path) -> None:
    header = ["contrato", "vencimento", "valor_pago", "data_pagamento"]
    path = write(tmp_path / "pg.csv", header, [
        ["10²³", DUE, "10,00", DUE],
        ["1" + "0" * 23, DUE, "10,00", DUE],
        [str(CONTRACT), DUE, "99999999999999999999", DUE],
        [str(CONTRACT), DUE, "¹0,00", DUE],
        [str(CONTRACT), DUE, "10,00", DUE],
    ])
    report = import_payments(uow(), path)
    assert_exact(report, 1, [2, 3, 4, 5])
    assert count(uow, Payment) == 1


def test_pix_superscripts_huge_amounts_and_bad_ids_reject_their_rows(uow, world, tmp_path: Path) -> None:
    with uow() as u:
        number = u.session.scalar(select(Charge.number).join(Contract, Contract.id == Charge.contract_id)
                                  .where(Contract.number == CONTRACT))
    header = ["txid", "valor", "data_pagamento", "e2eid"]
    path = write(tmp_path / "pix.csv", header, [
        [f"ISPD{number}²", "10,00", DUE, "E1"],
        ["ISPD" + "9" * 40, "10,00", DUE, "E2"],
        [f"ISPD{number}", "99999999999999999999", DUE, "E3"],
        [f"ISPD{number}", "¹0,00", DUE, "E4"],
        [f"ISPD{number}", "10,00", DUE, "E5\x00"],
        [f"ISPD{number}", "10,00", DUE, "E" * 65],
        [f"ISPD{number}", "10,00", DUE, "E7"],
    ])
    report = import_pix(uow(), path)
    assert_exact(report, 1, [2, 3, 4, 5, 6, 7])
    assert count(uow, Payment) == 1


def test_nul_byte_past_the_first_4kb_rejects_its_row(uow, tmp_path: Path) -> None:
    rows = [[f"Cliente {n:03d} com um nome bem comprido para encher", "", f"c{n}@example.com"] for n in range(80)]
    rows.append(["Nome com \x00 nulo", "", "nulo@example.com"])
    path = write(tmp_path / "nul.csv", ["nome", "cpf_cnpj", "email"], rows)
    assert path.read_bytes().index(b"\x00") > 4096
    with uow() as u:
        from ispdesk.services import parameters

        parameters.update(u, {"cpf_cnpj_obrigatorio": False, "celular_obrigatorio": False})
    report = import_customers(uow(), path)
    assert_exact(report, 80, [82])
    assert "NUL" in report.rejected[0].reason


def test_a_cell_over_128_kb_rejects_its_row_not_the_file(uow, tmp_path: Path) -> None:
    huge = "x" * (128 * 1024 + 1)
    path = write(tmp_path / "big.csv", ["nome", "cpf_cnpj", "celular", "email", "observacao"], [
        ["Ana Lima", "390.533.447-05", "11987654321", "ana@example.com", "ok"],
        ["Bruno Dias", CPF, "11987654322", "bruno@example.com", huge],
    ])
    rejects = tmp_path / "rej.csv"
    report = import_customers(uow(), path, rejects)
    assert_exact(report, 1, [3])
    assert "128 KB" in report.rejected[0].reason and "“observacao”" in report.rejected[0].reason
    assert read_rejects(rejects)[1][4] == huge  # kept whole in the rejects file


@pytest.mark.parametrize("content", [b";;;\r\n", b'""\r\n', b";;;\r\n;;;\r\n", b'"";"";""\r\n'])
def test_a_file_without_header_is_unusable_not_a_bug(uow, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "vazio.csv"
    path.write_bytes(content)
    for run in (import_customers, import_plans, import_contracts, import_payments, import_pix):
        with pytest.raises(BusinessRuleError, match="cabeçalho"):
            run(uow(), path)


def test_rejects_keep_extra_cells_and_put_motivo_after_them(uow, tmp_path: Path) -> None:
    header = ["nome", "cpf_cnpj", "celular", "email"]
    extra = ["Ana Lima", "390.533.447-05", "11987654321", "ana@example.com", "sobrou", "", "também"]
    short = ["Bia"]
    path = write(tmp_path / "x.csv", header, [extra, short])
    rejects = tmp_path / "rej.csv"
    report = import_customers(uow(), path, rejects)
    assert_exact(report, 0, [2, 3])
    got = read_rejects(rejects)
    assert got[0] == [*header, "", "", "", "motivo"]
    assert got[1][:7] == extra and got[1][7] == report.rejected[0].reason
    assert got[2][:1] == short and got[2][1:7] == [""] * 6 and got[2][7] == report.rejected[1].reason


def test_rows_the_database_refuses_are_rejected_alone(uow, world, tmp_path: Path) -> None:
    """A value only the database catches (a contract value past BIGINT centavos) fails at write time:
    that row is found under savepoints and rejected, the 300 others are written in the same transaction."""
    header = ["cpf_cnpj", "plano", "valor", "dia_vencimento", "motivo_inclusao"]
    rows = [[CPF, "FIBRA-300", "89,90", "10", "NOVO"] for _ in range(300)]
    rows.insert(150, [CPF, "FIBRA-300", "99999999999999999999", "10", "NOVO"])
    before = count(uow, Contract)
    report = import_contracts(uow(), write(tmp_path / "k.csv", header, rows))
    assert_exact(report, 300, [152])
    assert count(uow, Contract) == before + 300
    with uow() as u:  # numbers stay consecutive: the refused attempts gave theirs back
        numbers = sorted(u.session.scalars(select(Contract.number).where(Contract.number != CONTRACT)))
        assert numbers == list(range(numbers[0], numbers[0] + 300))


def test_every_import_command_is_covered(uow) -> None:
    """Each `import` subcommand of the CLI is one of the paths tested above (CNAB's fixed-width lines are
    refused or rejected line by line in tests/services/test_cnab_retorno.py)."""
    from ispdesk.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.dest == "command")  # noqa: SLF001
    import_parser = sub.choices["import"]
    actions = next(a for a in import_parser._subparsers._group_actions if a.dest == "subcommand")  # noqa: SLF001
    assert set(actions.choices) == {"customers", "plans", "contracts", "payments", "pix", "cnab"}


def test_charges_untouched_by_rejected_payments(uow, world, tmp_path: Path) -> None:
    path = write(tmp_path / "pg.csv", ["contrato", "vencimento", "valor_pago", "data_pagamento"],
                 [[str(CONTRACT), DUE, "99999999999999999999,99", DUE]])
    report = import_payments(uow(), path)
    assert_exact(report, 0, [2])
    with uow() as u:
        assert u.session.scalar(select(Charge.paid_amount)) == 0
