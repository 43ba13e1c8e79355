"""Carteiras de cobrança, nosso número and boleto/carnê PDFs on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import subprocess
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import BoletoTitle, Charge
from ispdesk.domain import boleto
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import boletos, carteiras
from ispdesk.services import parameters as params_service
from ispdesk.services.charge_io import export_charges
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract, make_plan

Uow = Callable[..., UnitOfWork]


def _bb(uow: Uow, code: str = "BB1", start: int = 1) -> carteiras.CarteiraRow:
    return carteiras.add_carteira(uow(), code, "001", "9999", "99999", "18", "7777777", start,
                                  "Não receber após 30 dias do vencimento.")


def _charges(uow: Uow, n: int, due: date = date(2026, 12, 10), amount: str = "99.90") -> list[Charge]:
    with uow() as u:
        contract = make_contract(u.session, plan=make_plan(u.session, code=f"P{n}{due:%m%d}", price=amount))
        out = [make_charge(u.session, contract, date(due.year + (due.month + i - 1) // 12, (due.month + i - 1) % 12 + 1,
                                                   due.day), amount) for i in range(n)]
        u.commit()
        return out


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_catalogue_add_list_and_refusals(uow: Uow, attendant: Actor) -> None:
    row = _bb(uow)
    assert (row.code, row.bank_name, row.agreement, row.next_nosso_numero) == ("BB1", "001 Banco do Brasil",
                                                                                "7777777", 1)
    carteiras.add_carteira(uow(), "sicoob", "756", "3069", "84725", "1", "225")
    assert [r.code for r in carteiras.list_carteiras(uow())] == ["BB1", "SICOOB"]
    with pytest.raises(BusinessRuleError, match="Já existe a carteira BB1"):
        _bb(uow)
    with pytest.raises(ValidationError):
        carteiras.add_carteira(uow(), "ITAU", "341", "1", "1", "1", "1")
    with pytest.raises(BusinessRuleError, match="convênio com 7 dígitos"):
        carteiras.add_carteira(uow(), "BB6", "001", "1", "1", "18", "123456")
    with pytest.raises(PermissionDenied):
        carteiras.add_carteira(uow(attendant), "X", "001", "1", "1", "18", "1234567")


def test_boleto_pdf_carries_the_linha_digitavel_and_keeps_its_nosso_numero(uow: Uow, tmp_path: Path) -> None:
    _bb(uow, start=87654)
    charge = _charges(uow, 1)[0]
    out = tmp_path / "boleto.pdf"
    _, printed = boletos.boleto_pdf(uow(), charge.number, out)
    expected = boleto.barcode("001", charge.due_date, Decimal("99.90"),
                              boleto.campo_livre(boleto.Wallet("001", "9999", "99999", "18", "7777777"), 87654))
    assert printed.barcode == expected and printed.nosso_numero == "77777770000087654"
    text = _pdf_text(out)
    assert boleto.linha_digitavel(expected) in text
    assert "77777770000087654" in text and "multa de 2% e juros de 1% ao mês" in text
    again = boletos.boleto_pdf(uow(), charge.number, tmp_path / "again.pdf")[1]
    assert again.nosso_numero == printed.nosso_numero  # printed again: same number
    assert carteiras.list_carteiras(uow())[0].next_nosso_numero == 87655


def test_printed_late_shows_the_valor_atualizado(uow: Uow, tmp_path: Path) -> None:
    _bb(uow)
    charge = _charges(uow, 1, due=date(2026, 10, 10), amount="100.00")[0]  # payable until 13/10
    _, printed = boletos.boleto_pdf(uow(), charge.number, tmp_path / "b.pdf",
                                    on=date(2026, 10, 14))
    assert printed.amount == Decimal("100.00") and printed.updated.total == Decimal("102.03")
    text = _pdf_text(tmp_path / "b.pdf")
    assert "102,03" in text and "pagável sem multa até 13/10/2026" in text


def test_two_workstations_never_get_the_same_nosso_numero(uow: Uow) -> None:
    _bb(uow)
    charges = _charges(uow, 12)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def print_some(part: list[Charge]) -> None:
        barrier.wait()
        for c in part:
            for attempt in range(20):
                try:
                    boletos.boleto_prints(uow(), [c.number])
                    break
                except Exception as exc:  # noqa: BLE001 - a serialization retry on PostgreSQL/SQLite busy
                    if attempt == 19:
                        errors.append(exc)

    threads = [threading.Thread(target=print_some, args=(charges[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with uow() as u:
        seqs = sorted(u.session.scalars(select(BoletoTitle.sequence)))
    assert seqs == list(range(1, 13))
    assert carteiras.list_carteiras(uow())[0].next_nosso_numero == 13


def test_carne_three_per_page_with_pix_qr(uow: Uow, tmp_path: Path) -> None:
    _bb(uow)
    with uow() as u:
        params_service.update(u, {"pix_chave": "financeiro@provedor.example"})
    charges = _charges(uow, 4)
    with uow() as u:
        contract_number = u.session.execute(
            select(Charge.contract_id).where(Charge.id == charges[0].id)).scalar_one()
        from ispdesk.db.models import Contract
        number = u.session.get(Contract, contract_number).number
    out = tmp_path / "carne.pdf"
    _, count = boletos.carne_pdf(uow(), number, out)
    assert count == 4
    import pypdf

    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 2
    text = _pdf_text(out)
    prints = boletos.boleto_prints(uow(), [c.number for c in charges])
    for p in prints:
        assert p.linha in text and p.pix_payload
    assert "Pague também com PIX" in text


def test_export_fills_nosso_numero(uow: Uow, tmp_path: Path) -> None:
    _bb(uow)
    charges = _charges(uow, 2)
    boletos.boleto_prints(uow(), [charges[1].number])
    out = tmp_path / "c.csv"
    export_charges(uow(), out)
    rows = {r["numero"]: r["nosso_numero"] for r in csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";")}
    assert rows == {str(charges[0].number): "", str(charges[1].number): "77777770000000001"}


def test_cli_carteiras_boleto_and_carne(uow: Uow, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    assert main(["--db", db_url, "carteiras", "add", "SICOOB", "--banco", "756", "--agencia", "3069", "--conta",
                 "84725", "--carteira", "1", "--convenio", "225"]) == 0
    assert main(["--db", db_url, "carteiras", "list"]) == 0
    assert "SICOOB\t756 Sicoob\t3069" in capsys.readouterr().out
    charge = _charges(uow, 1)[0]
    out = tmp_path / "b.pdf"
    assert main(["--db", db_url, "charges", "boleto", str(charge.number), "--out", str(out)]) == 0
    linha = capsys.readouterr().out.strip().splitlines()[-1]
    assert linha.startswith("75691.") and linha in _pdf_text(out)
    assert main(["--db", db_url, "charges", "boleto", "999999", "--out", str(out)]) == 2
    assert "não encontrada" in capsys.readouterr().err
