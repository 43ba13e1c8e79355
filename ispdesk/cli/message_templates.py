"""``messages template list|show|set|reset`` and ``messages preview`` (added to the ``messages`` group)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.message_templates import CHANNEL_LABELS, TEMPLATE_CHANNELS, parse_event, variable_list
from ispdesk.services import message_preview
from ispdesk.services import message_templates as templates

_ORIGIN = {"proprio": "alterado", "padrao": "do canal padrao", "fabrica": "de fábrica"}


def add_commands(sub: Any) -> None:
    """Add ``template`` (list, show, set, reset) and ``preview`` to the ``messages`` subparsers."""
    group = sub.add_parser("template", help="modelos de mensagem por evento e canal (listar, ver, alterar, "
                                            "voltar ao padrão)",
                           description="Modelos de mensagem: assunto e corpo por evento e canal (email, sms, "
                                       "whatsapp, ou padrao, usado por qualquer canal sem modelo próprio), com as "
                                       "variáveis dos modelos de contrato, por exemplo {{ cliente.nome }}.")
    actions = group.add_subparsers(dest="template_action", metavar="AÇÃO", required=True)
    p = actions.add_parser("list", help="lista evento, canal, origem (de fábrica, alterado) e assunto")
    p.set_defaults(func=_list)
    p = actions.add_parser("show", help="mostra o modelo em vigor de um evento e as variáveis que ele aceita")
    p.add_argument("evento", metavar="EVENTO")
    p.add_argument("--canal", default="padrao", metavar="C", help=f"{', '.join(TEMPLATE_CHANNELS)} (padrão: padrao)")
    p.set_defaults(func=_show)
    p = actions.add_parser("set", help="grava assunto e corpo de um evento num canal (valida as variáveis)")
    p.add_argument("evento", metavar="EVENTO")
    p.add_argument("--canal", required=True, metavar="C", help=", ".join(TEMPLATE_CHANNELS))
    p.add_argument("--assunto", required=True, metavar="TEXTO", help="o assunto (uma linha)")
    p.add_argument("--arquivo", required=True, metavar="corpo.txt", help="arquivo de texto (UTF-8) com o corpo")
    p.set_defaults(func=_set)
    p = actions.add_parser("reset", help="volta o modelo do evento nesse canal ao texto padrão")
    p.add_argument("evento", metavar="EVENTO")
    p.add_argument("--canal", required=True, metavar="C", help=", ".join(TEMPLATE_CHANNELS))
    p.set_defaults(func=_reset)
    p = sub.add_parser("preview", help="mostra assunto e corpo de uma mensagem do contrato como seria enviada agora",
                       description="Mostra a mensagem do EVENTO para o contrato N exatamente como seria enviada "
                                   "agora (o mesmo texto que vai para a fila). Nada é gravado.")
    p.add_argument("evento", metavar="EVENTO")
    p.add_argument("--contrato", type=int, required=True, metavar="N", help="número do contrato")
    p.add_argument("--canal", metavar="C", help="o canal (padrão: o que a mensagem usaria agora)")
    p.set_defaults(func=_preview)


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    for row in templates.list_templates(ctx.uow()):
        out(f"{row.event}\t{row.channel}\t{_ORIGIN[row.source]}\t{row.subject}")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    row = templates.get_template(ctx.uow(), args.evento, args.canal)
    out(f"Evento: {row.event} ({row.event_label})")
    out(f"Canal: {row.channel} ({CHANNEL_LABELS[row.channel]}) — {_ORIGIN[row.source]}")
    out(f"Assunto: {row.subject}")
    out("")
    out(row.body)
    out("")
    out(f"Variáveis: {variable_list(parse_event(row.event))}")
    return EXIT_OK


def _set(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.arquivo)
    try:
        body = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BusinessRuleError(f"Arquivo não encontrado: {path}. Informe o caminho do arquivo com o corpo "
                                "da mensagem.", field="arquivo") from None
    except UnicodeDecodeError:
        raise BusinessRuleError(f"O arquivo {path} não está em UTF-8. Salve-o como UTF-8 e tente de novo.",
                                field="arquivo") from None
    except OSError as exc:
        raise BusinessRuleError(f"Não foi possível ler {path}: {exc.strerror}.", field="arquivo") from None
    row = templates.set_template(ctx.uow(), args.evento, args.canal, args.assunto, body)
    out(f"Modelo de “{row.event_label}” ({row.channel}) gravado.")
    return EXIT_OK


def _reset(args: argparse.Namespace, ctx: CliContext) -> int:
    row = templates.reset_template(ctx.uow(), args.evento, args.canal)
    out(f"Modelo de “{row.event_label}” ({row.channel}) voltou ao texto {_ORIGIN[row.source]}.")
    return EXIT_OK


def _preview(args: argparse.Namespace, ctx: CliContext) -> int:
    shown = message_preview.preview_message(ctx.uow(), args.evento, args.contrato, args.canal)
    out(f"Canal: {shown.channel}" + (f" ({shown.address})" if shown.address else ""))
    out(f"Assunto: {shown.subject}")
    out("")
    out(shown.body)
    return EXIT_OK
