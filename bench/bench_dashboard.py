"""Benchmark: the whole dashboard over 1,000,000 contracts with history on SQLite (target ≤ 2 s).

Reports each figure's time through ispdesk (SQLAlchemy statement + conversion) and its ratio to the
raw-SQL floor: the same SQL text and parameters run on a bare ``sqlite3`` connection.

    python bench/bench_dashboard.py                      # builds /tmp/dash-bench-1m.sqlite3 once
    python bench/bench_dashboard.py --db sqlite:////path/to.sqlite3 --plan DASH-300
    python bench/bench_dashboard.py --contracts 100000 --db sqlite:////tmp/dash-100k.sqlite3
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_dataset import build  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ispdesk.db.models import AccessEvent, Contract, PlanChange  # noqa: E402
from ispdesk.services.dashboard import (  # noqa: E402
    FIGURES,
    DashboardFilters,
    compute_dashboard_on,
    make_scope,
    run_figure,
)

TARGET_S = 2.0


def best(fn: Any, repeat: int) -> float:
    """Fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def raw_sql(engine: Any, stmt: Any) -> tuple[str, list[Any]]:
    """The SQL text and positional parameters SQLAlchemy sends for `stmt`."""
    compiled = stmt.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    return str(compiled), [params[name] for name in compiled.positiontup]


def main(argv: list[str] | None = None) -> int:
    """Build (if needed) and measure; exit 1 when the whole dashboard is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:////tmp/dash-bench-1m.sqlite3")
    parser.add_argument("--contracts", type=int, default=1_000_000, help="contracts to build when the file is new")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plan", help="also measure with this plan filter")
    parser.add_argument("--plans", action="store_true", help="print the query plan of each figure")
    args = parser.parse_args(argv)
    url = make_url(args.db)
    if url.get_backend_name() != "sqlite" or not url.database:
        parser.error("o benchmark mede o SQLite: use --db sqlite:////caminho/arquivo.sqlite3")
    path = Path(url.database)
    engine = make_engine(args.db)
    if not path.exists() or path.stat().st_size < 1_000_000:
        migrate.upgrade(engine, backup=False)
        started = time.perf_counter()
        totals = build(engine, args.contracts, args.date, progress=True)
        print(f"dados gerados em {time.perf_counter() - started:.0f} s: {totals}")
    sessions = make_session_factory(engine)
    with sessions() as s:
        counts = {
            "contratos": s.scalar(select(func.count()).select_from(Contract)),
            "eventos de acesso": s.scalar(select(func.count()).select_from(AccessEvent)),
            "alterações de plano": s.scalar(select(func.count()).select_from(PlanChange)),
        }
    print("base:", ", ".join(f"{k} {v:,}".replace(",", ".") for k, v in counts.items()))
    raw = sqlite3.connect(str(path))
    raw.execute("PRAGMA cache_size=-65536")
    ok = True
    for label, filters in (("sem filtro", DashboardFilters()), (f"plano {args.plan}", DashboardFilters(
            plan_code=args.plan)) if args.plan else (None, None)):
        if label is None:
            continue
        with sessions() as s:
            scope = make_scope(s, args.date, filters)
            compute_dashboard_on(s, args.date, filters)  # warm the page cache
            whole = best(lambda s=s, f=filters: compute_dashboard_on(s, args.date, f), args.repeat)
            print(f"\n== painel completo ({label}): {whole:.3f} s (meta ≤ {TARGET_S:.1f} s) "
                  f"{'OK' if whole <= TARGET_S else 'ACIMA DA META'}")
            ok = ok and (whole <= TARGET_S or label != "sem filtro")
            print(f"{'figura':<26}{'ispdesk s':>11}{'SQL puro s':>12}{'razão':>8}")
            floor_total = 0.0
            for figure in FIGURES:
                ours = best(lambda f=figure, sc=scope: run_figure(s, f, sc), args.repeat)
                sql, params = raw_sql(engine, figure.build(scope))
                floor = best(lambda q=sql, p=params: raw.execute(q, p).fetchall(), args.repeat)
                floor_total += floor
                print(f"{figure.name:<26}{ours:>11.4f}{floor:>12.4f}{ours / floor if floor else 0:>8.2f}")
                if args.plans:
                    for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params):
                        print(f"    {row[-1]}")
            print(f"{'total':<26}{whole:>11.4f}{floor_total:>12.4f}{whole / floor_total:>8.2f}")
    raw.close()
    engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
