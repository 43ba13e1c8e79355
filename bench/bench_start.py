"""Benchmark: from the login accepted to the customers rows painted (target ≤ 1 s at 1,000,000 customers).

Each round runs in a fresh Python process (so module imports count, as on a real start): it opens the
database and resolves the user first (what happens before and during the login dialog), then starts
the clock, imports the main window, builds it (the customers tab, first shown; the other tabs are
built on first view), shows it and waits until the customers table holds rows and has painted them.

Usage::

    python bench/bench_start.py --db sqlite:////tmp/ispdesk-1m.sqlite3 [--rounds 5]

Make the database with ``ispdesk --db URL demo --customers 1000000 --contracts 2000`` (≈ 1–2 min).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from ispdesk.app import ensure_application, database_label
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor
from ispdesk.domain.permissions import Role
app = ensure_application()
factory = open_database(sys.argv[1])
actor = Actor.for_role("admin", Role.ADMINISTRADOR, "Administrador")
before = set(sys.modules)
t0 = time.perf_counter()                                  # the login dialog has just been accepted
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.main_window import MainWindow
t_import = time.perf_counter()
window = MainWindow(AppContext(factory=factory, actor=actor, events=DataEvents()), database_label(sys.argv[1]))
t_built = time.perf_counter()
window.resize(1366, 768)
window.show()
tab = window.find_tab("customersTab")
while tab.model.rowCount() == 0 and time.perf_counter() - t0 < 30:
    app.processEvents()
app.processEvents()
tab.table.viewport().repaint()                            # the rows painted
t1 = time.perf_counter()
print(json.dumps({"total": t1 - t0, "import": t_import - t0, "build": t_built - t_import,
                  "rows": tab.model.rowCount(), "modules": len(set(sys.modules) - before),
                  "built_tabs": sum(1 for i in range(window.tabs.count())
                                    if window.tabs.widget(i).objectName() != "pendingTab")}))
"""


def main() -> int:
    """Run the rounds and print median / best / worst."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    results = []
    for _ in range(args.rounds):
        out = subprocess.run([sys.executable, "-c", CHILD, args.db, str(ROOT)], capture_output=True, text=True,
                             env=env, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    totals = [r["total"] for r in results]
    last = results[-1]
    print(f"start (login accepted → customers rows painted): median {statistics.median(totals):.3f} s, "
          f"best {min(totals):.3f} s, worst {max(totals):.3f} s (target ≤ 1 s); last round: imports "
          f"{last['import']:.3f} s ({last['modules']} modules), window {last['build']:.3f} s, "
          f"{last['rows']} rows, {last['built_tabs']} tab(s) built")
    return 0 if statistics.median(totals) <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
