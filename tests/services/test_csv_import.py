"""Customer CSV import/export through the shared pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ispdesk.db import migrate
from ispdesk.db.models import AuditEntry, Customer
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params_service
from ispdesk.services.bootstrap import ensure_reference_data
from ispdesk.services.customer_io import EXPORT_COLUMNS, IMPORT_COLUMNS, export_customers, import_customers
from ispdesk.services.uow import UnitOfWorkFactory
from ispdesk.services.users import verify_password

HEADER = ["nome", "cpf_cnpj", "celular", "email", "data_nascimento", "uf", "hotsite_login", "hotsite_senha"]


def write(path: Path, rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "cp1252",
          header: Sequence[str] = HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def count(uow) -> int:
    with uow() as u:
        return u.session.scalar(select(func.count()).select_from(Customer))


def read_rejects(path: Path, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter))


GOOD = [
    ["João Conceição", "529.982.247-25", "(11) 98765-4321", "joao@example.com", "17/05/1980", "SP", "joao", "segredo1"],
    ["Ação Telecom Ltda", "11.222.333/0001-81", "21998765432", "contato@acao.com.br", "", "rj", "", ""],
]


def test_excel_br_file_all_imported(uow, tmp_path: Path) -> None:
    path = write(tmp_path / "clientes.csv", GOOD)
    report = import_customers(uow(), path)
    assert (report.total, report.imported, report.rejected, report.exit_code) == (2, 2, [], 0)
    assert "2 importadas" in report.summary
    rows = cs.search_customers(uow(), "")
    assert [r.name for r in rows] == ["Ação Telecom Ltda", "João Conceição"]
    joao = cs.get_customer(uow(), rows[1].id)
    assert (joao.document, joao.birth_date.isoformat(), joao.person_type, joao.portal_login) == (
        "52998224725", "1980-05-17", "F", "joao")
    with uow() as u:
        stored = u.session.get(Customer, joao.id)
        assert verify_password(stored.portal_password_hash, "segredo1")
        audits = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "customer")).all()
    creates = [a for a in audits if a.action == "create"]
    assert len(creates) == 2 and all(a.actor == "admin" for a in creates)
    assert any(json.loads(a.changes).get("hotsite_senha") == [None, "***"] for a in creates)
    assert "segredo1" not in "".join(a.changes for a in audits)
    assert [a.action for a in audits if a.action == "import"] == ["import"]


def test_imported_customers_are_found_by_any_word(uow, tmp_path: Path) -> None:
    """The import writes the word index in the same transaction: surnames find imported rows."""
    import_customers(uow(), write(tmp_path / "clientes.csv", GOOD))
    assert [r.name for r in cs.search_customers(uow(), "conceicao")] == ["João Conceição"]
    assert [r.name for r in cs.search_customers(uow(), "telecom acao")] == ["Ação Telecom Ltda"]


def test_demo_customers_are_found_by_any_word(uow, factory) -> None:
    """`ispdesk demo` writes the word index too (its own fast path)."""
    from ispdesk.services.demo import generate_demo

    generate_demo(factory, 50, seed=5)
    rows = cs.search_customers(uow(), "", limit=50)
    assert len(rows) == 50
    for row in rows[:10]:
        last_word = row.name.split()[-1]
        assert row.id in {r.id for r in cs.search_customers(uow(), last_word, limit=50)}, row.name


def test_comma_utf8_bom_file(uow, tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", GOOD, delimiter=",", encoding="utf-8-sig")
    assert import_customers(uow(), path).imported == 2
    assert cs.search_customers(uow(), "acao")[0].name == "Ação Telecom Ltda"


def test_rejects_written_verbatim_with_reason(uow, tmp_path: Path) -> None:
    rows = [
        GOOD[0],
        ["Maria  Silva", "529.982.247-25", "11987654321", "maria@example.com", "", "SP", "", ""],  # dup in file
        [" Zé ", "123", "(11) 98765-4321", "ze@example.com", "", "XX", "", ""],
        ["=HYPERLINK()", "111.444.777-35", "11987654321", "x@y.com", "31/02/1990", "SP", "", ""],
        ["Mesmo Login", "390.533.447-05", "11987654321", "sem@cel.com", "", "SP", "joao", "segredo1"],
        ["Sem Celular", "987.654.321-00", "", "sem@cel.com", "", "SP", "", ""],
    ]
    rows = [[*r, f"extra {i}"] for i, r in enumerate(rows)]
    path = write(tmp_path / "in.csv", rows, header=[*HEADER, "coluna_extra"])
    rejects = tmp_path / "rej.csv"
    report = import_customers(uow(), path, rejects)
    assert (report.imported, len(report.rejected), report.exit_code) == (1, 5, 1)
    assert report.unknown_columns == ["coluna_extra"]
    assert "coluna_extra" in report.summary and str(rejects) in report.summary
    got = read_rejects(rejects)
    assert got[0] == [*HEADER, "coluna_extra", "motivo"]
    assert [g[:-1] for g in got[1:]] == [r for r in rows[1:]]  # original cells (spaces, '=' …) untouched
    reasons = [g[-1] for g in got[1:]]
    assert "repetido no arquivo" in reasons[0] and "linha 2" in reasons[0]
    assert "nem CNPJ" in reasons[1] and "UF" in reasons[1]
    assert "Data de nascimento inválida" in reasons[2]
    assert "Login do hotsite joao repetido no arquivo" in reasons[3]
    assert "Telefone celular obrigatório" in reasons[4]
    assert [r.line for r in report.rejected] == [3, 4, 5, 6, 7]
    assert count(uow) == 1


def test_rejects_keep_the_source_delimiter_and_replace_an_old_motivo(uow, tmp_path: Path) -> None:
    path = write(tmp_path / "again.csv", [["", "529.982.247-25", "11987654321", "a@b.com", "", "SP", "", "", "velho"]],
                 delimiter=",", encoding="utf-8", header=[*HEADER, "motivo"])
    rejects = tmp_path / "rej2.csv"
    report = import_customers(uow(), path, rejects)
    assert report.unknown_columns == []
    got = read_rejects(rejects, ",")
    assert got[0] == [*HEADER, "motivo"]
    assert "Informe o nome" in got[1][-1]


def test_duplicate_of_an_existing_customer_is_rejected(uow, tmp_path: Path) -> None:
    first = cs.create_customer(uow(), cs.CustomerDraft(name="Já Cadastrado", document="52998224725",
                                                        email="a@b.com", mobile="11987654321")).customer
    report = import_customers(uow(), write(tmp_path / "d.csv", GOOD))
    assert report.imported == 1
    assert f"código {first.code}" in report.rejected[0].reason and "Já Cadastrado" in report.rejected[0].reason


def test_duplicates_allowed_by_parameter_import_with_a_warning(uow, tmp_path: Path) -> None:
    params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
    rows = [GOOD[1], [*GOOD[1][:6], "", ""]]
    report = import_customers(uow(), write(tmp_path / "d.csv", rows))
    assert report.imported == 2 and report.exit_code == 0
    report = import_customers(uow(), write(tmp_path / "d2.csv", [GOOD[1]]))
    assert report.imported == 1 and report.warnings and "já cadastrado" in report.warnings[0]


@pytest.mark.parametrize("header", [["cpf_cnpj", "celular"], ["nome", "celular", "email"]])
def test_missing_required_column_imports_nothing(uow, tmp_path: Path, header: list[str]) -> None:
    path = write(tmp_path / "x.csv", [["a"] * len(header)], header=header)
    with pytest.raises(BusinessRuleError, match="obrigatória") as info:
        import_customers(uow(), path, tmp_path / "rej.csv")
    missing = {"nome", "cpf_cnpj"} - set(header)
    assert all(m in info.value.message for m in missing)
    assert count(uow) == 0 and not (tmp_path / "rej.csv").exists()


def test_common_header_names_from_other_systems(uow, tmp_path: Path) -> None:
    header = ["Razão Social", "CPF", "Celular", "E-mail", "Data de Nascimento", "Estado", "Obs"]
    row = ["Ana Lúcia", "529.982.247-25", "11987654321", "ana@example.com", "02/03/1985", "SP", "via alias"]
    report = import_customers(uow(), write(tmp_path / "alias.csv", [row], header=header))
    assert report.exit_code == 0 and report.unknown_columns == [], report.summary
    ana = cs.get_customer(uow(), cs.search_customers(uow(), "ana")[0].id)
    assert (ana.name, ana.document, ana.email, ana.state, ana.notes) == (
        "Ana Lúcia", "52998224725", "ana@example.com", "SP", "via alias")
    assert ana.birth_date.isoformat() == "1985-03-02"


def test_cpf_column_optional_when_the_parameter_says_so(uow, tmp_path: Path) -> None:
    params_service.update(uow(), {"cpf_cnpj_obrigatorio": False})
    path = write(tmp_path / "x.csv", [["Sem Documento", "11987654321", "s@d.com"]], header=["nome", "celular", "email"])
    assert import_customers(uow(), path).imported == 1


def test_import_needs_permission(uow, attendant, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_customers(uow(attendant), write(tmp_path / "x.csv", GOOD))


def test_cancel_imports_nothing(uow, tmp_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match="cancelada"):
        import_customers(uow(), write(tmp_path / "x.csv", GOOD), cancelled=lambda: True)
    assert count(uow) == 0


def test_export_columns_and_formats(uow, tmp_path: Path) -> None:
    import_customers(uow(), write(tmp_path / "in.csv", GOOD))
    with uow() as u:
        u.session.get(Customer, cs.search_customers(uow(), "joao")[0].id).notes = "=1+1"
        u.commit()
    out = tmp_path / "out.csv"
    assert export_customers(uow(), out) == 2
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"segredo" not in data and b"argon2" not in data
    rows = read_rejects(out)
    assert rows[0] == list(EXPORT_COLUMNS)
    assert "hotsite_senha" not in rows[0]
    assert set(EXPORT_COLUMNS) == {"codigo", "status"} | (set(IMPORT_COLUMNS) - {"hotsite_senha"})
    joao = dict(zip(rows[0], rows[1], strict=True))
    assert joao["cpf_cnpj"] == "529.982.247-25" and joao["data_nascimento"] == "17/05/1980"
    assert joao["celular"] == "(11) 98765-4321" and joao["observacao"] == "'=1+1"
    assert joao["codigo"] == "1" and joao["status"] == "ativo"
    jout = tmp_path / "out.json"
    export_customers(uow(), jout, "json")
    items = json.loads(jout.read_text(encoding="utf-8"))
    assert list(items[0]) == list(EXPORT_COLUMNS)
    assert items[0]["observacao"] == "=1+1" and items[0]["cpf_cnpj"] == "529.982.247-25"


def test_export_needs_permission(uow, attendant, finance, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        export_customers(uow(attendant), tmp_path / "x.csv")
    assert export_customers(uow(finance), tmp_path / "x.csv") == 0


def test_export_then_import_round_trip(uow, tmp_path: Path) -> None:
    rows = [
        [*GOOD[0][:4], "17/05/1980", "SP", "joao", "segredo1"],
        ["-Hífen Inicial", "12.ABC.345/01DE-35", "+55 (31) 99123-4567", "c@d.com.br", "", "MG", "", ""],
    ]
    import_customers(uow(), write(tmp_path / "in.csv", rows))
    first = tmp_path / "first.csv"
    export_customers(uow(), first)
    target = tmp_path / "other.sqlite3"
    other = UnitOfWorkFactory.from_url(f"sqlite:///{target}")
    try:
        migrate.upgrade(other.engine, backup=False)
        ensure_reference_data(other)
        from ispdesk.services.uow import Actor

        actor = Actor.for_role("admin", "administrador")
        report = import_customers(other(actor), first)
        assert report.exit_code == 0, report.summary
        second = tmp_path / "second.csv"
        export_customers(other(actor), second)
    finally:
        other.dispose()
    assert read_rejects(first) == read_rejects(second)
    assert "'-Hífen Inicial" in first.read_text(encoding="utf-8-sig")


_values = {
    "nome": st.sampled_from(["Ana Lúcia", "", "  José  ", "=SOMA(1)", "Çá"]),
    "cpf_cnpj": st.sampled_from(["529.982.247-25", "11144477735", "12.ABC.345/01DE-35", "123", "", "390.533.447-05"]),
    "celular": st.sampled_from(["(11) 98765-4321", "1198765432", "", "+55 21 99876-5432"]),
    "email": st.sampled_from(["a@b.com", "x@", "", "Maria@Ex.COM"]),
    "data_nascimento": st.sampled_from(["", "01/01/1990", "31/02/1990", "2000-01-01", "01/01/2999"]),
    "uf": st.sampled_from(["SP", "sp", "XX", ""]),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(_values), min_size=1, max_size=8))
def test_every_row_is_imported_or_rejected_verbatim(uow, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    header = list(_values)
    before = count(uow)
    path = write(tmp_path / "h.csv", [[r[c] for c in header] for r in rows], header=header, encoding="utf-8")
    rejects = tmp_path / "h-rej.csv"
    rejects.unlink(missing_ok=True)
    report = import_customers(uow(), path, rejects)
    meaningful = [r for r in rows if any(v.strip() for v in r.values())]
    assert report.imported + len(report.rejected) == report.total == len(meaningful)
    assert count(uow) - before == report.imported
    if report.rejected:
        got = read_rejects(rejects)
        lines = {r.line for r in report.rejected}
        expected = [[r[c] for c in header] for i, r in enumerate(rows) if i + 2 in lines]
        assert [g[:-1] for g in got[1:]] == expected
        assert all(g[-1] for g in got[1:])
    else:
        assert not rejects.exists()


def test_failed_write_leaves_no_rejects_file_and_nothing_imported(uow, tmp_path: Path, monkeypatch) -> None:
    from ispdesk.services import customer_io

    rows = [GOOD[0], [" Zé ", "123", "(11) 98765-4321", "ze@example.com", "", "XX", "", ""]]
    path = write(tmp_path / "in.csv", rows)
    rejects = tmp_path / "rej.csv"

    def broken_write(self, uow, accepted):  # noqa: ANN001, ANN202
        # a fault of the database, not of a row (a row the database refuses is rejected alone instead)
        raise OperationalError("INSERT", {}, Exception("disco cheio"))

    monkeypatch.setattr(customer_io.CustomerImporter, "write", broken_write)
    with pytest.raises(OperationalError, match="disco cheio"):
        import_customers(uow(), path, rejects)
    assert not rejects.exists()
    assert count(uow) == 0
