"""The contract (or term) PDF for signature, drawn with reportlab.

A4, DejaVu Sans embedded, the ISP's logo and data in the header, clauses numbered by the template
markup, signature lines for the customer and the ISP (names and documents) and two witnesses, and a
footer with the contract, the template code and version, the verification code and "página X de Y".
The output is deterministic (reportlab's invariant mode): the same input gives the same bytes; the
metadata's creation date is `ContractPdf.created_at` (the moment of generation), not invariant's 2000.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ispdesk.domain.template_engine import Block, inline_segments
from ispdesk.reports.assets import FONT, FONT_BOLD, default_logo_png, register_fonts

PAGE_W, PAGE_H = A4
MARGIN_X = 2.2 * cm
MARGIN_TOP = 3.1 * cm
MARGIN_BOTTOM = 2.3 * cm
INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#5b6170")
ACCENT = colors.HexColor("#124078")
RULE = colors.HexColor("#9aa3b5")


@dataclass(frozen=True)
class Signatory:
    """Someone who signs: the role printed under the line, the name and the masked document.

    Attributes:
        role: ``ASSINANTE`` / ``PRESTADORA``.
        name: full name or company name.
        document: e.g. ``CPF 529.982.247-25``.
    """

    role: str
    name: str
    document: str


@dataclass(frozen=True)
class ContractPdf:
    """Everything the contract PDF prints (already formatted: masks, dates, money).

    Attributes:
        title: the PDF's metadata title.
        blocks: the rendered template, split into blocks.
        company_name: printed in the header next to the logo.
        company_details: one line under it (CNPJ, address, phone).
        logo_png: the branch's logo, or None for the default one.
        reference: e.g. ``Contrato nº 5123 · Modelo contrato_padrao v1``.
        verification_code: printed in every footer.
        signatories: customer and ISP, left to right.
        witnesses: how many witness lines to print (0 for none).
        created_at: the PDF's CreationDate/ModDate (timezone-aware); None keeps the fixed invariant date.
    """

    title: str
    blocks: tuple[Block, ...]
    company_name: str
    company_details: str
    logo_png: bytes | None
    reference: str
    verification_code: str
    signatories: tuple[Signatory, ...]
    witnesses: int = 2
    created_at: datetime | None = None


def verification_code(sha256_hex: str) -> str:
    """The code printed on the document: the first 16 hex digits of its hash, in groups of 4."""
    head = sha256_hex[:16].upper()
    return "-".join(head[i:i + 4] for i in range(0, 16, 4))


# ---------------------------------------------------------------------------------------------
# Styles

@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of contract documents (fonts registered on first use)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.4, leading=13.4, textColor=INK,
                          alignment=TA_JUSTIFY, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=13.5, leading=18,
                                alignment=TA_CENTER, textColor=ACCENT, spaceAfter=3),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=9.8, leading=13,
                                  alignment=TA_LEFT, textColor=ACCENT, spaceBefore=10, spaceAfter=5),
        "clause": ParagraphStyle("clause", parent=body, fontName=FONT_BOLD, fontSize=9.8, leading=13,
                                 alignment=TA_LEFT, textColor=ACCENT, spaceBefore=11, spaceAfter=5),
        "para": body,
        "item": ParagraphStyle("item", parent=body, leftIndent=30, bulletIndent=0, bulletFontName=FONT_BOLD,
                               bulletFontSize=9.4),
        "subitem": ParagraphStyle("subitem", parent=body, leftIndent=50, bulletIndent=31, bulletFontName=FONT,
                                  bulletFontSize=9.4, spaceAfter=3),
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_CENTER, fontSize=8.8, leading=11.5, spaceAfter=0),
        "sign_role": ParagraphStyle("sign_role", parent=body, alignment=TA_CENTER, fontName=FONT_BOLD,
                                    fontSize=8.2, leading=11, textColor=MUTED, spaceAfter=0),
        "witness_title": ParagraphStyle("witness_title", parent=body, fontName=FONT_BOLD, fontSize=8.8,
                                        alignment=TA_LEFT, spaceBefore=4),
        "witness": ParagraphStyle("witness", parent=body, alignment=TA_LEFT, fontSize=8.6, leading=14,
                                  spaceAfter=0),
    }


#: Spaces that must not break a line: "R$ 99,90", "nº 5123".
_KEEP_TOGETHER = (("R$ ", "R$\u00a0"), ("nº ", "nº\u00a0"), ("Nº ", "Nº\u00a0"))


def inline_xml(text: str, upper: bool = False) -> str:
    """Template inline text → reportlab paragraph markup (escaped; ``**`` → bold; no break after R$ or nº)."""
    parts = []
    for run, bold in inline_segments(text):
        value = escape(run.upper() if upper else run)
        for plain, joined in _KEEP_TOGETHER:
            value = value.replace(plain, joined)
        parts.append(f"<b>{value}</b>" if bold else value)
    return "".join(parts)


def block_flowables(blocks: Sequence[Block]) -> list[Flowable]:
    """The flowables of the document body."""
    st = styles()
    out: list[Flowable] = []
    for block in blocks:
        kind = block.kind
        if kind == "pagebreak":
            out.append(PageBreak())
        elif kind == "title":
            out.append(Paragraph(inline_xml(block.text, upper=True), st["title"]))
        elif kind == "clause":
            out.append(Paragraph(f"{escape(block.label)} — {inline_xml(block.text, upper=True)}", st["clause"]))
        elif kind == "heading":
            out.append(Paragraph(inline_xml(block.text, upper=True), st["heading"]))
        elif kind in ("item", "subitem"):
            out.append(Paragraph(inline_xml(block.text), st[kind], bulletText=block.label))
        elif kind == "center":
            out.append(Paragraph(inline_xml(block.text), st["center"]))
        else:
            out.append(Paragraph(inline_xml(block.text), st["para"]))
    # headings never end a page alone
    for flowable in out[:-1]:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("clause", "heading", "title"):
            flowable.keepWithNext = True  # type: ignore[attr-defined]
    return out


def _line_table(rows: list[list[Any]], first_height: float, line_rows: Sequence[int]) -> Table:
    """Two columns with a gutter; a signature line above each `line_rows` row of both columns."""
    gutter = 1.4 * cm
    col = (PAGE_W - 2 * MARGIN_X - gutter) / 2
    data = [[left, "", right] for left, right in rows]
    heights: list[float | None] = [first_height if r in {x - 1 for x in line_rows} else None for r in range(len(rows))]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]
    for r in line_rows:
        for c in (0, 2):
            if data[r][c] != "":
                commands.append(("LINEABOVE", (c, r), (c, r), 0.7, INK))
    table = Table(data, colWidths=[col, gutter, col], rowHeights=heights)
    table.setStyle(TableStyle(commands))
    return table


def split_closing(blocks: Sequence[Block]) -> tuple[Sequence[Block], Sequence[Block]]:
    """Split off the closing lines (paragraphs and centred lines after the last clause item, at most 3).

    They are kept on the same page as the signatures, so a page never holds signatures alone.
    """
    cut = len(blocks)
    while cut > 0 and len(blocks) - cut < 3 and blocks[cut - 1].kind in ("para", "center"):
        cut -= 1
    if cut == len(blocks) and cut > 0 and blocks[-1].kind != "pagebreak":
        cut -= 1  # the body ends in an item or a clause: keep that last block with the signatures
        while cut > 0 and blocks[cut - 1].kind in ("clause", "heading", "title"):
            cut -= 1
    return blocks[:cut], blocks[cut:]


def signature_flowables(signatories: Sequence[Signatory], witnesses: int) -> list[Flowable]:
    """Signature lines (two per row) and the witnesses' lines (the caller keeps them together)."""
    st = styles()
    rows: list[list[Any]] = []
    line_rows: list[int] = []
    for i in range(0, len(signatories), 2):
        pair = list(signatories[i:i + 2]) + [None]
        rows.append(["", ""])
        line_rows.append(len(rows))
        rows.append([Paragraph(escape(s.name), st["sign"]) if s else "" for s in pair[:2]])
        rows.append([Paragraph(escape(s.document), st["sign"]) if s else "" for s in pair[:2]])
        rows.append([Paragraph(escape(s.role), st["sign_role"]) if s else "" for s in pair[:2]])
    parts: list[Flowable] = [Spacer(1, 0.2 * cm), _line_table(rows, 1.7 * cm, line_rows)]
    if witnesses:
        labels = [Paragraph(f"Testemunha {n}", st["sign_role"]) for n in range(1, witnesses + 1)] + [""]
        wrows: list[list[Any]] = [["", ""], [labels[0], labels[1] if witnesses > 1 else ""],
                                  [Paragraph("Nome:", st["witness"]), Paragraph("Nome:", st["witness"]) if witnesses > 1
                                   else ""],
                                  [Paragraph("CPF:", st["witness"]), Paragraph("CPF:", st["witness"]) if witnesses > 1
                                   else ""]]
        parts += [Spacer(1, 0.2 * cm), _line_table(wrows, 1.5 * cm, [1])]
    return parts


