"""History and messages use the labels people see, never internal names (issue 12)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from ispdesk.db.models import AuditEntry
from ispdesk.domain.errors import ValidationError
from ispdesk.services import contracts as contract_service
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params
from ispdesk.services.audit import AuditRow
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.widgets.audit_history import AuditHistoryWidget, describe_changes
from tests.factories import make_contract, make_plan
from tests.services.billing_helpers import arrange

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

#: snake_case keys (data_ativacao, access_status, cpf_cnpj_obrigatorio) and catalogue/enum codes.
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\bCARNE\b|\bBOLETO\b|\bPEDIDO\b")


def _texts(widget: AuditHistoryWidget) -> list[str]:
    model = widget.model
    cells = [str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount())]
    return cells + [describe_changes(row, codes=model.codes) for row in model.rows()]


def test_contract_history_shows_labels_not_keys_or_codes(qtbot, factory, admin, uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10)))
    row = contract_service.get_contract(uow(), c.id)
    contract_service.update_contract(uow(), c.id, {"billing_type": "CARNE", "notes": "Prefere carnê"}, row.version)
    context = AppContext(factory=factory, actor=admin, events=DataEvents())
    widget = AuditHistoryWidget(context, "contract", c.id)
    qtbot.addWidget(widget)
    texts = _texts(widget)
    joined = "\n".join(texts)
    assert "Tipo de cobrança" in joined and "Carnê" in joined and "Observação" in joined
    assert [t for t in texts if RAW.search(t)] == []


def test_parameters_history_and_required_document_message_use_labels(uow) -> None:  # noqa: ANN001
    params.update(uow(), {"cpf_cnpj_obrigatorio": True, "email_obrigatorio": True})
    params.update(uow(), {"email_obrigatorio": False})
    with uow() as u:
        entries = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "parameters")).all()
        rows = [AuditRow(e.at, e.actor, e.action, e.summary, json.loads(e.changes or "{}")) for e in entries]
    assert rows and all(not RAW.search(r.summary) for r in rows)
    assert any("E-mail principal obrigatório" in r.summary for r in rows)
    assert all(not RAW.search(describe_changes(r)) for r in rows)
    with pytest.raises(ValidationError) as exc:
        cs.create_customer(uow(), cs.CustomerDraft(name="Sem Documento", mobile="11987654321"))
    message = exc.value.errors["cpf_cnpj"]
    assert "CPF/CNPJ obrigatório" in message and not RAW.search(message)
