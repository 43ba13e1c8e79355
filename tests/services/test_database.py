"""`services.database` and `bootstrap.open_database`: what the app, the dialog and the CLI call."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database, parameters
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor


def test_open_database_migrates_and_seeds_a_new_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'novo.sqlite3'}"
    factory = open_database(url)
    try:
        assert "contracts" in inspect(factory.engine).get_table_names()
        assert parameters.get_all(factory(Actor.system()))["dia_vencimento_padrao"]
    finally:
        factory.dispose()
    assert database.upgrade(url) is False


def test_open_database_without_upgrade_leaves_the_file_empty(tmp_path):
    url = f"sqlite:///{tmp_path / 'vazio.sqlite3'}"
    factory = open_database(url, upgrade=False)
    try:
        assert inspect(factory.engine).get_table_names() == []
    finally:
        factory.dispose()
    assert database.upgrade(url) is True
    assert database.upgrade(url) is False
    assert database.head_revision()


def test_backup_copies_sqlite_and_refuses_a_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'base.sqlite3'}"
    database.upgrade(url)
    target = database.backup(url, tmp_path / "copia" / "base.bak")
    assert target.stat().st_size > 0
    with pytest.raises(BusinessRuleError, match="pg_dump"):
        database.backup("postgresql+psycopg://ana@127.0.0.1:1/ispdesk", tmp_path / "x.bak")


def test_connection_error(db_url):
    assert database.connection_error(db_url) is None
    error = database.connection_error("postgresql+psycopg://ana@127.0.0.1:1/ispdesk", timeout_seconds=2)
    assert error and "\n" not in error


def test_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path / "data"))
    assert database.validate_url("local").startswith("sqlite:///")
    assert database.validate_url("postgresql://ana:s@h/db") == "postgresql+psycopg://ana:s@h/db"
    with pytest.raises(BusinessRuleError, match="SQLite"):
        database.validate_url("mysql://x@y/z")
    url = database.postgres_url("srv", 5433, "ispdesk", "ana", "segredo")
    assert url == "postgresql+psycopg://ana:segredo@srv:5433/ispdesk"
    assert database.safe_url(url) == "postgresql+psycopg://ana:***@srv:5433/ispdesk"
    assert database.url_parts(url) == database.UrlParts("postgresql", "srv", 5433, "ispdesk", "ana", "segredo")
    assert database.url_parts("sqlite:///x.sqlite3").host == ""


def test_choice_source(tmp_path, monkeypatch):
    monkeypatch.setenv("ISPDESK_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("ISPDESK_DB_URL", raising=False)
    assert database.choice_source() == "padrão (SQLite local)"
    assert database.choice_source("sqlite:///x") == "opção --db"
    monkeypatch.setenv("ISPDESK_DB_URL", "sqlite:///y")
    assert database.choice_source() == "variável ISPDESK_DB_URL"
