"""The non-payment notice (aviso de inadimplência) with what Anatel RGC 765 requires it to say.

The text states: the reason (unpaid charges), the amount and the months owed, the dates of the
speed reduction (when enabled), of the total suspension and of the earliest rescission, that the
debt may be listed with credit bureaus only after rescission, and that service returns at once
after payment, with no reconnection fee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ispdesk.domain.access import Schedule
from ispdesk.domain.contact import mask_phone
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.money import format_brl


@dataclass(frozen=True)
class OwedCharge:
    """One overdue charge listed in the notice."""

    due_date: date
    balance: Decimal
    description: str = ""

    @property
    def month(self) -> str:
        """The month owed as ``MM/AAAA`` (the due date's month)."""
        return f"{self.due_date:%m/%Y}"


def reference_month(charges: Sequence[OwedCharge]) -> str:
    """The month of the oldest charge owed, ``MM/AAAA``."""
    return min(charges, key=lambda c: c.due_date).month


def notice_text(
    company: Mapping[str, Any],
    customer_name: str,
    contract_number: int,
    plan_code: str,
    charges: Sequence[OwedCharge],
    plan: Schedule,
) -> str:
    """The notice in Portuguese.

    Args:
        company: the general parameters (``empresa_*`` names the provider).
        customer_name: the subscriber.
        contract_number: the contract number.
        plan_code: the offer code (RGC 765 art. 21: printed on every document).
        charges: the overdue charges (at least one).
        plan: the ladder dates for this debt.
    """
    ordered = sorted(charges, key=lambda c: c.due_date)
    total = sum((c.balance for c in ordered), Decimal("0"))
    months = ", ".join(dict.fromkeys(c.month for c in ordered))
    lines = [
        f"{company.get('empresa_nome_fantasia', '')} — AVISO DE DÉBITO EM ATRASO",
        f"Data do aviso: {format_date(plan.notice)}",
        "",
        f"Prezado(a) {customer_name},",
        "",
        f"Motivo: consta(m) em aberto a(s) fatura(s) do contrato nº {contract_number} (plano {plan_code}), "
        f"vencida(s) e não paga(s) até esta data.",
        f"Valor em atraso: {format_brl(total)}, referente a: {months}.",
    ]
    for c in ordered:
        lines.append(f"  • vencimento {format_date(c.due_date)}: {format_brl(c.balance)}")
    lines.append("")
    lines.append("Se o débito não for pago:")
    if plan.reduction is not None:
        lines.append(f"  • a partir de {format_date(plan.reduction)}, a velocidade será reduzida (suspensão parcial);")
    lines.append(f"  • a partir de {format_date(plan.block)}, o serviço será suspenso totalmente (bloqueio);")
    lines.append(
        f"  • após {(plan.rescission - plan.block).days} dias de suspensão total, a partir de "
        f"{format_date(plan.rescission)}, o contrato poderá "
        "ser rescindido."
    )
    lines += [
        "",
        "Somente após a rescisão do contrato o débito poderá ser registrado em cadastros de proteção ao "
        "crédito (SPC/Serasa).",
        "Após o pagamento, o serviço é restabelecido imediatamente, sem cobrança de taxa de religação. "
        "Se já pagou, desconsidere este aviso.",
        "",
        "Regulamento Geral de Direitos do Consumidor de Serviços de Telecomunicações (Anatel, RGC — "
        "Resolução nº 765/2023).",
        f"{company.get('empresa_razao_social', '')} — CNPJ {mask_document(str(company.get('empresa_cnpj', '')))} — "
        f"{mask_phone(str(company.get('empresa_telefone', '')))} — {company.get('empresa_email', '')}",
    ]
    return "\n".join(lines)
