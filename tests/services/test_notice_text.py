"""The notice text built from precomputed parts is byte for byte the original line-by-line text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ispdesk.domain.access import Schedule
from ispdesk.domain.contact import mask_phone
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.money import format_brl
from ispdesk.domain.parameters import defaults
from ispdesk.services.notices import OwedCharge, notice_text, template_for


# The original implementation, kept verbatim as the reference.
def reference_notice_text(
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
        (f"Motivo: consta em aberto 1 fatura do contrato nº {contract_number} (plano {plan_code}), "
         "vencida e não paga até esta data.") if len(ordered) == 1 else
        (f"Motivo: constam em aberto {len(ordered)} faturas do contrato nº {contract_number} (plano {plan_code}), "
         "vencidas e não pagas até esta data."),
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


_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("123456.78"), places=2)
_charges = st.lists(st.builds(OwedCharge, _days, _money, st.text(max_size=10)), min_size=1, max_size=6)
_text = st.text(max_size=40)


@st.composite
def _schedules(draw: st.DrawFn) -> Schedule:
    notice = draw(_days)
    block = notice + timedelta(days=draw(st.integers(15, 120)))
    reduction = draw(st.one_of(st.none(), st.just(block - timedelta(days=draw(st.integers(1, 15))))))
    return Schedule(notice, reduction, block, block + timedelta(days=draw(st.integers(60, 120))))


@st.composite
def _companies(draw: st.DrawFn) -> dict[str, Any]:
    company = defaults()
    for key in ("empresa_nome_fantasia", "empresa_razao_social", "empresa_email"):
        if draw(st.booleans()):
            company[key] = draw(_text)
    if draw(st.booleans()):
        company["empresa_cnpj"] = draw(st.sampled_from(["", "11222333000181", "12345678909", "abc"]))
    if draw(st.booleans()):
        company["empresa_telefone"] = draw(st.sampled_from(["", "1133334444", "11987654321", "0800"]))
    if draw(st.booleans()):
        del company["empresa_email"]
    return company


@settings(max_examples=400, deadline=None)
@given(_companies(), _text, st.integers(1, 10**9), _text, _charges, _schedules())
def test_same_text_byte_for_byte(company, name, number, plan_code, charges, plan) -> None:
    expected = reference_notice_text(company, name, number, plan_code, charges, plan)
    assert notice_text(company, name, number, plan_code, charges, plan).encode() == expected.encode()
    owed = [(c.due_date, c.balance) for c in charges]
    assert template_for(company).render(name, number, plan_code, owed, plan).encode() == expected.encode()


def test_same_dates_and_amounts_repeated_across_notices() -> None:
    """Cached parts never leak from one notice into the next (equal-date charges keep their order)."""
    company = defaults()
    plan = Schedule(date(2026, 11, 27), date(2026, 12, 12), date(2026, 12, 27), date(2027, 2, 25))
    runs = [[OwedCharge(date(2026, 10, 10), Decimal("99.9")), OwedCharge(date(2026, 10, 10), Decimal("1.00"))],
            [OwedCharge(date(2026, 10, 10), Decimal("1.00")), OwedCharge(date(2026, 9, 10), Decimal("99.90"))],
            [OwedCharge(date(2026, 10, 10), Decimal("99.90"))]]
    for charges in runs * 2:
        assert (notice_text(company, "Ana", 7, "F100", charges, plan)
                == reference_notice_text(company, "Ana", 7, "F100", charges, plan))


@settings(max_examples=200, deadline=None)
@given(_companies(), _text, st.integers(1, 10**9), _text, _charges, _schedules())
def test_the_notice_says_its_count_in_words_never_with_parentheses(company, name, number, plan_code, charges,
                                                                    plan) -> None:
    """Issue 12: "1 fatura … vencida", "3 faturas … vencidas", never "fatura(s)" or "consta(m)"."""
    plan_code = plan_code.replace("\n", " ")  # plan codes are validated single-line words; the motive is one line
    text = notice_text(company, name, number, plan_code, charges, plan)
    motive = text.split("Motivo: ", 1)[1].split("\n", 1)[0]
    assert "(s)" not in motive and "(m)" not in motive
    n = len(charges)
    if n == 1:
        assert motive.startswith("consta em aberto 1 fatura do contrato") and "vencida e não paga" in motive
    else:
        assert motive.startswith(f"constam em aberto {n} faturas do contrato") and "vencidas e não pagas" in motive