# ---------------------------------------------------------------------------------------------
# Page decoration

@lru_cache(maxsize=8)
def image_reader(png: bytes, max_px: int = 200) -> ImageReader:
    """A cached reportlab image of a logo: flattened on white and at most `max_px` wide.

    Printed at about 1 cm, 200 px is more than 400 dpi; flattening removes the alpha mask, so each
    document embeds one small image instead of an image and its mask (faster, smaller PDFs).
    """
    from PIL import Image

    image: Image.Image = Image.open(io.BytesIO(png))
    image.load()
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((max_px, max_px))
    return ImageReader(image)


def stamp_creation(canvas: Canvas, created_at: datetime | None) -> None:
    """Write `created_at` (UTC) as the PDF's creation and modification date of `canvas`."""
    if created_at is None:
        return
    moment = created_at.astimezone(UTC)
    stamp = canvas._doc._timeStamp  # reportlab keeps the dates here; invariant mode fixes them to 2000
    stamp.t = moment.timestamp()
    stamp.lt = moment.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


class _NumberedCanvas(Canvas):
    """Defers each page until the end so the footer can say "página X de Y"."""

    footer_left = ""
    created_at: datetime | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: D401 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        stamp_creation(self, self.created_at)
        super().save()

    def _footer(self, total: int) -> None:
        self.saveState()
        y = MARGIN_BOTTOM - 0.75 * cm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        width = self._pagesize[0]
        self.line(MARGIN_X, y + 0.38 * cm, width - MARGIN_X, y + 0.38 * cm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 6.8)
        self.drawString(MARGIN_X, y, self.footer_left)
        self.drawRightString(width - MARGIN_X, y, f"página {self._pageNumber} de {total}")
        self.restoreState()


