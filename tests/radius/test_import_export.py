"""Contract import columns ``pppoe_login`` / ``pppoe_senha`` and the export's ``pppoe_login`` (never the password)."""

from __future__ import annotations

from pathlib import Path

from ispdesk.services import contract_io, network, radius
from tests.factories import make_customer, make_plan
from tests.radius.helpers import Uow, with_tables


def test_import_takes_login_and_password_and_export_never_shows_the_password(uow: Uow, tmp_path: Path) -> None:
    with_tables(uow)
    with uow() as u:
        a, b, c = (make_customer(u.session, name=n) for n in ("Ana Lima", "Bruno Reis", "Carla Dias"))
        make_plan(u.session, "FIBRA-100", download_mbps=100, upload_mbps=50)
        u.commit()
        docs = [a.document, b.document, c.document]
    src = tmp_path / "contratos.csv"
    src.write_text("cpf_cnpj;plano;dia_vencimento;motivo_inclusao;pppoe_login;pppoe_senha\n"
                   f"{docs[0]};FIBRA-100;10;NOVO;ana.lima;SenhaAna123\n"
                   f"{docs[1]};FIBRA-100;10;NOVO;ANA.LIMA;SenhaDup999\n"
                   f"{docs[2]};FIBRA-100;10;NOVO;carla dias;SenhaCarla1\n", encoding="utf-8")
    rejects = tmp_path / "rej.csv"
    report = contract_io.import_contracts(uow(), src, rejects)
    assert report.imported == 1 and len(report.rejected) == 2, report.rejected
    text = rejects.read_text(encoding="utf-8-sig")
    assert "Login de rede inválido" in text and "SenhaDup999" not in text and "SenhaCarla1" not in text
    assert radius.status(uow(), "ana.lima").lines() == [
        "grupo: plano_FIBRA-100", "Cleartext-Password := SenhaAna123", "Mikrotik-Rate-Limit := 50M/100M"]
    out = tmp_path / "export.csv"
    contract_io.export_contracts(uow(), out)
    exported = out.read_text(encoding="utf-8-sig")
    header = exported.splitlines()[0]
    assert header.endswith("pppoe_login") and "ana.lima" in exported and "SenhaAna123" not in exported
    number = int(exported.splitlines()[1].split(";")[0].strip('"'))
    assert network.identity(uow(), number).login == "ana.lima"
