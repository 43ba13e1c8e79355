"""Plan and contract commands: imports, exports, reasons, ``contracts renew|activate|show``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import plural
from ispdesk.services import catalogs, contract_io, contracts

_REASON_KINDS = {"inclusion": catalogs.CatalogKind.INCLUSION, "cancellation": catalogs.CatalogKind.CANCELLATION}
_EXIT_HELP = "Saída: 0 tudo importado, 1 algumas linhas rejeitadas, 2 arquivo inutilizável."


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the plan/contract commands."""
    p = groups["import"].add_parser(
        "plans", help="importa planos de um CSV",
        description="Importa planos de venda. Colunas: codigo, nome, valor, download_mbps, upload_mbps, "
                    "fidelidade_meses, beneficio_fidelidade (opcionais: regra_reajuste, ativo). Código já "
                    "cadastrado é rejeitado. " + _EXIT_HELP)
    p.add_argument("file", metavar="ARQUIVO.csv", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="grava as linhas rejeitadas, como estavam, com a coluna motivo")
    p.set_defaults(func=_import_plans)

    p = groups["import"].add_parser(
        "contracts", help="importa contratos de um CSV",
        description="Importa contratos. Colunas: cpf_cnpj, plano, valor, data_ativacao, data_base_financeira, "
                    "dia_vencimento, fidelidade_meses, beneficio_fidelidade, motivo_inclusao, observacao. "
                    "Colunas ausentes ou vazias usam os padrões do plano e dos parâmetros (valor = preço do "
                    "plano, data base = ativação); sem data de ativação o contrato fica como pré-contrato. "
                    + _EXIT_HELP)
    p.add_argument("file", metavar="ARQUIVO.csv", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="grava as linhas rejeitadas, como estavam, com a coluna motivo")
    p.set_defaults(func=_import_contracts)

    for name, help_text, func in (
        ("plans", "exporta os planos (CSV ; UTF-8 com BOM, ou JSON)", _export_plans),
        ("contracts", "exporta os contratos (CSV ; UTF-8 com BOM, ou JSON)", _export_contracts),
    ):
        p = groups["export"].add_parser(name, help=help_text, description=help_text)
        p.add_argument("--output", "-o", metavar="ARQUIVO", type=Path, help="arquivo de saída (padrão: a tela)")
        p.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv", help="formato (padrão: csv)")
        p.set_defaults(func=func)

    p = groups["reasons"].add_parser("list", help="lista os motivos de inclusão ou de cancelamento")
    p.add_argument("kind", choices=tuple(_REASON_KINDS), metavar="inclusion|cancellation")
    p.set_defaults(func=_reasons_list)
    p = groups["reasons"].add_parser("add", help="cadastra um motivo de inclusão ou de cancelamento")
    p.add_argument("kind", choices=tuple(_REASON_KINDS), metavar="inclusion|cancellation")
    p.add_argument("code", metavar="CODIGO")
    p.add_argument("description", metavar="DESCRIÇÃO")
    p.add_argument("--isenta-multa", dest="waives_fine", action="store_true",
                   help="(cancelamento) o provedor descumpriu o contrato: sem multa de fidelidade")
    p.add_argument("--libera-periodo", dest="frees_period", action="store_true",
                   help="(cancelamento) o último período, proporcional, não é cobrado")
    p.add_argument("--churn", action="store_true", help="(cancelamento) conta na taxa de churn do painel")
    p.set_defaults(func=_reasons_add)

    p = groups["contracts"].add_parser(
        "renew", help="renova a fidelidade de um contrato (ato do cliente)",
        description="Renova a fidelidade: ela recomeça na data da renovação; a data de ativação não muda.")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--date", type=date_arg, default=None, metavar="DATA", help="data da renovação (padrão: hoje)")
    p.set_defaults(func=_renew)
    p = groups["contracts"].add_parser("activate", help="ativa um pré-contrato (data de ativação definitiva)")
    p.add_argument("number", metavar="NUMERO")
    p.add_argument("--date", type=date_arg, default=None, metavar="DATA", help="data da ativação (padrão: hoje)")
    p.set_defaults(func=_activate)
    p = groups["contracts"].add_parser("show", help="mostra um contrato com todas as datas")
    p.add_argument("number", metavar="NUMERO")
    p.set_defaults(func=_show)


def _import_plans(args: argparse.Namespace, ctx: CliContext) -> int:
    report = contract_io.import_plans(ctx.uow(), args.file, args.rejects)
    out(report.summary)
    return report.exit_code


