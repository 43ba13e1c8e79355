"""Direct ORM builders for test data (bypass the services on purpose: fast, independent setup).

Use them to arrange a scenario; exercise the behaviour under test through the services.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import CancellationReason, Charge, Contract, Customer, InclusionReason, Plan
from ispdesk.domain.dates import add_months
from ispdesk.domain.documents import generate_cpf
from ispdesk.domain.text import fold
from ispdesk.services.customer_words import add_words

_numbers = itertools.count(1)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def make_customer(session: Session, name: str = "Maria da Silva", **kw: Any) -> Customer:
    n = next(_numbers)
    values: dict[str, Any] = dict(
        code=100000 + n, person_type="F", name=name, name_folded=fold(name), document=generate_cpf(),
        email=f"cliente{n}@example.com", email_folded=f"cliente{n}@example.com", mobile="11987654321",
        cep="01310100", street="Av. Paulista", number=str(n), district="Bela Vista", city="São Paulo",
        state="SP", status="ativo", created_at=NOW, created_by="teste",
    )
    values.update(kw)
    if "name" in kw:
        values["name_folded"] = fold(values["name"])
    customer = Customer(**values)
    session.add(customer)
    session.flush()
    add_words(session, [(customer.id, customer.name_folded)])
    return customer


def make_plan(session: Session, code: str = "FIBRA-300", price: str = "99.90", **kw: Any) -> Plan:
    values: dict[str, Any] = dict(
        code=code, name=f"Fibra {code}", price=Decimal(price), download_mbps=300, upload_mbps=150,
        loyalty_months=12, loyalty_benefit=Decimal("600.00"), adjustment_rule="IPCA anual",
        active=True, created_at=NOW, created_by="teste",
    )
    values.update(kw)
    plan = Plan(**values)
    session.add(plan)
    session.flush()
    return plan


def reason(session: Session, model: type, code: str) -> Any:
    return session.scalar(select(model).where(model.code == code))


def make_contract(
    session: Session,
    customer: Customer | None = None,
    plan: Plan | None = None,
    activated_on: date | None = date(2026, 1, 10),
    **kw: Any,
) -> Contract:
    customer = customer or make_customer(session)
    plan = plan or session.scalar(select(Plan).where(Plan.code == "FIBRA-300")) or make_plan(session)
    months = kw.pop("loyalty_months", plan.loyalty_months)
    start = kw.get("renewed_on") or activated_on
    values: dict[str, Any] = dict(
        number=next(_numbers) + 5000, customer_id=customer.id, plan_id=plan.id, value=plan.price,
        status="ativo" if activated_on else "pre_contrato", access_status="normal",
        activated_on=activated_on, billing_base_date=activated_on, loyalty_months=months,
        loyalty_benefit=plan.loyalty_benefit, due_day=10,
        loyalty_expires_on=add_months(start, months) if start and months else None,
        created_at=NOW, created_by="teste",
    )
    inclusion = reason(session, InclusionReason, "NOVO")
    if inclusion is not None:
        values["inclusion_reason_id"] = inclusion.id
    values.update(kw)
    contract = Contract(**values)
    session.add(contract)
    session.flush()
    return contract


def make_charge(
    session: Session, contract: Contract, due_date: date, amount: str = "99.90", kind: str = "mensalidade", **kw: Any
) -> Charge:
    values: dict[str, Any] = dict(
        contract_id=contract.id, kind=kind, description=f"Mensalidade {due_date:%m/%Y}", due_date=due_date,
        amount=Decimal(amount), paid_amount=Decimal("0"), status="aberta", created_at=NOW, created_by="teste",
    )
    if kind == "mensalidade":
        values.setdefault("period_start", add_months(due_date, -1))
        values.setdefault("period_end", due_date)
    values.update(kw)
    charge = Charge(**values)
    session.add(charge)
    session.flush()
    return charge


def cancellation_reason(session: Session, code: str) -> CancellationReason | None:
    return reason(session, CancellationReason, code)


#: A real provider's data (the PDFs are refused while the company is still the example one).
REAL_COMPANY: dict[str, str] = {
    "empresa_razao_social": "Rede Vale Telecomunicações Ltda.", "empresa_nome_fantasia": "Rede Vale",
    "empresa_cnpj": "27865757000102", "empresa_endereco": "Av. Brasil, 1500 — Centro",
    "empresa_cidade": "Campinas", "empresa_uf": "SP", "empresa_cep": "13015000",
    "empresa_telefone": "1932321000", "empresa_email": "atendimento@redevale.com.br",
    "empresa_site": "www.redevale.com.br",
}


def set_real_company(session: Session) -> None:
    """Replace the example company with `REAL_COMPANY` (parameters and the MATRIZ branch), no commit."""
    from ispdesk.db.models import Branch, Parameter
    from ispdesk.services.company import sync_main_branch
    from ispdesk.services.parameters import load

    for name, value in REAL_COMPANY.items():
        row = session.get(Parameter, name)
        if row is None:
            session.add(Parameter(name=name, value=value, updated_at=NOW, updated_by="teste"))
        else:
            row.value = value
    session.flush()
    sync_main_branch(session, load(session))
    session.flush()
    assert session.scalar(select(Branch.legal_name).where(Branch.code == "MATRIZ")) != "Provedor Exemplo Ltda."
