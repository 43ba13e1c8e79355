"""``ispdesk users …`` and ``ispdesk params …`` as an administrator types them."""

from __future__ import annotations

import getpass
import io
import subprocess
import sys

import pytest
from sqlalchemy import select

from ispdesk.cli.main import main
from ispdesk.db.models import AuditEntry
from ispdesk.services import parameters as params_service
from ispdesk.services.users import authenticate


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])


def cli_actor() -> str:
    return f"cli:{getpass.getuser()}"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("parametro_que_nao_existe", "sim", "Parâmetro desconhecido"),
        ("cpf_cnpj_obrigatorio", "talvez", "Use sim ou não"),
        ("dias_bloqueio", "dez", "número inteiro"),
        ("dias_rescisao", "30", "RGC 765: rescisão só após 60 dias"),
        ("reajuste_aviso_dias", "10", "o mínimo é 30"),
        ("dias_bloqueio", "10", "o mínimo é 16"),
        ("multa_atraso_percentual", "5", "máximo é 2"),
        ("empresa_cnpj", "27.865.757/0001-03", "dígitos verificadores não conferem"),
        ("empresa_uf", "XX", "UF “XX” não existe"),
        ("empresa_cep", "130", "8 dígitos"),
    ],
)
def test_params_set_refusals_exit_2(db_url, capsys, name: str, value: str, message: str) -> None:
    assert run(db_url, "params", "set", name, value) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "expected"), [("NÃO", False), ("nao", False), ("n", False), ("false", False),
                                                 ("Sim", True), ("s", True), ("TRUE", True)])
def test_params_set_yes_no_spellings(db_url, factory, admin, capsys, typed: str, expected: bool) -> None:
    start = not expected
    params_service.update(factory(admin), {"email_obrigatorio": start})
    assert run(db_url, "params", "set", "email_obrigatorio", typed) == 0
    assert params_service.get_all(factory(admin))["email_obrigatorio"] is expected
    shown = "sim" if expected else "não"
    assert f"email_obrigatorio = {shown}" in capsys.readouterr().out
    with factory(admin) as uow:
        actors = uow.session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "parameters")).all()
    assert cli_actor() in actors


def test_params_set_whole_days_and_list(db_url, factory, admin, capsys) -> None:
    assert run(db_url, "params", "set", "dias_rescisao", "90") == 0
    assert params_service.get_all(factory(admin))["dias_rescisao"] == 90
    capsys.readouterr()
    assert run(db_url, "params", "list") == 0
    listing = capsys.readouterr().out
    assert "dias_rescisao = 90" in listing and "aceitar_cpf_cnpj_duplicado = não" in listing
    assert "cpf_cnpj_obrigatorio = sim" in listing


def test_users_add_reads_the_password_from_stdin(db_url, factory, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("senha-forte\n"))
    assert run(db_url, "users", "add", "ana", "--role", "atendimento", "--name", "Ana Lúcia") == 0
    assert "ana criado" in capsys.readouterr().out
    actor = authenticate(factory, "ana", "senha-forte")
    assert actor.role.value == "atendimento" and actor.name == "Ana Lúcia"
    with factory(actor) as uow:
        entry = uow.session.scalar(select(AuditEntry).where(AuditEntry.entity == "user"))
    assert entry.actor == cli_actor() and entry.action == "create"


def test_users_add_refusals(db_url, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("123\n"))
    assert run(db_url, "users", "add", "ana", "--role", "atendimento") == 2
    assert "pelo menos 6" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("segredo1\nsegredo2\n"))
    assert run(db_url, "users", "add", "ana", "--role", "atendimento") == 0
    assert run(db_url, "users", "add", "ana", "--role", "financeiro") == 2
    assert "Já existe um usuário" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        run(db_url, "users", "add", "ana", "--role", "chefe")
    assert info.value.code == 2
    assert "opção inválida" in capsys.readouterr().err


def test_users_set_passwd_and_list(db_url, factory, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("segredo1\n"))
    assert run(db_url, "users", "add", "bia", "--role", "atendimento") == 0
    assert run(db_url, "users", "set", "bia", "--role", "financeiro", "--active", "não") == 0
    capsys.readouterr()
    assert run(db_url, "users", "list") == 0
    assert "bia\tfinanceiro\tinativo" in capsys.readouterr().out
    assert run(db_url, "users", "set", "bia", "--active", "sim") == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("nova-senha\n"))
    assert run(db_url, "users", "passwd", "bia") == 0
    assert authenticate(factory, "bia", "nova-senha").role.value == "financeiro"
    assert run(db_url, "users", "set", "bia") == 2
    assert run(db_url, "users", "set", "ninguem", "--name", "X") == 2
    assert "não encontrado" in capsys.readouterr().err


def test_cannot_deactivate_the_last_administrator(db_url, admin_user, capsys) -> None:
    assert run(db_url, "users", "set", admin_user, "--active", "nao") == 2
    assert "último administrador" in capsys.readouterr().err


def test_subprocess_users_add_and_params(db_url) -> None:
    base = [sys.executable, "-m", "ispdesk", "--db", db_url]
    done = subprocess.run([*base, "users", "add", "carla", "--role", "financeiro"], input="segredo99\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*base, "params", "set", "dias_rescisao", "59"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "60" in done.stderr
    done = subprocess.run([*base, "users", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "uso:" in done.stdout and "mostra esta ajuda" in done.stdout


def test_params_set_company_cnpj_masked_is_stored_unmasked(db_url, factory, admin, capsys) -> None:
    assert run(db_url, "params", "set", "empresa_cnpj", "27.865.757/0001-02") == 0
    assert params_service.get_all(factory(admin))["empresa_cnpj"] == "27865757000102"
