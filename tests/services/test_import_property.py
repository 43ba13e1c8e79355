"""Issue 11 item 5, as a property: random unicode / byte cells never make an import raise.

On every import path (customers, plans, contracts, payments) and both databases: every row read is
either imported or rejected with a reason, the database grows by exactly the imported rows, and the
rejects file gives back each rejected row cell for cell (extra cells too), ``motivo`` after them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ispdesk.db.models import Contract, Customer, Payment, Plan
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services.charge_io import PAYMENT_COLUMNS, import_payments
from ispdesk.services.contract_io import (
    CONTRACT_IMPORT_COLUMNS,
    PLAN_EXPORT_COLUMNS,
    import_contracts,
    import_plans,
)
from ispdesk.services.csv_import import SECRET_COLUMNS
from ispdesk.services.csv_io import read_csv
from ispdesk.services.customer_io import import_customers
from tests import factories as f

PATHS: dict[str, tuple[Callable, tuple[str, ...], type]] = {
    "customers": (import_customers, ("nome", "cpf_cnpj", "celular", "email", "data_nascimento", "uf",
                                     "hotsite_login", "hotsite_senha", "observacao"), Customer),
    "plans": (import_plans, PLAN_EXPORT_COLUMNS, Plan),
    "contracts": (import_contracts, CONTRACT_IMPORT_COLUMNS, Contract),
    "payments": (import_payments, PAYMENT_COLUMNS, Payment),
}

#: Cells that reach deep into the checks (valid keys of the arranged data) and the probe's bad cells.
PLAUSIBLE = ["529.982.247-25", "FIBRA-300", "7001", "10/11/2026", "99,90", "10", "12", "NOVO", "sim", "SP",
             "Ana Lima", "ana@example.com", "(11) 98765-4321", "01/01/1990", "senha-123", "P-1", "300"]
NASTY = ["²¹987654321", "10²³", "9" * 20, "99999999999999999999,99", "1" + "0" * 23, "\x00", "a\x00b", ";", '"',
         "\n", "\r", "\r\n", "=SOMA(1)", "'=1", "\u202etxt", "\ufeff", "٣٤٥", "1.234,567", "01/01/0001", "",
         " ", "-", "0", "-1", "NaN", "Infinity", "1e999", "\t", "\x1b[31m", "\U0001f600", "ﬁ", "ＡＢＣ", "Ⅻ"]
cells = st.one_of(
    st.sampled_from(PLAUSIBLE), st.sampled_from(NASTY), st.text(max_size=24),
    st.binary(max_size=16).map(lambda b: b.decode("latin-1")),
)


@pytest.fixture
def world(uow: Callable) -> None:
    with uow() as u:
        customer = f.make_customer(u.session, document="52998224725")
        plan = f.make_plan(u.session)
        contract = f.make_contract(u.session, customer, plan, number=7001)
        f.make_charge(u.session, contract, date(2026, 11, 10))
        u.commit()


def count(uow: Callable, model: type) -> int:
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(model)))


def blank(row: list[str] | tuple[str, ...]) -> bool:
    return not any(c.strip() for c in row)


@pytest.mark.parametrize("kind", list(PATHS))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_cells_are_imported_or_rejected_verbatim(uow, world, tmp_path: Path, kind: str, data) -> None:
    run, header, model = PATHS[kind]
    width = len(header)
    rows = data.draw(st.lists(st.lists(cells, min_size=max(1, width - 2), max_size=width + 2), min_size=1, max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    source = tmp_path / f"{kind}.csv"
    source.write_bytes(buffer.getvalue().encode("utf-8"))
    rejects = tmp_path / f"{kind}-rej.csv"
    rejects.unlink(missing_ok=True)
    before = count(uow, model)

    report = run(uow(), source, rejects)  # never raises: the header is good, so the file is usable

    parsed = read_csv(source).rows
    written = [list(r) for r in rows if not blank(r)]
    assert [list(p.cells) for p in parsed] == written
    assert report.total == len(parsed)
    assert report.imported + len(report.rejected) == report.total
    assert count(uow, model) - before == report.imported
    assert all(r.reason.strip() and "Traceback" not in r.reason for r in report.rejected)
    if not report.rejected:
        assert not rejects.exists()
        return
    got = list(csv.reader(io.StringIO(rejects.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert got[0][:width] == list(header) and got[0][-1] == "motivo"
    by_line = {p.line: list(p.cells) for p in parsed}
    assert len(got) - 1 == len(report.rejected)
    secret_at = [i for i, name in enumerate(header) if name in SECRET_COLUMNS]
    for rejected, back in zip(report.rejected, got[1:], strict=True):
        original = list(by_line[rejected.line])
        for i in secret_at:  # the network password is the one cell never written back
            if i < len(original):
                original[i] = ""
        assert back[:len(original)] == original
        assert all(c == "" for c in back[len(original):-1])
        assert back[-1] == rejected.reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_an_unusable_file(uow, tmp_path: Path, body: bytes) -> None:
    source = tmp_path / "bytes.csv"
    source.write_bytes(b"nome;cpf_cnpj;celular;email;observacao\r\n" + body)
    before = count(uow, Customer)
    try:
        report = import_customers(uow(), source, tmp_path / "rej.csv")
    except BusinessRuleError as exc:  # an encoding that is neither UTF-8 nor Windows-1252, binary data
        assert exc.message.strip()
        assert count(uow, Customer) == before
        return
    assert report.imported + len(report.rejected) == report.total
    assert count(uow, Customer) - before == report.imported
    assert all(r.reason.strip() for r in report.rejected)