def _import_contracts(args: argparse.Namespace, ctx: CliContext) -> int:
    report = contract_io.import_contracts(ctx.uow(), args.file, args.rejects)
    out(report.summary)
    return report.exit_code


def _export_plans(args: argparse.Namespace, ctx: CliContext) -> int:
    count = contract_io.export_plans(ctx.uow(), args.output, args.fmt)
    if args.output is not None:
        out(f"{plural(count, 'plano exportado', 'planos exportados')} para {args.output}.")
    return EXIT_OK


def _export_contracts(args: argparse.Namespace, ctx: CliContext) -> int:
    count = contract_io.export_contracts(ctx.uow(), args.output, args.fmt)
    if args.output is not None:
        out(f"{plural(count, 'contrato exportado', 'contratos exportados')} para {args.output}.")
    return EXIT_OK


def _yes(flag: bool) -> str:
    return "sim" if flag else "não"


def _reasons_list(args: argparse.Namespace, ctx: CliContext) -> int:
    kind = _REASON_KINDS[args.kind]
    entries = catalogs.list_entries(ctx.uow(), kind)
    for e in entries:
        line = f"{e.code:<20} {e.description}"
        if kind is catalogs.CatalogKind.CANCELLATION:
            line += (f"  [isenta multa: {_yes(e.waives_fine)}; libera período: {_yes(e.frees_period)}; "
                     f"churn: {_yes(e.counts_as_churn)}{'; sistema' if e.system else ''}]")
        if not e.active:
            line += "  (inativo)"
        out(line)
    return EXIT_OK


def _reasons_add(args: argparse.Namespace, ctx: CliContext) -> int:
    kind = _REASON_KINDS[args.kind]
    entry = catalogs.add_entry(ctx.uow(), kind, args.code, args.description, waives_fine=args.waives_fine,
                               frees_period=args.frees_period, counts_as_churn=args.churn)
    out(f"{catalogs.SINGULAR[kind]} {entry.code} cadastrado: {entry.description}.")
    return EXIT_OK


def _renew(args: argparse.Namespace, ctx: CliContext) -> int:
    contract_id = contracts.get_contract_by_number(ctx.uow(on=args.date), args.number).id
    row = contracts.renew_contract(ctx.uow(on=args.date), contract_id, args.date)
    out(f"Contrato {row.number} renovado em {format_date(row.renewed_on)}: fidelidade de {row.loyalty_months} "
        f"meses até {format_date(row.loyalty_expires_on)} (ativação {format_date(row.activated_on)} mantida).")
    return EXIT_OK


def _activate(args: argparse.Namespace, ctx: CliContext) -> int:
    contract_id = contracts.get_contract_by_number(ctx.uow(on=args.date), args.number).id
    row = contracts.activate_contract(ctx.uow(on=args.date), contract_id, args.date)
    out(f"Contrato {row.number} ativado em {format_date(row.activated_on)}; fidelidade até "
        f"{format_date(row.loyalty_expires_on) or '—'}.")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    c = contracts.get_contract_by_number(ctx.uow(), args.number)
    lines = [
        ("Contrato", str(c.number)),
        ("Cliente", f"{c.customer_code} — {c.customer_name} ({mask_document(c.customer_document or '')})"),
        ("Plano", f"{c.plan_code} — {c.plan_name}"),
        ("Valor", format_brl(c.value)),
        ("Situação", c.status_label),
        ("Acesso", c.access_status_label),
        ("Data de ativação", format_date(c.activated_on)),
        ("Data base financeira", format_date(c.billing_base_date)),
        ("Pago até", format_date(c.paid_until)),
        ("Data de renovação", format_date(c.renewed_on)),
        ("Expiração da fidelidade", format_date(c.loyalty_expires_on)),
        ("Fidelidade", f"{c.loyalty_months} meses, benefício {format_brl(c.loyalty_benefit)}"),
        ("Dia de vencimento", str(c.due_day)),
        ("Condição de pagamento", c.payment_term_code or ""),
        ("Tipo de cobrança", c.billing_type_code or ""),
        ("Motivo de inclusão", c.inclusion_reason_code or ""),
        ("Cancelamento", format_date(c.cancelled_on)
         + (f" ({c.cancellation_reason_code})" if c.cancellation_reason_code else "")),
        ("Observação", c.notes or ""),
    ]
    for label, value in lines:
        out(f"{label + ':':<25} {value or '—'}")
    return EXIT_OK
