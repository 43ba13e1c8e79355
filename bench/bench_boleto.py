"""Benchmark: boletos rendered per second (target ≥ 50/s for 1,000 boletos).

Builds a SQLite database with one carteira (Banco do Brasil), PIX configured and N open charges on
N/10 contracts, then times, in one process, the carnê of every contract
(`ispdesk.services.boletos.carne_pdf`: query, nosso número taken and committed, barcode, linha
digitável, PIX BR Code, the PDF with I2of5 barcodes and QR codes, written atomically) and one single
boleto PDF per charge of the first contract again (numbers already taken).

Usage::

    python bench/bench_boleto.py [--boletos 1000] [--dir /tmp/bench-boleto]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _fixtures import contracts_with_charges, fresh_database  # noqa: E402
from common import report  # noqa: E402

from ispdesk.services import boletos  # noqa: E402
from ispdesk.services import parameters as params_service  # noqa: E402
from ispdesk.services.uow import Actor  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boletos", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-boleto"))
    args = parser.parse_args()
    factory = fresh_database(args.dir, wallet="18", agreement="1234567")
    admin = Actor.system()
    with factory(admin) as u:
        params_service.update(u, {"pix_chave": "financeiro@provedor.example"})
    contracts = contracts_with_charges(factory, args.boletos, date(2027, 1, 10), datetime(2026, 11, 1))
    start = time.perf_counter()
    total = 0
    for number in contracts:
        total += boletos.carne_pdf(factory(admin), number, args.dir / f"carne-{number}.pdf")[1]
    carne_s = time.perf_counter() - start
    print(report(f"carnê: {total} boletos in {len(contracts)} carnês — {total / carne_s:.0f} boletos/s",
                 carne_s), flush=True)
    numbers = boletos.open_charge_numbers(factory(admin), contracts[0])
    start = time.perf_counter()
    for n in numbers * 10:
        boletos.boleto_pdf(factory(admin), n, args.dir / "single.pdf")
    single_s = time.perf_counter() - start
    rate = len(numbers) * 10 / single_s
    print(report(f"single boleto PDF: {len(numbers) * 10} in {single_s:.2f}s — {rate:.0f}/s", single_s), flush=True)
    ok = total / carne_s >= 50 and rate >= 50
    print("OK: ≥ 50 boletos/s" if ok else "FAIL: below 50 boletos/s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
