"""Reports: contracts by filter, cancellations by reason, charges — the same data in CSV and PDF."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ispdesk.db.models import CancellationReason
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.errors import PermissionDenied
from ispdesk.services import reports
from tests import factories


def _reason(session, code, description, waives=False):
    reason = factories.cancellation_reason(session, code)
    if reason is None:
        reason = CancellationReason(code=code, description=description, waives_fine=waives)
        session.add(reason)
        session.flush()
    return reason


def test_cancellations_by_reason(uow, tmp_path):
    with uow() as u:
        moved = _reason(u.session, "MUDANCA_T", "Mudança de endereço")
        breach = _reason(u.session, "FALHA_T", "Falha do provedor", waives=True)
        for day, reason, value in ((5, moved, "99.90"), (6, moved, "100.10"), (7, breach, "50.00")):
            factories.make_contract(u.session, status="cancelado", cancelled_on=date(2026, 11, day),
                                    cancellation_reason_id=reason.id, value=Decimal(value))
        factories.make_contract(u.session, status="cancelado", cancelled_on=date(2026, 9, 1),
                                cancellation_reason_id=moved.id)
        u.commit()
    report = reports.cancellations_report(uow(), date(2026, 11, 1), date(2026, 11, 30))
    assert report.csv_rows[0] == ("MUDANCA_T", "Mudança de endereço", "não", "sim", "2", "66,67", "200,00")
    assert report.pdf_rows[1] == ("FALHA_T", "Falha do provedor", "sim", "sim", "1", "33,33 %", "R$ 50,00")
    assert report.totals == ["Total: 3 cancelamentos; receita mensal perdida R$ 250,00."]
    path = tmp_path / "c.pdf"
    assert reports.write_report(report, path, "pdf") == 2
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Cancelamentos por motivo" in text and "Mudança de endereço" in text
    assert "de 01/11/2026 a 30/11/2026" in text


def test_contracts_report_uses_the_contract_filter(uow):
    with uow() as u:
        a = factories.make_contract(u.session, customer=factories.make_customer(u.session, city="Recife"))
        factories.make_contract(u.session, customer=factories.make_customer(u.session, city="Olinda"))
        u.commit()
        number = a.number
    report = reports.contracts_report(uow(), ContractFilter(city="recife"))
    assert [r[0] for r in report.csv_rows] == [str(number)]
    assert "cidade recife" in report.subtitle


def test_reports_need_permission(uow, attendant):
    with pytest.raises(PermissionDenied):
        reports.contracts_report(uow(attendant))
    with pytest.raises(PermissionDenied):
        reports.charges_report(uow(attendant))


def test_empty_report_pdf_says_so():
    report = reports.Report("Relatório de cobranças", "Nada.", reports.CHARGE_COLUMNS, generated_on=date(2026, 11, 27))
    text = PdfReader(io.BytesIO(reports.report_pdf_bytes(report))).pages[0].extract_text()
    assert "Nenhum registro" in text and "Emitido em 27/11/2026" in text
