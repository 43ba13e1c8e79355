"""Administration commands: ``db upgrade|backup``, ``users add``, ``params list|set``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.db import migrate
from ispdesk.db.engine import make_engine
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Role
from ispdesk.services import parameters as params_service
from ispdesk.services import users as users_service
from ispdesk.services.bootstrap import ensure_reference_data
from ispdesk.services.uow import UnitOfWorkFactory


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the administration commands."""
    p = groups["db"].add_parser("upgrade", help="cria ou atualiza o esquema do banco (idempotente)")
    p.set_defaults(func=_db_upgrade)
    p = groups["db"].add_parser("backup", help="cópia consistente do banco SQLite em uso")
    p.add_argument("file", metavar="ARQUIVO", type=Path)
    p.set_defaults(func=_db_backup)

    p = groups["users"].add_parser("add", help="cria um usuário (senha lida da entrada padrão)")
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=[r.value for r in Role], help="perfil do usuário")
    p.add_argument("--name", default="", help="nome completo")
    p.set_defaults(func=_users_add)
    p = groups["users"].add_parser("list", help="lista os usuários")
    p.set_defaults(func=_users_list)

    p = groups["params"].add_parser("list", help="lista os parâmetros gerais com valor e padrão")
    p.set_defaults(func=_params_list)
    p = groups["params"].add_parser("set", help="altera um parâmetro geral")
    p.add_argument("name", metavar="NOME")
    p.add_argument("value", metavar="VALOR")
    p.set_defaults(func=_params_set)


def _db_upgrade(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = make_engine(ctx.db_url)
    try:
        changed = migrate.upgrade(engine)
        ensure_reference_data(UnitOfWorkFactory(engine))
    finally:
        engine.dispose()
    out("Banco atualizado para a versão " + migrate.head_revision() + "." if changed
        else "Banco já está na versão mais recente (" + migrate.head_revision() + ").")
    return EXIT_OK


def _db_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = make_engine(ctx.db_url)
    try:
        target = migrate.backup_sqlite(engine, args.file)
    finally:
        engine.dispose()
    out(f"Cópia de segurança gravada em {target}.")
    return EXIT_OK


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Senha: ")
        if getpass.getpass("Repita a senha: ") != first:
            raise BusinessRuleError("As senhas não conferem.")
        return first
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _users_add(args: argparse.Namespace, ctx: CliContext) -> int:
    password = _read_password()
    row = users_service.add_user(ctx.uow(), args.login, password, args.role, args.name)
    out(f"Usuário {row.login} criado com o perfil {row.role.value}.")
    return EXIT_OK


def _users_list(args: argparse.Namespace, ctx: CliContext) -> int:
    for row in users_service.list_users(ctx.uow()):
        out(f"{row.login}\t{row.role.value}\t{'ativo' if row.active else 'inativo'}\t{row.name}")
    return EXIT_OK


def _params_list(args: argparse.Namespace, ctx: CliContext) -> int:
    values = params_service.get_all(ctx.uow())
    for spec in registry.SPECS:
        value = registry.display(spec.name, values[spec.name])
        default = registry.display(spec.name, spec.default)
        out(f"{spec.name} = {value}\t(padrão: {default}; {spec.tab}: {spec.label})")
    return EXIT_OK


def _params_set(args: argparse.Namespace, ctx: CliContext) -> int:
    value = registry.parse_value(args.name, args.value)
    params_service.update(ctx.uow(), {args.name: value})
    out(f"{args.name} = {registry.display(args.name, value)}")
    return EXIT_OK
