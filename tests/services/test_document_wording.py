"""Contract documents use words that agree with the count, never "telefone(s)" (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from ispdesk.domain.template_engine import VALUE_END, VALUE_START, compile_template
from ispdesk.reports.assets import resource_path
from ispdesk.services import documents
from tests.factories import make_contract, make_customer, make_plan


def _phone_phrase(uow, phone: str | None) -> str:  # noqa: ANN001
    with uow() as u:
        customer = make_customer(u.session, mobile="11987654321", phone=phone)
        contract = make_contract(u.session, customer=customer, plan=make_plan(u.session, price="99.90"),
                                 activated_on=date(2026, 1, 10))
        u.commit()
        data = documents.contract_document_context(u.session, contract.id, date(2026, 3, 20))
    body = resource_path("templates", "contrato_padrao.txt").read_text(encoding="utf-8")
    text = compile_template(body).render(data.context).replace(VALUE_START, "").replace(VALUE_END, "")
    assert "(s)" not in text
    subscriber = text.split("**ASSINANTE:**", 1)[1]
    return subscriber.split(", telefone", 1)[1].split(", e-mail", 1)[0]


@pytest.mark.parametrize(("phone", "expected"), [
    (None, " (11) 98765-4321"),
    ("1134567890", "s (11) 98765-4321 / (11) 3456-7890"),
])
def test_contract_says_telefone_or_telefones(uow, phone, expected) -> None:  # noqa: ANN001
    assert _phone_phrase(uow, phone) == expected
