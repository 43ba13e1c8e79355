"""``ispdesk import customers``, ``export customers`` and ``demo`` as a user types them."""

from __future__ import annotations

import csv
import getpass
import io
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, inspect, select

from ispdesk.cli.main import main
from ispdesk.db.models import AuditEntry, Customer
from ispdesk.domain.contact import VALID_DDDS, normalize_email, normalize_mobile
from ispdesk.domain.documents import validate_document
from ispdesk.services import customers as cs

HEADER = "nome;cpf_cnpj;celular;email;uf\r\n"
GOOD = "João Conceição;529.982.247-25;(11) 98765-4321;joao@example.com;SP\r\n"
BAD = "Sem Documento;;(11) 98765-4321;x@example.com;SP\r\n"


def cli(db_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], input=stdin,
                          capture_output=True, text=True, timeout=180)


def count(factory, admin) -> int:
    with factory(admin) as uow:
        return uow.session.scalar(select(func.count()).select_from(Customer))


def test_import_exit_codes_subprocess(db_url, factory, admin, tmp_path: Path) -> None:
    ok = tmp_path / "ok.csv"
    ok.write_bytes((HEADER + GOOD).encode("cp1252"))
    done = cli(db_url, "import", "customers", str(ok))
    assert done.returncode == 0, done.stderr
    assert "1 importada, 0 rejeitadas" in done.stdout

    partial = tmp_path / "partial.csv"
    partial.write_bytes((HEADER + BAD + GOOD.replace("529.982.247-25", "111.444.777-35")).encode("cp1252"))
    rejects = tmp_path / "rej.csv"
    done = cli(db_url, "import", "customers", str(partial), "--rejects", str(rejects))
    assert done.returncode == 1, done.stderr
    assert "linha 2" in done.stdout and str(rejects) in done.stdout
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "nome;cpf_cnpj;celular;email;uf;motivo"
    assert lines[1].startswith(BAD.strip() + ";") and "CPF ou o CNPJ" in lines[1]

    unusable = tmp_path / "unusable.csv"
    unusable.write_text("nome;celular\r\nAna;11987654321\r\n", encoding="utf-8")
    done = cli(db_url, "import", "customers", str(unusable))
    assert done.returncode == 2 and "cpf_cnpj" in done.stderr
    done = cli(db_url, "import", "customers", str(tmp_path / "missing.csv"))
    assert done.returncode == 2 and "não encontrado" in done.stderr
    assert count(factory, admin) == 2


def test_import_in_process_and_audit_actor(db_url, factory, admin, tmp_path: Path, capsys) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(("\ufeff" + HEADER.replace(";", ",") + GOOD.replace(";", ",")).encode("utf-8"))
    assert main(["--db", db_url, "import", "customers", str(path)]) == 0
    assert "1 importada" in capsys.readouterr().out
    with factory(admin) as uow:
        actors = set(uow.session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "customer")))
    assert actors == {f"cli:{getpass.getuser()}"}


def test_export_stdout_file_and_json(db_url, factory, admin, tmp_path: Path, capsys) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + GOOD).encode("cp1252"))
    assert main(["--db", db_url, "import", "customers", str(path)]) == 0
    capsys.readouterr()
    done = cli(db_url, "export", "customers")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout), delimiter=";"))
    assert rows[0]["nome"] == "João Conceição" and rows[0]["cpf_cnpj"] == "529.982.247-25"
    assert rows[0]["codigo"] == "1" and "hotsite_senha" not in rows[0]
    out = tmp_path / "clientes.json"
    assert main(["--db", db_url, "export", "customers", "--format", "json", "--output", str(out)]) == 0
    assert "1 cliente exportado" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))[0] == rows[0]
    csv_out = tmp_path / "clientes.csv"
    assert main(["--db", db_url, "export", "customers", "-o", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_demo_generates_realistic_valid_customers(db_url, factory, admin, capsys) -> None:
    assert main(["--db", db_url, "demo", "--customers", "2000", "--seed", "3"]) == 0
    assert "2.000 clientes" in capsys.readouterr().out
    with factory(admin) as uow:
        customers = uow.session.scalars(select(Customer).order_by(Customer.code)).all()
    assert [c.code for c in customers] == list(range(1, 2001))
    assert len({c.document for c in customers}) == 2000
    for c in customers:
        doc, person_type = validate_document(c.document)
        assert (doc, person_type.value) == (c.document, c.person_type)
        assert normalize_mobile(c.mobile) == c.mobile and int(c.mobile[:2]) in VALID_DDDS
        assert normalize_email(c.email) == c.email
        assert len(c.cep) == 8 and c.state in cs.UFS and c.name_folded and c.email_folded == c.email
    assert any(ch in "".join(c.name for c in customers) for ch in "ãáéíóúçêô")
    assert {"F", "J"} <= {c.person_type for c in customers}
    # The demo data passes the same rules as the form (nothing to fix when a customer is edited).
    for customer in customers[:100]:
        sample = cs.get_customer(factory(admin), customer.id)
        assert cs.check_draft(factory(admin), sample.to_draft(), sample.id) == ({}, []), sample
    # A second run continues the codes and never repeats a document.
    assert main(["--db", db_url, "demo", "--customers", "20"]) == 0
    with factory(admin) as uow:
        assert uow.session.scalar(select(func.count(func.distinct(Customer.document)))) == 2020
        assert uow.session.scalar(select(func.max(Customer.code))) == 2020


def test_demo_cancel_writes_nothing(factory, admin) -> None:
    from ispdesk.services.demo import generate_demo

    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    assert generate_demo(factory, 12000, cancelled=cancelled, actor=admin) == 0
    assert count(factory, admin) == 0
    indexes = {i["name"] for i in inspect(factory.engine).get_indexes("customers")}
    assert {"ix_customers_name_folded", "ix_customers_document", "ix_customers_mobile"} <= indexes
    assert generate_demo(factory, 10, actor=admin, seed=1) == 10
    assert cs.search_customers(factory(admin), "")
