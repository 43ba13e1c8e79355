"""CNAB 240 retorno on real databases (SQLite and PostgreSQL): settles by nosso número, once, restores access."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import Charge, Contract, Payment, PaymentLine
from ispdesk.domain import cnab240
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import access, carteiras, cnab_retorno, late_fees
from ispdesk.services.cnab_remessa import export_remessa
from ispdesk.services.cnab_retorno import import_cnab, read_titles
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_plan

Uow = Callable[..., UnitOfWork]


def _charge(uow: Uow, due: date, amount: str = "100.00") -> Charge:
    with uow() as u:
        contract = make_contract(u.session, plan=make_plan(u.session, code=f"PL-{due:%Y%m%d}", price=amount))
        charge = make_charge(u.session, contract, due, amount)
        u.commit()
        return charge


def _nossos(path: Path) -> dict[int, str]:
    """Charge number → nosso número, read back from the remessa's segments P."""
    lines = path.read_bytes().decode("ascii").split("\r\n")
    return {int(p["numero_documento"]): p["nosso_numero"]
            for p in (cnab240.parse("P", ln) for ln in lines if len(ln) == 240 and ln[13] == "P")}


def _retorno(path: Path, titles: list[tuple[str, str, str, str, date | None]]) -> Path:
    """titles: (nosso número, occurrence, paid, late, paid on)."""
    records = [cnab240.return_records("001", 1 + 2 * i, nn, occ, Decimal(paid), Decimal(paid), Decimal(late), on)
               for i, (nn, occ, paid, late, on) in enumerate(titles)]
    path.write_bytes(cnab240.return_file("001", records, date(2026, 11, 20)).encode("ascii"))
    return path


