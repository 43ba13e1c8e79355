"""The app's start on an unusable database: a message box saying what to do, no crash (issue 11, item 11)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import create_engine, text

from ispdesk.app import run_gui
from tests.faults import digest
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _start_and_read_the_box(url: str) -> str:
    seen: dict[str, str] = {}

    def read(box: QMessageBox) -> None:
        assert isinstance(box, QMessageBox)
        seen["title"] = box.windowTitle()
        seen["text"] = box.text()

    modal = NextModal(read)
    assert run_gui(url) == 2
    modal.check()
    assert "indisponível" in seen["title"]
    return seen["text"]


def test_start_on_a_file_that_is_not_a_database(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"nada a ver" * 500)
    assert "não é um banco de dados SQLite" in _start_and_read_the_box(f"sqlite:///{path}")
    assert path.read_bytes() == b"nada a ver" * 500


def test_start_on_a_foreign_sqlite_file(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "outro.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE estoque (item TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    assert "não é do ispdesk" in _start_and_read_the_box(f"sqlite:///{path}")
    assert digest(path) == before


def test_start_on_a_newer_schema(qtbot, db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_futura'"))
    engine.dispose()
    assert "versão mais nova do ispdesk" in _start_and_read_the_box(db_url)


def test_start_on_an_unreachable_server(qtbot) -> None:
    text_shown = _start_and_read_the_box("postgresql+psycopg://ana:segredo@127.0.0.1:1/ispdesk")
    assert "Não foi possível conectar" in text_shown and "segredo" not in text_shown


def test_start_on_a_read_only_database(qtbot, tmp_path: Path) -> None:
    from ispdesk.services import database
    from tests.faults import remount_read_only, small_disk

    with small_disk(tmp_path / "disco", "4m") as disk:
        database.upgrade(f"sqlite:///{disk / 'ispdesk.db'}")
        remount_read_only(disk)
        assert "somente leitura" in _start_and_read_the_box(f"sqlite:///{disk / 'ispdesk.db'}")


def test_unreachable_server_with_a_prepared_offline_store_says_how_to_go_on(qtbot, tmp_path: Path,
                                                                            monkeypatch) -> None:
    from datetime import UTC, datetime

    from ispdesk.services.offline_store import meta, open_store

    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path))
    store = open_store()
    with store.engine.begin() as conn:
        conn.execute(meta.insert().values(key="prepared_at", value=datetime.now(UTC).isoformat()))
        conn.execute(meta.insert().values(key="documents", value="3"))
    store.dispose()
    shown = _start_and_read_the_box("postgresql+psycopg://ana:segredo@127.0.0.1:1/ispdesk")
    assert "Não foi possível conectar" in shown
    assert "base offline preparada" in shown and "ispdesk sync" in shown and "3 CPF/CNPJ" in shown


def test_unreachable_server_without_an_offline_store_has_no_offline_hint(qtbot, tmp_path: Path,
                                                                         monkeypatch) -> None:
    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path))
    assert "base offline" not in _start_and_read_the_box("postgresql+psycopg://ana:segredo@127.0.0.1:1/ispdesk")
