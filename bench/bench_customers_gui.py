"""Benchmark: the customers tab (GUI) over 1,000,000 customers in SQLite.

Measures, each in a fresh process so memory is not shared between them:

* **first paint** — from creating `CustomersTab` (search field, paged model, first page query) to the
  end of the event-loop turn in which the table's viewport painted its first rows;
* **keystroke → results** — a real key event sent to ``customerSearch`` until the end of the
  event-loop turn in which the viewport painted the new results. The debounce and the search
  thread ARE counted: the event loop runs (and sleeps, as a real one) between the key and the
  paint, so the tab's own timer and the hand-off to and from its worker are inside the figure.
  Typed: a name letter by letter (accent-free,
  as people type), a CPF digit by digit, a mobile number, an e-mail prefix, a customer code, and
  backspaces. Typing starts 1 s after the first paint (both runs), as a person would;
* **peak RSS** of the process after all of it.

The floor runs the same steps in another process with Qt's own `QSqlQueryModel` (QtSql, QSQLITE
driver) over the same file, with exactly the SQL the service generates for each text (the
`build_search_query` statement compiled with literal values) and a `QTableView`;
each key runs ``setQuery`` at once (no debounce, no Python rows). The floor's view has the tab's
geometry (row height, column widths, hidden key columns), so both paint the same cells. Every figure is also given as a
ratio to the floor.

Usage::

    python bench/bench_customers_gui.py [--customers 1000000] [--db PATH] [--rounds 3]

The database is built once with `ispdesk.services.demo.generate_demo` and cached in /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, p95, peak_rss_mb  # noqa: E402

TARGET_FIRST_S = 0.200
TARGET_KEY_S = 0.050
TARGET_RSS_MB = 400.0
#: Pause between the first paint and the first key (a person finds the search field); both runs.
IDLE_BEFORE_TYPING_S = 1.0


def build(path: Path, customers: int) -> None:
    """Create and fill the benchmark database once (demo generator), cached at `path`."""
    if path.exists():
        return
    from ispdesk.db import migrate
    from ispdesk.services.bootstrap import ensure_reference_data
    from ispdesk.services.demo import generate_demo
    from ispdesk.services.uow import UnitOfWorkFactory

    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{tmp}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    started = time.perf_counter()
    generate_demo(factory, customers, seed=11)
    print(f"{customers} clientes gerados em {time.perf_counter() - started:.1f} s", flush=True)
    factory.dispose()
    tmp.rename(path)


def keystrokes(path: Path) -> list[tuple[str, str]]:
    """(key, expected text after it) for one round of typing, from a real customer of the file."""
    import sqlite3

    from ispdesk.domain.text import fold

    conn = sqlite3.connect(path)
    total = conn.execute("SELECT max(code) FROM customers").fetchone()[0] or 0
    name, document, mobile, email, code = conn.execute(
        "SELECT name, document, mobile, email, code FROM customers WHERE document IS NOT NULL "
        "AND length(document) = 11 AND mobile IS NOT NULL AND email IS NOT NULL ORDER BY code LIMIT 1 OFFSET ?",
        (min(54321, total // 3),),
    ).fetchone()
    conn.close()
    steps: list[tuple[str, str]] = []

    def type_text(text: str) -> None:
        current = steps[-1][1] if steps else ""
        for ch in text:
            current += ch
            steps.append((ch, current))

    def clear() -> None:
        current = steps[-1][1] if steps else ""
        while current:
            current = current[:-1]
            steps.append(("\b", current))

    type_text(fold(name)[:7])
    clear()
    type_text(" ".join(reversed(fold(name).split()))[:9])  # surname first, as attendants search
    clear()
    type_text(document)
    clear()
    type_text(mobile)
    clear()
    type_text(email.split("@")[0][:6])
    clear()
    type_text(str(code))
    clear()
    return steps


class PaintProbe:
    """Records when a widget's viewport paints."""

    def __init__(self, viewport: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        probe = self

        class _Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    probe.last = time.perf_counter()
                    probe.count += 1
                return False

        self.last = 0.0
        self.count = 0
        self._filter = _Filter()
        viewport.installEventFilter(self._filter)


def _wait(app: Any, done: Any, limit_s: float = 10.0) -> float:
    """Run the event loop until `done()`; return the time right after (the paint has finished).

    The loop sleeps between events as the application's own event loop does (a 1 ms timer wakes
    it to check `done`): a busy loop would hold Python's GIL and starve the search thread, which
    no real window does.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + limit_s
    tick = QTimer()
    tick.setInterval(1)
    tick.start()
    try:
        while not done():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if time.perf_counter() > end:
                raise RuntimeError("tempo esgotado esperando a pintura")
    finally:
        tick.stop()
    return time.perf_counter()


def _idle(app: Any, seconds: float) -> None:
    """Let the event loop run, as between the tab appearing and the first key a person types."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def _send_key(widget: Any, ch: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    if ch == "\b":
        key, text = Qt.Key.Key_Backspace, ""
    else:
        key, text = (Qt.Key(ord(ch.upper())) if ch.isalnum() else Qt.Key.Key_unknown), ch
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


def run_tab(path: Path, rounds: int) -> dict[str, Any]:
    """Measure the real `CustomersTab` in this process."""
    from PySide6.QtWidgets import QApplication

    from ispdesk.app import ensure_application
    from ispdesk.services import users as users_service
    from ispdesk.services.uow import Actor, UnitOfWorkFactory
    from ispdesk.ui.context import AppContext, DataEvents
    from ispdesk.ui.tabs.customers_tab import CustomersTab

    app = ensure_application()
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    # Before the tab exists the app has opened the database and logged the user in: the connection
    # pool holds a connection and SQLAlchemy's mappers are configured. Do the same (a login query).
    users_service.has_users(factory)
    context = AppContext(factory=factory, actor=Actor.system(), events=DataEvents())
    steps = keystrokes(path)

    started = time.perf_counter()
    tab = CustomersTab(context)
    tab.resize(1280, 720)
    probe = PaintProbe(tab.table.viewport())
    tab.show()
    first = _wait(app, lambda: probe.count > 0 and tab.model.rowCount() > 0) - started
    _idle(app, IDLE_BEFORE_TYPING_S)

    samples: list[float] = []
    texts: list[str] = []
    searches = 0
    reset = {"at": 0.0}
    tab.model.modelReset.connect(lambda: reset.__setitem__("at", time.perf_counter()))
    for _ in range(rounds):
        for ch, expected in steps:
            t0 = time.perf_counter()
            _send_key(tab.search_edit, ch)
            assert tab.search_edit.text() == expected, (tab.search_edit.text(), expected)
            # done = the model holds this text's results and the viewport painted after they arrived
            shown = _wait(app, lambda e=expected, t=t0: tab.model.search_text == e and not tab._timer.isActive()
                          and reset["at"] > t and probe.last > reset["at"])
            samples.append(shown - t0)
            texts.append(expected)
            searches += 1
    rows = tab.model.rowCount()
    QApplication.processEvents()
    return {"first_s": first, "keys": samples, "texts": texts, "rss_mb": peak_rss_mb(), "rows": rows,
            "searches": searches}


def run_floor(path: Path, rounds: int) -> dict[str, Any]:
    """The same steps with QSqlQueryModel + QTableView and the service's SQL."""
    from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
    from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout, QWidget
    from sqlalchemy.dialects import sqlite

    from ispdesk.app import ensure_application
    from ispdesk.services.customer_search import build_search_query

    app = ensure_application()

    from sqlalchemy.orm import Session

    from ispdesk.db.engine import make_engine

    planner = Session(make_engine(f"sqlite:///{path}"))

    def sql_for(text: str) -> str:  # the service's own choice of plan (driving word) for this file
        stmt = build_search_query(text, session=planner)
        return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))

    steps = keystrokes(path)
    queries = {expected: sql_for(expected) for _, expected in steps} | {"": sql_for("")}
    planner.close()
    db = QSqlDatabase.addDatabase("QSQLITE", "floor")
    db.setDatabaseName(str(path))
    db.open()
    QSqlQuery("SELECT 1", db).exec()

    started = time.perf_counter()
    widget = QWidget()
    edit = QLineEdit(widget)
    view = QTableView(widget)
    model = QSqlQueryModel(widget)
    model.setQuery(QSqlQuery(queries[""], db))
    view.setModel(model)
    view.verticalHeader().hide()
    # the same geometry as the tab: as many rows visible, the same widths (same cells painted)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setAlternatingRowColors(True)
    layout = QVBoxLayout(widget)
    layout.addWidget(edit)
    layout.addWidget(view)
    widget.resize(1280, 720)
    view.setColumnHidden(0, True)  # id (the tab does not show it)
    view.setColumnHidden(3, True)  # name_folded
    for column, width in zip((1, 2, 4, 5, 6, 7, 8), (70, 320, 150, 130, 260, 170, 80), strict=True):
        view.setColumnWidth(column, width)
    probe = PaintProbe(view.viewport())
    widget.show()
    first = _wait(app, lambda: probe.count > 0 and model.rowCount() > 0) - started
    _idle(app, IDLE_BEFORE_TYPING_S)

    reset = {"at": 0.0}
    model.modelReset.connect(lambda: reset.__setitem__("at", time.perf_counter()))
    edit.textChanged.connect(lambda text: model.setQuery(QSqlQuery(queries[text], db)))
    samples: list[float] = []
    for _ in range(rounds):
        for ch, _expected in steps:
            t0 = time.perf_counter()
            _send_key(edit, ch)
            shown = _wait(app, lambda t=t0: reset["at"] > t and probe.last > reset["at"])
            samples.append(shown - t0)
    return {"first_s": first, "keys": samples, "rss_mb": peak_rss_mb(), "rows": model.rowCount()}


