"""Boleto PDF (one per page, with the payer's receipt) and the carnê (three per A4 page).

Each boleto is the FEBRABAN ficha de compensação: bank, linha digitável, beneficiário, due date,
nosso número, amount, instructions (with multa and juros) and the barcode drawn with reportlab's
Interleaved 2 of 5 (`I2of5`), narrow bar 0,254 mm, wide = 3 × narrow, 13 mm high, 44 digits with no
extra check digit (about 103 mm long, as FEBRABAN asks). When PIX is configured the QR code of the
charge's BR Code is printed beside it (reportlab's QR encoder, drawn as one path).
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.common import I2of5
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm, mm
from reportlab.pdfgen import canvas as pdf_canvas

from ispdesk.domain.dates import format_date
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.money import format_brl, format_number
from ispdesk.reports.assets import FONT, FONT_BOLD, register_fonts
from ispdesk.reports.contract_pdf import INK, MUTED, stamp_creation

NARROW_BAR = 0.254 * mm
BAR_HEIGHT = 13 * mm
#: Height of one boleto in the carnê (three per A4 page).
CARNE_SLOT = 9.55 * cm
MARGIN = 1.0 * cm


@dataclass(frozen=True)
class BoletoPrint:
    """Everything one boleto prints."""

    bank: str
    bank_name: str
    linha: str
    barcode: str
    beneficiary: str
    beneficiary_document: str
    agency_code: str
    payer: str
    payer_document: str
    payer_address: str
    charge_number: int
    contract_number: int
    description: str
    due_date: date
    effective_due: date
    issued_on: date
    amount: Decimal
    nosso_numero: str
    wallet: str
    instructions: list[str]
    on: date
    updated: Updated
    pix_payload: str | None


def barcode_widget(code: str) -> I2of5:
    """The FEBRABAN barcode of `code` (44 digits)."""
    return I2of5(code, barWidth=NARROW_BAR, ratio=3.0, barHeight=BAR_HEIGHT, checksum=0, bearers=0,
                 quiet=0, lquiet=0, rquiet=0)


def _box(c: pdf_canvas.Canvas, x: float, y: float, w: float, h: float, label: str, value: str,
         bold: bool = False, right: bool = False) -> None:
    c.setStrokeColor(INK)
    c.setLineWidth(0.5)
    c.rect(x, y, w, h)
    c.setFillColor(MUTED)
    c.setFont(FONT, 5.5)
    c.drawString(x + 1.2 * mm, y + h - 2.3 * mm, label)
    c.setFillColor(INK)
    c.setFont(FONT_BOLD if bold else FONT, 8.5)
    if right:
        c.drawRightString(x + w - 1.5 * mm, y + 1.3 * mm, value)
    else:
        c.drawString(x + 1.2 * mm, y + 1.3 * mm, value[:95])


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code modules of `payload` (reportlab's own encoder, level M, best mask), row 0 on top."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [[bool(v) for v in row] for row in code.modules]


def _qr(c: pdf_canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as one filled path, one rectangle per dark run (same modules as the QR widget)."""
    modules = qr_modules(payload)
    border = 2
    box = size / (len(modules) + 2 * border)
    path = c.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (r + border) * box
        col = 0
        for dark, run in itertools.groupby(row):
            count = len(list(run))
            if dark:
                path.rect(x + (col + border) * box, top - box, count * box, box)
            col += count
    c.setFillColor(INK)
    c.drawPath(path, stroke=0, fill=1)


