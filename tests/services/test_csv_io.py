"""CSV/JSON reading and writing helpers shared by every import and export (no database)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import csv_io


def test_semicolon_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("Nome;CPF/CNPJ;Observação\r\nJoão Conceição;529.982.247-25;ação\r\n".encode("cp1252"))
    table = csv_io.read_csv(path)
    assert (table.delimiter, table.encoding) == (";", "cp1252")
    assert table.header == ("nome", "cpf_cnpj", "observacao")
    assert table.raw_header == ("Nome", "CPF/CNPJ", "Observação")
    assert table.as_dict(table.rows[0]) == {"nome": "João Conceição", "cpf_cnpj": "529.982.247-25",
                                            "observacao": "ação"}
    assert table.rows[0].line == 2


def test_comma_utf8_with_bom_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes('\ufeff nome , "endereco"\n"Silva, José","Rua A, 10"\n\n"Ana","x"\n'.encode())
    table = csv_io.read_csv(path)
    assert (table.delimiter, table.encoding) == (",", "utf-8-sig")
    assert table.header == ("nome", "endereco")
    assert [r.cells for r in table.rows] == [("Silva, José", "Rua A, 10"), ("Ana", "x")]
    assert [r.line for r in table.rows] == [2, 4]


def test_utf8_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("Data de Nascimento;UF\n01/02/1990;SP\n", encoding="utf-8")
    table = csv_io.read_csv(path)
    assert table.encoding == "utf-8" and table.header == ("data_de_nascimento", "uf")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "vazio"), (b"\x00\x01\x02binary", "binário"), (b"\xef\xbb\xbf\xff\xfe", "UTF-8"),
     (b'nome;cpf\n"aberto;x\n', None)],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    if message is None:  # an unclosed quote swallows the rest: still readable, one odd row
        assert len(csv_io.read_csv(path).rows) == 1
        return
    with pytest.raises(BusinessRuleError, match=message):
        csv_io.read_csv(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match="não encontrado"):
        csv_io.read_csv(tmp_path / "nope.csv")
    with pytest.raises(BusinessRuleError, match="pasta"):
        csv_io.read_csv(tmp_path)


@pytest.mark.parametrize(("cell", "guarded"), [("=SOMA(A1)", "'=SOMA(A1)"), ("+5511", "'+5511"), ("-1", "'-1"),
                                               ("@x", "'@x"), ("Maria", "Maria"), ("", ""), ("1=2", "1=2")])
def test_formula_guard(cell: str, guarded: str) -> None:
    assert csv_io.guard_formula(cell) == guarded
    assert csv_io.unguard_formula(guarded) == cell


def test_write_csv_excel_br(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    count = csv_io.write_csv(path, ["nome", "valor"], [["=cmd|' /C calc'!A0", "1234,56"], ["Ana; Bia", None]])
    assert count == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "nome;valor\r\n'=cmd|' /C calc'!A0;1234,56\r\n\"Ana; Bia\";\r\n"
    table = csv_io.read_csv(path)
    assert table.as_dict(table.rows[0])["nome"] == "=cmd|' /C calc'!A0"


def test_formatters() -> None:
    assert csv_io.fmt_date(date(2026, 1, 5)) == "05/01/2026"
    assert csv_io.fmt_date(None) == ""
    assert csv_io.fmt_money(Decimal("1234.5")) == "1234,50"
    assert csv_io.fmt_money(Decimal("1234567.005")) == "1234567,01"
    assert csv_io.fmt_money(Decimal("-0.5")) == "-0,50"
    assert csv_io.fmt_document("52998224725") == "529.982.247-25"
    assert csv_io.fmt_document("12ABC34501DE35") == "12.ABC.345/01DE-35"


def test_json_has_the_same_keys_and_values(tmp_path: Path) -> None:
    buffer = io.StringIO()
    csv_io.write_json(buffer, ["codigo", "nome"], [["1", "=x"], ["2", None]])
    assert json.loads(buffer.getvalue()) == [{"codigo": "1", "nome": "=x"}, {"codigo": "2", "nome": ""}]
    with pytest.raises(BusinessRuleError, match="xml"):
        csv_io.write_export(tmp_path / "x", ["a"], [], fmt="xml")


_cell = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufeff"),
                max_size=12)


@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=6),
       delimiter=st.sampled_from([";", ","]))
def test_write_then_read_round_trip(rows: list[list[str]], delimiter: str) -> None:
    buffer = io.StringIO()
    csv_io.write_csv(buffer, ["a", "b", "c"], rows, delimiter=delimiter)
    table = csv_io.parse_csv_text(buffer.getvalue())
    got = [table.as_dict(r) for r in table.rows]
    expected = [dict(zip("abc", (c.strip() for c in row), strict=True)) for row in rows if any(c.strip() for c in row)]
    assert got == expected


@given(st.text(alphabet="ÁÉÍÓÚáéíóúçÇãõ -/ABCdef_", min_size=1, max_size=20))
def test_header_normalisation_is_idempotent(name: str) -> None:
    once = csv_io.normalize_header(name)
    assert csv_io.normalize_header(once) == once
    assert once == once.lower() and " " not in once
