"""Plan changes and price adjustments on the command line.

- ``contracts change-plan NUMBER --plano CODE [--dia-vencimento N] [--date D]``
- ``report plan-changes --from D --to D``
- ``adjust --percent P [filters] [--date D] [--vigencia E] [--clientes-notificados] [--dry-run]``
- ``adjust undo BATCH``
- ``adjust notices BATCH [--avisos ARQUIVO | -o ARQUIVO]``
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, CliContext, date_arg, err, out
from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl, parse_money, parse_percent
from ispdesk.domain.plan_change import CHANGE_TYPE_LABELS
from ispdesk.domain.statuses import AdjustmentBatchStatus, ContractStatus
from ispdesk.domain.wording import agree, plural
from ispdesk.services import adjustments, plan_changes
from ispdesk.services.adjustments import AdjustmentParams, AdjustmentSimulation

#: Lines of each list printed by ``adjust`` (the totals always cover every contract).
SHOWN = 20


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``contracts change-plan``, ``report plan-changes`` and the top-level ``adjust``."""
    p = groups["contracts"].add_parser(
        "change-plan", help="altera o plano, o valor ou o vencimento de um contrato (alteração wizard)")
    p.add_argument("number", metavar="NUMERO", type=int, help="número do contrato")
    p.add_argument("--plano", required=True, metavar="CODIGO", help="código do novo plano (o atual para só mudar "
                   "vencimento ou valor)")
    p.add_argument("--dia-vencimento", type=int, metavar="N", help="novo dia de vencimento (1–28)")
    p.add_argument("--valor", metavar="VALOR", help="novo valor mensal (padrão: preço de tabela do plano)")
    p.add_argument("--tipo-cobranca", metavar="CODIGO", help="novo tipo de cobrança")
    p.add_argument("--fidelidade", choices=plan_changes.LOYALTY_ACTIONS, default="manter",
                   help="manter a fidelidade ou reiniciá-la na data da alteração")
    p.add_argument("--beneficio", metavar="VALOR", help="benefício da nova fidelidade (com --fidelidade reiniciar)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da alteração (padrão: hoje)")
    p.add_argument("--simular", action="store_true", help="só mostra o tipo e o proporcional, sem gravar")
    p.set_defaults(func=_change_plan)

    p = groups["report"].add_parser("plan-changes", help="alterações de plano do período, com totais")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True, metavar="DATA")
    p.add_argument("--to", dest="date_to", type=date_arg, required=True, metavar="DATA")
    p.add_argument("--tipo", action="append", choices=sorted(CHANGE_TYPE_LABELS), help="só este tipo (repetível)")
    p.add_argument("--csv", type=Path, metavar="ARQUIVO", help="também grava a lista em CSV")
    p.add_argument("--pdf", type=Path, metavar="ARQUIVO", help="também grava a lista em PDF")
    p.set_defaults(func=_report)

    p = top.add_parser(
        "adjust", help="reajuste anual dos contratos (ou: adjust undo LOTE, adjust notices LOTE)",
        description="Reajusta o valor dos contratos que o filtro seleciona; nunca altera o preço dos planos. "
                    "Use “adjust undo LOTE” para desfazer um lote e “adjust notices LOTE” para gerar de novo o "
                    "CSV dos clientes a avisar de um lote.")
    p.add_argument("action", nargs="?", metavar="undo|notices", choices=["undo", "notices"],
                   help="undo: desfaz o lote informado; notices: exporta de novo os clientes a avisar do lote")
    p.add_argument("batch", nargs="?", type=int, metavar="LOTE", help="número do lote (com undo ou notices)")
    p.add_argument("--percent", metavar="P", help="percentual (ex.: 4,5) ou valor do índice do período")
    p.add_argument("--indice", metavar="NOME", help="nome do índice (IPCA, IGP-M …) quando --percent é um índice")
    p.add_argument("--plano", metavar="CODIGO", help="só contratos deste plano")
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="status dos contratos (padrão: ativo; repetível)")
    p.add_argument("--cidade", metavar="CIDADE", help="só clientes desta cidade")
    p.add_argument("--ativados-de", type=date_arg, metavar="DATA", help="ativados a partir desta data")
    p.add_argument("--ativados-ate", type=date_arg, metavar="DATA", help="ativados até esta data")
    p.add_argument("--reajustados-antes", type=date_arg, metavar="DATA",
                   help="último reajuste antes desta data (ou nunca reajustados)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da decisão (padrão: hoje)")
    p.add_argument("--vigencia", type=date_arg, metavar="DATA",
                   help="data em que o novo valor vigora (padrão: decisão + reajuste_aviso_dias)")
    p.add_argument("--clientes-notificados", action="store_true",
                   help="confirma que os clientes já foram avisados (permite vigência antes do aviso de 30 dias)")
    p.add_argument("--dry-run", action="store_true", help="só simula, sem gravar")
    p.add_argument("--avisos", "-o", type=Path, metavar="ARQUIVO",
                   help="CSV dos clientes a avisar (padrão: reajuste-LOTE-avisos.csv na pasta atual)")
    p.set_defaults(func=_adjust)


