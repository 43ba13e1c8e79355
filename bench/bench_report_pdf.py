"""Benchmark: the contracts report PDF (1,600 contracts by default) — seconds to render, pages.

Builds a SQLite database with `--contracts` contracts (customers with accented names, CPF and CNPJ,
cities), reads the report through `services.reports.contracts_report` (timed apart) and renders it
with `report_pdf_bytes` (the PDF the menu and ``ispdesk report contracts --formato pdf`` write).
Target: render ≤ 3 s for 1,600 contracts (it took 14.7 s for 70 pages before).

Usage::

    python bench/bench_report_pdf.py [--contracts 1600] [--dir /tmp/bench-report]
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.documents import generate_cnpj, generate_cpf  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402
from ispdesk.services.reports import contracts_report, report_pdf_bytes  # noqa: E402
from ispdesk.services.uow import Actor  # noqa: E402
from tests import factories  # noqa: E402

NAMES = ("José", "Conceição", "Aparecida", "Gonçalves", "Brandão", "Araújo", "Mônica", "Ícaro", "Luzia")
CITIES = ("São Paulo", "Florianópolis", "Ribeirão Preto", "São José dos Campos", "Maceió")


def build(url: str, n: int) -> None:
    """`n` contracts, one customer each (half pessoa jurídica with long company names)."""
    factory = open_database(url, FixedClock(date(2026, 11, 27)))
    rnd = random.Random(7)
    with factory(Actor.cli()) as u:
        plan = factories.make_plan(u.session, code="FIBRA-1000-EMPRESARIAL", price="199.90")
        for i in range(n):
            juridica = i % 2 == 1
            name = " ".join(rnd.choice(NAMES) for _ in range(4)) + (" Comércio e Serviços Ltda." if juridica else "")
            customer = factories.make_customer(u.session, name=name, person_type="J" if juridica else "F",
                                               document=generate_cnpj() if juridica else generate_cpf(),
                                               city=rnd.choice(CITIES))
            factories.make_contract(u.session, customer=customer, plan=plan, value=Decimal("199.90"))
        u.commit()
    factory.dispose()


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=1600)
    parser.add_argument("--dir", default="/tmp/bench-report")
    args = parser.parse_args()
    folder = Path(args.dir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    build(url, args.contracts)
    factory = open_database(url, FixedClock(date(2026, 11, 27)))
    start = time.perf_counter()
    report = contracts_report(factory(Actor.cli()))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    pdf = report_pdf_bytes(report)
    render_s = time.perf_counter() - start
    (folder / "contratos.pdf").write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"contracts report: {len(report.pdf_rows)} contratos, {pages} páginas; leitura {read_s:.2f} s, "
          f"PDF {render_s:.2f} s (meta ≤ 3 s) → {folder / 'contratos.pdf'}")
    factory.dispose()
    return 0 if render_s <= 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
