"""``ispdesk users unlock LOGIN``: an administrator lifts a login lockout from the command line."""

from __future__ import annotations

import pytest

from ispdesk.cli.main import main
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import parameters, users
from ispdesk.services.uow import UnitOfWorkFactory


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])


def test_users_unlock(db_url, admin_user, uow, capsys) -> None:
    factory = UnitOfWorkFactory.from_url(db_url)  # the real clock, like the command line
    assert run(db_url, "params", "set", "login_tentativas_maximas", "2") == 0
    assert parameters.get_all(uow())["login_tentativas_maximas"] == 2
    for _ in range(2):
        with pytest.raises(BusinessRuleError):
            users.authenticate(factory, "admin", "errada")
    with pytest.raises(BusinessRuleError):
        users.authenticate(factory, "admin", "segredo123")
    capsys.readouterr()
    assert run(db_url, "users", "list") == 0
    assert "admin\tadministrador\tativo\tAdministradora Teste\tbloqueado até " in capsys.readouterr().out
    assert run(db_url, "users", "unlock", "admin") == 0
    assert "Login admin desbloqueado" in capsys.readouterr().out
    assert users.authenticate(factory, "admin", "segredo123").login == "admin"
    assert run(db_url, "users", "unlock", "admin") == 0
    assert "não estava bloqueado" in capsys.readouterr().out
    assert run(db_url, "users", "unlock", "ninguem") != 0
    assert "não encontrado" in capsys.readouterr().err
    factory.dispose()
