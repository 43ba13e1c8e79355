"""Boleto commands: ``carteiras add|list``, ``charges boleto NUMERO``, ``charges carne CONTRATO``.

Registered after `collection` (module order), which creates the ``charges`` group.
"""

from __future__ import annotations

import argparse
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.wording import plural
from ispdesk.services import boletos, carteiras


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``carteiras`` and the boleto commands of ``charges``."""
    parser = top.add_parser(
        "carteiras", help="carteiras de cobrança (banco, agência, conta, convênio, nosso número)",
        description="Carteiras de cobrança que emitem boletos: Banco do Brasil (001, convênio de 7 dígitos) e "
                    "Sicoob (756).")
    sub = parser.add_subparsers(dest="carteiras_command", metavar="COMANDO", required=True)
    groups["carteiras"] = sub
    p = sub.add_parser(
        "add", help="cadastra uma carteira de cobrança",
        description="Cadastra a carteira CODIGO. Banco do Brasil: --convenio com 7 dígitos e --carteira 17 ou 18. "
                    "Sicoob: --convenio é o código do beneficiário (até 7 dígitos) e --carteira 1. Os números "
                    "vão sem dígito verificador.")
    p.add_argument("code", metavar="CODIGO", help="código curto da carteira, por exemplo BB1")
    p.add_argument("--banco", required=True, help="001 (Banco do Brasil) ou 756 (Sicoob)")
    p.add_argument("--agencia", required=True, help="agência / cooperativa, sem DV")
    p.add_argument("--conta", required=True, help="conta corrente, sem DV")
    p.add_argument("--carteira", required=True, help="carteira do banco (BB: 17 ou 18; Sicoob: 1)")
    p.add_argument("--convenio", required=True, help="convênio (BB) ou código do beneficiário (Sicoob)")
    p.add_argument("--proximo-nosso-numero", type=int, default=1, metavar="N",
                   help="sequencial do próximo nosso número (padrão 1; use o seguinte ao último já emitido)")
    p.add_argument("--instrucoes", default="", help="texto das instruções do boleto (uma linha por \\n)")
    p.set_defaults(func=_add)
    p = sub.add_parser("list", help="lista as carteiras de cobrança")
    p.set_defaults(func=_list)

    charges = groups["charges"]
    p = charges.add_parser(
        "boleto", help="PDF do boleto da cobrança (linha digitável, código de barras e PIX)",
        description="Grava o boleto da cobrança NUMERO em aberto. Na primeira emissão a cobrança recebe o "
                    "próximo nosso número da carteira, que fica com ela. Impresso depois do vencimento útil, "
                    "mostra também o valor atualizado na DATA (padrão: hoje).")
    p.add_argument("number", metavar="NUMERO", help="número da cobrança")
    p.add_argument("--out", required=True, metavar="ARQUIVO.pdf", help="onde gravar o PDF")
    p.add_argument("--carteira", metavar="CODIGO", help="carteira de cobrança (obrigatória se houver mais de uma)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da emissão (padrão: hoje)")
    p.set_defaults(func=_boleto)
    p = charges.add_parser(
        "carne", help="carnê com os boletos em aberto do contrato (três por página)",
        description="Grava o carnê do contrato CONTRATO: um boleto por cobrança em aberto, por vencimento, três "
                    "por folha A4, cada um com o QR code PIX quando a chave PIX está configurada.")
    p.add_argument("contract", metavar="CONTRATO", help="número do contrato")
    p.add_argument("--out", required=True, metavar="ARQUIVO.pdf", help="onde gravar o PDF")
    p.add_argument("--carteira", metavar="CODIGO", help="carteira de cobrança (obrigatória se houver mais de uma)")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data da emissão (padrão: hoje)")
    p.set_defaults(func=_carne)


def _add(args: argparse.Namespace, ctx: CliContext) -> int:
    row = carteiras.add_carteira(ctx.uow(), args.code, args.banco, args.agencia, args.conta, args.carteira,
                                 args.convenio, args.proximo_nosso_numero, args.instrucoes.replace("\\n", "\n"))
    out(f"Carteira {row.code} cadastrada: {row.bank_name}, agência {row.agency}, conta {row.account}, carteira "
        f"{row.wallet}, convênio {row.agreement}; próximo nosso número {row.next_nosso_numero}.")
    return EXIT_OK


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = carteiras.list_carteiras(ctx.uow())
    if not rows:
        out("Nenhuma carteira de cobrança cadastrada (ispdesk carteiras add).")
        return EXIT_OK
    out("codigo\tbanco\tagencia\tconta\tcarteira\tconvenio\tproximo_nosso_numero\tativa")
    for r in rows:
        out("\t".join([r.code, r.bank_name, r.agency, r.account, r.wallet, r.agreement, str(r.next_nosso_numero),
                       "sim" if r.active else "não"]))
    return EXIT_OK


def _boleto(args: argparse.Namespace, ctx: CliContext) -> int:
    _, b = boletos.boleto_pdf(ctx.uow(on=args.date), args.number, args.out, args.carteira, args.date)
    out(f"Boleto da cobrança {b.charge_number} gravado em {args.out}; nosso número {b.nosso_numero}")
    out(b.linha)
    return EXIT_OK


def _carne(args: argparse.Namespace, ctx: CliContext) -> int:
    _, count = boletos.carne_pdf(ctx.uow(on=args.date), args.contract, args.out, args.carteira, args.date)
    out(f"Carnê do contrato {args.contract} gravado em {args.out}: {plural(count, 'boleto', 'boletos')}.")
    return EXIT_OK
