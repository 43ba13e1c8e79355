"""`ispdesk contracts pdf`, `contracts signed` and `report …` as a user types them."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import Contract, ContractDocument
from tests import factories


def _arrange(uow):
    with uow() as u:
        factories.set_real_company(u.session)
        customer = factories.make_customer(u.session, name="Açucena Brandão", document="52998224725")
        plan = factories.make_plan(u.session, code="FIBRA-700", price="149.90")
        pre = factories.make_contract(u.session, customer=customer, plan=plan, activated_on=None)
        active = factories.make_contract(u.session, customer=customer, plan=plan, value=Decimal("89.90"))
        factories.make_charge(u.session, active, date(2026, 11, 10), amount="89.90")
        factories.make_charge(u.session, active, date(2026, 10, 10), amount="89.90", status="paga",
                              paid_amount=Decimal("89.90"), paid_on=date(2026, 10, 9))
        u.commit()
        return pre.number, active.number


def test_contracts_pdf_subprocess(db_url, uow, tmp_path):
    pre, _ = _arrange(uow)
    out = tmp_path / "contrato.pdf"
    proc = subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, "contracts", "pdf", str(pre),
                           "--output", str(out), "--enviar"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "código de verificação" in proc.stdout and "enviado para assinatura" in proc.stdout
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Açucena Brandão" in text and "FIBRA-700" in text
    with uow() as u:
        contract = u.session.scalar(select(Contract).where(Contract.number == pre))
        assert contract.sent_for_signature_at is not None
        assert len(u.session.scalars(select(ContractDocument)).all()) == 1


def test_contracts_pdf_unknown_number_and_template(db_url, uow, tmp_path, capsys):
    pre, _ = _arrange(uow)
    assert main(["--db", db_url, "contracts", "pdf", "987654", "--output", str(tmp_path / "x.pdf")]) == 2
    assert "987654" in capsys.readouterr().err
    code = main(["--db", db_url, "contracts", "pdf", str(pre), "--output", str(tmp_path / "x.pdf"),
                 "--modelo", "inexistente"])
    assert code == 2
    assert "inexistente" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_contracts_signed_in_process(db_url, uow, capsys):
    pre, active = _arrange(uow)
    assert main(["--db", db_url, "contracts", "signed", str(pre), "--date", "20/11/2026"]) == 0
    assert "assinado e ativado em 20/11/2026" in capsys.readouterr().out
    with uow() as u:
        contract = u.session.scalar(select(Contract).where(Contract.number == pre))
        assert contract.status == "ativo" and contract.activated_on == date(2026, 11, 20)
    assert main(["--db", db_url, "contracts", "signed", str(active)]) == 2
    assert "pré-contrato" in capsys.readouterr().err


def test_report_contracts_csv_and_pdf(db_url, uow, tmp_path):
    pre, active = _arrange(uow)
    csv_path = tmp_path / "contratos.csv"
    assert main(["--db", db_url, "report", "contracts", "--format", "csv", "--output", str(csv_path),
                 "--status", "ativo"]) == 0
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["numero"] for r in rows] == [str(active)]
    assert rows[0]["valor"] == "89,90" and rows[0]["cpf_cnpj"] == "529.982.247-25"
    assert rows[0]["situacao"] == "ativo" and rows[0]["ativacao"] == "10/01/2026"
    pdf_path = tmp_path / "contratos.pdf"
    assert main(["--db", db_url, "report", "contracts", "--output", str(pdf_path)]) == 0
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Relatório de contratos" in text and "Açucena Brandão" in text and "R$ 89,90" in text
    assert "Total: 2 contratos" in text and "página 1 de 1" in text


def test_report_charges_period(db_url, uow, tmp_path):
    _arrange(uow)
    path = tmp_path / "cobrancas.csv"
    assert main(["--db", db_url, "report", "charges", "--format", "csv", "--output", str(path),
                 "--from", "01/11/2026", "--to", "30/11/2026"]) == 0
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 and rows[0]["vencimento"] == "10/11/2026" and rows[0]["situacao"] == "aberta"
    pdf = tmp_path / "cobrancas.pdf"
    assert main(["--db", db_url, "report", "charges", "--output", str(pdf)]) == 0
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "emitido R$ 179,80; recebido R$ 89,90; em aberto R$ 89,90" in text


def test_report_bad_period(db_url, tmp_path, capsys):
    code = main(["--db", db_url, "report", "cancellations", "--output", str(tmp_path / "c.pdf"),
                 "--from", "30/11/2026", "--to", "01/11/2026"])
    assert code == 2
    assert "Período inválido" in capsys.readouterr().err