# ------------------------------------------------------------------------------------ change-plan


def _change_plan(args: argparse.Namespace, ctx: CliContext) -> int:
    contract_id = plan_changes.contract_number_for(ctx.uow(on=args.date), args.number)
    draft = plan_changes.preview_plan_change(
        ctx.uow(on=args.date), contract_id, args.plano,
        new_value=parse_money(args.valor, "valor") if args.valor else None,
        new_due_day=args.dia_vencimento, new_billing_type=args.tipo_cobranca, loyalty=args.fidelidade,
        new_benefit=parse_money(args.beneficio, "beneficio") if args.beneficio else None)
    out(f"Contrato {draft.contract_number} — {draft.customer_name}")
    out(f"Tipo: {draft.change_type} ({draft.change_label})")
    out(f"Plano: {draft.old_plan_code} → {draft.new_plan_code}")
    out(f"Valor mensal: {format_brl(draft.old_value)} → {format_brl(draft.new_value)}")
    if draft.new_due_day != draft.old_due_day:
        out(f"Dia de vencimento: {draft.old_due_day} → {draft.new_due_day}")
    pr = draft.prorata
    out(f"Proporcional: {format_brl(pr.difference)} ({pr.days} dias de {format_date(pr.start)} a "
        f"{format_date(pr.end)}, divisor {pr.divisor})")
    out(f"  {draft.prorata_text}")
    if draft.loyalty == "reiniciar":
        out(f"Fidelidade reiniciada: {draft.loyalty_months} meses até {format_date(draft.loyalty_expires_on)}, "
            f"benefício {format_brl(draft.loyalty_benefit)}")
    else:
        out("Fidelidade mantida" + (f" até {format_date(draft.loyalty_expires_on)}" if draft.loyalty_expires_on
                                    else ""))
    for warning in draft.warnings:
        out(f"Atenção: {warning}")
    if args.simular:
        out("Simulação: nada foi gravado.")
        return EXIT_OK
    row = plan_changes.apply_plan_change(ctx.uow(on=args.date), draft)
    out(f"Alteração {row.change_type} gravada no contrato {row.contract_number}.")
    return EXIT_OK


# -------------------------------------------------------------------------------------- report


def _report(args: argparse.Namespace, ctx: CliContext) -> int:
    filter_ = plan_changes.PlanChangeFilter(date_from=args.date_from, date_to=args.date_to,
                                            types=tuple(args.tipo or ()))
    report = plan_changes.list_plan_changes(ctx.uow(), filter_)
    out(f"Alterações de plano de {format_date(args.date_from)} a {format_date(args.date_to)}")
    for r in report.rows:
        out(f"{format_date(r.changed_on)}  {r.change_type}  contrato {r.contract_number:<7} {r.customer_name[:30]:<30} "
            f"{r.old_plan_code} → {r.new_plan_code}  {format_brl(r.old_value)} → {format_brl(r.new_value)}  "
            f"proporcional {format_brl(r.prorata_amount)}  por {r.actor}")
    for line in plan_changes.totals_lines(report.totals):
        out(line)
    if args.csv:
        n = plan_changes.export_plan_changes(ctx.uow(), filter_, args.csv, "csv")
        out(f"{n} linhas gravadas em {args.csv}")
    if args.pdf:
        n = plan_changes.export_plan_changes(ctx.uow(), filter_, args.pdf, "pdf")
        out(f"{n} linhas gravadas em {args.pdf}")
    return EXIT_OK


def _signed(value: Any) -> str:
    return ("+" if value > 0 else "") + format_brl(value)


# -------------------------------------------------------------------------------------- adjust


