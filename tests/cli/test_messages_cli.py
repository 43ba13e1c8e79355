"""``ispdesk tasks messages`` and ``ispdesk messages list`` as a script runs them (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta

from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract
from tests.smtp_server import free_port, smtp_server


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True,
                          text=True, timeout=120)


def _ok(db_url: str, *args: str) -> str:
    done = _cli(db_url, *args)
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done.stdout


def test_tasks_messages_sends_the_notice_and_prints_the_last_line(db_url: str, uow: Callable[..., UnitOfWork]) -> None:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 9, 10))
        u.commit()
        number = contract.number
    assert "aviso: 1" in _ok(db_url, "tasks", "suspension", "--date", "11/09/2026")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()  # the outbox row is due from now on
    port = free_port()
    for name, value in (("smtp_servidor", "127.0.0.1"), ("smtp_porta", str(port)), ("smtp_seguranca", "nenhuma"),
                        ("email_remetente", "cobranca@provedor.example"), ("smtp_senha", "segredo-smtp")):
        _ok(db_url, "params", "set", name, value)
    listing = _ok(db_url, "params", "list")
    assert "segredo-smtp" not in listing and "••••••" in listing
    down = _ok(db_url, "tasks", "messages", "--at", f"{tomorrow} 10:00")  # no server yet: exit 0, pending
    assert down.splitlines()[-1] == "mensagens: enviadas=0 pendentes=1 falhas=0"
    assert "servidor SMTP" in down
    with smtp_server(port) as (inbox, _):
        sent = _ok(db_url, "tasks", "messages", "--at", f"{tomorrow} 11:00")
        assert sent.splitlines()[-1] == "mensagens: enviadas=1 pendentes=0 falhas=0"
        assert len(inbox.messages) == 1
    lines = _ok(db_url, "messages", "list").splitlines()
    assert lines[0].split("\t")[:5] == ["aviso_inadimplencia", str(number), "email", lines[0].split("\t")[3],
                                        "enviada"]
    assert "@" in lines[0].split("\t")[3]
    assert _ok(db_url, "messages", "list", "--status", "pendente").splitlines() == ["0 mensagens."]
    night = _ok(db_url, "tasks", "messages", "--at", f"{tomorrow} 22:00")
    assert "Fora do horário" in night and night.splitlines()[-1].startswith("mensagens: enviadas=0")
    bad = _cli(db_url, "tasks", "messages", "--at", "amanhã")
    assert bad.returncode == 2 and "AAAA-MM-DD HH:MM" in bad.stderr
