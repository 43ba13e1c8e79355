"""``ispdesk messages template list|show|set|reset`` and ``ispdesk messages preview`` (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from ispdesk.db.models import Notice, OutboxMessage
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True,
                          text=True, timeout=120)


def _ok(db_url: str, *args: str) -> str:
    done = _cli(db_url, *args)
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done.stdout


def test_set_show_list_preview_reset(db_url: str, uow: Callable[..., UnitOfWork], tmp_path: Path) -> None:
    due = date.today() + timedelta(days=2)
    with uow() as u:
        contract = make_contract(u.session, loyalty_expires_on=None)
        make_charge(u.session, contract, due, amount="1234.56")
        u.commit()
        number = contract.number
    body = tmp_path / "corpo.txt"
    body.write_text("Olá, {{ cliente.nome }}!\nFatura de {{ cobranca.valor }} vence em {{ cobranca.vencimento }}."
                    "\n{% se empresa.telefone %}Fone: {{ empresa.telefone }}{% fim %}\n", encoding="utf-8")
    assert "gravado" in _ok(db_url, "messages", "template", "set", "cobranca_vencendo", "--canal", "email",
                            "--assunto", "Contrato {{ contrato.numero }}: vence {{ cobranca.vencimento }}",
                            "--arquivo", str(body))
    shown = _ok(db_url, "messages", "template", "show", "cobranca_vencendo", "--canal", "email")
    assert "Assunto: Contrato {{ contrato.numero }}: vence {{ cobranca.vencimento }}" in shown
    assert "Fatura de {{ cobranca.valor }}" in shown and "Variáveis: {{ cliente.nome }}" in shown
    listing = _ok(db_url, "messages", "template", "list").splitlines()
    assert "cobranca_vencendo\temail\talterado\tContrato {{ contrato.numero }}: vence {{ cobranca.vencimento }}" \
        in listing
    assert any(line.startswith("bloqueio\tsms\tde fábrica\tAcesso suspenso") for line in listing)

    preview = _ok(db_url, "messages", "preview", "cobranca_vencendo", "--contrato", str(number))
    _ok(db_url, "tasks", "reminders")  # today: the charge is due in 2 days, within the 3 days before
    with uow() as u:
        [sent] = u.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "cobranca_vencendo"))
    assert preview.startswith(f"Canal: email ({sent.address})\n")
    assert preview == f"Canal: email ({sent.address})\nAssunto: {sent.subject}\n\n{sent.body}\n"
    assert "R$ 1.234,56" in sent.body and due.strftime("%d/%m/%Y") in sent.subject

    assert "de fábrica" in _ok(db_url, "messages", "template", "reset", "cobranca_vencendo", "--canal", "email")
    again = _ok(db_url, "messages", "preview", "cobranca_vencendo", "--contrato", str(number), "--canal", "sms")
    assert "Canal: sms (+5511987654321)" in again and "Lembramos que a fatura de R$ 1.234,56" in again


def test_errors_are_in_portuguese_with_exit_2(db_url: str, uow: Callable[..., UnitOfWork], tmp_path: Path) -> None:
    with uow() as u:
        number = make_contract(u.session).number
        u.commit()
    wrong = _cli(db_url, "messages", "preview", "lembrete", "--contrato", str(number))
    assert wrong.returncode == 2 and "Evento desconhecido: “lembrete”" in wrong.stderr + wrong.stdout
    assert "aviso_inadimplencia" in wrong.stderr + wrong.stdout
    missing = _cli(db_url, "messages", "preview", "bloqueio", "--contrato", "999999")
    assert missing.returncode == 2 and "999999" in missing.stderr + missing.stdout
    body = tmp_path / "corpo.txt"
    body.write_text("Olá {{ cliente.nomee }}", encoding="utf-8")
    bad = _cli(db_url, "messages", "template", "set", "bloqueio", "--canal", "sms", "--assunto", "x",
               "--arquivo", str(body))
    text = bad.stderr + bad.stdout
    assert bad.returncode == 2 and "cliente.nomee" in text and "{{ acesso.data }}" in text
    body.write_text("{{ cliente.nome }}, regularize.", encoding="utf-8")
    legal = _cli(db_url, "messages", "template", "set", "aviso_inadimplencia", "--canal", "padrao",
                 "--assunto", "Aviso", "--arquivo", str(body))
    assert legal.returncode == 2 and "{{ aviso.texto }}" in legal.stderr + legal.stdout


def test_preview_of_the_anatel_notice_is_the_recorded_notice(db_url: str, uow: Callable[..., UnitOfWork]) -> None:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 9, 10))
        u.commit()
        number = contract.number
    assert "aviso: 1" in _ok(db_url, "tasks", "suspension", "--date", "11/09/2026")
    shown = _ok(db_url, "messages", "preview", "aviso_inadimplencia", "--contrato", str(number))
    with uow() as u:
        [notice] = u.session.scalars(select(Notice))
        [queued] = u.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "aviso_inadimplencia"))
    assert shown.endswith(f"\n\n{notice.text}\n") and queued.body == notice.text
    assert f"Assunto: {queued.subject}\n" in shown