def child(mode: str, path: Path, rounds: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON."""
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--db", str(path), "--rounds", str(rounds)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{mode} falhou:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=("tab", "floor"), default=None)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/ispdesk-bench-customers-{args.customers}.sqlite3")
    if args.child:
        result = run_tab(path, args.rounds) if args.child == "tab" else run_floor(path, args.rounds)
        print(json.dumps(result))
        return 0
    build(path, args.customers)
    floor = child("floor", path, args.rounds)
    tab = child("tab", path, args.rounds)
    n_keys = len(tab["keys"])
    print(f"\nCustomersTab sobre {path.name} ({n_keys} teclas em {args.rounds} rodadas; piso = QSqlQueryModel)\n")
    rows = [
        ("primeira pintura", tab["first_s"], floor["first_s"], TARGET_FIRST_S),
        ("tecla → resultado p95", p95(tab["keys"]), p95(floor["keys"]), TARGET_KEY_S),
        ("tecla → resultado mediana", median(tab["keys"]), median(floor["keys"]), None),
        ("tecla → resultado máx.", max(tab["keys"]), max(floor["keys"]), None),
    ]
    print(f"{'medida':28} {'aba':>10} {'piso':>10} {'razão':>7}  meta")
    for label, value, base, target in rows:
        verdict = "" if target is None else f"≤ {target * 1000:.0f} ms {'ok' if value <= target else 'ACIMA'}"
        print(f"{label:28} {value * 1000:8.1f} ms {base * 1000:8.1f} ms {value / base:6.2f}×  {verdict}")
    slowest = sorted(zip(tab["keys"], tab["texts"], strict=True), reverse=True)[:8]
    print("teclas mais lentas (aba): " + ", ".join(f"“{t}” {k * 1000:.0f} ms" for k, t in slowest))
    ok = "ok" if tab["rss_mb"] <= TARGET_RSS_MB else "ACIMA"
    print(f"{'memória (pico RSS)':28} {tab['rss_mb']:8.0f} MB {floor['rss_mb']:8.0f} MB "
          f"{tab['rss_mb'] / floor['rss_mb']:6.2f}×  ≤ {TARGET_RSS_MB:.0f} MB {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
