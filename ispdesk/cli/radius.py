"""``ispdesk radius …``: FreeRADIUS tables, reconciliation, a login's answer, logins and the NAS catalogue."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import network, radius, radius_coa


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``radius schema|sync|status|login|nas add|nas list|nas remove``."""
    p = top.add_parser("radius", help="FreeRADIUS: tabelas rlm_sql, sincronização, logins e concentradores",
                       description="Integração com o FreeRADIUS (tabelas rlm_sql no mesmo banco).")
    sub = p.add_subparsers(dest="subcommand", metavar="AÇÃO", required=True)
    s = sub.add_parser("schema", help="cria as tabelas do FreeRADIUS 3.2 que faltam (radcheck, radreply, nas …)")
    s.set_defaults(func=_schema)
    s = sub.add_parser("sync", help="reconcilia todos os contratos com login de rede (idempotente)")
    s.add_argument("--mostrar", type=int, default=200, metavar="N", help="quantas alterações listar (padrão 200)")
    s.set_defaults(func=_sync)
    s = sub.add_parser("status", help="o que o FreeRADIUS responde para um login: grupo e atributos")
    s.add_argument("login", metavar="LOGIN")
    s.set_defaults(func=_status)
    s = sub.add_parser("login", help="define o login de rede (PPPoE) de um contrato; a senha vem pela entrada")
    s.add_argument("number", metavar="NUMERO", help="número do contrato")
    s.add_argument("login", metavar="LOGIN", help="login PPPoE (único)")
    s.add_argument("--senha", action="store_true", help="lê a nova senha de rede da entrada (nunca na linha)")
    s.add_argument("--ip", default=None, metavar="IP", help="IP fixo (vazio para tirar)")
    s.add_argument("--mac", default=None, metavar="MAC", help="MAC do equipamento (vazio para tirar)")
    s.set_defaults(func=_login)
    nas = sub.add_parser("nas", help="concentradores (tabela nas)").add_subparsers(
        dest="nas_action", metavar="AÇÃO", required=True)
    s = nas.add_parser("add", help="cadastra um concentrador; o segredo RADIUS vem pela entrada")
    s.add_argument("name", metavar="NOME")
    s.add_argument("ip", metavar="IP")
    s.add_argument("--porta-coa", type=int, default=3799, dest="coa_port", help="porta de CoA (padrão 3799)")
    s.add_argument("--tipo", default="mikrotik", choices=network.NAS_TYPES, help="tipo (padrão mikrotik)")
    s.add_argument("--descricao", default="", help="descrição livre")
    s.set_defaults(func=_nas_add)
    s = nas.add_parser("list", help="lista os concentradores (sem o segredo)")
    s.set_defaults(func=_nas_list)
    s = nas.add_parser("remove", help="remove um concentrador pelo nome ou IP")
    s.add_argument("name", metavar="NOME_OU_IP")
    s.set_defaults(func=_nas_remove)


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"Repita ({prompt.lower()}): ") != first:
            raise BusinessRuleError("Os valores digitados não conferem; digite de novo.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _schema(args: argparse.Namespace, ctx: CliContext) -> int:
    created = radius.create_schema(ctx.uow())
    out(f"Tabelas do FreeRADIUS criadas: {', '.join(created)}." if created
        else "As tabelas do FreeRADIUS já existem; nada a fazer.")
    return EXIT_OK


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    result = radius.sync(ctx.uow())
    for line in result.lines(shown=args.mostrar):
        out(line)
    radius_coa.wait_idle(120)
    return EXIT_OK


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    for line in radius.status(ctx.uow(), args.login).lines():
        out(line)
    return EXIT_OK


def _login(args: argparse.Namespace, ctx: CliContext) -> int:
    password = _secret("Senha de rede") if args.senha else None
    extra: dict[str, Any] = {}
    if args.ip is not None:
        extra["fixed_ip"] = args.ip
    if args.mac is not None:
        extra["mac"] = args.mac
    row = network.set_identity(ctx.uow(), args.number, args.login, password, **extra)
    assert row is not None
    out(f"Contrato {row.contract_number}: login de rede {row.login}"
        f"{', IP fixo ' + row.fixed_ip if row.fixed_ip else ''}{', MAC ' + row.mac if row.mac else ''}.")
    radius_coa.wait_idle(60)
    return EXIT_OK


def _nas_add(args: argparse.Namespace, ctx: CliContext) -> int:
    row = network.add_nas(ctx.uow(), args.name, args.ip, _secret("Segredo RADIUS"), args.coa_port, args.tipo,
                          args.descricao)
    out(f"Concentrador {row.name} ({row.ip}, {row.type}, CoA na porta {row.coa_port}) cadastrado.")
    return EXIT_OK


def _nas_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = network.list_nas(ctx.uow())
    if not rows:
        out("Nenhum concentrador cadastrado. Cadastre com `ispdesk radius nas add NOME IP`.")
    for r in rows:
        out(f"{r.name}\t{r.ip}\t{r.type}\tCoA {r.coa_port}\t{r.description}")
    return EXIT_OK


def _nas_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    row = network.remove_nas(ctx.uow(), args.name)
    out(f"Concentrador {row.name} ({row.ip}) removido.")
    return EXIT_OK
