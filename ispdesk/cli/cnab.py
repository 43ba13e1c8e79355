"""CNAB commands: ``export cnab-remessa`` (CNAB 240 remessa of a carteira), ``import cnab`` (retorno)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import plural


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the CNAB commands to ``export`` and ``import``."""
    p = groups["export"].add_parser(
        "cnab-remessa", help="arquivo de remessa CNAB 240 dos boletos ainda não enviados ao banco",
        description="Grava a remessa CNAB 240 (FEBRABAN) da carteira: as cobranças em aberto sem nosso número "
                    "recebem o próximo da carteira, e todo título em aberto ainda não enviado entra no arquivo "
                    "(segmentos P e Q) e fica marcado como enviado. A numeração do arquivo (NSA) segue a da "
                    "carteira. O arquivo é gravado inteiro ou não é gravado.")
    p.add_argument("--carteira", metavar="CODIGO", help="carteira de cobrança (obrigatória se houver mais de uma)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da remessa (padrão: hoje)")
    p.add_argument("--out", type=Path, metavar="ARQUIVO.rem",
                   help="onde gravar (padrão: remessa_CODIGO_NSA.rem na pasta atual)")
    p.set_defaults(func=_export_remessa)

    p = groups["import"].add_parser(
        "cnab", help="importa o retorno CNAB 240 do banco (liquidações de boletos)",
        description="Lê o retorno CNAB 240 (segmentos T e U): cada título com ocorrência 06 (liquidação) quita "
                    "(ou abate) a cobrança do nosso número pelo valor pago, na data do pagamento; multa e juros "
                    "entram como linhas próprias e quitar o débito restabelece o acesso na hora. Importar o mesmo "
                    "arquivo de novo não recebe nada duas vezes. Títulos que não puderam ser liquidados vão para "
                    "ARQUIVO.rejeitados.csv ao lado do arquivo, com o motivo. A última linha é "
                    "`cnab: N liquidados, N rejeitados, N já importados`. "
                    "Saída: 0 tudo importado, 1 algum título rejeitado, 2 arquivo inutilizável.")
    p.add_argument("file", metavar="ARQUIVO.ret", type=Path)
    p.add_argument("--rejects", metavar="REJEITADOS.csv", type=Path,
                   help="onde gravar os títulos rejeitados (padrão: ARQUIVO.rejeitados.csv ao lado do arquivo)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="executa como se hoje fosse DATA")
    p.set_defaults(func=_import_cnab)


def _export_remessa(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.cnab_remessa import export_remessa

    result = export_remessa(ctx.uow(on=args.date), args.carteira, args.date, args.out)
    out(f"Remessa nº {result.sequence} gravada em {result.path}: {plural(result.titles, 'título', 'títulos')}, total "
        f"{format_brl(result.total)}.")
    return EXIT_OK


def _import_cnab(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services.cnab_retorno import import_cnab

    report = import_cnab(ctx.uow(on=args.date), args.file, args.rejects)
    out(report.summary)
    return report.exit_code
