"""Benchmark: a 100,000-line CNAB 240 retorno settled on SQLite (target ≤ 30 s).

Builds a SQLite database with one carteira (Banco do Brasil) and N open charges on N/10 contracts,
writes their remessa (`export cnab-remessa`: nosso números taken, titles marked sent), then a
retorno with a liquidação (segments T + U) for every title — 2 lines per title, so 49,990 titles
make 99,980 detail lines in one lote — and times `import cnab` (the titles settled through the bulk payment
path: payments, lines, paid-until, one access-status write, audit) and the same file imported again (all "já
importados").

Usage::

    python bench/bench_cnab.py [--titles 49990] [--dir /tmp/bench-cnab]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _fixtures import contracts_with_charges, fresh_database  # noqa: E402
from common import report  # noqa: E402

from ispdesk.domain import cnab240  # noqa: E402
from ispdesk.services.cnab_remessa import export_remessa  # noqa: E402
from ispdesk.services.cnab_retorno import import_cnab  # noqa: E402
from ispdesk.services.uow import Actor  # noqa: E402

TARGET_S = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=49_990)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-cnab"))
    args = parser.parse_args()
    factory = fresh_database(args.dir)
    admin = Actor.system()
    start = time.perf_counter()
    contracts_with_charges(factory, args.titles, date(2026, 1, 10), datetime(2026, 1, 1))
    print(f"setup: {args.titles} charges in {time.perf_counter() - start:.1f}s", flush=True)
    start = time.perf_counter()
    remessa = export_remessa(factory(admin), "BB1", date(2026, 1, 2), args.dir / "r.rem")
    report(f"remessa: {remessa.titles} titles", time.perf_counter() - start)
    records = []
    for line in (args.dir / "r.rem").read_bytes().decode("ascii").split("\r\n"):
        if len(line) == 240 and line[13] == "P":
            p = cnab240.parse("P", line)
            paid_on = cnab240.parse_day(p["vencimento"])
            records.append(cnab240.return_records("001", 1 + 2 * len(records), p["nosso_numero"], "06",
                                                  cnab240.money(p["valor"]), cnab240.money(p["valor"]),
                                                  Decimal(0), paid_on))
    ret = args.dir / "RET.ret"
    ret.write_bytes(cnab240.return_file("001", records, date(2026, 11, 27)).encode("ascii"))
    detail_lines = 2 * len(records)
    start = time.perf_counter()
    result = import_cnab(factory(admin), ret)
    import_s = time.perf_counter() - start
    print(result.summary.splitlines()[-1], flush=True)
    report(f"import cnab: {detail_lines} detail lines ({result.settled} liquidados)", import_s)
    start = time.perf_counter()
    again = import_cnab(factory(admin), ret)
    again_s = time.perf_counter() - start
    print(again.summary.splitlines()[-1], flush=True)
    report("import cnab again (nothing settled twice)", again_s)
    ok = result.settled == len(records) and again.already == len(records) and import_s <= TARGET_S
    print(f"OK: ≤ {TARGET_S:.0f} s" if ok else f"FAIL: {import_s:.1f} s (target ≤ {TARGET_S:.0f} s) or wrong counts",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
