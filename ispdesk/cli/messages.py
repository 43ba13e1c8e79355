"""``tasks messages`` (send what is due) and ``messages list`` (the delivery list)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from ispdesk.cli import message_templates
from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.domain.statuses import MessageStatus
from ispdesk.domain.wording import plural
from ispdesk.services import messages, reminders


def _moment(text: str) -> datetime:
    """``AAAA-MM-DD HH:MM`` (or dd/mm/aaaa HH:MM) in this workstation's time zone."""
    raw = " ".join(text.split())
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(raw, pattern).astimezone()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"momento inválido: “{text}”. Use \"AAAA-MM-DD HH:MM\", como "
                                     "\"2026-12-03 09:30\".")


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``tasks messages`` and the ``messages`` group (``list``)."""
    p = groups["tasks"].add_parser(
        "messages", help="envia as mensagens devidas (e-mail, SMS, WhatsApp), dentro do horário de envio",
        description="Envia as mensagens pendentes cujo horário chegou, dentro do horário de envio "
                    "(mensagens_horario_inicio/fim). Um servidor fora do ar não perde nada: as mensagens "
                    "ficam pendentes e são tentadas de novo. A última linha é "
                    "'mensagens: enviadas=N pendentes=N falhas=N'.")
    p.add_argument("--at", type=_moment, metavar="\"AAAA-MM-DD HH:MM\"", help="envia como se fosse este momento")
    p.add_argument("--sem-lembretes", action="store_true",
                   help="não gera antes os lembretes do dia (ispdesk tasks reminders)")
    p.set_defaults(func=_send)
    p = groups["tasks"].add_parser(
        "reminders", help="gera os lembretes do dia (cobrança vencendo/vencida, aniversário, fidelidade)",
        description="Coloca na fila, uma vez cada, as mensagens do dia: cobrança vencendo "
                    "(mensagens_cobranca_dias_antes), cobrança vencida (mensagens_cobranca_vencida_dias após o "
                    "vencimento útil), fidelidade vencendo (mensagens_fidelidade_dias_antes) e aniversário. "
                    "Rodar de novo não duplica nada. O envio é do 'ispdesk tasks messages', que também roda esta "
                    "tarefa antes de enviar.")
    p.add_argument("--date", type=_day, metavar="AAAA-MM-DD", help="gera como se fosse este dia (padrão: hoje)")
    p.set_defaults(func=_reminders)
    group = top.add_parser("messages", help="Mensagens aos clientes (fila, enviadas, falhas, cartas)",
                           description="Mensagens aos clientes")
    sub = group.add_subparsers(dest="subcommand", metavar="AÇÃO", required=True)
    groups["messages"] = sub  # other modules add actions (messages_devices: device)
    p = sub.add_parser("list", help="lista as mensagens (evento, contrato, canal, endereço, situação)")
    p.add_argument("--status", choices=MessageStatus.values(), help="só as desta situação")
    p.add_argument("--contrato", type=int, metavar="N", help="só as do contrato N")
    p.set_defaults(func=_list)
    p = sub.add_parser("delivered", help="registra que as cartas impressas do contrato foram entregues ao cliente")
    p.add_argument("--contrato", type=int, required=True, metavar="N", help="número do contrato")
    p.add_argument("--at", type=_moment, metavar="\"AAAA-MM-DD HH:MM\"", help="quando foram entregues (padrão: agora)")
    p.set_defaults(func=_delivered)
    message_templates.add_commands(sub)


def _day(text: str) -> date:
    """``AAAA-MM-DD`` (or dd/mm/aaaa)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"data inválida: “{text}”. Use AAAA-MM-DD, como 2026-12-03.")


def _reminders(args: argparse.Namespace, ctx: CliContext) -> int:
    out(reminders.run_reminders(ctx.uow(), args.date).last_line())
    return EXIT_OK


def _send(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.sem_lembretes:
        day = args.at.date() if args.at else None
        out(reminders.run_reminders(ctx.uow(), day).last_line())
    result = messages.send_due(ctx.uow(), args.at)
    if result.outside_hours:
        out("Fora do horário de envio (mensagens_horario_inicio/fim): nada foi enviado agora.")
    if result.problem:
        out(f"atenção: {result.problem} As mensagens continuam pendentes.")
    if result.letters:
        out(f"{plural(result.letters, 'mensagem', 'mensagens')} sem e-mail para imprimir como carta "
            "(ispdesk messages list --status carta).")
    out(result.last_line())
    return EXIT_OK


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    lines = messages.list_messages(ctx.uow(), args.status, args.contrato)
    for line in lines:
        out(line.line())
    out(f"{plural(len(lines), 'mensagem', 'mensagens')}.")
    return EXIT_OK


def _delivered(args: argparse.Namespace, ctx: CliContext) -> int:
    count = messages.mark_letters_delivered(ctx.uow(), args.contrato, args.at)
    out(f"Contrato {args.contrato}: {plural(count, 'carta registrada', 'cartas registradas')} como entregue.")
    return EXIT_OK
