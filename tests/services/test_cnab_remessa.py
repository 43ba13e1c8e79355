"""CNAB 240 remessa on real databases (SQLite and PostgreSQL): layout, totals, numbering, sent marks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import BoletoTitle
from ispdesk.domain import cnab240
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import carteiras
from ispdesk.services.cnab_remessa import export_remessa
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_plan

Uow = Callable[..., UnitOfWork]


def _setup(uow: Uow, n: int = 3) -> list[int]:
    carteiras.add_carteira(uow(), "BB1", "001", "1234", "56789", "17", "7654321", 500)
    with uow() as u:
        contract = make_contract(u.session, plan=make_plan(u.session, code="P1", price="99.90"))
        numbers = [int(make_charge(u.session, contract, date(2026, 12 - i, 10), f"{90 + i}.50").number)
                   for i in range(n)]
        u.commit()
    return numbers


def _lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    return raw.decode("ascii").split("\r\n")[:-1]


def test_remessa_layout_totals_and_marks(uow: Uow, tmp_path: Path) -> None:
    _setup(uow)
    out = tmp_path / "r.rem"
    result = export_remessa(uow(), "BB1", date(2026, 12, 3), out)
    lines = _lines(out)
    assert all(len(line) == 240 for line in lines)
    assert [ln[7] for ln in lines] == ["0", "1", "3", "3", "3", "3", "3", "3", "5", "9"]
    assert [ln[13] for ln in lines[2:8]] == ["P", "Q"] * 3
    assert lines[0][:3] == "001" and lines[0][157:163] == "000001" and lines[0][143:151] == "03122026"
    p = cnab240.parse("P", lines[2])
    # oldest due first: nosso número 7654321 + 10-digit sequence from 500
    assert lines[2][37:57].strip() == "76543210000000500" == p["nosso_numero"]
    assert lines[2][77:85] == "10102026" and cnab240.money(lines[2][85:100]) == Decimal("92.50")
    assert [cnab240.parse("P", ln)["sequencial"] for ln in lines[2:8]] == [f"{i:05d}" for i in range(1, 7)]
    values = [cnab240.money(cnab240.parse("P", ln)["valor"]) for ln in lines[2:8:2]]
    assert values == [Decimal("92.50"), Decimal("91.50"), Decimal("90.50")]
    q = cnab240.parse("Q", lines[3])
    assert q["nome"] == "MARIA DA SILVA" and q["uf"] == "SP" and q["cep"] + q["cep_sufixo"] == "01310100"
    lote = cnab240.parse("trailer_lote", lines[8])
    assert int(lote["registros"]) == 8 and int(lote["titulos"]) == 3
    assert cnab240.money(lote["valor_total"]) == Decimal("274.50") == result.total
    assert int(cnab240.parse("trailer_arquivo", lines[9])["registros"]) == 10
    with uow() as u:
        assert {t.sent_on for t in u.session.scalars(select(BoletoTitle))} == {date(2026, 12, 3)}
    with pytest.raises(BusinessRuleError, match="não tem títulos em aberto a enviar"):
        export_remessa(uow(), "BB1", date(2026, 12, 3), tmp_path / "again.rem")
    assert not (tmp_path / "again.rem").exists()


def test_next_remessa_sends_only_new_titles_and_counts_up(uow: Uow, tmp_path: Path) -> None:
    _setup(uow, 1)
    assert export_remessa(uow(), "BB1", date(2026, 12, 3), tmp_path / "a.rem").sequence == 1
    with uow() as u:
        contract = make_contract(u.session, plan=make_plan(u.session, code="P2", price="50.00"))
        make_charge(u.session, contract, date(2027, 1, 10), "50.00")
        u.commit()
    second = export_remessa(uow(), "BB1", date(2026, 12, 4), tmp_path / "b.rem")
    assert (second.sequence, second.titles, second.total) == (2, 1, Decimal("50.00"))
    lines = _lines(tmp_path / "b.rem")
    assert lines[0][157:163] == "000002" and cnab240.parse("header_lote", lines[1])["numero_remessa"] == "00000002"


def test_unwritable_output_sends_nothing(uow: Uow, tmp_path: Path) -> None:
    _setup(uow, 1)
    with pytest.raises(BusinessRuleError, match="Não foi possível gravar"):
        export_remessa(uow(), "BB1", date(2026, 12, 3), tmp_path / "missing" / "r.rem")
    with uow() as u:
        assert [t.sent_on for t in u.session.scalars(select(BoletoTitle))] == []
    assert export_remessa(uow(), "BB1", date(2026, 12, 3), tmp_path / "r.rem").sequence == 1


def test_cli(uow: Uow, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _setup(uow, 2)
    out = tmp_path / "r.rem"
    assert main(["--db", db_url, "export", "cnab-remessa", "--carteira", "BB1", "--date", "03/12/2026",
                 "--out", str(out)]) == 0
    assert "Remessa nº 1 gravada" in capsys.readouterr().out and len(_lines(out)) == 8
    assert main(["--db", db_url, "export", "cnab-remessa", "--carteira", "XX", "--out", str(out)]) == 2
    assert "não encontrada" in capsys.readouterr().err


def test_more_titles_than_a_lote_holds_open_new_lotes(uow: Uow, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from ispdesk.services import cnab_remessa

    monkeypatch.setattr(cnab_remessa, "MAX_TITLES_PER_BATCH", 2)  # the real limit is 49,999 (5-digit sequence)
    _setup(uow, 5)
    result = export_remessa(uow(), "BB1", date(2026, 12, 3), tmp_path / "r.rem")
    lines = _lines(tmp_path / "r.rem")
    assert all(len(line) == 240 for line in lines) and result.titles == 5
    assert [ln[7] for ln in lines] == list("0" + "13333" + "5" + "13333" + "5" + "133" + "5" + "9")
    lotes = [cnab240.parse("trailer_lote", ln) for ln in lines if ln[7] == "5"]
    assert [(ln["lote"], ln["titulos"], ln["registros"]) for ln in lotes] == [
        ("0001", "000002", "000006"), ("0002", "000002", "000006"), ("0003", "000001", "000004")]
    assert sum(cnab240.money(ln["valor_total"]) for ln in lotes) == result.total == Decimal("462.50")
    end = cnab240.parse("trailer_arquivo", lines[-1])
    assert (end["lotes"], end["registros"]) == ("000003", f"{len(lines):06d}")
