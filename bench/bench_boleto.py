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
import shutil
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import report  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.services import boletos, carteiras  # noqa: E402
from ispdesk.services import parameters as params_service  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402
from tests.factories import make_charge, make_contract, make_plan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boletos", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-boleto"))
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{args.dir / 'bench.sqlite3'}")
    factory.clock = FixedClock(date(2026, 11, 27))
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    admin = Actor.system()
    carteiras.add_carteira(factory(admin), "BB1", "001", "1234", "56789", "18", "1234567")
    with factory(admin) as u:
        params_service.update(u, {"pix_chave": "financeiro@provedor.example"})
    contracts = []
    with factory(admin) as u:
        plan = make_plan(u.session, code="BENCH", price="99.90")
        for _ in range(max(1, args.boletos // 10)):
            contract = make_contract(u.session, plan=plan)
            for month in range(10):
                make_charge(u.session, contract, date(2027 + month // 12, month % 12 + 1, 10), "99.90",
                            created_at=datetime(2026, 11, 1, tzinfo=UTC))
            contracts.append(contract.number)
        u.commit()
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
