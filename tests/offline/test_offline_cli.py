"""The public command lines: ``--offline``, ``offline prepare``, ``sync`` (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests import factories
from tests.offline.helpers import draft, enter_contract, enter_customer


def _run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ISPDESK_DB_URL": url})


def test_offline_commands_and_an_unreachable_server(db_url: str, uow, real_company, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        factories.make_plan(u.session)
        u.commit()
    store = tmp_path / "st.sqlite3"
    prepared = _run("offline", "prepare", "--store", str(store), url=db_url)
    assert prepared.returncode == 0 and "Base offline" in prepared.stdout and "MB" in prepared.stdout
    refused = _run("--offline", "--store", str(store), "tasks", "charges", "--until", "30/11/2026", url=db_url)
    assert refused.returncode == 2 and "não funciona em modo offline" in refused.stderr

    row = enter_customer(store, draft())
    number = enter_contract(store, row.id)
    pdf = tmp_path / "c.pdf"
    made = _run("--offline", "--store", str(store), "contracts", "pdf", str(number), "--output", str(pdf), url=db_url)
    assert made.returncode == 0, made.stderr
    assert f"{number} (provisório)" in "".join(p.extract_text() for p in PdfReader(pdf).pages)
    exported = _run("--offline", "--store", str(store), "export", "customers", url=db_url)
    assert row.name in exported.stdout and str(row.code) in exported.stdout

    gone = _run("sync", "--store", str(store), url="postgresql+psycopg://postgres@127.0.0.1:1/nada")
    assert gone.returncode == 1 and gone.stdout.strip().splitlines()[-1] == "pendentes=2 aplicados=0 conflitos=0"
    status = _run("sync", "status", "--store", str(store), url=db_url)
    assert status.stdout.strip() == "pendentes=2 aplicados=0 conflitos=0"
    done = _run("sync", "--store", str(store), url=db_url)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1] == "pendentes=0 aplicados=2 conflitos=0"
    assert "Nenhum conflito." in _run("sync", "conflicts", "--store", str(store), url=db_url).stdout
