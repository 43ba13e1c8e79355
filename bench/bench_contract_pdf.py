"""Benchmark: contract PDFs per second on one core, against bare reportlab drawing the same pages.

Builds a SQLite database with N pre-contracts (each customer different: names with accents,
addresses, documents), then measures in the same process, alternating, ``--rounds`` times (the best
round of each is compared), CPU time of this process (one core; other processes do not count):

- **service**: `ispdesk.services.documents.generate_contract_pdf` per contract — the read-only
  query, the template compiled and filled, the PDF drawn, a `ContractDocument` and an audit row
  written and committed (one unit of work each);
- **baseline**: reportlab alone drawing the same pages: the same paragraphs (the text the service
  printed for that contract, captured before timing), the same fonts (DejaVu Sans), the same styles,
  header with logo, footer with "página X de Y", signature table — no ispdesk code in the loop.

Targets: service ≥ 20 PDFs/s and service time ≤ 1.5 × baseline time.

Usage::

    python bench/bench_contract_pdf.py [--contracts 40] [--rounds 3] [--dir /tmp/bench-pdf]
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import set_bench_company  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ispdesk.db import migrate  # noqa: E402
from ispdesk.db.engine import make_engine  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.template_engine import compile_template, inline_segments, parse_blocks  # noqa: E402
from ispdesk.services import documents  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.templates import current_template  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
NAMES = ["Maria José da Conceição", "João Açaí Brandão", "Ana Lúcia Gonçalves", "Cauã Ribeiro Araújo",
         "Íris Sampaio Névoa", "Vitória Antunes Simões", "Sebastião Müller Leão", "Conceição Ávila Peçanha"]


# ----------------------------------------------------------------------------- data

def build_database(folder: Path, count: int) -> tuple[UnitOfWorkFactory, list[Any]]:
    from datetime import date

    sys.path.insert(0, str(ROOT))
    from tests import factories  # the test builders: realistic rows without going through services

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine, backup=False)
    factory = UnitOfWorkFactory(engine, FixedClock(date(2026, 11, 27)))
    ensure_reference_data(factory)
    ids = []
    with factory(Actor.system()) as uow:
        plan = factories.make_plan(uow.session, code="FIBRA-600", price="119.90", name="Fibra 600 Mega",
                                   download_mbps=600, upload_mbps=300)
        for i in range(count):
            customer = factories.make_customer(uow.session, name=f"{NAMES[i % len(NAMES)]} {i}",
                                               phone="1134567890", complement=f"apto. {i}")
            ids.append(factories.make_contract(uow.session, customer=customer, plan=plan, activated_on=None).id)
        uow.commit()
    return factory, ids


# ----------------------------------------------------------------------------- bare reportlab

class Baseline:
    """The same page drawn with reportlab only (styles and decoration written out here)."""

    def __init__(self) -> None:
        from reportlab import rl_config

        rl_config.useA85 = 0  # same stream encoding as the service
        for name in ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"):
            pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
                                      italic="DejaVuSans-Oblique", boldItalic="DejaVuSans-BoldOblique")
        ink, self.accent, self.muted, self.rule = (colors.HexColor("#1d1d1f"), colors.HexColor("#124078"),
                                                   colors.HexColor("#5b6170"), colors.HexColor("#9aa3b5"))
        body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=9.4, leading=13.4, textColor=ink,
                              alignment=TA_JUSTIFY, spaceAfter=5)
        head = dict(parent=body, fontName="DejaVuSans-Bold", fontSize=9.8, leading=13, alignment=TA_LEFT,
                    textColor=self.accent)
        self.st = {
            "title": ParagraphStyle("t", parent=body, fontName="DejaVuSans-Bold", fontSize=13.5, leading=18,
                                    alignment=TA_CENTER, textColor=self.accent, spaceAfter=3),
            "center": ParagraphStyle("c", parent=body, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8),
            "heading": ParagraphStyle("h", spaceBefore=10, spaceAfter=5, **head),
            "clause": ParagraphStyle("cl", spaceBefore=11, spaceAfter=5, **head),
            "para": body,
            "item": ParagraphStyle("i", parent=body, leftIndent=30, bulletIndent=0, bulletFontName="DejaVuSans-Bold"),
            "subitem": ParagraphStyle("s", parent=body, leftIndent=50, bulletIndent=31, spaceAfter=3),
            "sign": ParagraphStyle("sg", parent=body, alignment=TA_CENTER, fontSize=8.8, leading=11.5, spaceAfter=0),
        }
        # the same logo pixels the service embeds (flattened on white, 200 px), prepared outside the timing
        from PIL import Image

        rgba = Image.open(ROOT / "resources" / "icons" / "ispdesk-logo.png").convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        flat.thumbnail((200, 200))
        self.logo = ImageReader(flat)

    def draw(self, paragraphs: list[tuple[str, str, str]], signers: list[tuple[str, str, str]], header: str,
             footer: str) -> bytes:
        st, accent, muted, rule, logo = self.st, self.accent, self.muted, self.rule, self.logo
        width, height = A4

        class NumberedCanvas(Canvas):
            def __init__(self, *a: Any, **k: Any) -> None:
                super().__init__(*a, **k)
                self.pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self.pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                for state in self.pages:
                    self.__dict__.update(state)
                    self.setFont("DejaVuSans", 6.8)
                    self.setStrokeColor(rule)
                    self.line(2.2 * cm, 1.93 * cm, width - 2.2 * cm, 1.93 * cm)
                    self.drawString(2.2 * cm, 1.55 * cm, footer)
                    self.drawRightString(width - 2.2 * cm, 1.55 * cm, f"página {self._pageNumber} de {len(self.pages)}")
                    super().showPage()
                super().save()

        def on_page(canvas: Canvas, _doc: Any) -> None:
            canvas.saveState()
            canvas.drawImage(logo, 2.2 * cm, height - 2.35 * cm, width=1.15 * cm, height=1.15 * cm)
            canvas.setFillColor(accent)
            canvas.setFont("DejaVuSans-Bold", 10.5)
            canvas.drawString(3.7 * cm, height - 1.65 * cm, "Provedor Exemplo Ltda.")
            canvas.setFillColor(muted)
            canvas.setFont("DejaVuSans", 7.2)
            canvas.drawString(3.7 * cm, height - 2.1 * cm, header)
            canvas.line(2.2 * cm, height - 2.65 * cm, width - 2.2 * cm, height - 2.65 * cm)
            canvas.restoreState()

        story: list[Any] = []
        for kind, xml, bullet in paragraphs:
            para = Paragraph(xml, st[kind], bulletText=bullet or None)
            para.keepWithNext = kind in ("title", "clause", "heading")  # same layout rules as the service
            story.append(para)
        cut = len(paragraphs)
        while cut > 0 and len(paragraphs) - cut < 3 and paragraphs[cut - 1][0] in ("para", "center"):
            cut -= 1
        closing, story = story[cut:], story[:cut]
        rows = [["", "", ""], [Paragraph(escape(signers[0][1]), st["sign"]), "",
                               Paragraph(escape(signers[1][1]), st["sign"])],
                [Paragraph(escape(signers[0][2]), st["sign"]), "", Paragraph(escape(signers[1][2]), st["sign"])],
                [Paragraph(signers[0][0], st["sign"]), "", Paragraph(signers[1][0], st["sign"])]]
        table = Table(rows, colWidths=[7.6 * cm, 1.4 * cm, 7.6 * cm], rowHeights=[1.7 * cm, None, None, None])
        table.setStyle(TableStyle([("LINEABOVE", (0, 1), (0, 1), 0.7, colors.black),
                                   ("LINEABOVE", (2, 1), (2, 1), 0.7, colors.black)]))
        wit = Table([["", "", ""], ["Testemunha 1", "", "Testemunha 2"], ["Nome:", "", "Nome:"], ["CPF:", "", "CPF:"]],
                    colWidths=[7.6 * cm, 1.4 * cm, 7.6 * cm], rowHeights=[1.5 * cm, None, None, None])
        wit.setStyle(TableStyle([("LINEABOVE", (0, 1), (0, 1), 0.7, colors.black),
                                 ("LINEABOVE", (2, 1), (2, 1), 0.7, colors.black),
                                 ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8.6)]))
        story.append(KeepTogether([*closing, Spacer(1, 0.2 * cm), table, Spacer(1, 0.2 * cm), wit]))
        buffer = io.BytesIO()
        doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=3.1 * cm,
                              bottomMargin=2.3 * cm, invariant=1)
        frame = Frame(2.2 * cm, 2.3 * cm, width - 4.4 * cm, height - 5.4 * cm, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="p", frames=[frame], onPage=on_page)])
        doc.build(story, canvasmaker=NumberedCanvas)
        return buffer.getvalue()


def xml_of(text: str, upper: bool = False) -> str:
    out = []
    for run, bold in inline_segments(text):
        value = escape(run.upper() if upper else run)
        out.append(f"<b>{value}</b>" if bold else value)
    return "".join(out)


def capture_content(factory: UnitOfWorkFactory, ids: list[Any]) -> list[tuple[list[tuple[str, str, str]], Any]]:
    """The paragraphs and signers of each contract as the service prints them (outside the timing)."""
    out = []
    with factory(Actor.system()) as uow:
        template = current_template(uow.session, documents.DEFAULT_CONTRACT_TEMPLATE)
        compiled = compile_template(template.body)
        for cid in ids:
            data = documents.contract_document_context(uow.session, cid, uow.today)
            paragraphs = []
            for block in parse_blocks(compiled.render(data.context)):
                if block.kind == "pagebreak":
                    continue
                if block.kind == "clause":
                    paragraphs.append(("clause", f"{block.label} — {xml_of(block.text, True)}", ""))
                else:
                    upper = block.kind in ("title", "heading")
                    paragraphs.append((block.kind, xml_of(block.text, upper), block.label))
            signers = [(s.role, s.name, s.document) for s in data.signatories]
            out.append((paragraphs, (signers, data.company_details, f"Contrato nº {data.contract_number}")))
    return out


# ----------------------------------------------------------------------------- timing

def run(args: argparse.Namespace) -> int:
    factory, ids = build_database(Path(args.dir), args.contracts)
    actor = Actor.for_role("bench", "administrador")
    set_bench_company(factory, actor)
    content = capture_content(factory, ids)
    baseline = Baseline()
    # warm-up (font parsing, imports, first template compile)
    documents.generate_contract_pdf(factory(actor), ids[0])
    baseline.draw(content[0][0], content[0][1][0], content[0][1][1], content[0][1][2])

    best_service = best_base = float("inf")
    pages = 0
    for r in range(args.rounds):
        t0 = time.process_time()
        for cid in ids:
            result = documents.generate_contract_pdf(factory(actor), cid)
        service = time.process_time() - t0
        t0 = time.process_time()
        for paragraphs, (signers, header, footer) in content:
            data = baseline.draw(paragraphs, signers, header, footer)
        base = time.process_time() - t0
        best_service, best_base = min(best_service, service), min(best_base, base)
        print(f"round {r + 1}: service {service:.2f} s, baseline {base:.2f} s")
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(result.pdf)).pages)
    base_pages = len(PdfReader(io.BytesIO(data)).pages)
    n = len(ids)
    rate = n / best_service
    ratio = best_service / best_base
    print(f"contracts: {n}; pages per contract: service {pages}, baseline {base_pages}")
    print(f"service : {best_service / n * 1000:.1f} ms/PDF = {rate:.1f} PDFs/s (CPU time, one core)")
    print(f"baseline: {best_base / n * 1000:.1f} ms/PDF = {n / best_base:.1f} PDFs/s (bare reportlab)")
    print(f"ratio service/baseline: {ratio:.2f} (target ≤ 1.5); rate target ≥ 20 PDFs/s")
    ok = rate >= 20 and ratio <= 1.5 and pages == base_pages
    print("OK" if ok else "FORA DA META")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/bench-contract-pdf")
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
