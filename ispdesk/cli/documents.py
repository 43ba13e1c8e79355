"""Commands for contract documents, templates and reports.

- ``contracts pdf NUMERO --output ARQUIVO.pdf [--modelo CODIGO] [--enviar]``
- ``contracts signed NUMERO [--date DATA]`` — the customer signed: the pre-contract becomes active
- ``report contracts|cancellations|charges --format pdf|csv --output ARQUIVO [--from D --to D]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.dates import format_date
from ispdesk.domain.statuses import ChargeReportStatus, ContractStatus
from ispdesk.domain.wording import plural
from ispdesk.services import documents, reports
from ispdesk.services.contracts import get_contract_by_number


def register(top: argparse._SubParsersAction, groups: dict[str, argparse._SubParsersAction]) -> None:
    """Add ``contracts pdf``, ``contracts signed`` and ``report contracts|cancellations|charges``."""
    p = groups["contracts"].add_parser(
        "pdf", help="gera o PDF do contrato para assinatura",
        description="Gera o PDF do contrato (ou do termo) com o modelo em vigor e registra o documento.")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--output", "-o", required=True, type=Path, metavar="ARQUIVO.pdf", help="arquivo PDF de saída")
    p.add_argument("--modelo", default=documents.DEFAULT_CONTRACT_TEMPLATE, metavar="CODIGO",
                   help="código do modelo (padrão: contrato_padrao; também termo_fidelidade)")
    p.add_argument("--enviar", action="store_true",
                   help="registra que o documento foi impresso e enviado para assinatura (pré-contrato)")
    p.set_defaults(func=_pdf)

    p = groups["contracts"].add_parser(
        "signed", help="marca o pré-contrato como assinado (e o ativa)",
        description="O cliente assinou: registra a assinatura e ativa o pré-contrato na data informada.")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--date", type=date_arg, default=None, metavar="DATA", help="data da assinatura (padrão: hoje)")
    p.set_defaults(func=_signed)

    for kind, title in reports.REPORT_KINDS.items():
        p = groups["report"].add_parser(kind, help=f"relatório: {title.lower()} (PDF ou CSV)",
                                        description=f"Relatório de {title.lower()} em PDF ou CSV.")
        p.add_argument("--format", dest="fmt", choices=reports.FORMATS, default="pdf", help="formato (padrão: pdf)")
        p.add_argument("--output", "-o", required=True, type=Path, metavar="ARQUIVO", help="arquivo de saída")
        period = {"contracts": "ativação", "cancellations": "cancelamento", "charges": "vencimento"}[kind]
        p.add_argument("--from", dest="date_from", type=date_arg, metavar="DATA", help=f"início ({period})")
        p.add_argument("--to", dest="date_to", type=date_arg, metavar="DATA", help=f"fim ({period})")
        if kind == "contracts":
            p.add_argument("--status", action="append", metavar="SITUACAO", default=None,
                           choices=ContractStatus.values(),
                           help="situação (repita para mais de uma)")
            p.add_argument("--plano", metavar="CODIGO", help="código da oferta")
            p.add_argument("--cidade", metavar="CIDADE", help="cidade do cliente")
            p.add_argument("--filial", metavar="CODIGO", help="código da filial")
            p.add_argument("--busca", metavar="TEXTO", default="", help="nome, CPF/CNPJ, código ou número")
        if kind == "charges":
            p.add_argument("--status", metavar="SITUACAO", default=None,
                           choices=ChargeReportStatus.values(), help="só cobranças nesta situação")
        p.set_defaults(func=_report, kind=kind)


def _pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    contract = get_contract_by_number(ctx.uow(), args.number)
    result = documents.generate_contract_pdf(ctx.uow(), contract.id, args.output, template_code=args.modelo,
                                             mark_sent=args.enviar)
    row = result.document
    out(f"Contrato {contract.number}: {args.output} gerado com o modelo {row.template_code} "
        f"v{row.template_version}; código de verificação {row.verification_code}.")
    if args.enviar and contract.status == ContractStatus.PRE_CONTRATO:
        out("Pré-contrato registrado como enviado para assinatura.")
    return EXIT_OK


def _signed(args: argparse.Namespace, ctx: CliContext) -> int:
    uow = ctx.uow()
    contract = get_contract_by_number(uow, args.number)
    on = args.date or uow.today
    documents.mark_signed(ctx.uow(), contract.id, on)
    out(f"Contrato {contract.number} assinado e ativado em {format_date(on)}.")
    return EXIT_OK


def _report(args: argparse.Namespace, ctx: CliContext) -> int:
    uow = ctx.uow()
    if args.kind == "contracts":
        f = ContractFilter(text=args.busca, statuses=tuple(args.status or ()), plan_code=args.plano,
                           city=args.cidade, branch_code=args.filial, activated_from=args.date_from,
                           activated_to=args.date_to)
        report = reports.contracts_report(uow, f)
    elif args.kind == "cancellations":
        report = reports.cancellations_report(uow, args.date_from, args.date_to)
    else:
        report = reports.charges_report(uow, args.date_from, args.date_to, args.status)
    count = reports.write_report(report, args.output, args.fmt)
    out(f"{report.title}: {plural(count, 'linha gravada', 'linhas gravadas')} em {args.output} ({args.fmt.upper()}).")
    return EXIT_OK
