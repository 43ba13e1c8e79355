"""Billing commands: ``tasks charges``, ``import payments``, ``export charges``, ``contracts fine|cancel``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, EXIT_PARTIAL, CliContext, date_arg, err, out
from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import plural
from ispdesk.services import cancellation, charges
from ispdesk.services.contracts import get_contract_by_number
from ispdesk.services.uow import UnitOfWork


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the billing commands."""
    p = groups["tasks"].add_parser(
        "charges", help="gera as mensalidades com vencimento até a data (idempotente)",
        description="Gera, para cada contrato ativo, toda mensalidade com vencimento até DATA (ciclos pós-pagos "
                    "no dia de vencimento; a primeira proporcional desde a data base financeira; dias de "
                    "bloqueio total não são cobrados). Rodar de novo não duplica nada. Grava em lotes: outras estações "
                    "gravam entre um lote e outro, e uma execução interrompida se completa rodando de novo. Contrato "
                    f"com datas impossíveis (mais de {charges.MAX_PERIODS} mensalidades de uma vez) é ignorado e "
                    "listado; saída 1 nesse caso.")
    p.add_argument("--until", required=True, type=date_arg, metavar="DATA", help="dd/mm/aaaa ou aaaa-mm-dd")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
    p.set_defaults(func=_tasks_charges)

    p = groups["import"].add_parser(
        "payments", help="importa pagamentos de um CSV (contrato, vencimento, valor_pago, data_pagamento)",
        description="Importa pagamentos: cada linha quita (ou abate) a cobrança do contrato com aquele vencimento. "
                    "Cobrança em atraso é quitada pelo valor atualizado na data do pagamento (principal, depois "
                    "multa, depois juros, gravados em linhas separadas). "
                    "Saída: 0 tudo importado, 1 algumas linhas rejeitadas, 2 arquivo inutilizável.")
    p.add_argument("file", metavar="ARQUIVO.csv", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="grava as linhas rejeitadas, como estavam, com a coluna motivo")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
    p.set_defaults(func=_import_payments)

    p = groups["import"].add_parser(
        "pix", help="importa o extrato PIX do banco (txid, valor, data_pagamento, e2eid)",
        description="Importa o extrato PIX (CSV ; com as colunas txid, valor, data_pagamento, e2eid): cada "
                    "linha quita (ou abate) a cobrança do txid (ISPD + número, como `charges pix` gera) pelo valor "
                    "recebido; o e2eid de cada PIX é guardado e um PIX já importado é recusado, então importar o "
                    "mesmo extrato de novo não recebe nada duas vezes. "
                    "Saída: 0 tudo importado, 1 algumas linhas rejeitadas, 2 arquivo inutilizável.")
    p.add_argument("file", metavar="ARQUIVO.csv", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="grava as linhas rejeitadas, como estavam, com a coluna motivo")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
    p.set_defaults(func=_import_pix)

    p = groups["export"].add_parser(
        "charges", help="exporta as cobranças (CSV ; UTF-8 com BOM, ou JSON)",
        description="Colunas: contrato, tipo (mensalidade | avulsa | multa), inicio_periodo, fim_periodo, "
                    "vencimento, valor, pago_em, valor_pago, situacao (aberta | paga | cancelada), numero, "
                    "vencimento_util (dia útil em que vence sem multa), nosso_numero (vazio até o 1º boleto).")
    p.add_argument("--output", "-o", metavar="ARQUIVO", type=Path, help="arquivo de saída (padrão: a tela)")
    p.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv", help="formato (padrão: csv)")
    p.set_defaults(func=_export_charges)

    p = groups["contracts"].add_parser(
        "fine", help="mostra o cálculo da multa rescisória; a última linha é o valor",
        description="Multa = benefício × dias restantes / dias de fidelidade, arredondada; zero após a expiração.")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do cancelamento simulado (padrão: hoje)")
    p.set_defaults(func=_contracts_fine)

    p = groups["contracts"].add_parser(
        "cancel", help="cancela um contrato (multa e proporcional lançados)",
        description="Cancela na hora: cobra o último período proporcional (salvo motivo que o libere), lança a "
                    "multa rescisória como cobrança avulsa (salvo motivo que a isente) e cancela as mensalidades "
                    "futuras em aberto.")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--motivo", required=True, metavar="CODIGO", help="código do motivo de cancelamento")
    p.add_argument("--obs", default="", metavar="TEXTO", help="observação (obrigatória)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do cancelamento (padrão: hoje)")
    p.set_defaults(func=_contracts_cancel)


def _tasks_charges(args: argparse.Namespace, ctx: CliContext) -> int:
    result = charges.generate_charges(ctx.uow(on=args.date), args.until)
    out(f"{plural(result.charges, 'cobrança gerada', 'cobranças geradas')}"
        f" em {plural(result.contracts, 'contrato', 'contratos')}, vencimento até "
        f"{format_date(result.until)}, total {format_brl(result.total)}.")
    if not result.skipped:
        return EXIT_OK
    err(f"{plural(len(result.skipped), 'contrato ignorado', 'contratos ignorados')}"
        f" (os demais foram cobrados normalmente):")
    for skipped in result.skipped:
        err(f"  contrato {skipped.number}: {skipped.reason}")
    return EXIT_PARTIAL


def _import_payments(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.charge_io import import_payments

    report = import_payments(ctx.uow(on=args.date), args.file, args.rejects)
    out(report.summary)
    return report.exit_code


def _import_pix(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.pix_io import import_pix

    report = import_pix(ctx.uow(on=args.date), args.file, args.rejects)
    out(report.summary)
    return report.exit_code


def _export_charges(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.charge_io import export_charges

    count = export_charges(ctx.uow(), args.output, args.fmt)
    if args.output is not None:
        out(f"{plural(count, 'cobrança exportada', 'cobranças exportadas')} para {args.output}.")
    return EXIT_OK


def _contract_id(uow: UnitOfWork, number: str) -> Any:
    return get_contract_by_number(uow, number).id


def _contracts_fine(args: argparse.Namespace, ctx: CliContext) -> int:
    uow = ctx.uow(on=args.date)
    contract_id = _contract_id(uow, args.number)
    preview = cancellation.preview_cancellation(ctx.uow(on=args.date), contract_id, None, args.date or uow.today)
    for line in preview.fine.lines():
        out(line)
    return EXIT_OK


def _contracts_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    uow = ctx.uow(on=args.date)
    contract_id = _contract_id(uow, args.number)
    on_date = args.date or uow.today
    result = cancellation.cancel_contract(ctx.uow(on=args.date), contract_id, args.motivo, args.obs, on_date)
    out(f"Contrato {result.contract_number} cancelado em {format_date(result.cancelled_on)}.")
    if result.last_charge is not None:
        last = result.last_charge
        out(f"Último período: {format_date(last.period_start)} a {format_date(last.period_end)} = "
            f"{format_brl(last.amount)} (vencimento {format_date(last.due_date)}).")
    if result.cancelled_charges:
        out(f"{plural(result.cancelled_charges, 'mensalidade futura cancelada', 'mensalidades futuras canceladas')}.")
    for line in result.fine.lines()[:-1]:
        out(line)
    if result.fine_charge is not None:
        out(f"Multa lançada como cobrança avulsa com vencimento em {format_date(result.fine_charge.due_date)}.")
    out(format_brl(result.fine.amount))
    return EXIT_OK