@pytest.mark.parametrize("chunk", [500, 2])  # 2: bulk look-ups and session trimming in several rounds
def test_retorno_settles_once_rejects_the_rest_and_restores_access(
    uow: Uow, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(cnab_retorno, "_CHUNK", chunk)
    carteiras.add_carteira(uow(), "BB1", "001", "1234", "56789", "17", "7654321")
    late = _charge(uow, date(2026, 10, 10))  # Saturday: payable until 13/10
    on_time = _charge(uow, date(2026, 11, 10))
    partial = _charge(uow, date(2026, 11, 16))
    over = _charge(uow, date(2026, 11, 17))
    clock.day = date(2026, 10, 1)
    export_remessa(uow(), "BB1", clock.day, tmp_path / "r.rem")
    nn = _nossos(tmp_path / "r.rem")
    for day in (date(2026, 10, 14), date(2026, 11, 14)):  # the ladder blocks the late one
        clock.day = day
        access.run_suspension(uow(), day)
    with uow() as u:
        assert u.session.get(Contract, late.contract_id).access_status == "bloqueado"
    clock.day = date(2026, 11, 20)
    due_late = late_fees.show_charge(uow(), late.number, date(2026, 11, 19)).updated.total
    assert due_late > Decimal("100.00")
    ret = _retorno(tmp_path / "RET001.ret", [
        (nn[late.number], "06", str(due_late), str(due_late - Decimal("100.00")), date(2026, 11, 19)),
        (nn[on_time.number], "06", "100.00", "0", date(2026, 11, 10)),
        (nn[partial.number], "06", "40.00", "0", date(2026, 11, 16)),
        (nn[partial.number], "02", "0", "0", None),  # entrada confirmada: no payment
        ("76543219999999999", "06", "10.00", "0", date(2026, 11, 16)),  # not ours
        (nn[over.number], "06", "500.00", "0", date(2026, 11, 17)),  # more than the balance
    ])
    report = import_cnab(uow(), ret)
    assert (report.settled, len(report.rejected), report.already, report.other) == (3, 2, 0, 1)
    assert report.summary.splitlines()[-1] == "cnab: 3 liquidados, 2 rejeitados, 0 já importados"
    rejects = tmp_path / "RET001.rejeitados.csv"
    assert report.rejects_path == str(rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["nosso_numero"] for r in rows] == ["76543219999999999", nn[over.number]]
    assert "não é de nenhum boleto" in rows[0]["motivo"] and "maior que o saldo" in rows[1]["motivo"]
    with uow() as u:
        statuses = {c.number: c.status for c in u.session.scalars(select(Charge))}
        assert statuses[late.number] == "paga" and statuses[on_time.number] == "paga"
        assert statuses[partial.number] == "aberta" and statuses[over.number] == "aberta"
        assert u.session.get(Charge, partial.id).paid_amount == Decimal("40.00")
        assert u.session.get(Contract, late.contract_id).access_status == "normal"  # restored at once
        parts = {line.part for line in u.session.scalars(select(PaymentLine).where(PaymentLine.charge_id == late.id))}
        assert parts >= {"principal", "multa", "juros"}  # late amounts as their own lines
        payments = list(u.session.scalars(select(Payment)))
        assert len(payments) == 3 and all(p.external_id.startswith("CNAB001-") for p in payments)
    again = import_cnab(uow(), ret)
    assert (again.settled, again.already) == (0, 3)
    assert again.summary.splitlines()[-1] == "cnab: 0 liquidados, 2 rejeitados, 3 já importados"
    with uow() as u:
        assert len(list(u.session.scalars(select(Payment)))) == 3
        assert u.session.get(Charge, partial.id).paid_amount == Decimal("40.00")


def test_unusable_files_import_nothing(uow: Uow, tmp_path: Path) -> None:
    bad = tmp_path / "x.ret"
    bad.write_text("txid;valor\n", encoding="utf-8")
    with pytest.raises(BusinessRuleError, match="não é um arquivo de retorno CNAB 240"):
        import_cnab(uow(), bad)
    bad.write_text("0" * 400 + "\r\n", encoding="ascii")
    with pytest.raises(BusinessRuleError, match="CNAB 400"):
        import_cnab(uow(), bad)
    with pytest.raises(BusinessRuleError, match="Não foi possível ler"):
        import_cnab(uow(), tmp_path / "missing.ret")


def test_cli_last_line_and_exit_codes(uow: Uow, db_url: str, clock: FixedClock, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    carteiras.add_carteira(uow(), "BB1", "001", "1234", "56789", "17", "7654321")
    charge = _charge(uow, date(2026, 11, 10))
    clock.day = date(2026, 11, 1)
    export_remessa(uow(), "BB1", clock.day, tmp_path / "r.rem")
    nn = _nossos(tmp_path / "r.rem")[charge.number]
    ret = _retorno(tmp_path / "a.ret", [(nn, "06", "100.00", "0", date(2026, 11, 10))])
    assert main(["--db", db_url, "import", "cnab", str(ret), "--date", "20/11/2026"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "cnab: 1 liquidados, 0 rejeitados, 0 já importados"
    ret2 = _retorno(tmp_path / "b.ret", [("1", "06", "1.00", "0", date(2026, 11, 10))])
    assert main(["--db", db_url, "import", "cnab", str(ret2), "--date", "20/11/2026"]) == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == "cnab: 0 liquidados, 1 rejeitados, 0 já importados"
    assert (tmp_path / "b.rejeitados.csv").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nn=st.text("0123456789", min_size=1, max_size=20), occ=st.sampled_from(["02", "06", "09", "17"]),
       paid=st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2),
       late=st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2),
       on=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_records_read_back(tmp_path_factory: pytest.TempPathFactory, nn: str, occ: str, paid: Decimal,
                           late: Decimal, on: date) -> None:
    path = tmp_path_factory.mktemp("r") / "p.ret"
    t, u = cnab240.return_records("756", 1, nn, occ, paid, paid, late, on)
    path.write_bytes(cnab240.return_file("756", [(t, u)], on).encode("ascii"))
    titles, bad = read_titles(path)
    assert bad == [] and len(titles) == 1
    got = titles[0]
    assert (got.bank, got.nosso_numero, got.movement, got.paid, got.late) == ("756", nn, occ, paid, late)
    assert cnab240.parse_day(got.paid_on_text) == on


def test_two_stations_import_the_same_retorno_at_once(uow: Uow, clock: FixedClock, tmp_path: Path) -> None:
    import threading

    carteiras.add_carteira(uow(), "BB1", "001", "1234", "56789", "17", "7654321")
    charges = [_charge(uow, date(2026, 11, 10 + i)) for i in range(6)]
    clock.day = date(2026, 11, 1)
    export_remessa(uow(), "BB1", clock.day, tmp_path / "r.rem")
    nn = _nossos(tmp_path / "r.rem")
    clock.day = date(2026, 11, 20)
    ret = _retorno(tmp_path / "a.ret", [(nn[c.number], "06", "60.00", "0", date(2026, 11, 18)) for c in charges])
    barrier = threading.Barrier(2, timeout=30)
    reports = []
    errors: list[BaseException] = []

    def station(n: int) -> None:
        try:
            barrier.wait()
            reports.append(import_cnab(uow(), ret, tmp_path / f"rej{n}.csv"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(r.settled for r in reports) == [0, 6] and sum(r.already for r in reports) == 6
    with uow() as u:
        assert len(list(u.session.scalars(select(Payment)))) == 6
        assert {c.paid_amount for c in u.session.scalars(select(Charge))} == {Decimal("60.00")}
