"""A header click on a partial customer list sorts in the database off the GUI thread (issue 12).

The database is really kept busy: another connection holds a lock that the sort query must wait
for (SQLite: an exclusive lock; PostgreSQL: ``LOCK TABLE customers``). The click returns at once,
the list keeps its rows meanwhile, and the sorted rows arrive when the lock is released.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy.engine import make_url

from ispdesk.services.uow import UnitOfWorkFactory
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.tabs.customers_tab import CustomersTab
from tests.factories import make_customer
from tests.services.billing_helpers import arrange

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

#: How long the other connection keeps the customers locked
HOLD_S = 1.5


@contextmanager
def _customers_locked(db_url: str, factory: UnitOfWorkFactory) -> Iterator[Callable[[], None]]:
    """Lock the customers in another connection; yields `release` (also called at the end)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        factory.engine.dispose()  # an open WAL connection keeps a shared lock: the app reconnects and waits
        conn = sqlite3.connect(url.database or "", isolation_level=None)
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE customers SET notes = notes WHERE code = -1")
    else:
        pg = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        pg.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")
    released = threading.Event()

    def release() -> None:
        if released.is_set():
            return
        released.set()
        if url.get_backend_name() == "sqlite":
            conn.rollback() if conn.in_transaction else None
            conn.close()
        else:
            pg.rollback()
            pg.close()

    timer = threading.Timer(HOLD_S, release)  # never hangs, even when the click blocks (today's code)
    timer.start()
    try:
        yield release
    finally:
        timer.cancel()
        release()


#: Codes in an order unlike the names' (name i gets code CODES[i])
CODES = [(i * 37) % 60 + 1 for i in range(60)]


@pytest.fixture
def tab(qtbot, factory, admin, uow):  # type: ignore[no-untyped-def]
    arrange(uow, lambda s: [make_customer(s, f"Cliente {i:02d} Lima", code=code) for i, code in enumerate(CODES)])
    tab = CustomersTab(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(tab)
    tab.resize(1200, 320)  # a page fills the view: it fetches no more by itself
    tab.show()
    qtbot.wait(450)  # the tab's warm-up queries are done
    tab.model.page_size = 20
    tab.run_search()  # 20 of 60 loaded: a header click must ask the database
    qtbot.wait(100)
    assert not tab.model.complete() and tab.model.rowCount() == 20
    yield tab
    tab.close()


def _codes(tab: CustomersTab) -> list[int]:
    return [tab.model.row_at(i).code for i in range(tab.model.rowCount())]


def test_header_click_returns_at_once_and_the_sorted_rows_arrive(qtbot, tab, db_url, factory) -> None:  # type: ignore[no-untyped-def]
    header = tab.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    before = _codes(tab)
    assert before == CODES[:20]  # name order
    with _customers_locked(db_url, factory):
        started = time.perf_counter()
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        took = time.perf_counter() - started
        assert took < HOLD_S / 3, f"o clique esperou o banco: {took:.2f} s"
        assert _codes(tab) == before  # the list stays as it was while the database works
        assert "Ordenando" in tab.status_label.text()
    everything = list(range(1, 61))
    qtbot.waitUntil(lambda: _codes(tab) in (everything[:20], everything[::-1][:20]), timeout=10_000)
    wanted = everything if _codes(tab) == everything[:20] else everything[::-1]
    while tab.model.canFetchMore(tab.model.index(-1, -1)):  # scrolling goes on in the same order
        tab.model.fetchMore()
    assert _codes(tab) == wanted
    assert "Ordenando" not in tab.status_label.text()


def test_typing_after_a_click_supersedes_the_sort(qtbot, tab, db_url, factory) -> None:  # type: ignore[no-untyped-def]
    with _customers_locked(db_url, factory) as release:
        tab.sort_by_column(0)  # code: waits for the lock in the worker
        tab.search_edit.setText("cliente 07")  # the person typed meanwhile: that answer wins
        release()
    names = lambda: [tab.model.row_at(i).name for i in range(tab.model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: names() == ["Cliente 07 Lima"], timeout=10_000)
    qtbot.wait(300)  # an older sort answer arriving late is dropped
    assert names() == ["Cliente 07 Lima"]
    assert tab.model.server_sort is None


def test_a_complete_list_sorts_cities_ignoring_accents_like_the_database(qtbot, factory, admin, uow) -> None:  # type: ignore[no-untyped-def]
    cities = ["São Paulo", "Santos", "Álvares Machado", "Bauru", "araras", "Óleo"]
    arrange(uow, lambda s: [make_customer(s, f"Pessoa {i} Reis", city=city) for i, city in enumerate(cities)])
    tab = CustomersTab(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(tab)
    tab.show()
    tab.run_search()
    assert tab.model.complete()  # sorted in memory: the same folding as in the database
    tab.sort_by_column(5)
    shown = [tab.model.row_at(i).city for i in range(tab.model.rowCount())]
    assert shown == ["Álvares Machado", "araras", "Bauru", "Óleo", "Santos", "São Paulo"]
