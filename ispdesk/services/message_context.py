"""The variables of each message event, built the same way by the producers and by the preview."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl, format_number
from ispdesk.domain.template_engine import Value

Context = dict[str, Value]


def company(params: Mapping[str, Any]) -> Context:
    """``empresa.nome`` (nome fantasia, else razão social) and ``empresa.telefone`` (as in the parameters)."""
    name = str(params.get("empresa_nome_fantasia") or params.get("empresa_razao_social") or "")
    return {"empresa.nome": name, "empresa.telefone": str(params.get("empresa_telefone") or "")}


def base(companyvalues: Mapping[str, Value], today: date, customer_name: str,
         contract_number: int | None = None) -> Context:
    """The variables every event has: customer, company, today, and the contract number when there is one."""
    out: Context = {**companyvalues, "cliente.nome": customer_name, "datas.hoje": format_date(today)}
    if contract_number is not None:
        out["contrato.numero"] = str(contract_number)
    return out


def access(common: Context, on: date) -> Context:
    """Reduction, block, restoration, rescission: the day of the change."""
    return {**common, "acesso.data": format_date(on)}


def charge(common: Context, due: date, balance: Decimal) -> Context:
    """Charge due / overdue: its due date and open balance."""
    return {**common, "cobranca.vencimento": format_date(due), "cobranca.valor": format_brl(balance)}


def loyalty(common: Context, ends: date) -> Context:
    """Loyalty ending: the day it ends."""
    return {**common, "contrato.data_expiracao": format_date(ends)}


def notice(common: Context, text: str, on: date, amount: Decimal, suspension: date | None) -> Context:
    """The Anatel notice: its full text (recorded on the notice) and its main figures."""
    return {**common, "aviso.texto": text, "aviso.data": format_date(on), "aviso.valor": format_brl(amount),
            "aviso.data_suspensao": format_date(suspension) if suspension else ""}


def plan(common: Context, code: str, name: str, value: Decimal) -> Context:
    """The contract's plan and monthly value."""
    return {**common, "plano.codigo": code, "plano.nome": name, "contrato.valor": format_brl(value)}


def percent(value: Decimal) -> str:
    """``Decimal("4.5")`` → ``4,50 %``."""
    return format_number(value) + " %"


def adjustment(common: Context, batch: int, pct: Decimal, index: str | None, old: Decimal, new: Decimal,
               effective: date) -> Context:
    """The price-adjustment notice: batch, percentage, index, old and new value, the day it applies."""
    return {**common, "reajuste.lote": str(batch), "reajuste.percentual": percent(pct),
            "reajuste.indice": index or "", "reajuste.valor_atual": format_brl(old),
            "reajuste.valor_novo": format_brl(new), "reajuste.vigencia": format_date(effective)}


def cancellation(common: Context, on: date, reason: str, fine: Decimal) -> Context:
    """The cancellation confirmation: day, reason and termination fine."""
    return {**common, "cancelamento.data": format_date(on), "cancelamento.motivo": reason,
            "cancelamento.multa": format_brl(fine)}
