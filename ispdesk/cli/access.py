"""Access-control commands: ``tasks suspension`` and the releases on one contract."""

from __future__ import annotations

import argparse
from typing import Any

from ispdesk.cli.context import EXIT_OK, EXIT_PARTIAL, CliContext, date_arg, out
from ispdesk.domain.access import status_label
from ispdesk.domain.dates import format_date
from ispdesk.services import access


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``tasks suspension`` and ``contracts trust-unlock|release-temp|release-manual|lift-trust-restriction``."""
    p = groups["tasks"].add_parser(
        "suspension",
        help="rotina diária da régua de inadimplência (aviso, redução, bloqueio, rescisão); idempotente",
        description="Roda a régua de inadimplência para a data (padrão: hoje) e imprime as contagens por "
                    "transição. Rodar de novo para a mesma data não muda nada.",
    )
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da rotina, dd/mm/aaaa ou aaaa-mm-dd")
    p.set_defaults(func=_suspension)
    for name, handler, help_text in (
        ("trust-unlock", _trust_unlock, "desbloqueio de confiança (pedido do cliente)"),
        ("release-temp", _release_temp, "liberação temporária (equipe; limite por bloqueio)"),
        ("release-manual", _release_manual, "liberação manual (sem limite; permissão específica)"),
    ):
        p = groups["contracts"].add_parser(name, help=help_text, description=help_text)
        p.add_argument("number", metavar="NUMERO", help="número do contrato")
        p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
        if name != "trust-unlock":
            p.add_argument("--obs", default="", help="observação gravada no histórico de acesso")
        p.set_defaults(func=handler)
    p = groups["contracts"].add_parser(
        "lift-trust-restriction", help="permite mais um desbloqueio de confiança antes do intervalo (com motivo)")
    p.add_argument("number", metavar="NUMERO", help="número do contrato")
    p.add_argument("--motivo", required=True, help="motivo (obrigatório; fica na auditoria)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
    p.set_defaults(func=_lift)


def _suspension(args: argparse.Namespace, ctx: CliContext) -> int:
    result = access.run_suspension(ctx.uow(on=args.date), args.date)
    out(f"Rotina de bloqueio de {format_date(result.run_date)}: {result.examined} contratos analisados.")
    for line in result.lines():
        out(line)
    for failure in result.failures:
        out(f"falha: {failure}")
    if result.changed_meanwhile:
        out(f"atenção: {result.changed_meanwhile_text()}")
    return EXIT_PARTIAL if result.failures else EXIT_OK


def _print(change: access.AccessChange) -> int:
    out(change.message)
    out(f"Acesso: {status_label(change.from_status)} → {status_label(change.to_status)}")
    return EXIT_OK


def _trust_unlock(args: argparse.Namespace, ctx: CliContext) -> int:
    return _print(access.trust_unlock(ctx.uow(on=args.date), args.number))


def _release_temp(args: argparse.Namespace, ctx: CliContext) -> int:
    return _print(access.release_temporary(ctx.uow(on=args.date), args.number, args.obs))


def _release_manual(args: argparse.Namespace, ctx: CliContext) -> int:
    return _print(access.release_manual(ctx.uow(on=args.date), args.number, args.obs))


def _lift(args: argparse.Namespace, ctx: CliContext) -> int:
    out(access.lift_trust_restriction(ctx.uow(on=args.date), args.number, args.motivo).message)
    return EXIT_OK