def draw_ficha(c: pdf_canvas.Canvas, b: BoletoPrint, top: float, compact: bool = False) -> float:
    """Draw the ficha de compensação from `top` down (`compact`: the carnê's shorter one); return the y below."""
    width = A4[0]
    left, right = MARGIN, width - MARGIN
    full = right - left
    side = 4.6 * cm
    main = full - side
    row = 0.78 * cm
    c.setFillColor(INK)
    c.setFont(FONT_BOLD, 11)
    c.drawString(left, top - 0.6 * cm, b.bank_name[:22])
    c.setLineWidth(1.2)
    c.line(left + 4.4 * cm, top - 0.8 * cm, left + 4.4 * cm, top - 0.1 * cm)
    c.setFont(FONT_BOLD, 13)
    bank_dv = {"001": "9", "756": "0"}.get(b.bank, "")
    c.drawString(left + 4.6 * cm, top - 0.6 * cm, f"{b.bank}-{bank_dv}" if bank_dv else b.bank)
    c.line(left + 6.4 * cm, top - 0.8 * cm, left + 6.4 * cm, top - 0.1 * cm)
    c.setFont(FONT_BOLD, 10)
    c.drawRightString(right, top - 0.6 * cm, b.linha)
    y = top - 0.85 * cm
    y -= row
    _box(c, left, y, main, row, "Local de pagamento", "Pagável em qualquer banco, lotérica ou app até o vencimento")
    _box(c, left + main, y, side, row, "Vencimento", format_date(b.due_date), bold=True, right=True)
    y -= row
    _box(c, left, y, main, row, "Beneficiário", f"{b.beneficiary} — CNPJ {b.beneficiary_document}")
    _box(c, left + main, y, side, row, "Agência / Código do beneficiário", b.agency_code, right=True)
    y -= row
    q = main / 5
    _box(c, left, y, q, row, "Data do documento", format_date(b.issued_on))
    _box(c, left + q, y, q, row, "Nº do documento", f"{b.charge_number}")
    _box(c, left + 2 * q, y, q, row, "Espécie doc.", "DS")
    _box(c, left + 3 * q, y, q, row, "Aceite", "N")
    _box(c, left + 4 * q, y, q, row, "Data processamento", format_date(b.on))
    _box(c, left + main, y, side, row, "Nosso número", b.nosso_numero, right=True)
    y -= row
    _box(c, left, y, q, row, "Contrato", str(b.contract_number))
    _box(c, left + q, y, q, row, "Carteira", b.wallet)
    _box(c, left + 2 * q, y, q, row, "Espécie", "R$")
    _box(c, left + 3 * q, y, 2 * q, row, "Referente a", b.description[:28])
    _box(c, left + main, y, side, row, "(=) Valor do documento", format_number(b.amount), bold=True,
         right=True)
    instr_h = (3 if compact else 4) * row
    y -= instr_h
    c.rect(left, y, main, instr_h)
    c.setFillColor(MUTED)
    c.setFont(FONT, 5.5)
    c.drawString(left + 1.2 * mm, y + instr_h - 2.3 * mm, "Instruções (texto de responsabilidade do beneficiário)")
    c.setFillColor(INK)
    c.setFont(FONT, 7.5)
    ty = y + instr_h - 6 * mm
    text_width = main - (3.4 * cm if b.pix_payload else 0.3 * cm)
    for line in b.instructions[:4 if compact else 6]:
        c.drawString(left + 1.2 * mm, ty, line[:int(text_width / (1.55 * mm))])
        ty -= 3.4 * mm
    if b.pix_payload:
        qr = instr_h - 0.35 * cm
        _qr(c, b.pix_payload, left + main - qr - 0.3 * cm, y + 0.15 * cm, qr)
    u = b.updated
    late = u.total != u.principal
    cells = [("(−) Desconto / abatimento", ""), ("(+) Mora / multa",
             format_number(u.fine + u.interest) if late else ""),
             ("(=) Valor cobrado", format_number(u.total) if late else ""), ("", "")][:3 if compact else 4]
    for i, (label, value) in enumerate(cells):
        _box(c, left + main, y + instr_h - (i + 1) * row, side, row, label, value, right=True)
    pay_h = (1.0 if compact else 1.25) * cm
    y -= pay_h
    c.rect(left, y, full, pay_h)
    c.setFillColor(MUTED)
    c.setFont(FONT, 5.5)
    c.drawString(left + 1.2 * mm, y + pay_h - 2.3 * mm, "Pagador")
    c.setFillColor(INK)
    c.setFont(FONT, 8)
    c.drawString(left + 1.2 * mm, y + pay_h - 5.6 * mm, f"{b.payer} — {b.payer_document}"[:110])
    c.drawString(left + 1.2 * mm, y + pay_h - 9.0 * mm, b.payer_address[:110])
    y -= 0.35 * cm
    barcode_widget(b.barcode).drawOn(c, left + 0.5 * cm, y - BAR_HEIGHT)  # 5 mm quiet zone
    c.setFont(FONT, 5.5)
    c.setFillColor(MUTED)
    c.drawRightString(right, y - 0.25 * cm, "Autenticação mecânica — Ficha de compensação")
    return y - BAR_HEIGHT - 0.3 * cm


