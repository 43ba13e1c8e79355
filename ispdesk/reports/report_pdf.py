"""Tabular report PDFs (contracts, cancellations by reason, charges): A4 landscape, DejaVu Sans.

The table header repeats on every page; totals close the table; the footer carries the report
title, when it was generated and "página X de Y".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from ispdesk.reports.assets import FONT, FONT_BOLD, default_logo_png, register_fonts
from ispdesk.reports.contract_pdf import ACCENT, INK, MARGIN_X, MUTED, RULE, image_reader, numbered_canvas

PAGE = landscape(A4)
_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


@dataclass(frozen=True)
class PdfColumn:
    """A column: its title, relative width and alignment (``left``, ``right``, ``center``)."""

    title: str
    width: float
    align: str = "left"


def render_report_pdf(
    title: str,
    subtitle: str,
    columns: Sequence[PdfColumn],
    rows: Sequence[Sequence[str]],
    totals: Sequence[str],
    company_name: str,
    generated: str,
) -> bytes:
    """Draw a report; `rows` hold display text (masked, dd/mm/aaaa, R$ 1.234,56)."""
    register_fonts()
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.3, leading=9.0, textColor=INK)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD, textColor=colors.white)
    styles = [ParagraphStyle(f"c{i}", parent=cell, alignment=_ALIGN[c.align]) for i, c in enumerate(columns)]
    head_styles = [ParagraphStyle(f"h{i}", parent=head, alignment=_ALIGN[c.align]) for i, c in enumerate(columns)]
    width = PAGE[0] - 2 * MARGIN_X
    total_weight = sum(c.width for c in columns) or 1
    col_widths = [width * c.width / total_weight for c in columns]
    data: list[list[Any]] = [[Paragraph(escape(c.title), head_styles[i]) for i, c in enumerate(columns)]]
    for row in rows:
        data.append([Paragraph(escape(str(v)), styles[i]) for i, v in enumerate(row)])
    table = Table(data, colWidths=col_widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ]
    for r in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f2f5fa")))
    table.setStyle(TableStyle(commands))

    title_style = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=13, leading=16, textColor=ACCENT)
    sub_style = ParagraphStyle("s", fontName=FONT, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=6)
    total_style = ParagraphStyle("tot", fontName=FONT_BOLD, fontSize=8.5, leading=12, textColor=INK)
    story: list[Any] = [Paragraph(escape(title), title_style), Paragraph(escape(subtitle), sub_style), table]
    if not rows:
        story.append(Paragraph("Nenhum registro no período e filtros escolhidos.", sub_style))
    if totals:
        story.append(Spacer(1, 0.3 * cm))
        story += [Paragraph(escape(t), total_style) for t in totals]

    def header(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        size = 0.8 * cm
        top = PAGE[1] - 0.9 * cm
        canvas.drawImage(image_reader(default_logo_png()), MARGIN_X, top - size, width=size, height=size)
        canvas.setFont(FONT_BOLD, 9.5)
        canvas.setFillColor(ACCENT)
        canvas.drawString(MARGIN_X + size + 0.3 * cm, top - 0.5 * cm, company_name)
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(PAGE[0] - MARGIN_X, top - 0.5 * cm, f"Emitido em {generated}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=2.1 * cm,
                          bottomMargin=2.0 * cm, title=title, author=company_name, creator="ispdesk", invariant=1)
    frame = Frame(MARGIN_X, 2.0 * cm, width, PAGE[1] - 4.1 * cm, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="report", frames=[frame], onPage=header)])
    doc.build(story, canvasmaker=numbered_canvas(f"{title} · emitido em {generated}"))
    return buffer.getvalue()
