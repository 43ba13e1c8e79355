"""The charge slip PDF: what is owed on a date and how to pay it with PIX (QR code + copy-and-paste).

A4 portrait, DejaVu Sans, drawn straight on the canvas. The QR code is reportlab's own widget
(`reportlab.graphics.barcode.qr`), encoding exactly the BR Code printed below it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdf_canvas

from ispdesk.domain.dates import format_date
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.money import format_brl
from ispdesk.reports.assets import FONT, FONT_BOLD, default_logo_png, register_fonts
from ispdesk.reports.contract_pdf import ACCENT, INK, MARGIN_X, MUTED, RULE, image_reader, stamp_creation

#: Characters per line of the printed copy-and-paste code.
CODE_LINE = 62


@dataclass(frozen=True)
class ChargeSlip:
    """Everything the slip prints."""

    company_name: str
    company_details: str
    logo_png: bytes | None
    customer_name: str
    customer_document: str
    contract_number: int
    charge_number: int
    description: str
    due_date: date
    effective_due: date
    on: date
    updated: Updated
    pix_payload: str | None
    pix_receiver: str
    generated_at: datetime


def code_lines(payload: str) -> list[str]:
    """The BR Code cut in printable lines (joined back, they are the code)."""
    return [payload[i:i + CODE_LINE] for i in range(0, len(payload), CODE_LINE)]


def render_charge_pdf(slip: ChargeSlip) -> bytes:
    """Draw the slip; return the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    c = pdf_canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(f"Cobrança {slip.charge_number} — contrato {slip.contract_number}")
    c.setAuthor(slip.company_name)
    c.setCreator("ispdesk")
    stamp_creation(c, slip.generated_at)
    top = height - 1.5 * cm
    size = 1.4 * cm
    c.drawImage(image_reader(slip.logo_png or default_logo_png()), MARGIN_X, top - size, width=size, height=size,
                preserveAspectRatio=True, anchor="sw")
    c.setFillColor(ACCENT)
    c.setFont(FONT_BOLD, 12)
    c.drawString(MARGIN_X + size + 0.4 * cm, top - 0.5 * cm, slip.company_name)
    c.setFillColor(MUTED)
    c.setFont(FONT, 7.5)
    c.drawString(MARGIN_X + size + 0.4 * cm, top - 1.0 * cm, slip.company_details)
    c.setStrokeColor(RULE)
    c.line(MARGIN_X, top - size - 0.3 * cm, width - MARGIN_X, top - size - 0.3 * cm)

    y = top - size - 1.2 * cm
    c.setFillColor(INK)
    c.setFont(FONT_BOLD, 15)
    c.drawString(MARGIN_X, y, f"Cobrança nº {slip.charge_number}")
    c.setFont(FONT, 10)
    y -= 0.7 * cm
    rows = [
        ("Cliente", f"{slip.customer_name} ({slip.customer_document})"),
        ("Contrato", str(slip.contract_number)),
        ("Referente a", slip.description),
        ("Vencimento", format_date(slip.due_date) + (
            f" (pagável sem multa até {format_date(slip.effective_due)})"
            if slip.effective_due != slip.due_date else "")),
    ]
    for label, value in rows:
        c.setFillColor(MUTED)
        c.drawString(MARGIN_X, y, label)
        c.setFillColor(INK)
        c.drawString(MARGIN_X + 3.2 * cm, y, value[:90])
        y -= 0.55 * cm
    y -= 0.3 * cm
    c.setFont(FONT_BOLD, 11)
    c.drawString(MARGIN_X, y, f"Valor a pagar em {format_date(slip.on)}")
    y -= 0.6 * cm
    c.setFont(FONT, 10)
    u = slip.updated
    for label, amount in (("Principal", u.principal), ("Multa por atraso", u.fine), ("Juros de mora", u.interest)):
        c.drawString(MARGIN_X, y, label)
        c.drawRightString(MARGIN_X + 8 * cm, y, format_brl(amount))
        y -= 0.5 * cm
    c.setFont(FONT_BOLD, 12)
    c.drawString(MARGIN_X, y - 0.1 * cm, "Total")
    c.drawRightString(MARGIN_X + 8 * cm, y - 0.1 * cm, format_brl(u.total))
    y -= 1.2 * cm

    c.setStrokeColor(RULE)
    c.line(MARGIN_X, y, width - MARGIN_X, y)
    y -= 0.8 * cm
    c.setFillColor(INK)
    c.setFont(FONT_BOLD, 12)
    c.drawString(MARGIN_X, y, "Pague com PIX")
    if slip.pix_payload is None:
        c.setFont(FONT, 10)
        c.setFillColor(MUTED)
        c.drawString(MARGIN_X, y - 0.7 * cm, "PIX não configurado pelo provedor: pague pelos outros meios informados.")
    else:
        qr_size = 5.5 * cm
        widget = QrCodeWidget(slip.pix_payload, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, c, MARGIN_X, y - 0.4 * cm - qr_size)
        tx = MARGIN_X + qr_size + 0.8 * cm
        c.setFont(FONT, 10)
        c.drawString(tx, y - 0.8 * cm, "Abra o aplicativo do seu banco, escolha PIX e leia o QR code,")
        c.drawString(tx, y - 1.3 * cm, "ou use o código copia-e-cola abaixo.")
        c.setFillColor(MUTED)
        c.drawString(tx, y - 2.0 * cm, f"Recebedor: {slip.pix_receiver}")
        c.drawString(tx, y - 2.5 * cm,
                     f"Valor: {format_brl(u.total)} (válido para pagamento em {format_date(slip.on)})")
        yy = y - 0.8 * cm - qr_size
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 9)
        c.drawString(MARGIN_X, yy, "PIX copia-e-cola")
        c.setFont("Courier", 8.5)
        for line in code_lines(slip.pix_payload):
            yy -= 0.42 * cm
            c.drawString(MARGIN_X, yy, line)
    c.setFont(FONT, 7)
    c.setFillColor(MUTED)
    c.drawString(MARGIN_X, 1.2 * cm, f"Emitido em {slip.generated_at:%d/%m/%Y %H:%M} · ispdesk")
    c.showPage()
    c.save()
    return buffer.getvalue()
