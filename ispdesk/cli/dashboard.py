"""`ispdesk report dashboard`: the dashboard's figures on the command line (text or JSON)."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl, format_number
from ispdesk.services.dashboard import Dashboard, DashboardFilters, compute_dashboard, dashboard_to_dict


def register(top: argparse._SubParsersAction, groups: dict[str, argparse._SubParsersAction]) -> None:
    """Add ``report dashboard``."""
    p = groups["report"].add_parser(
        "dashboard", help="Painel de contratos: ativos, MRR, fidelidade, bloqueios, churn, alterações",
        description="Os números do painel de contratos na data indicada (padrão: hoje).",
    )
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data de referência (dd/mm/aaaa ou aaaa-mm-dd)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="formato da saída (padrão: text)")
    p.add_argument("--plano", metavar="CODIGO", help="só contratos deste plano (código da oferta)")
    p.add_argument("--cidade", metavar="CIDADE", help="só clientes desta cidade")
    p.add_argument("--filial", metavar="CODIGO", help="só contratos desta filial")
    p.add_argument("--de", type=date_arg, metavar="DATA", help="início do período dos gráficos (padrão: 12 meses)")
    p.add_argument("--ate", type=date_arg, metavar="DATA", help="fim do período dos gráficos (padrão: a data)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Compute and print the dashboard."""
    filters = DashboardFilters(period_start=args.de, period_end=args.ate, plan_code=args.plano,
                               city=args.cidade, branch_code=args.filial)
    uow = ctx.uow(on=args.date)
    d = compute_dashboard(uow, uow.today, filters)
    if args.format == "json":
        out(json.dumps(dashboard_to_dict(d), ensure_ascii=False, indent=2))
    else:
        out(render_text(d))
    return EXIT_OK


def _percent(value: Any) -> str:
    return f"{format_number(value)} %"


def render_text(d: Dashboard) -> str:
    """The dashboard as Portuguese text (R$ 1.234,56, dd/mm/aaaa)."""
    f = d.filters
    lines = [f"Painel de contratos em {format_date(d.as_of)}"]
    scope = [label for label in (
        f"plano {f.plan_code}" if f.plan_code else "",
        f"cidade {f.city}" if f.city else "",
        f"filial {f.branch_code}" if f.branch_code else "",
    ) if label]
    if scope:
        lines.append("Filtro: " + ", ".join(scope))
    month = d.as_of.strftime("%m/%Y")
    rows = [
        ("Contratos ativos", str(d.contratos_ativos)),
        ("MRR (receita mensal)", format_brl(d.mrr)),
        ("Ticket médio", format_brl(d.ticket_medio)),
        ("Em fidelidade", str(d.em_fidelidade)),
        ("Fidelidade expira em 30 dias", str(d.expirando_30)),
        ("Fidelidade expira em 60 dias", str(d.expirando_60)),
        ("Fidelidade expira em 90 dias", str(d.expirando_90)),
        ("Reduzidos agora", str(d.reduzidos)),
        ("Bloqueados agora", str(d.bloqueados)),
        (f"Cancelamentos em {month}", str(d.cancelamentos_mes)),
        (f"Churn em {month}", f"{_percent(d.churn_mes)} ({d.cancelamentos_churn_mes} de {d.ativos_inicio_mes})"),
        (f"Upgrades em {month}", str(d.upgrades_mes)),
        (f"Downgrades em {month}", str(d.downgrades_mes)),
    ]
    width = max(len(label) for label, _ in rows)
    lines += ["", *(f"  {label.ljust(width)}  {value}" for label, value in rows)]
    period = f"{format_date(f.period_start)} a {format_date(f.period_end)}"
    lines += ["", f"Cancelamentos por motivo ({period}):"]
    lines += [f"  {r.description}: {r.count}" for r in d.cancelamentos_motivo] or ["  nenhum"]
    lines += ["", f"Novos contratos por motivo de inclusão ({period}):"]
    lines += [f"  {r.description}: {r.count}" for r in d.novos_motivo] or ["  nenhum"]
    lines += ["", "Recebimentos previstos no próximo mês (por vencimento):"]
    lines += [
        f"  {format_date(r.day)}: {format_brl(r.amount)} ({r.contracts} contratos)" for r in d.recebimentos_dia
    ] or ["  nenhum"]
    total = sum((r.amount for r in d.recebimentos_dia), start=Decimal("0.00"))
    lines.append(f"  Total: {format_brl(total)}")
    return "\n".join(lines)
