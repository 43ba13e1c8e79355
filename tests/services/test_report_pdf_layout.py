"""Contracts report PDF: landscape, codes and CNPJs never broken, a determinate progress, fast enough."""

from __future__ import annotations

import io
import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from ispdesk.domain.documents import generate_cnpj, mask_document
from ispdesk.reports.assets import FONT, register_fonts
from ispdesk.reports.report_pdf import PAGE, PdfColumn, column_widths
from ispdesk.services.reports import CONTRACT_COLUMNS, contracts_report, report_pdf_bytes
from tests import factories


def test_contracts_report_is_landscape_unbroken_with_progress(uow):
    cnpjs = []
    with uow() as u:
        plan = factories.make_plan(u.session, code="FIBRA-1000-EMPRESARIAL-PLUS", price="199.90")
        for n in range(160):
            cnpj = "12ABC34501DE35" if n == 0 else generate_cnpj()
            cnpjs.append(mask_document(cnpj))
            customer = factories.make_customer(
                u.session, name=f"Comércio de Materiais Elétricos Conceição Gonçalves {n} Ltda.", person_type="J",
                document=cnpj, city="São José dos Campos" if n % 2 else "Florianópolis")
            factories.make_contract(u.session, customer=customer, plan=plan, value=Decimal("199.90"))
        u.commit()
    report = contracts_report(uow())
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    pdf = report_pdf_bytes(report, lambda done, total: calls.append((done, total)))
    elapsed = time.perf_counter() - started
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    text = "\n".join(lines)
    for cnpj in cnpjs:  # each on one line, whole
        assert any(cnpj in line for line in lines), cnpj
    assert text.count("FIBRA-1000-EMPRESARIAL-PLUS") == 160
    assert "Florianópolis" in text and "Florianópoli\n" not in text
    assert calls[-1] == (len(reader.pages), len(reader.pages))
    assert [d for d, _ in calls[:-1]] == list(range(1, len(reader.pages) + 1))
    assert all(total >= done for done, total in calls)
    assert elapsed < 3.0 * 160 / 1600 * 4  # ≤ 3 s for 1,600 (bench/bench_report_pdf.py), with slack here


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text("ABCDEFGHIJ0123456789-./", min_size=1, max_size=26),
                          st.lists(st.text("abcdefghij", min_size=1, max_size=18), min_size=1, max_size=8)
                          .map(" ".join)), min_size=1, max_size=30))
def test_unwrapped_columns_fit_their_widest_value_and_words_fit_wrapped_ones(rows):
    register_fonts()
    columns = [PdfColumn("Código", 1, wrap=False), PdfColumn("Nome", 3)]
    table = [(code, name) for code, name in rows]
    widths = column_widths(columns, table, PAGE[0] - 100, 7.3)
    assert widths[0] >= max(stringWidth(c, FONT, 7.3) for c, _ in table) + 8
    longest_word = max(stringWidth(w, FONT, 7.3) for _, n in table for w in n.split())
    assert widths[1] >= longest_word + 8 or sum(widths) > PAGE[0] - 100
    assert sum(widths) <= PAGE[0] - 100 + 1e-6 or widths[1] >= longest_word


def test_contract_columns_never_wrap_codes_documents_money_or_dates():
    unwrapped = {c.key for c in CONTRACT_COLUMNS if not c.wrap}
    assert {"numero", "cliente_codigo", "cpf_cnpj", "plano", "valor", "ativacao", "fim_fidelidade",
            "cancelamento"} <= unwrapped
