"""Issue 11 item 10 (import): hotsite passwords are hashed before the write transaction, at the portal cost.

Real SQLite and PostgreSQL. The probes run *while the import hashes* (a spy around the hashing
function, which still hashes): another connection must be able to take the write lock / the
sequence row then, and a login another station saves at that moment rejects only that row.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from ispdesk.db.models import Customer
from ispdesk.services import customer_io, users
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params_service
from ispdesk.services.customer_io import import_customers
from ispdesk.services.users import verify_password

HEADER = ["nome", "cpf_cnpj", "celular", "email", "hotsite_login", "hotsite_senha"]
CPFS = ["52998224725", "39053344705", "11144477735", "12345678909", "98765432100", "71428793860"]


def write(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def rows(n: int) -> list[list[str]]:
    return [[f"Assinante {i}", "", f"119876543{i % 100:02d}", f"a{i}@example.com", f"cli{i}", f"senha-{i:04d}"]
            for i in range(n)]


@pytest.fixture
def no_document(uow: Callable) -> None:
    params_service.update(uow(), {"cpf_cnpj_obrigatorio": False})


def spy_on_hashing(monkeypatch: pytest.MonkeyPatch, during: Callable[[], None]) -> list[bool]:
    """Run `during` the first time the import hashes a hotsite password (today's or the new path)."""
    calls: list[bool] = []

    def once() -> None:
        if not calls:
            calls.append(True)
            during()

    original_one = users.hash_password

    def one(password: str) -> str:
        once()
        return original_one(password)

    monkeypatch.setattr(users, "hash_password", one)
    original_many = getattr(customer_io, "hash_portal_passwords", None)
    if original_many is not None:
        def many(passwords: Sequence[str], *args: Any, **kwargs: Any) -> list[str]:
            once()
            return original_many(passwords, *args, **kwargs)

        monkeypatch.setattr(customer_io, "hash_portal_passwords", many)
    return calls


def take_write_lock_now(db_url: str) -> None:
    """Another station writes, without waiting: fails if the import holds the lock."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database or "", timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '100ms'"))
            conn.execute(text("SELECT next_value FROM sequences WHERE name = 'customer_code' FOR UPDATE NOWAIT"))
            conn.rollback()
    finally:
        engine.dispose()


def test_hashing_holds_no_write_lock(uow, db_url, no_document, tmp_path: Path, monkeypatch) -> None:
    calls = spy_on_hashing(monkeypatch, lambda: take_write_lock_now(db_url))
    report = import_customers(uow(), write(tmp_path / "c.csv", rows(40)))
    assert calls and report.imported == 40, report.summary


def test_login_taken_while_hashing_rejects_only_that_row(uow, db_url, no_document, tmp_path: Path,
                                                          monkeypatch) -> None:
    def other_station() -> None:
        cs.create_customer(uow(), cs.CustomerDraft(name="Outra Estação", document=CPFS[0], email="o@example.com",
                                                   mobile="11987654399", portal_login="cli7",
                                                   portal_password="outra-senha"))

    spy_on_hashing(monkeypatch, other_station)
    report = import_customers(uow(), write(tmp_path / "c.csv", rows(40)))
    assert report.imported == 39, report.summary
    assert [r.line for r in report.rejected] == [9]
    assert "já é usado por outro cliente" in report.rejected[0].reason
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Customer)) == 40
        codes = sorted(u.session.scalars(select(Customer.code)))
        assert codes == list(range(codes[0], codes[0] + 40))


def test_portal_cost_parameter(uow, no_document, tmp_path: Path) -> None:
    import_customers(uow(), write(tmp_path / "a.csv", rows(2)))
    params_service.update(uow(), {"custo_senha_hotsite": "medio"})
    more = [[n, d, c, e, f"x{login}", pw] for n, d, c, e, login, pw in rows(2)]
    import_customers(uow(), write(tmp_path / "b.csv", more))
    created = cs.create_customer(uow(), cs.CustomerDraft(
        name="Pelo Formulário", document=CPFS[1], email="f@example.com", mobile="11987654398",
        portal_login="form", portal_password="senha-form")).customer
    with uow() as u:
        hashes = dict(u.session.execute(select(Customer.portal_login, Customer.portal_password_hash)).all())
    assert "m=2048,t=1,p=1" in hashes["cli0"] and verify_password(hashes["cli0"], "senha-0000")
    assert "m=19456,t=2,p=1" in hashes["xcli1"] and verify_password(hashes["xcli1"], "senha-0001")
    assert "m=19456,t=2,p=1" in hashes[created.portal_login]
    assert not verify_password(hashes["cli0"], "errada")
