"""An unusable database: a Portuguese message and exit 2, never a traceback; data intact (issue 11, item 11)."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ispdesk.services import database
from tests.conftest import PG_URL
from tests.faults import cli, digest, fill, remount_read_only, small_disk


def _fails_cleanly(url: str, expected: str, *args: str, stdin: str = "") -> str:
    result = cli("--db", url, *(args or ("users", "list")), stdin=stdin)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "bug" not in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    return result.stderr


def _ispdesk_file(path: Path) -> str:
    url = f"sqlite:///{path}"
    database.upgrade(url)
    return url


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "planilha.db"
    path.write_bytes(b"PK\x03\x04 isto e um zip, nao um banco" * 200)
    before = digest(path)
    _fails_cleanly(f"sqlite:///{path}", "não é um banco de dados SQLite")
    assert digest(path) == before


def test_a_foreign_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "outro.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clientes (nome TEXT)")
    conn.execute("INSERT INTO clientes VALUES ('Ana')")
    conn.commit()
    conn.close()
    before = digest(path)
    _fails_cleanly(f"sqlite:///{path}", "não é do ispdesk: tem outras tabelas (clientes)")
    _fails_cleanly(f"sqlite:///{path}", "não é do ispdesk", "db", "upgrade")
    assert digest(path) == before


def test_a_database_written_by_a_newer_ispdesk(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_futura'"))
    _fails_cleanly(db_url, "versão mais nova do ispdesk (revisão 9999_futura)")
    _fails_cleanly(db_url, "versão mais nova", "db", "upgrade")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999_futura"
    engine.dispose()


def test_a_read_only_database(tmp_path: Path) -> None:
    source = tmp_path / "ispdesk.db"
    _ispdesk_file(source)
    with small_disk(tmp_path / "disco", "4m") as disk:
        shutil.copyfile(source, disk / "ispdesk.db")
        remount_read_only(disk)
        before = digest(disk / "ispdesk.db")
        _fails_cleanly(f"sqlite:///{disk / 'ispdesk.db'}", "somente leitura")
        assert digest(disk / "ispdesk.db") == before


def test_a_full_disk_while_writing(tmp_path: Path) -> None:
    source = tmp_path / "ispdesk.db"
    url = _ispdesk_file(source)
    assert cli("--db", url, "users", "add", "ana", "--role", "administrador", stdin="segredo123\n").returncode == 0
    with small_disk(tmp_path / "disco", "2m") as disk:
        live = disk / "ispdesk.db"
        shutil.copyfile(source, live)
        small_url = f"sqlite:///{live}"
        assert cli("--db", small_url, "users", "list").returncode == 0
        filler = fill(disk)
        stdin = "segredo123\n"
        for n in range(20):  # until the disk refuses a page
            result = cli("--db", small_url, "users", "add", f"user{n}", "--role", "atendimento",
                         "--name", "x" * 2000, stdin=stdin)
            if result.returncode != 0:
                break
        assert result.returncode == 2, result.stderr
        assert "Disco cheio" in result.stderr and "Traceback" not in result.stderr
        filler.unlink()
        listed = cli("--db", small_url, "users", "list")
        assert listed.returncode == 0 and "ana" in listed.stdout
        assert f"user{n}" not in listed.stdout  # the failed command left nothing half-written
        conn = sqlite3.connect(live)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_an_unreachable_postgresql_server() -> None:
    _fails_cleanly("postgresql+psycopg://ana:segredo@127.0.0.1:1/ispdesk", "Não foi possível conectar")
    stderr = _fails_cleanly("postgresql+psycopg://ana:segredo@127.0.0.1:1/ispdesk", "servidor PostgreSQL",
                            "db", "upgrade")
    assert "segredo" not in stderr


@pytest.fixture
def pg_admin_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("sem PostgreSQL de teste")
    yield PG_URL


def test_a_missing_or_foreign_postgresql_database(pg_admin_url: str) -> None:
    missing = make_url(pg_admin_url).set(database=f"nao_existe_{uuid.uuid4().hex[:8]}")
    _fails_cleanly(missing.render_as_string(hide_password=False), "não existe")
    name = f"ispdesk_alheio_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        other = create_engine(url)
        with other.begin() as conn:
            conn.execute(text("CREATE TABLE faturas (id int)"))
        _fails_cleanly(url, "não é do ispdesk: tem outras tabelas (faturas)")
        with other.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
            assert list(tables) == ["faturas"]
        other.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