def numbered_canvas(footer_left: str, created_at: datetime | None = None) -> type[_NumberedCanvas]:
    """A canvas class whose pages end with `footer_left` and "página X de Y", dated `created_at`."""
    return type("ContractCanvas", (_NumberedCanvas,), {"footer_left": footer_left, "created_at": created_at})


def _draw_header(canvas: Canvas, doc: ContractPdf) -> None:
    canvas.saveState()
    logo = image_reader(doc.logo_png or default_logo_png())
    size = 1.15 * cm
    top = PAGE_H - 1.2 * cm
    canvas.drawImage(logo, MARGIN_X, top - size, width=size, height=size, preserveAspectRatio=True, anchor="sw")
    text_x = MARGIN_X + size + 0.35 * cm
    canvas.setFillColor(ACCENT)
    canvas.setFont(FONT_BOLD, 10.5)
    canvas.drawString(text_x, top - 0.45 * cm, doc.company_name)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 7.2)
    canvas.drawString(text_x, top - 0.9 * cm, doc.company_details)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    rule_y = top - size - 0.3 * cm
    canvas.line(MARGIN_X, rule_y, PAGE_W - MARGIN_X, rule_y)
    canvas.restoreState()


def render_contract_pdf(doc: ContractPdf, output: BinaryIO | None = None) -> bytes:
    """Draw the document; return the PDF bytes (also written to `output` when given)."""
    register_fonts()
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=doc.title, author=doc.company_name, subject=doc.reference,
        creator="ispdesk", keywords=f"verificação {doc.verification_code}", invariant=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE_W - 2 * MARGIN_X, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=lambda canvas, _doc: _draw_header(canvas, doc))])
    body, closing = split_closing(doc.blocks)
    signatures = signature_flowables(doc.signatories, doc.witnesses)
    closing_flowables = block_flowables(closing)
    story = block_flowables(body) + [KeepTogether(closing_flowables + signatures)]
    footer = f"{doc.reference} · Código de verificação: {doc.verification_code}"
    template.build(story, canvasmaker=numbered_canvas(footer, doc.created_at))
    data = buffer.getvalue()
    if output is not None:
        output.write(data)
    return data


def content_hash(*parts: str) -> str:
    """sha256 (hex) of the document's canonical content, the source of its verification code."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()
