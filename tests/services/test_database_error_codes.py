"""A database fault is recognised by the driver's code, so a server answering in Portuguese still gets
the right message (issue 11, item 11)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ispdesk.services.database_errors import unusable_message
from tests.conftest import PG_URL

pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (ISPDESK_TEST_PG_URL)")


def _pg_error(sqlstate: str, words: str) -> DBAPIError:
    """A real error from the server, with `sqlstate` and a text none of our markers knows."""
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{sqlstate}', "
                              f"MESSAGE = '{words}'; END $$"))
    except DBAPIError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("the server raised nothing")


@pg
@pytest.mark.parametrize(("sqlstate", "expected"), [
    ("53100", "Disco cheio"),
    ("25006", "aceita só leitura"),
    ("28P01", "recusou o usuário ou a senha"),
    ("3D000", "não existe"),
    ("57P01", "Não foi possível conectar"),
    ("08006", "Não foi possível conectar"),
])
def test_postgresql_fault_found_by_its_sqlstate_whatever_the_words(sqlstate: str, expected: str) -> None:
    exc = _pg_error(sqlstate, "mensagem do servidor em outra língua")
    message = unusable_message(exc, PG_URL)
    assert message is not None and expected in message


@pg
def test_an_ordinary_postgresql_error_stays_a_bug() -> None:
    assert unusable_message(_pg_error("22012", "divisão por zero"), PG_URL) is None


def test_sqlite_fault_found_by_its_result_code(tmp_path: Path) -> None:
    path = tmp_path / "nao-e-banco.db"
    path.write_bytes(b"isto nao e um banco " * 300)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(path).execute("SELECT 1 FROM sqlite_master").fetchall()
    assert caught.value.sqlite_errorcode == 26
    message = unusable_message(caught.value, f"sqlite:///{path}")
    assert message is not None and "não é um banco de dados SQLite" in message
