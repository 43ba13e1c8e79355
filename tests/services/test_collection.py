"""Business days and late amounts on real databases: the issue's example, payments, numbers, export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ispdesk.db.models import Charge, Notice, PaymentLine
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import ValidationError
from ispdesk.services import access, business_days, charges, late_fees
from ispdesk.services import parameters as params_service
from ispdesk.services.charge_io import CHARGE_EXPORT_COLUMNS, export_charges, import_payments
from ispdesk.services.payments import record_payment, reverse_payment
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_plan

Uow = Callable[..., UnitOfWork]
SATURDAY = date(2026, 10, 10)  # 12/10 is a national holiday → payable until Tuesday 13/10


def _charge(uow: Uow, due: date = SATURDAY, amount: str = "100.00") -> Charge:
    with uow() as u:
        code = f"PLANO-{due:%Y%m%d}"
        contract = make_contract(u.session, plan=make_plan(u.session, code=code, price=amount))
        charge = make_charge(u.session, contract, due, amount)
        u.commit()
        return charge


def _notices(uow: Uow) -> int:
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(Notice)) or 0)


def test_issue_example_no_late_amount_until_tuesday_and_no_notice_before_the_14th(
        uow: Uow, clock: FixedClock) -> None:
    charge = _charge(uow)
    assert charge.effective_due_date == date(2026, 10, 13) and charge.due_date == SATURDAY
    for day in (date(2026, 10, 11), date(2026, 10, 12), date(2026, 10, 13)):
        clock.day = day
        assert late_fees.show_charge(uow(), charge.number, day).updated.total == Decimal("100.00")
        access.run_suspension(uow(), day)
        assert _notices(uow) == 0, day
    clock.day = date(2026, 10, 14)
    detail = late_fees.show_charge(uow(), charge.number, clock.day)
    assert detail.updated.lines() == ["principal: R$ 100,00", "multa: R$ 2,00", "juros: R$ 0,03", "total: R$ 102,03"]
    access.run_suspension(uow(), clock.day)
    assert _notices(uow) == 1
    with uow() as u:
        text = u.session.scalar(select(Notice.text))
    assert "vencimento 10/10/2026: R$ 100,00" in text
    assert ("Valor atualizado em 14/10/2026: R$ 102,03 (principal R$ 100,00 + multa R$ 2,00 + juros R$ 0,03)"
            in text)


def test_payment_on_the_effective_date_has_no_late_amount(uow: Uow, clock: FixedClock) -> None:
    charge = _charge(uow)
    clock.day = date(2026, 10, 13)
    result = record_payment(uow(), charge.id, Decimal("100.00"), clock.day)
    assert result.charge_status == "paga" and (result.fine, result.interest) == (0, 0)


def test_late_payment_settles_principal_first_with_late_lines(uow: Uow, clock: FixedClock) -> None:
    charge = _charge(uow)
    clock.day = date(2026, 11, 12)  # 30 days after 13/10
    with pytest.raises(ValidationError) as too_much:
        record_payment(uow(), charge.id, Decimal("103.01"), clock.day)
    assert "multa R$ 2,00" in too_much.value.errors["valor_pago"]
    assert "100,00" not in str(charge.number) and "R$ 103,00" in too_much.value.errors["valor_pago"]
    result = record_payment(uow(), charge.id, Decimal("103.00"), clock.day)
    assert (result.principal, result.fine, result.interest, result.charge_status) == (
        Decimal("100.00"), Decimal("2.00"), Decimal("1.00"), "paga")
    with uow() as u:
        lines = sorted((p, a) for p, a in u.session.execute(select(PaymentLine.part, PaymentLine.amount)))
    assert lines == [("juros", Decimal("1.00")), ("multa", Decimal("2.00")), ("principal", Decimal("100.00"))]
    reverse_payment(uow(), result.payment.id, "cheque devolvido")
    with uow() as u:
        back = u.session.get(Charge, charge.id)
        assert (back.status, back.paid_amount, back.fine_owed, back.interest_owed) == ("aberta", 0, 0, 0)


def test_partial_payment_fixes_the_late_amounts_of_the_part_paid(uow: Uow, clock: FixedClock) -> None:
    charge = _charge(uow)
    clock.day = date(2026, 11, 12)  # 30 days late: 2 % + 1 %
    first = record_payment(uow(), charge.id, Decimal("50.00"), clock.day)
    assert (first.principal, first.fine, first.interest) == (Decimal("50.00"), 0, 0)
    assert first.balance == Decimal("51.50")  # 50 principal + 1,00 multa + 0,50 juros fixed on the part paid
    clock.day = date(2026, 12, 12)  # 60 days late for the rest
    detail = late_fees.show_charge(uow(), charge.number, clock.day)
    assert detail.updated.lines() == ["principal: R$ 50,00", "multa: R$ 2,00", "juros: R$ 1,50", "total: R$ 53,50"]
    last = record_payment(uow(), charge.id, Decimal("53.50"), clock.day)
    assert (last.principal, last.fine, last.interest, last.charge_status) == (
        Decimal("50.00"), Decimal("2.00"), Decimal("1.50"), "paga")


def test_late_rates_parameters_and_caps(uow: Uow, clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as refused:
        params_service.update(uow(), {"juros_mora_percentual_mes": Decimal("1.5")})
    assert "1" in refused.value.errors["juros_mora_percentual_mes"]
    with pytest.raises(ValidationError):
        params_service.update(uow(), {"multa_atraso_percentual": Decimal("2.5")})
    params_service.update(uow(), {"multa_atraso_percentual": Decimal("0"), "juros_mora_percentual_mes": Decimal("0.5")})
    charge = _charge(uow)
    clock.day = date(2026, 11, 12)
    assert late_fees.show_charge(uow(), charge.number).updated.lines()[1:] == [
        "multa: R$ 0,00", "juros: R$ 0,50", "total: R$ 100,50"]


def test_municipal_holiday_and_uf_move_the_effective_date(uow: Uow, clock: FixedClock) -> None:
    charge = _charge(uow, date(2026, 9, 10))  # Thursday
    business_days.add_holiday(uow(), date(2026, 9, 10), "Aniversário da cidade")
    with pytest.raises(ValidationError):
        business_days.add_holiday(uow(), date(2026, 9, 10), "de novo")
    with uow() as u:
        assert u.session.get(Charge, charge.id).effective_due_date == date(2026, 9, 11)
    assert [h.shown for h in business_days.list_holidays(uow())] == ["10/09/2026"]
    business_days.remove_holiday(uow(), date(2026, 9, 10))
    july = _charge(uow, date(2026, 7, 9))  # Revolução Constitucionalista: SP only
    with uow() as u:
        assert u.session.get(Charge, july.id).effective_due_date == date(2026, 7, 10)
        assert u.session.get(Charge, charge.id).effective_due_date == date(2026, 9, 10)
    params_service.update(uow(), {"empresa_uf": "MG"})
    with uow() as u:
        assert u.session.get(Charge, july.id).effective_due_date == date(2026, 7, 9)


def test_generated_charges_are_numbered_and_carry_the_business_day(uow: Uow) -> None:
    with uow() as u:
        contract = make_contract(u.session, activated_on=date(2026, 9, 10), due_day=10)
        u.commit()
    charges.generate_charges(uow(), date(2026, 11, 10))
    rows = sorted(charges.list_charges(uow(), contract.id), key=lambda r: r.due_date)
    assert [(r.due_date, r.effective_due) for r in rows] == [
        (date(2026, 10, 10), date(2026, 10, 13)), (date(2026, 11, 10), date(2026, 11, 10))]
    numbers = [r.number for r in rows]
    assert numbers == sorted(numbers) and len(set(numbers)) == 2 and min(numbers) >= 1
    one_off = charges.create_one_off_charge(uow(), contract.id, "Taxa", Decimal("10"), date(2026, 11, 15))
    assert one_off.number == max(numbers) + 1 and one_off.effective_due == date(2026, 11, 16)


def test_export_gains_numero_vencimento_util_nosso_numero(uow: Uow, tmp_path: Path) -> None:
    charge = _charge(uow)
    out = tmp_path / "c.csv"
    export_charges(uow(), out)
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert tuple(rows[0]) == CHARGE_EXPORT_COLUMNS
    assert CHARGE_EXPORT_COLUMNS[:9] == ("contrato", "tipo", "inicio_periodo", "fim_periodo", "vencimento", "valor",
                                         "pago_em", "valor_pago", "situacao")
    assert (rows[0]["numero"], rows[0]["vencimento"], rows[0]["vencimento_util"], rows[0]["nosso_numero"]) == (
        str(charge.number), "10/10/2026", "13/10/2026", "")


def test_payment_import_settles_with_the_updated_amount(uow: Uow, clock: FixedClock, tmp_path: Path) -> None:
    charge = _charge(uow)
    with uow() as u:
        number = u.session.scalar(select(Charge).where(Charge.id == charge.id)).contract_id
        from ispdesk.db.models import Contract

        contract_number = u.session.get(Contract, number).number
    clock.day = date(2026, 11, 20)
    path = tmp_path / "p.csv"
    path.write_text("contrato;vencimento;valor_pago;data_pagamento\n"
                    f"{contract_number};10/10/2026;103,01;12/11/2026\n"
                    f"{contract_number};10/10/2026;103,00;12/11/2026\n", encoding="utf-8")
    report = import_payments(uow(), path)
    assert report.exit_code == 1  # the first line asks more than the updated amount
    with uow() as u:
        back = u.session.get(Charge, charge.id)
        assert back.status == "paga"
        parts = dict(u.session.execute(select(PaymentLine.part, PaymentLine.amount)).tuples().all())
    assert parts == {"principal": Decimal("100.00"), "multa": Decimal("2.00"), "juros": Decimal("1.00")}


def test_customer_statement_and_cli_show(uow: Uow, clock: FixedClock, db_url: str, capsys) -> None:  # noqa: ANN001
    from ispdesk.cli.main import main
    from ispdesk.db.models import Contract, Customer
    from ispdesk.services.statement import customer_statement

    charge = _charge(uow)
    with uow() as u:
        code = u.session.scalar(select(Customer.code).join(Contract, Contract.customer_id == Customer.id)
                                .where(Contract.id == charge.contract_id))
    st = customer_statement(uow(), code, date(2026, 10, 14))
    assert [(line.charge.number, line.updated.total) for line in st.lines] == [(charge.number, Decimal("102.03"))]
    assert st.total_updated == Decimal("102.03")
    assert main(["--db", db_url, "charges", "show", str(charge.number), "--date", "14/10/2026"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-4:] == ["principal: R$ 100,00", "multa: R$ 2,00", "juros: R$ 0,03", "total: R$ 102,03"]
    assert "vencimento: 10/10/2026 (pagável sem multa até 13/10/2026)" in lines
    assert main(["--db", db_url, "charges", "show", str(charge.number), "--date", "13/10/2026"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "total: R$ 100,00"
    assert main(["--db", db_url, "charges", "statement", str(code), "--date", "14/10/2026"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "total atualizado: R$ 102,03"
    assert main(["--db", db_url, "charges", "show", "99999"]) == 2
    assert "não encontrada" in capsys.readouterr().err


def test_holidays_cli(uow: Uow, db_url: str, capsys) -> None:  # noqa: ANN001
    from ispdesk.cli.main import main

    assert main(["--db", db_url, "holidays", "add", "25/01/2026", "Aniversário da cidade", "--anual"]) == 0
    assert main(["--db", db_url, "holidays", "add", "20/11/2027", "Consciência Negra municipal"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "holidays", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["25/01 (todo ano)\tAniversário da cidade",
                                                     "20/11/2027\tConsciência Negra municipal"]
    assert main(["--db", db_url, "holidays", "remove", "25/01/2026"]) == 2  # not the yearly one
    assert "todo ano" not in capsys.readouterr().err
    assert main(["--db", db_url, "holidays", "remove", "25/01/2030", "--anual"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "holidays", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["20/11/2027\tConsciência Negra municipal"]


def test_charges_report_tells_late_revenue_apart(uow: Uow, clock: FixedClock) -> None:
    from ispdesk.services.reports import charges_report

    charge = _charge(uow)
    clock.day = date(2026, 11, 12)
    record_payment(uow(), charge.id, Decimal("103.00"), clock.day)
    report = charges_report(uow(), date(2026, 10, 1), date(2026, 10, 31))
    assert report.csv_rows[0][-1] == str(charge.number)
    assert "recebido R$ 100,00" in report.totals[0]
    assert report.totals[1] == "Recebido por atraso (fora do principal): multa R$ 2,00; juros R$ 1,00."


_seq = iter(range(10**6))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 10, 31)), st.integers(min_value=0, max_value=60),
       st.decimals(min_value=Decimal("1.00"), max_value=Decimal("5000"), places=2))
@example(date(2026, 1, 1), 1, Decimal("16.25"))  # a multa of exactly half a centavo
@example(date(2026, 1, 1), 54, Decimal("32.50"))
def test_paying_the_updated_amount_settles_within_the_caps(
        uow: Uow, clock: FixedClock, due: date, late: int, amount: Decimal) -> None:
    """Property on the real database: the updated amount settles the charge; multa/juros within the caps."""
    with uow() as u:
        contract = make_contract(u.session, plan=make_plan(u.session, code=f"P{next(_seq)}", price=str(amount)))
        charge = make_charge(u.session, contract, due, str(amount))
        u.commit()
    paid_on = charge.effective_due_date + timedelta(days=late)
    clock.day = max(paid_on, date(2026, 11, 27))
    total = late_fees.show_charge(uow(), charge.number, paid_on).updated
    result = record_payment(uow(), charge.id, total.total, paid_on)
    assert result.charge_status == "paga" and result.principal == amount
    # the caps rounded as the rule rounds (half-up: 2 % of R$ 16,25 is R$ 0,325 → R$ 0,33)
    assert result.fine <= (amount * Decimal("0.02")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert result.interest <= (amount * Decimal("0.01") * late / 30).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (result.fine == 0 and result.interest == 0) == (late == 0)


def test_charges_pix_prints_the_code_of_the_updated_amount(uow: Uow, db_url: str, capsys) -> None:  # noqa: ANN001
    from ispdesk.cli.main import main
    from ispdesk.domain.pix import parse

    charge = _charge(uow)
    assert main(["--db", db_url, "charges", "pix", str(charge.number), "--date", "14/10/2026"]) == 2
    assert "Chave PIX não configurada" in capsys.readouterr().err
    with pytest.raises(ValidationError, match="Chave PIX"):
        params_service.update(uow(), {"pix_chave": "123.456.789-00"})
    with pytest.raises(ValidationError, match="25 caracteres"):
        params_service.update(uow(), {"pix_nome_recebedor": "x" * 26})
    params_service.update(uow(), {"pix_chave": "financeiro@provedor.com.br", "pix_nome_recebedor": "Provedor Ágil",
                                  "pix_cidade": "Jaraguá do Sul"})
    assert main(["--db", db_url, "charges", "pix", str(charge.number), "--date", "14/10/2026"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    fields = parse(lines[-1])  # the copy-and-paste code is the last line, with a valid CRC
    assert fields["54"] == "102.03" and fields["26.01"] == "financeiro@provedor.com.br"
    assert fields["59"] == "Provedor Agil" and fields["60"] == "Jaragua do Sul"
    assert fields["62.05"] == f"ISPD{charge.number}"
    assert "R$ 102,03" in lines[0]
    assert main(["--db", db_url, "charges", "pix", str(charge.number), "--date", "13/10/2026"]) == 0
    assert parse(capsys.readouterr().out.strip().splitlines()[-1])["54"] == "100.00"  # no late amount yet


def _pix_file(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["txid;valor;data_pagamento;e2eid"] + [";".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pix_statement_settles_by_txid_once_and_restores_access(
    uow: Uow, clock: FixedClock, tmp_path: Path
) -> None:
    from ispdesk.db.models import Contract, Payment
    from ispdesk.services.pix_io import import_pix

    late = _charge(uow)  # due Saturday 10/10, payable until 13/10
    on_time = _charge(uow, date(2026, 11, 10))
    partial = _charge(uow, date(2026, 11, 16))
    for day in (date(2026, 10, 14), date(2026, 11, 14)):  # the ladder blocks the late one
        clock.day = day
        access.run_suspension(uow(), day)
    with uow() as u:
        assert u.session.get(Contract, late.contract_id).access_status == "bloqueado"
    clock.day = date(2026, 11, 20)
    due_late = late_fees.show_charge(uow(), late.number, date(2026, 11, 19)).updated.total
    path = _pix_file(tmp_path / "extrato.csv", [
        (f"ISPD{late.number}", str(due_late).replace(".", ","), "19/11/2026", "E0000000020261119A1"),
        (f"ispd{on_time.number}", "100,00", "10/11/2026", "E0000000020261110B2"),
        (f"ISPD{partial.number}", "40,00", "16/11/2026", "E0000000020261116C3"),
        (f"ISPD{partial.number}", "40,00", "16/11/2026", "E0000000020261116C3"),  # the same transfer twice
        ("ISPD999999", "10,00", "16/11/2026", "E0000000020261116D4"),
        ("PEDIDO123", "10,00", "16/11/2026", "E0000000020261116E5"),
    ])
    report = import_pix(uow(), path, tmp_path / "rej.csv")
    assert report.imported == 3 and [r.line for r in report.rejected] == [5, 6, 7], report.rejected
    reasons = [r.reason for r in report.rejected]
    assert "repetido" in reasons[0] and "não encontrada" in reasons[1] and "não é de uma cobrança" in reasons[2]
    with uow() as u:
        statuses = {c.number: c.status for c in u.session.scalars(select(Charge))}
        assert statuses[late.number] == "paga" and statuses[on_time.number] == "paga"
        assert statuses[partial.number] == "aberta"
        assert u.session.get(Contract, late.contract_id).access_status == "normal"  # restored at once
        assert {p.source for p in u.session.scalars(select(Payment))} == {"pix"}
    again = import_pix(uow(), path)
    assert again.imported == 0
    assert sum("já foi importado" in r.reason for r in again.rejected) == 4  # the repeated line too
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Payment)) == 3


def test_import_pix_from_the_command_line(uow: Uow, db_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from ispdesk.cli.main import main

    charge = _charge(uow, date(2026, 11, 10))
    path = _pix_file(tmp_path / "pix.csv", [(f"ISPD{charge.number}", "100,00", "10/11/2026", "E1")])
    assert main(["--db", db_url, "import", "pix", str(path), "--date", "20/11/2026"]) == 0
    assert "1 importada" in capsys.readouterr().out
    assert main(["--db", db_url, "import", "pix", str(path), "--date", "20/11/2026"]) == 1
    empty = tmp_path / "vazio.csv"
    empty.write_text("txid;valor\n", encoding="utf-8")
    assert main(["--db", db_url, "import", "pix", str(empty)]) == 2


def test_charge_pdf_shows_the_updated_amount_and_the_pix_code(uow: Uow, db_url: str, tmp_path: Path) -> None:
    import io as _io

    from pypdf import PdfReader

    from ispdesk.cli.main import main
    from ispdesk.domain.pix import parse
    from ispdesk.services import pix

    charge = _charge(uow)
    no_pix = pix.charge_slip_pdf(uow(), charge.number, date(2026, 10, 14))
    assert "PIX não configurado" in PdfReader(_io.BytesIO(no_pix)).pages[0].extract_text()
    params_service.update(uow(), {"pix_chave": "+55 11 98765-4321", "pix_nome_recebedor": "Provedor Ágil"})
    target = tmp_path / "cobranca.pdf"
    assert main(["--db", db_url, "charges", "pdf", str(charge.number), "-o", str(target), "--date",
                 "14/10/2026"]) == 0
    reader = PdfReader(str(target))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"Cobrança nº {charge.number}" in text and "R$ 102,03" in text and "R$ 2,00" in text
    assert "pagável sem multa até 13/10/2026" in text
    code = pix.charge_pix(uow(), charge.number, date(2026, 10, 14)).payload
    assert code in text.replace("\n", "")  # the copy-and-paste code, printed whole
    assert parse(code)["54"] == "102.03"
    assert reader.metadata is not None and reader.metadata.creation_date is not None
    assert reader.metadata.creation_date.year != 2000  # the real moment, not reportlab's invariant date