def _adjust(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action == "undo":
        if args.batch is None:
            err("erro: informe o número do lote: ispdesk adjust undo LOTE")
            return EXIT_ERROR
        row = adjustments.undo_adjustment(ctx.uow(on=args.date), args.batch)
        out(f"Reajuste nº {row.number} desfeito: {row.contracts_count} contratos voltaram ao valor anterior.")
        return EXIT_OK
    if args.action == "notices":
        return _notices(args, ctx)
    if args.batch is not None:
        err("erro: número de lote só com “undo” ou “notices” (ispdesk adjust undo LOTE, ispdesk adjust notices LOTE).")
        return EXIT_ERROR
    if not args.percent:
        err("erro: informe o percentual com --percent (ex.: --percent 4,5) ou use “adjust undo LOTE”.")
        return EXIT_ERROR
    params = AdjustmentParams(
        percent=parse_percent(args.percent), index_name=args.indice, decided_on=args.date,
        effective_on=args.vigencia, customers_notified=args.clientes_notificados,
        statuses=tuple(args.status or (ContractStatus.ATIVO,)), plan_code=args.plano, city=args.cidade,
        activated_from=args.ativados_de, activated_to=args.ativados_ate,
        last_adjusted_before=args.reajustados_antes)
    if not args.dry_run:  # refuse an unwritable notices path before anything is applied
        adjustments.check_notices_target(args.avisos or Path("reajuste-avisos.csv"))
    sim = adjustments.simulate_adjustment(ctx.uow(on=args.date), params)
    _print_simulation(sim)
    if args.dry_run:
        if not sim.notice_ok:
            out("Atenção: a vigência não respeita o aviso prévio; sem --clientes-notificados o reajuste será recusado.")
        out(f"Simulação (nada gravado): {sim.count} contratos seriam reajustados; variação da receita mensal "
            f"{_signed(sim.delta)}.")
        return EXIT_OK
    result = adjustments.apply_adjustment(ctx.uow(on=args.date), params)
    assert result.batch_number is not None
    out(f"Lote nº {result.batch_number} gravado."
        + (f" Os novos valores vigoram em {format_date(result.effective_on)} (agendado)." if result.scheduled
           else " Os novos valores já estão em vigor."))
    if result.changed_meanwhile:
        shown = ", ".join(str(n) for n in result.changed_meanwhile[:SHOWN])
        more = f" e mais {len(result.changed_meanwhile) - SHOWN}" if len(result.changed_meanwhile) > SHOWN else ""
        out(f"Atenção: {plural(len(result.changed_meanwhile), 'contrato foi alterado', 'contratos foram alterados')}"
            f" por outra pessoa durante o "
            f"reajuste e {agree(len(result.changed_meanwhile), 'ficou como estava', 'ficaram como estavam')}"
            f" (não reajustados): {shown}{more}. Confira-os e, se for o caso, "
            "rode um novo reajuste só para eles.")
    code = EXIT_OK
    if result.count:
        path = args.avisos or Path(f"reajuste-{result.batch_number}-avisos.csv")
        try:
            n = adjustments.export_notifications(ctx.uow(on=args.date), result.batch_number, path)
            out(f"Clientes a avisar: {n} em {path} (gere de novo quando quiser: "
                f"ispdesk adjust notices {result.batch_number})")
        except OSError as exc:
            err(f"erro: o lote nº {result.batch_number} foi gravado, mas o CSV de avisos não pôde ser escrito em "
                f"“{path}” ({exc.strerror or exc}). Gere-o de novo com: ispdesk adjust notices "
                f"{result.batch_number} --avisos ARQUIVO")
            code = EXIT_PARTIAL
    else:
        out("Nenhum contrato reajustado: todos foram ignorados (motivos acima).")
    out(f"{result.count} contratos reajustados; variação da receita mensal {_signed(result.delta)}.")
    return code


def _notices(args: argparse.Namespace, ctx: CliContext) -> int:
    """``adjust notices LOTE``: the batch's customers to notify, again, from the database."""
    if args.batch is None:
        err("erro: informe o número do lote: ispdesk adjust notices LOTE [--avisos ARQUIVO]")
        return EXIT_ERROR
    path = adjustments.check_notices_target(args.avisos or Path(f"reajuste-{args.batch}-avisos.csv"))
    n = adjustments.export_notifications(ctx.uow(on=args.date), args.batch, path)
    out(f"Clientes a avisar do lote nº {args.batch}: {n} em {path}")
    batch = next((b for b in adjustments.list_batches(ctx.uow(on=args.date)) if b.number == args.batch), None)
    if batch is not None and batch.status == AdjustmentBatchStatus.DESFEITO:
        out(f"Atenção: o lote nº {args.batch} foi desfeito; a lista é a do lote como foi aplicado (o reajuste não "
            "vale mais para esses clientes).")
    return EXIT_OK


def _print_simulation(sim: AdjustmentSimulation) -> None:
    index = f" ({sim.index_name})" if sim.index_name else ""
    out(f"Reajuste de {str(sim.percent).replace('.', ',')}%{index} decidido em {format_date(sim.decided_on)}, "
        f"vigência em {format_date(sim.effective_on)}")
    out(f"Contratos a reajustar: {sim.count} — receita mensal {format_brl(sim.revenue_before)} → "
        f"{format_brl(sim.revenue_after)} ({_signed(sim.delta)})")
    for line in sim.lines[:SHOWN]:
        out(f"  contrato {line.contract_number:<7} {line.customer_name[:30]:<30} {line.plan_code:<12} "
            f"{format_brl(line.old_value)} → {format_brl(line.new_value)}")
    if sim.count > SHOWN:
        out(f"  … e mais {sim.count - SHOWN} contratos")
    out(f"Ignorados: {sim.skipped_count}")
    for reason, n in sorted(sim.skipped_by_reason.items()):
        out(f"  {n} × {reason}")
    for line in sim.skipped[:SHOWN]:
        out(f"  contrato {line.contract_number:<7} {line.customer_name[:30]:<30} {line.reason}")
    if sim.skipped_count > SHOWN:
        out(f"  … e mais {sim.skipped_count - SHOWN} ignorados")



