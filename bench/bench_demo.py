"""Benchmark: ``ispdesk demo --customers N`` with its defaults on a fresh SQLite file.

Runs `generate_full_demo` exactly as the ``demo`` command does (customers, 80 % of them with a
contract, 18 months of history, the non-payment routine for the 75 days up to yesterday) and prints
the time of each step, the total and the peak RSS. Target: 100,000 customers ≤ 180 s.

``--through-services`` writes the plan changes and cancellations one by one through their services
(the reference the set-based writers are tested against) — to see what the set-based path saves.

Usage::

    python bench/bench_demo.py [--customers 100000] [--seed 1] [--dir /tmp/bench-demo] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.services import demo_history  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.uow import UnitOfWorkFactory  # noqa: E402

TARGET_S = 180.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-demo"))
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--through-services", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{args.dir / 'demo.sqlite3'}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)

    start = time.perf_counter()
    steps: list[tuple[str, float]] = [("Gerando clientes de demonstração", start)]

    def progress(done: int, total: int, text: str) -> None:
        if not steps or steps[-1][0] != text:
            steps.append((text, time.perf_counter()))

    result = demo_history.generate_full_demo(factory, args.customers, progress=progress, seed=args.seed,
                                             through_services=args.through_services)
    total = time.perf_counter() - start
    ends = [t for _, t in steps[1:]] + [start + total]
    for (text, began), end in zip(steps, ends, strict=True):
        print(f"{end - began:8.1f} s  {text}")
    h = result.history
    print(f"{result.customers} clientes, {h.contracts} contratos, {h.charges} cobranças abertas vistas, "
          f"{h.payments} pagamentos, {h.plan_changes} mudanças de plano, {h.cancellations} cancelamentos; "
          f"rotina: {h.ladder}")
    print(f"demo --customers {args.customers}: {total:.1f} s | meta ≤ {TARGET_S:.0f} s "
          f"({'ok' if total <= TARGET_S else 'ACIMA'}) | pico {peak_rss_mb():.0f} MB", flush=True)
    factory.engine.dispose()
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
