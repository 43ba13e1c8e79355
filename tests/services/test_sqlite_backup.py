"""`db backup` / `db restore` on SQLite: never the live file, verified, nothing left on failure (issue 11, item 1)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database, parameters
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor
from tests.faults import cli, digest, small_disk

WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE IF NOT EXISTS carga (n INTEGER PRIMARY KEY, texto TEXT)")
conn.commit()
print("ok", flush=True)
n = 0
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    n += 1
    conn.execute("INSERT INTO carga (texto) VALUES (?)", ("x" * 500,))
    conn.commit()
print(n, flush=True)
"""

HOLDER = """
import sys, time
from ispdesk.services import parameters
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor
factory = open_database(sys.argv[1])
parameters.get_all(factory(Actor.system()))
print("ok", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _new_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    database.upgrade(url)
    return url


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ok"
    return proc


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM carga").fetchone()[0])
    finally:
        conn.close()


def test_backup_onto_the_live_file_is_refused_while_another_process_writes(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    (tmp_path / "link.db").symlink_to(live)
    os.link(live, tmp_path / "hard.db")
    writer = _start(WRITER, str(live), "3")
    try:
        for target in ("x.db", str(live), "link.db", "./sub/../x.db", "hard.db", "x.db-wal"):
            (tmp_path / "sub").mkdir(exist_ok=True)
            result = subprocess.run([sys.executable, "-m", "ispdesk", "--db", url, "db", "backup", target],
                                    cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert result.returncode == 2, (target, result.stdout, result.stderr)
            assert "próprio banco em uso" in result.stderr and "Traceback" not in result.stderr
    finally:
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert _integrity(live) == "ok"
    assert _rows(live) == int(out.strip())  # every row the writer committed is there
    assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []


def test_backup_while_writing_is_consistent_and_verified(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    writer = _start(WRITER, str(live), "2")
    try:
        for n in range(3):
            result = cli("--db", url, "db", "backup", str(tmp_path / "copias" / f"bk{n}.db"))
            assert result.returncode == 0, result.stderr
            assert "verificada" in result.stdout
    finally:
        writer.communicate(timeout=60)
    for n in range(3):
        copy = tmp_path / "copias" / f"bk{n}.db"
        assert _integrity(copy) == "ok" and _rows(copy) >= 0
        assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file
    assert sorted(p.name for p in (tmp_path / "copias").iterdir()) == ["bk0.db", "bk1.db", "bk2.db"]


def test_a_backup_that_fails_half_way_leaves_nothing_and_keeps_the_older_copy(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    conn = sqlite3.connect(live)
    conn.execute("CREATE TABLE carga (n INTEGER PRIMARY KEY, texto TEXT)")
    conn.executemany("INSERT INTO carga (texto) VALUES (?)", [("y" * 1000,)] * 3000)  # ~3 MB
    conn.commit()
    conn.close()
    with small_disk(tmp_path / "pequeno", "2m") as disk:
        older = disk / "bk.db"
        older.write_bytes(b"copia antiga")
        result = cli("--db", url, "db", "backup", str(older))
        assert result.returncode == 2, result.stdout
        assert "Disco cheio" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["bk.db"]  # no bk.db.tmp, no partial copy
        assert older.read_bytes() == b"copia antiga"
    assert _integrity(live) == "ok"


def test_backup_and_restore_on_postgresql_point_to_the_server_tools(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ana@db.example:5433/ispdesk"
    with pytest.raises(BusinessRuleError, match="pg_dump -Fc -h db.example -p 5433 -U ana -d ispdesk"):
        database.backup(url, tmp_path / "x.bak")
    with pytest.raises(BusinessRuleError, match="pg_restore"):
        database.restore(url, tmp_path / "x.bak")
    assert list(tmp_path.iterdir()) == []


def _set_due_day(url: str, day: int) -> None:
    factory = open_database(url)
    try:
        parameters.update(factory(Actor.system()), {"dia_vencimento_padrao": day})
    finally:
        factory.dispose()


def _due_day(url: str) -> int:
    factory = open_database(url)
    try:
        return int(parameters.get_all(factory(Actor.system()))["dia_vencimento_padrao"])
    finally:
        factory.dispose()


def test_restore_brings_back_the_copy_and_keeps_the_replaced_content(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    _set_due_day(url, 7)
    assert cli("--db", url, "db", "backup", str(tmp_path / "bk.db")).returncode == 0
    _set_due_day(url, 20)
    result = cli("--db", url, "db", "restore", str(tmp_path / "bk.db"))
    assert result.returncode == 0, result.stderr
    assert _due_day(url) == 7
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("x.db.substituido-")]
    assert len(kept) == 1 and str(kept[0].name) in result.stdout
    assert _due_day(f"sqlite:///{kept[0]}") == 20
    assert _integrity(live) == "ok"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging file left


def test_restore_is_refused_while_the_database_is_open_elsewhere(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    assert cli("--db", url, "db", "backup", str(tmp_path / "bk.db")).returncode == 0
    _set_due_day(url, 20)
    holder = _start(HOLDER, url, "30")  # an app open on the database (idle, connection in its pool)
    try:
        started = time.monotonic()
        result = cli("--db", url, "db", "restore", str(tmp_path / "bk.db"))
        assert time.monotonic() - started < 30
        assert result.returncode == 2, result.stdout
        assert "aberto em outro programa" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _due_day(url) == 20
    assert not [p for p in tmp_path.iterdir() if "substituido" in p.name or p.name.startswith(".")]


def test_restore_refuses_bad_copies_and_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    _set_due_day(url, 9)
    garbage = tmp_path / "lixo.db"
    garbage.write_bytes(b"isto nao e um banco" * 100)
    foreign = tmp_path / "outro.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE clientes (nome TEXT)")
    conn.commit()
    conn.close()
    newer = tmp_path / "novo.db"
    database.backup(url, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_futura'")
    conn.commit()
    conn.close()
    truncated = tmp_path / "cortado.db"
    database.backup(url, truncated)
    truncated.write_bytes(truncated.read_bytes()[: len(truncated.read_bytes()) // 2])
    before = digest(live)
    cases = {garbage: "não é um arquivo de banco SQLite", foreign: "não é uma cópia de um banco do ispdesk",
             newer: "versão mais nova", truncated: "integridade", live: "próprio banco",
             tmp_path / "falta.db": "não existe"}
    for source, expected in cases.items():
        result = cli("--db", url, "db", "restore", str(source))
        assert result.returncode == 2, (source, result.stdout)
        assert expected in result.stderr and "Traceback" not in result.stderr, (source, result.stderr)
    assert digest(live) == before and _due_day(url) == 9
    assert not [p for p in tmp_path.iterdir() if "substituido" in p.name or p.name.startswith(".")]


def test_restore_over_a_damaged_file_keeps_it_beside(tmp_path: Path) -> None:
    live = tmp_path / "x.db"
    url = _new_database(live)
    _set_due_day(url, 11)
    database.backup(url, tmp_path / "bk.db")
    for side in ("-wal", "-shm"):
        live.with_name(live.name + side).unlink(missing_ok=True)
    live.write_bytes(b"estragado" * 1000)
    result = cli("--db", url, "db", "restore", str(tmp_path / "bk.db"))
    assert result.returncode == 0, result.stderr
    assert _due_day(url) == 11
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("x.db.substituido-")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"estragado" * 1000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from([".", "sub/..", "ligada", "ligada/sub/.."]), max_size=4),
       name=st.sampled_from(["x.db", "link.db", "hard.db", "x.db-wal", "x.db-shm", "x.db-journal"]))
def test_every_spelling_of_the_live_file_is_refused(tmp_path_factory: pytest.TempPathFactory, steps: list[str],
                                                      name: str) -> None:
    root = _spelling_root(tmp_path_factory)
    live = root / "x.db"
    before = live.read_bytes()
    # "ligada" is a symlink to the same folder, so every spelling names the live file (or a side file)
    target = Path(root, *steps, name)
    with pytest.raises(BusinessRuleError, match="próprio banco em uso"):
        database.backup(f"sqlite:///{live}", target)
    assert live.read_bytes() == before
    assert not [p for p in root.iterdir() if p.name.startswith(".")]


_ROOTS: dict[int, Path] = {}


def _spelling_root(factory: pytest.TempPathFactory) -> Path:
    key = id(factory)
    if key not in _ROOTS:
        root = factory.mktemp("grafias")
        _new_database(root / "x.db")
        (root / "sub").mkdir()
        (root / "ligada").symlink_to(root, target_is_directory=True)
        (root / "link.db").symlink_to(root / "x.db")
        os.link(root / "x.db", root / "hard.db")
        _ROOTS[key] = root
    return _ROOTS[key]
