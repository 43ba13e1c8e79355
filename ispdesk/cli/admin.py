"""Administration commands: ``db upgrade|backup|restore``, ``users add|list|set|passwd|unlock``, ``params …``.

Importing this module also puts argparse's own messages ("usage:", "options", "the following
arguments are required" …) in Portuguese for the whole ``ispdesk`` command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ispdesk.cli._argparse_pt import portuguese_argparse as _portuguese_argparse
from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Role
from ispdesk.services import database as database_service
from ispdesk.services import parameters as params_service
from ispdesk.services import users as users_service


def _yes_no(text: str) -> bool:
    from ispdesk.domain.parameters import _FALSE, _TRUE
    from ispdesk.domain.text import fold

    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"use sim ou não (recebido “{text}”)")


def _translate_existing(parser: argparse.ArgumentParser, seen: set[int]) -> None:
    """Portuguese headings for parsers built before this module was imported (recursively)."""
    if id(parser) in seen:
        return
    seen.add(id(parser))
    for group in parser._action_groups:
        group.title = _portuguese_argparse(group.title or "") or group.title
    for action in parser._actions:
        if isinstance(action.help, str):
            action.help = _portuguese_argparse(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _translate_existing(child, seen)


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the administration commands."""
    seen: set[int] = set()
    for child in top.choices.values():
        _translate_existing(child, seen)
    p = groups["db"].add_parser("upgrade", help="cria ou atualiza o esquema do banco (idempotente)")
    p.set_defaults(func=_db_upgrade)
    p = groups["db"].add_parser("backup", help="cópia consistente e verificada do banco SQLite em uso")
    p.add_argument("file", metavar="ARQUIVO", type=Path)
    p.set_defaults(func=_db_backup)
    p = groups["db"].add_parser("restore", help="restaura o banco SQLite de uma cópia (com o ispdesk fechado "
                                "em todas as estações; o conteúdo substituído fica guardado ao lado)")
    p.add_argument("file", metavar="ARQUIVO", type=Path)
    p.set_defaults(func=_db_restore)

    p = groups["users"].add_parser("add", help="cria um usuário (senha lida da entrada padrão)")
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=[r.value for r in Role], help="perfil do usuário")
    p.add_argument("--name", default="", help="nome completo")
    p.set_defaults(func=_users_add)
    p = groups["users"].add_parser("list", help="lista os usuários (login, perfil, situação, nome)")
    p.set_defaults(func=_users_list)
    p = groups["users"].add_parser("set", help="altera perfil, nome ou situação de um usuário")
    p.add_argument("login")
    p.add_argument("--role", choices=[r.value for r in Role], help="novo perfil")
    p.add_argument("--name", help="novo nome completo")
    p.add_argument("--active", type=_yes_no, metavar="sim|não", help="ativa (sim) ou desativa (não) o usuário")
    p.set_defaults(func=_users_set)
    p = groups["users"].add_parser("passwd", help="troca a senha de um usuário (nova senha lida da entrada padrão)")
    p.add_argument("login")
    p.set_defaults(func=_users_passwd)
    p = groups["users"].add_parser("unlock", help="desbloqueia um login bloqueado por tentativas de senha erradas")
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(func=_users_unlock)

    p = groups["params"].add_parser("list", help="lista os parâmetros gerais com valor e padrão")
    p.set_defaults(func=_params_list)
    p = groups["params"].add_parser("set", help="altera um parâmetro geral")
    p.add_argument("name", metavar="NOME")
    p.add_argument("value", metavar="VALOR")
    p.set_defaults(func=_params_set)


def _db_upgrade(args: argparse.Namespace, ctx: CliContext) -> int:
    changed = database_service.upgrade(ctx.db_url)
    head = database_service.head_revision()
    out("Banco atualizado para a versão " + head + "." if changed
        else "Banco já está na versão mais recente (" + head + ").")
    return EXIT_OK


def _db_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    target = database_service.backup(ctx.db_url, args.file)
    out(f"Cópia de segurança gravada em {target} (verificada: integridade ok).")
    return EXIT_OK


def _db_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    result = database_service.restore(ctx.db_url, args.file)
    out(f"Banco {result.database} restaurado de {args.file} (versão {result.revision}).")
    if result.kept is not None:
        out(f"O conteúdo substituído foi guardado em {result.kept}.")
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


def _locked_text(row: users_service.UserRow) -> str:
    if row.locked_until is None:
        return ""
    return "\tbloqueado até " + row.locked_until.astimezone().strftime("%d/%m/%Y %H:%M")


def _users_list(args: argparse.Namespace, ctx: CliContext) -> int:
    for row in users_service.list_users(ctx.uow()):
        out(f"{row.login}\t{row.role.value}\t{'ativo' if row.active else 'inativo'}\t{row.name}{_locked_text(row)}")
    return EXIT_OK


def _users_unlock(args: argparse.Namespace, ctx: CliContext) -> int:
    done = users_service.unlock_user(ctx.uow(), args.login)
    if done.was_locked:
        out(f"Login {done.user.login} desbloqueado: já pode entrar com a senha dele.")
    else:
        out(f"O login {done.user.login} não estava bloqueado; nada a fazer.")
    return EXIT_OK


def _users_set(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.role is None and args.name is None and args.active is None:
        raise BusinessRuleError("Nada a alterar: informe --role, --name ou --active.")
    row = users_service.update_user(ctx.uow(), args.login, role=args.role, name=args.name, active=args.active)
    out(f"Usuário {row.login}: perfil {row.role.value}, {'ativo' if row.active else 'inativo'}, nome {row.name}.")
    return EXIT_OK


def _users_passwd(args: argparse.Namespace, ctx: CliContext) -> int:
    password = _read_password()
    row = users_service.update_user(ctx.uow(), args.login, password=password)
    out(f"Senha do usuário {row.login} alterada.")
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