def _receipt(c: pdf_canvas.Canvas, b: BoletoPrint, top: float) -> float:
    """The payer's receipt (recibo do pagador) above the ficha; return the y of the cut line."""
    width = A4[0]
    c.setFillColor(INK)
    c.setFont(FONT_BOLD, 11)
    c.drawString(MARGIN, top, f"{b.bank_name} — Recibo do pagador")
    c.setFont(FONT, 9)
    lines = [
        f"Beneficiário: {b.beneficiary} — CNPJ {b.beneficiary_document}",
        f"Pagador: {b.payer} — {b.payer_document}",
        f"Cobrança nº {b.charge_number} · contrato {b.contract_number} · {b.description}",
        f"Vencimento: {format_date(b.due_date)}" + (f" (pagável sem multa até {format_date(b.effective_due)})"
                                                    if b.effective_due != b.due_date else "")
        + f" · Nosso número: {b.nosso_numero}",
        f"Valor do documento: {format_brl(b.updated.principal)}" + (
            f" · Valor atualizado em {format_date(b.on)}: {format_brl(b.updated.total)} (multa "
            f"{format_brl(b.updated.fine)}, juros {format_brl(b.updated.interest)})"
            if b.updated.total != b.updated.principal else ""),
        f"Linha digitável: {b.linha}",
    ]
    y = top - 0.6 * cm
    for line in lines:
        c.drawString(MARGIN, y, line[:120])
        y -= 0.48 * cm
    y -= 0.2 * cm
    c.setDash(3, 2)
    c.setStrokeColor(MUTED)
    c.line(MARGIN, y, width - MARGIN, y)
    c.setDash()
    return y - 0.3 * cm


def _new_canvas(buffer: io.BytesIO, title: str, generated_at: datetime) -> pdf_canvas.Canvas:
    register_fonts()
    c = pdf_canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setCreator("ispdesk")
    stamp_creation(c, generated_at)
    return c


def render_boleto_pdf(b: BoletoPrint, generated_at: datetime) -> bytes:
    """One boleto on an A4 page: payer's receipt, cut line, ficha de compensação."""
    buffer = io.BytesIO()
    c = _new_canvas(buffer, f"Boleto da cobrança {b.charge_number}", generated_at)
    top = A4[1] - 1.5 * cm
    y = _receipt(c, b, top)
    draw_ficha(c, b, y)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_carne_pdf(boletos: list[BoletoPrint], generated_at: datetime) -> bytes:
    """The carnê: three fichas per A4 page, cut lines between them."""
    buffer = io.BytesIO()
    first = boletos[0] if boletos else None
    c = _new_canvas(buffer, f"Carnê do contrato {first.contract_number}" if first else "Carnê", generated_at)
    for page_start in range(0, len(boletos), 3):
        top = A4[1] - 0.6 * cm
        for b in boletos[page_start:page_start + 3]:
            draw_ficha(c, b, top, compact=True)
            top -= CARNE_SLOT
            c.setDash(3, 2)
            c.setStrokeColor(MUTED)
            c.line(MARGIN, top + 0.25 * cm, A4[0] - MARGIN, top + 0.25 * cm)
            c.setDash()
        c.showPage()
    c.save()
    return buffer.getvalue()
