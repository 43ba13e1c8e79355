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
from functools import lru_cache
from typing import Any

from ispdesk.domain.access import LadderParams, Schedule, schedule
from ispdesk.domain.contact import mask_phone
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.money import format_brl
from ispdesk.domain.wording import agree, plural


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
    owed = [(c.due_date, c.balance) for c in charges]
    return template_for(company).render(customer_name, contract_number, plan_code, owed, plan)


# --- the text from precomputed parts (the suspension routine writes 100,000 in one run) ----------

_COMPANY_KEYS = ("empresa_nome_fantasia", "empresa_razao_social", "empresa_cnpj", "empresa_telefone",
                 "empresa_email")


@lru_cache(maxsize=4096)
def _date(value: date | None) -> str:
    return format_date(value)


@lru_cache(maxsize=16384)
def _brl(value: Decimal) -> str:
    return format_brl(value)


@lru_cache(maxsize=4096)
def _month(value: date) -> str:
    return f"{value:%m/%Y}"


@lru_cache(maxsize=16384)
def _bullet(due: date, balance: Decimal) -> str:
    return f"\n  • vencimento {_date(due)}: {_brl(balance)}"


class NoticeTemplate:
    """The notice text from parts built once: provider header and footer, dates, amounts, ladder.

    What does not vary between notices is formatted once per run (the dates, amounts and ladder
    paragraphs are cached), so 100,000 notices cost little more than their concatenation.

    `render` gives exactly the text `notice_text` always gave (the tests compare them byte for byte
    with the original line-by-line version).
    """

    def __init__(self, company: Mapping[str, Any]) -> None:
        self.head = f"{company.get('empresa_nome_fantasia', '')} — AVISO DE DÉBITO EM ATRASO\nData do aviso: "
        self.tail = "\n" + "\n".join([
            "",
            "Somente após a rescisão do contrato o débito poderá ser registrado em cadastros de proteção ao "
            "crédito (SPC/Serasa).",
            "Após o pagamento, o serviço é restabelecido imediatamente, sem cobrança de taxa de religação. "
            "Se já pagou, desconsidere este aviso.",
            "",
            "Regulamento Geral de Direitos do Consumidor de Serviços de Telecomunicações (Anatel, RGC — "
            "Resolução nº 765/2023).",
            f"{company.get('empresa_razao_social', '')} — CNPJ "
            f"{mask_document(str(company.get('empresa_cnpj', '')))} — "
            f"{mask_phone(str(company.get('empresa_telefone', '')))} — {company.get('empresa_email', '')}",
        ])
        self._ladder: dict[Schedule, str] = {}

    def _ladder_text(self, plan: Schedule) -> str:
        text = self._ladder.get(plan)
        if text is None:
            parts = ["\n\nSe o débito não for pago:"]
            if plan.reduction is not None:
                parts.append(f"\n  • a partir de {_date(plan.reduction)}, a velocidade será reduzida "
                             "(suspensão parcial);")
            parts.append(f"\n  • a partir de {_date(plan.block)}, o serviço será suspenso totalmente (bloqueio);")
            parts.append(f"\n  • após {(plan.rescission - plan.block).days} dias de suspensão total, a partir de "
                         f"{_date(plan.rescission)}, o contrato poderá ser rescindido.")
            text = self._ladder[plan] = "".join(parts)
        return text

    def render(self, customer_name: str, contract_number: int, plan_code: str,
               owed: Sequence[tuple[date, Decimal]], plan: Schedule, updated: Updated | None = None) -> str:
        """The notice for one contract; `owed` holds (due date, balance) of each overdue charge.

        `updated` (the routine passes it) adds the valor atualizado on the notice date: principal, multa
        and juros apart, and that the juros grow with each day late.
        """
        ordered = sorted(owed, key=_by_due) if len(owed) > 1 else owed
        total = sum((b for _, b in ordered), Decimal("0"))
        months = ", ".join(dict.fromkeys(_month(d) for d, _ in ordered))
        return "".join((
            self.head, _date(plan.notice), "\n\nPrezado(a) ", customer_name,
            ",\n\nMotivo: ", _open_charges(len(ordered)), " do contrato nº ", f"{contract_number}",
            " (plano ", plan_code, "), ", agree(len(ordered), "vencida e não paga", "vencidas e não pagas"),
            " até esta data.\nValor em atraso: ", _brl(total),
            ", referente a: ", months, ".", *[_bullet(d, b) for d, b in ordered], _updated_text(plan.notice, updated),
            self._ladder_text(plan), self.tail,
        ))

    @staticmethod
    def month(due: date) -> str:
        """``MM/AAAA`` of a due date (the notice's reference month for the oldest one)."""
        return _month(due)


def _open_charges(n: int) -> str:
    """``consta em aberto 1 fatura`` / ``constam em aberto 3 faturas``: words that agree with the count."""
    return f"{agree(n, 'consta', 'constam')} em aberto {plural(n, 'fatura', 'faturas')}"


def _updated_text(on: date, updated: Updated | None) -> str:
    """The valor atualizado paragraph (empty when no late amount applies or none was given)."""
    if updated is None or (updated.fine == 0 and updated.interest == 0):
        return ""
    return (f"\nValor atualizado em {_date(on)}: {_brl(updated.total)} (principal {_brl(updated.principal)} + multa "
            f"{_brl(updated.fine)} + juros {_brl(updated.interest)}); os juros de mora crescem a cada dia de atraso.")


def _by_due(item: tuple[date, Decimal]) -> date:
    return item[0]


@lru_cache(maxsize=8)
def _template(key: tuple[Any, ...]) -> NoticeTemplate:
    return NoticeTemplate(dict(zip(_COMPANY_KEYS, key, strict=True)))


@lru_cache(maxsize=4096)
def notice_schedule(overdue_since: date, notice_date: date, params: LadderParams,
                    no_block_until: date | None = None) -> Schedule:
    """`domain.access.schedule`, computed once per distinct (due date, notice date, parameters, exemption)."""
    return schedule(overdue_since, notice_date, params, no_block_until)


def template_for(company: Mapping[str, Any]) -> NoticeTemplate:
    """The template for the provider data in `company` (built once per distinct provider data)."""
    return _template(tuple(company.get(k, "") for k in _COMPANY_KEYS))
