"""``messages device add|list|remove``: the customers' devices that receive push notifications."""

from __future__ import annotations

import argparse
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.domain.statuses import DevicePlatform
from ispdesk.domain.wording import plural
from ispdesk.services import push_devices


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``messages device`` (runs after `ispdesk.cli.messages`, which creates the ``messages`` group)."""
    parser = groups["messages"].add_parser(
        "device", help="dispositivos do cliente para notificações push (tokens FCM)",
        description="Dispositivos (app do assinante) que recebem notificações push pelo Firebase Cloud "
                    "Messaging. A notificação vai para o dispositivo ativo cadastrado por último.")
    sub = parser.add_subparsers(dest="device_action", metavar="AÇÃO", required=True)
    p = sub.add_parser("add", help="cadastra o token FCM de um dispositivo do cliente")
    p.add_argument("codigo", metavar="CODIGO", help="código do cliente")
    p.add_argument("token", metavar="TOKEN", help="token de registro FCM do app no dispositivo")
    p.add_argument("--plataforma", choices=DevicePlatform.values(), default=DevicePlatform.ANDROID.value,
                   help="sistema do dispositivo (padrão: android)")
    p.add_argument("--app", metavar="NOME", help="nome do app (para reconhecer o dispositivo)")
    p.set_defaults(func=_add)
    p = sub.add_parser("list", help="lista os dispositivos do cliente (ativos primeiro)")
    p.add_argument("codigo", metavar="CODIGO", help="código do cliente")
    p.set_defaults(func=_list)
    p = sub.add_parser("remove", help="remove o dispositivo com este token")
    p.add_argument("token", metavar="TOKEN", help="token de registro FCM")
    p.set_defaults(func=_remove)


def _add(args: argparse.Namespace, ctx: CliContext) -> int:
    row = push_devices.add_device(ctx.uow(), args.codigo, args.token, args.plataforma, args.app)
    out(f"Cliente {row.customer_code}: dispositivo {push_devices.describe(row.platform, row.app, row.token)} "
        "cadastrado para notificações push.")
    return EXIT_OK


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = push_devices.list_devices(ctx.uow(), args.codigo)
    for row in rows:
        out(row.line())
    active = sum(r.active for r in rows)
    out(f"{plural(len(rows), 'dispositivo', 'dispositivos')}, {plural(active, 'ativo', 'ativos')}.")
    return EXIT_OK


def _remove(args: argparse.Namespace, ctx: CliContext) -> int:
    row = push_devices.remove_device(ctx.uow(), args.token)
    out(f"Cliente {row.customer_code}: dispositivo {push_devices.describe(row.platform, row.app, row.token)} "
        "removido.")
    return EXIT_OK
