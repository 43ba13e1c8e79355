"""Cancel-with-fine flow in the GUI over real services (both databases)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from ispdesk.db.models import Charge, Contract
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog
from tests.factories import make_contract, make_plan
from tests.services.billing_helpers import arrange

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _label(dialog: CancelContractDialog, name: str) -> str:
    label = dialog.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_cancel_dialog_shows_fine_then_cancels(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10)))
    dialog = CancelContractDialog(context, c.id)
    qtbot.addWidget(dialog)
    assert not dialog.confirm_button.isEnabled()
    dialog.set_reason("PEDIDO")
    assert _label(dialog, "fineStartLabel") == "10/01/2026"
    assert _label(dialog, "fineEndLabel") == "10/01/2027"
    assert _label(dialog, "fineLoyaltyDaysLabel") == "365"
    assert _label(dialog, "fineRemainingDaysLabel") == "296"
    assert _label(dialog, "fineBenefitLabel") == "R$ 600,00"
    assert _label(dialog, "fineFormulaLabel") == "R$ 600,00 × 296 / 365"
    assert _label(dialog, "fineAmountLabel") == "R$ 486,58"
    assert "10/03/2026 a 19/03/2026" in _label(dialog, "lastPeriodLabel")
    assert not dialog.confirm_button.isEnabled()  # note still empty
    dialog.note_edit.setPlainText("Cliente mudou de cidade")
    assert dialog.confirm_button.isEnabled()
    if SHOTS:
        dialog.show()
        dialog.grab().save(os.path.join(SHOTS, "cancel_dialog.png"))
    changed: list[str] = []
    context.events.changed.connect(changed.append)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.confirm_button.click()
    assert dialog.result_value is not None and dialog.result_value.fine.amount == Decimal("486.58")
    assert "contract" in changed
    with uow() as u:
        assert u.session.get(Contract, c.id).status == "cancelado"
        fine = u.session.scalar(select(Charge).where(Charge.contract_id == c.id, Charge.kind == "multa"))
        assert fine is not None and fine.amount == Decimal("486.58")


def test_breach_reason_shows_waiver_and_date_checks(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    clock.day = date(2026, 3, 20)
    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    dialog = CancelContractDialog(context, c.id)
    qtbot.addWidget(dialog)
    dialog.set_reason("DESCUMPRIMENTO")
    assert _label(dialog, "fineAmountLabel") == "R$ 0,00"
    assert _label(dialog, "fineFormulaLabel").startswith("isenta")
    dialog.date_edit.set_value(date(2026, 3, 21))
    assert dialog.preview is None and "futuro" in dialog.date_field.error()
    dialog.note_edit.setPlainText("x")
    assert not dialog.confirm_button.isEnabled()
    dialog.date_edit.set_value(date(2026, 3, 1))
    assert dialog.preview is not None and dialog.confirm_button.isEnabled()
