"""Customer commands: ``import customers``, ``export customers`` and the top-level ``demo``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, err, out
from ispdesk.domain.wording import plural
from ispdesk.services.customer_io import export_customers as export_service
from ispdesk.services.customer_io import import_customers


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the customer commands."""
    p = groups["import"].add_parser(
        "customers", help="importa clientes de um CSV (; ou ,; UTF-8 ou Windows-1252)",
        description="Importa clientes de um arquivo CSV. Colunas (ordem livre): nome, cpf_cnpj, tipo_pessoa, "
                    "rg_ie, data_nascimento (dd/mm/aaaa), email, celular, telefone, cep, endereco, numero, "
                    "complemento, bairro, cidade, uf, hotsite_login, hotsite_senha, observacao. "
                    "Saída: 0 tudo importado, 1 algumas linhas rejeitadas, 2 arquivo inutilizável.")
    p.add_argument("file", metavar="ARQUIVO.csv", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="grava as linhas rejeitadas, como estavam, com a coluna motivo")
    p.set_defaults(func=_import_customers)

    p = groups["export"].add_parser(
        "customers", help="exporta os clientes (CSV ; UTF-8 com BOM, ou JSON)",
        description="Exporta todos os clientes: codigo, status e as colunas da importação (nunca a senha).")
    p.add_argument("--output", "-o", metavar="ARQUIVO", type=Path, help="arquivo de saída (padrão: a tela)")
    p.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv", help="formato (padrão: csv)")
    p.set_defaults(func=_export_customers)

    p = top.add_parser("demo", help="gera dados de demonstração (clientes, contratos e histórico)",
                       description="Gera um provedor fictício realista: clientes (nomes com acentos, CPF/CNPJ "
                                   "válidos, DDDs e CEPs reais) e contratos dos últimos 18 meses com cobranças, "
                                   "pagamentos, inadimplentes avisados/reduzidos/bloqueados pela rotina de "
                                   "bloqueio, cancelamentos com motivo e mudanças de plano.")
    p.add_argument("--customers", type=int, default=1000, metavar="N", help="quantos clientes (padrão: 1000)")
    p.add_argument("--contracts", type=int, default=None, metavar="N",
                   help="quantos contratos, para os clientes ativos (padrão: 80%% de --customers; 0 = só clientes)")
    p.add_argument("--seed", type=int, default=None, help="semente para gerar sempre os mesmos dados")
    p.set_defaults(func=_demo)


def _progress_printer() -> tuple[Callable[[int, int, str], None] | None, Callable[[], None]]:
    """A progress line on stderr when it is a terminal (nothing in scripts and pipes)."""
    if not sys.stderr.isatty():
        return None, lambda: None

    def progress(done: int, total: int, text: str) -> None:
        print(f"\r{text} ({done}/{total})\033[K", end="", file=sys.stderr, flush=True)

    return progress, lambda: print(file=sys.stderr)


def _import_customers(args: argparse.Namespace, ctx: CliContext) -> int:
    progress, finish = _progress_printer()
    try:
        report = import_customers(ctx.uow(), args.file, args.rejects, progress=progress)
    finally:
        finish()
    out(report.summary)
    return report.exit_code


def _export_customers(args: argparse.Namespace, ctx: CliContext) -> int:
    count = export_service(ctx.uow(), args.output, args.fmt)
    if args.output is not None:
        out(f"{plural(count, 'cliente exportado', 'clientes exportados')} para {args.output}.")
    return EXIT_OK


def _demo(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.demo_history import generate_full_demo

    for option, value in (("--customers", args.customers), ("--contracts", args.contracts)):
        if value is not None and value < 0:
            err(f"erro: {option} deve ser zero ou mais.")
            return 2
    progress, finish = _progress_printer()
    try:
        result = generate_full_demo(ctx.factory(), args.customers, args.contracts, progress=progress,
                                    actor=ctx.actor, seed=args.seed)
    finally:
        finish()
    out(f"{plural(result.customers, 'cliente de demonstração gerado', 'clientes de demonstração gerados')}.")
    h = result.history
    if h.contracts:
        ladder = h.ladder
        out(f"{plural(h.contracts, 'contrato de demonstração gerado', 'contratos de demonstração gerados')}"
            f": {plural(h.payments, 'pagamento', 'pagamentos')}, "
            f"{plural(h.cancellations, 'cancelamento', 'cancelamentos')}"
            f", {plural(h.plan_changes, 'mudança', 'mudanças')} de plano; rotina de bloqueio: "
            f"{plural(ladder.get('aviso', 0), 'aviso', 'avisos')}"
            f", {plural(ladder.get('reducao', 0), 'redução', 'reduções')}, "
            f"{plural(ladder.get('bloqueio', 0), 'bloqueio', 'bloqueios')}.")
    return EXIT_OK
