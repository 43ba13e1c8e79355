"""Tabular report PDFs (contracts, cancellations by reason, charges): A4 landscape, DejaVu Sans.

The table header repeats on every page; totals close the table; the footer carries the report
title, when it was generated and "página X de Y".
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from ispdesk.reports.assets import FONT, FONT_BOLD, default_logo_png, register_fonts
from ispdesk.reports.contract_pdf import ACCENT, INK, MARGIN_X, MUTED, RULE, image_reader, numbered_canvas

PAGE = landscape(A4)
_PAD = 4
_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


@dataclass(frozen=True)
class PdfColumn:
    """A column: its title, relative width, alignment (``left``, ``right``, ``center``) and wrapping.

    A column with ``wrap=False`` (codes, CPF/CNPJ, offer codes, money, dates) is as wide as its widest
    value and is never broken; the others share the remaining width by `width` and wrap only at spaces.
    """

    title: str
    width: float
    align: str = "left"
    wrap: bool = True


def _title_word(column: PdfColumn, font_size: float) -> float:
    return max((stringWidth(w, FONT_BOLD, font_size) for w in column.title.split()), default=0.0)


def estimate_pages(rows: Sequence[Sequence[str]], room: Sequence[float], font_size: float, leading: float,
                   frame_height: float) -> int:
    """About how many pages the table takes (for a determinate progress bar; the real count may differ)."""
    height = 0.0
    for row in rows:
        lines = max((math.ceil(stringWidth(str(v), FONT, font_size) / (r * 0.85)) if r > 0 else 1
                     for v, r in zip(row, room, strict=False)), default=1)
        height += max(lines, 1) * leading + 5
    per_page = max(frame_height - 3 * leading - 5, leading)  # the repeated header row
    return max(1, math.ceil((height + 40) / per_page))


def column_widths(columns: Sequence[PdfColumn], rows: Sequence[Sequence[str]], width: float,
                  font_size: float) -> list[float]:
    """Widths in points: unwrapped columns fit their widest value, the rest share what is left by weight."""
    fixed: dict[int, float] = {}
    for i, c in enumerate(columns):
        if not c.wrap:
            widest = max((stringWidth(str(r[i]), FONT, font_size) for r in rows), default=0.0)
            fixed[i] = max(widest, _title_word(c, font_size)) + 2 * _PAD + 1
    # a wrapping column is at least as wide as its longest word (wrapping happens only at spaces)
    floor = {i: max(max((stringWidth(w, FONT, font_size) for r in rows for w in str(r[i]).split()), default=0.0),
                    _title_word(c, font_size)) + 2 * _PAD + 1 for i, c in enumerate(columns) if c.wrap}
    natural = {i: max(max((stringWidth(str(r[i]), FONT, font_size) for r in rows), default=0.0),
                      _title_word(c, font_size)) + 2 * _PAD + 1 for i, c in enumerate(columns) if c.wrap}
    rest = max(width - sum(fixed.values()), 0.0)
    widths: dict[int, float] = {}
    open_ = set(natural)
    while open_:  # a column whose whole text fits in its fair share gets just that; the others share the rest
        left = rest - sum(widths.values())
        weight = sum(columns[i].width for i in open_) or 1
        fits = {i for i in open_ if natural[i] <= left * columns[i].width / weight}
        if not fits:
            for i in open_:
                widths[i] = max(floor[i], left * columns[i].width / weight)
            break
        for i in fits:
            widths[i] = natural[i]
        open_ -= fits
    spare = rest - sum(widths.values())
    if spare > 0 and widths:  # everything fits: spread what is left by weight
        weight = sum(columns[i].width for i in widths) or 1
        widths = {i: w + spare * columns[i].width / weight for i, w in widths.items()}
    return [fixed[i] if i in fixed else widths[i] for i in range(len(columns))]


def render_report_pdf(
    title: str,
    subtitle: str,
    columns: Sequence[PdfColumn],
    rows: Sequence[Sequence[str]],
    totals: Sequence[str],
    company_name: str,
    generated: str,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Draw a report; `rows` hold display text (masked, dd/mm/aaaa, R$ 1.234,56).

    `progress(pages drawn, pages expected)` is called as each page is laid out, and once at the end.
    """
    register_fonts()
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.3, leading=9.0, textColor=INK, splitLongWords=0)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD, textColor=colors.white)
    styles = [ParagraphStyle(f"c{i}", parent=cell, alignment=_ALIGN[c.align]) for i, c in enumerate(columns)]
    head_styles = [ParagraphStyle(f"h{i}", parent=head, alignment=_ALIGN[c.align]) for i, c in enumerate(columns)]
    width = PAGE[0] - 2 * MARGIN_X
    col_widths = column_widths(columns, rows, width, cell.fontSize)
    data: list[list[Any]] = [[Paragraph(escape(c.title), head_styles[i]) for i, c in enumerate(columns)]]
    room = [w - 2 * _PAD for w in col_widths]
    for row in rows:
        # a plain string when it fits on one line (fast, never broken); a Paragraph wrapping at spaces else
        data.append([text if (not columns[i].wrap or stringWidth(text, FONT, cell.fontSize) <= room[i])
                     else Paragraph(escape(text), styles[i])
                     for i, text in enumerate(str(v) for v in row)])
    table = Table(data, colWidths=col_widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), cell.fontSize),
        ("LEADING", (0, 1), (-1, -1), cell.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        *[("ALIGN", (i, 1), (i, -1), c.align.upper()) for i, c in enumerate(columns)],
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
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

    frame_height = PAGE[1] - 4.1 * cm
    expected = estimate_pages(rows, [r if c.wrap else 1e9 for r, c in zip(room, columns, strict=True)],
                              cell.fontSize, cell.leading, frame_height) if progress else 1

    drawn = [0]

    def header(canvas: Any, _doc: Any) -> None:
        if progress is not None:
            drawn[0] = page = canvas.getPageNumber()
            progress(page, max(expected, page + 1))
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
    if progress is not None:
        progress(drawn[0], drawn[0])
    return buffer.getvalue()
