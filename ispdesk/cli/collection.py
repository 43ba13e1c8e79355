"""Collection commands: ``charges show NUMERO`` and the municipal holidays (``holidays add|list|remove``)."""

from __future__ import annotations

import argparse
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, date_arg, out
from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import ChargeKind, ChargeStatus
from ispdesk.domain.wording import plural
from ispdesk.services import business_days, late_fees, statement


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``charges`` and ``holidays``."""
    charges = top.add_parser("charges", help="consulta uma cobrança pelo número (valor atualizado)",
                             description="Cobranças: “charges show NUMERO” mostra o valor atualizado.")
    sub = charges.add_subparsers(dest="charges_command", metavar="COMANDO", required=True)
    groups["charges"] = sub
    p = sub.add_parser(
        "show", help="mostra a cobrança com principal, multa, juros e total na data",
        description="Mostra a cobrança NUMERO e, uma por linha, principal, multa, juros e total (o total por "
                    "último) como seriam pagos na DATA (padrão: hoje). Vencimento em sábado, domingo ou feriado "
                    "é pagável sem multa nem juros até o próximo dia útil (vencimento útil).")
    p.add_argument("number", metavar="NUMERO", help="número da cobrança")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do pagamento simulado (padrão: hoje)")
    p.set_defaults(func=_charges_show)
    p = sub.add_parser(
        "pix", help="código PIX copia-e-cola da cobrança (valor atualizado na data)",
        description="Imprime o código PIX (BR Code estático, com txid da cobrança) para pagar a cobrança NUMERO "
                    "pelo valor atualizado na DATA (padrão: hoje). O código copia-e-cola é a última linha.")
    p.add_argument("number", metavar="NUMERO", help="número da cobrança")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do pagamento (padrão: hoje)")
    p.set_defaults(func=_charges_pix)
    p = sub.add_parser(
        "pdf", help="PDF da cobrança para pagar: valor atualizado e QR code PIX",
        description="Grava o PDF da cobrança NUMERO em aberto: principal, multa, juros e total na DATA (padrão: "
                    "hoje) e, com a chave PIX configurada, o QR code e o código copia-e-cola.")
    p.add_argument("number", metavar="NUMERO", help="número da cobrança")
    p.add_argument("-o", "--output", required=True, metavar="ARQUIVO.pdf", help="onde gravar o PDF")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do pagamento (padrão: hoje)")
    p.set_defaults(func=_charges_pdf)
    p = sub.add_parser(
        "statement", help="extrato do cliente: todas as cobranças com o valor atualizado",
        description="Lista as cobranças de todos os contratos do cliente CODIGO (número, vencimento, vencimento "
                    "útil, valor, situação e o valor atualizado na DATA: principal + multa + juros); a última "
                    "linha é o total em aberto atualizado.")
    p.add_argument("code", metavar="CODIGO", help="código do cliente")
    p.add_argument("--date", type=date_arg, metavar="DATA", help="data do extrato (padrão: hoje)")
    p.set_defaults(func=_charges_statement)

    holidays = top.add_parser(
        "holidays", help="feriados municipais (os nacionais e estaduais vêm prontos)",
        description="Feriados municipais do provedor. Os nacionais (com Carnaval, Sexta-feira Santa e Corpus "
                    "Christi) e os do estado da empresa (parâmetro empresa_uf) já são conhecidos. Uma cobrança "
                    "que vence em feriado, sábado ou domingo pode ser paga sem multa até o próximo dia útil.")
    sub = holidays.add_subparsers(dest="holidays_command", metavar="COMANDO", required=True)
    groups["holidays"] = sub
    p = sub.add_parser("add", help="cadastra um feriado municipal",
                       description="Cadastra o feriado municipal DATA (dd/mm/aaaa); com --anual vale todo ano no "
                                   "mesmo dia e mês. Recalcula o vencimento útil das cobranças afetadas.")
    p.add_argument("day", type=date_arg, metavar="DATA", help="dd/mm/aaaa")
    p.add_argument("description", metavar="DESCRICAO", help="por exemplo “Aniversário da cidade”")
    p.add_argument("--anual", action="store_true", help="repete todo ano no mesmo dia e mês")
    p.set_defaults(func=_holidays_add)
    p = sub.add_parser("list", help="lista os feriados municipais")
    p.set_defaults(func=_holidays_list)
    p = sub.add_parser("remove", help="remove um feriado municipal",
                       description="Remove o feriado municipal DATA (com --anual, o que repete todo ano).")
    p.add_argument("day", type=date_arg, metavar="DATA", help="dd/mm/aaaa")
    p.add_argument("--anual", action="store_true", help="o feriado anual desse dia e mês")
    p.set_defaults(func=_holidays_remove)


def _charges_pix(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services import pix

    code = pix.charge_pix(ctx.uow(on=args.date), args.number, args.date)
    out(f"Cobrança {code.number} — contrato {code.contract_number}: PIX de {format_brl(code.amount)} "
        f"(valor atualizado em {format_date(code.on)}) para {code.receiver}; txid {code.txid}")
    out(code.payload)
    return EXIT_OK


def _charges_pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    from ispdesk.services import pix

    pix.charge_slip_pdf(ctx.uow(on=args.date), args.number, args.date, args.output)
    out(f"PDF da cobrança {args.number} gravado em {args.output}")
    return EXIT_OK


def _charges_show(args: argparse.Namespace, ctx: CliContext) -> int:
    detail = late_fees.show_charge(ctx.uow(on=args.date), args.number, args.date)
    c = detail.charge
    out(f"Cobrança {c.number} — contrato {c.contract_number} — {ChargeKind.label_of(c.kind)}: {c.description}")
    effective = c.effective_due
    moved = f" (pagável sem multa até {format_date(effective)})" if effective != c.due_date else ""
    out(f"vencimento: {format_date(c.due_date)}{moved}")
    out(f"situação: {ChargeStatus.label_of(c.status)}; valor {format_brl(c.amount)}, pago {format_brl(c.paid_amount)}")
    out(f"valor atualizado em {format_date(detail.on)}"
        + (f" ({plural(detail.updated.days, 'dia', 'dias')} de atraso)" if detail.updated.days else "") + ":")
    for line in detail.updated.lines():
        out(line)
    return EXIT_OK


def _charges_statement(args: argparse.Namespace, ctx: CliContext) -> int:
    st = statement.customer_statement(ctx.uow(on=args.date), args.code, args.date)
    out(f"Extrato do cliente {st.customer_code} — {st.customer_name} — em {format_date(st.on)}")
    out("numero\tcontrato\tvencimento\tvencimento_util\tvalor\tsituacao\tprincipal\tmulta\tjuros\tatualizado")
    for line in st.lines:
        c, u = line.charge, line.updated
        out("\t".join([str(c.number), str(c.contract_number), format_date(c.due_date), format_date(c.effective_due),
                       format_brl(c.amount), ChargeStatus.label_of(c.status), format_brl(u.principal),
                       format_brl(u.fine), format_brl(u.interest), format_brl(u.total)]))
    out(f"total atualizado: {format_brl(st.total_updated)}")
    return EXIT_OK


def _holidays_add(args: argparse.Namespace, ctx: CliContext) -> int:
    row = business_days.add_holiday(ctx.uow(), args.day, args.description, args.anual)
    out(f"Feriado municipal {row.shown} cadastrado: {row.description}.")
    return EXIT_OK


def _holidays_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = business_days.list_holidays(ctx.uow())
    if not rows:
        out("Nenhum feriado municipal cadastrado (os nacionais e estaduais já são conhecidos).")
    for row in rows:
        out(f"{row.shown}\t{row.description}")
    return EXIT_OK


def _holidays_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    row = business_days.remove_holiday(ctx.uow(), args.day, args.anual)
    out(f"Feriado municipal {row.shown} removido ({row.description}).")
    return EXIT_OK
