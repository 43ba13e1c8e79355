"""`ispdesk sync` with its PostgreSQL killed (``pg_ctl stop -m immediate``) twice in the middle."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from ispdesk.db.models import AuditEntry, Contract, Customer, SyncInbox
from ispdesk.services import customers, offline_store
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor
from tests import factories
from tests.offline.helpers import draft, enter_contract, enter_customer, entry_time

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:] or [""]
PORT = 56171
pytestmark = pytest.mark.skipif(not os.path.exists(f"{BIN[0]}/pg_ctl"), reason="PostgreSQL server ausente")


def _as_pg(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


def _start(data: Path) -> None:
    subprocess.run(_as_pg(f"{BIN[0]}/pg_ctl", "-D", str(data), "-w", "-l", str(data / "server.log"), "-o",
                          f"-k /tmp -p {PORT} -c listen_addresses=127.0.0.1 -c fsync=off", "start"),
                   check=True, capture_output=True)


def _kill(data: Path) -> None:
    subprocess.run(_as_pg(f"{BIN[0]}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"),
                   check=True, capture_output=True)


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A throw-away cluster of this test only (synchronous commit: what it acknowledged survives)."""
    data = Path(f"/tmp/pg-offline-kill-{os.getpid()}")
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(_as_pg(f"{BIN[0]}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                          "--locale=C.UTF-8"), check=True, capture_output=True)
    _start(data)
    try:
        yield data, f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/postgres"
    finally:
        subprocess.run(_as_pg(f"{BIN[0]}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def _sync(url: str, store: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ISPDESK_DB_URL": url}
    return subprocess.Popen([sys.executable, "-m", "ispdesk", "sync", "--store", str(store)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _inbox(url: str) -> int:
    engine = create_engine(url, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(SyncInbox)) or 0)
    except Exception:
        return -1
    finally:
        engine.dispose()


def test_sync_survives_two_immediate_kills(cluster: tuple[Path, str], tmp_path: Path) -> None:
    data, url = cluster
    central = open_database(url)
    with central(Actor.system()) as u:
        factories.make_plan(u.session)
        u.commit()
    store = tmp_path / "offline.sqlite3"
    offline_store.prepare(central, store)
    documents = []
    for n in range(60):
        row = enter_customer(store, draft(name=f"Cliente Offline {n}", n=n), minute=n % 60)
        enter_contract(store, row.id, minute=n % 60)
        documents.append(row.document)
    customers.create_customer(central(Actor.system()), draft(name="Já central", document=documents[59], n=99))
    central.dispose()

    seen = 0
    for _ in range(2):
        proc = _sync(url, store)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _inbox(url)
            if now >= seen + 8:
                break
            time.sleep(0.02)
        _kill(data)
        stdout, _ = proc.communicate(timeout=60)
        assert proc.returncode == 1, stdout
        assert stdout.strip().splitlines()[-1].startswith("pendentes=")
        assert not stdout.strip().splitlines()[-1].startswith("pendentes=0 ")
        _start(data)
        seen = _inbox(url)

    final = _sync(url, store)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 1, out  # the contract of the refused customer waits with it
    assert out.strip().splitlines()[-1] == "pendentes=1 aplicados=118 conflitos=1"

    central = open_database(url)
    try:
        with central(Actor.system()) as u:
            for doc in documents:
                assert u.session.scalar(select(func.count()).where(Customer.document == doc)) == 1
            assert u.session.scalar(select(func.count()).select_from(Contract)) == 59
            audits = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "customer",
                                                                AuditEntry.action == "create",
                                                                AuditEntry.actor == "atendente")).all()
            assert len(audits) == 59 and {a.at for a in audits} <= {entry_time(m) for m in range(60)}
        conflicts = subprocess.run([sys.executable, "-m", "ispdesk", "sync", "conflicts", "--store", str(store)],
                                   capture_output=True, text=True, env={**os.environ, "ISPDESK_DB_URL": url})
        assert "já cadastrado" in conflicts.stdout
        again = _sync(url, store)
        out, _ = again.communicate(timeout=60)
        assert out.strip().splitlines()[-1] == "pendentes=1 aplicados=118 conflitos=1"
        with central(Actor.system()) as u:
            assert u.session.scalar(select(func.count()).select_from(Customer)) == 60
            assert u.session.scalar(select(func.count()).select_from(SyncInbox)) == 118
    finally:
        central.dispose()
