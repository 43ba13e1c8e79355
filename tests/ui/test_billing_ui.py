"""Charges panel, payment / one-off / negativação / generation dialogs over real services."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from ispdesk.db.models import Charge, Contract
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from tests.factories import make_charge, make_contract, make_plan
from tests.services.billing_helpers import arrange

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _scenario(s):  # noqa: ANN001, ANN202
    contract = make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10))
    for m in (1, 2, 3):
        make_charge(s, contract, date(2026, m + 1, 10), amount="90.00", period_start=date(2026, m, 10),
                    period_end=date(2026, m + 1, 9),
                    description=f"Mensalidade FIBRA-300 10/0{m}/2026 a 09/0{m + 1}/2026")
    make_charge(s, contract, date(2026, 3, 15), amount="150.00", kind="avulsa", description="Taxa de instalação")
    return contract


def test_registrations() -> None:
    load_all()
    assert any(p.object_name == "chargesPanel" and p.title == "Cobranças" for p in registry.CONTRACT_PANELS)
    names = {a.object_name: a.permission for a in registry.CONTRACT_ACTIONS}
    assert names["cancelContractAction"].value == "contracts.cancel"
    assert names["oneOffChargeAction"].value == "charges.create"
    assert names["recordPaymentAction"].value == "payments.record"
    assert names["reversePaymentAction"].value == "payments.reverse"
    assert names["negativateAction"].value == "contracts.negativate"


def test_panel_models_and_payment_flow(qtbot, qtmodeltester, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.areas.billing_panel import ChargesPanel
    from ispdesk.ui.dialogs.billing_payment import RecordPaymentDialog, ReversePaymentDialog

    clock.day = date(2026, 4, 20)
    c = arrange(uow, _scenario)
    panel = ChargesPanel(context, c.id)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.charges_model)
    assert panel.charges_model.rowCount() == 4
    first = panel.charges_model.index(0, 0)
    assert panel.charges_model.data(first) in ("Mensalidade", "Avulsa")
    assert "Pago até: —" in panel.summary.text() and "R$ 420,00" in panel.summary.text()
    headers = [panel.charges_model.headerData(i, Qt.Orientation.Horizontal) for i in
               range(panel.charges_model.columnCount())]
    assert headers[-3:] == ["Nº", "Vencimento útil", "Valor atualizado"]
    sunday = next(r for r in panel.charges_model.rows() if r.kind == "avulsa")  # due Sunday 15/03/2026
    row = panel.charges_model.rows().index(sunday)
    assert panel.charges_model.data(panel.charges_model.index(row, len(headers) - 2)) == "16/03/2026"
    assert panel.charges_model.data(panel.charges_model.index(row, len(headers) - 1)) != "R$ 150,00"

    oldest = min((r for r in panel.charges_model.rows() if r.kind == "mensalidade"), key=lambda r: r.due_date)
    dialog = RecordPaymentDialog(context, c.id, oldest.id)
    qtbot.addWidget(dialog)
    # due 10/02, paid 20/04 (69 days late): 90,00 + multa 1,80 + juros 2,07 proposed, shown apart
    assert dialog.amount_edit.text() == "93,87"
    assert "multa R$ 1,80" in dialog.hint.text() and "juros R$ 2,07" in dialog.hint.text()
    dialog.amount_edit.setText("100,00")
    dialog.save_button.click()
    assert "maior que o saldo" in dialog.error_label.text()
    dialog.amount_edit.setText("93,87")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    # the panel listens to the data events and reloads
    assert "Pago até: 09/02/2026" in panel.summary.text()
    qtmodeltester.check(panel.payments_model)
    assert panel.payments_model.rowCount() == 1
    assert panel.payments_model.data(panel.payments_model.index(0, 1)) == "R$ 93,87"
    if SHOTS:
        panel.resize(900, 420)
        panel.show()
        panel.grab().save(os.path.join(SHOTS, "charges_panel.png"))

    reverse = ReversePaymentDialog(context, c.id)
    qtbot.addWidget(reverse)
    reverse.save_button.click()
    assert "motivo do estorno" in reverse.error_label.text()
    reverse.reason_edit.setText("cheque devolvido")
    with qtbot.waitSignal(reverse.accepted, timeout=5000):
        reverse.save_button.click()
    assert "Pago até: —" in panel.summary.text()
    assert "Estornado" in panel.payments_model.data(panel.payments_model.index(0, 5))


def test_one_off_charge_dialog(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.billing_charge import OneOffChargeDialog

    c = arrange(uow, lambda s: make_contract(s))
    dialog = OneOffChargeDialog(context, c.id)
    qtbot.addWidget(dialog)
    assert dialog.due_edit.value() == date(2026, 12, 10)
    dialog.save_button.click()
    assert "descrição" in dialog.error_label.text()
    dialog.description_edit.setText("Roteador Wi-Fi 6")
    dialog.amount_edit.setText("350,00")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    with uow() as u:
        charge = u.session.scalar(select(Charge).where(Charge.contract_id == c.id))
        assert (charge.kind, charge.amount, charge.description) == ("avulsa", Decimal("350.00"), "Roteador Wi-Fi 6")


def test_negativation_dialog_refuses_then_lists(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.services import cancellation
    from ispdesk.ui.dialogs.billing_negativation import NegativationDialog

    clock.day = date(2026, 4, 20)
    c = arrange(uow, _scenario)
    dialog = NegativationDialog(context, c.id)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and "após a rescisão" in dialog.error_label.text()
    cancellation.cancel_contract(uow(), c.id, "DESCUMPRIMENTO", "rescindido", date(2026, 4, 20))
    dialog = NegativationDialog(context, c.id)
    qtbot.addWidget(dialog)
    assert dialog.save_button.isEnabled() and "R$ 420,00" in dialog.debt_label.text()
    dialog.protocol_edit.setText("SERASA-778899")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    with uow() as u:
        assert u.session.get(Contract, c.id).status == "negativado"


def test_generate_dialog_runs_in_background(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.billing_generate import GenerateChargesDialog

    c = arrange(uow, lambda s: make_contract(s, activated_on=date(2026, 1, 10)))
    clock.day = date(2026, 3, 10)
    dialog = GenerateChargesDialog(context)
    qtbot.addWidget(dialog)
    dialog.save_button.click()
    assert dialog.worker is not None
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
    assert dialog.result_value.charges == 2
    assert "2 cobranças geradas" in dialog.error_label.text()
    with uow() as u:
        assert len(list(u.session.scalars(select(Charge).where(Charge.contract_id == c.id)))) == 2


def test_contract_form_shows_charges_panel_and_billing_actions(qtbot, factory, attendant, uow, clock) -> None:  # noqa: ANN001
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QTabWidget

    from ispdesk.ui.areas.billing_panel import ChargesPanel
    from ispdesk.ui.dialogs.contract_form import ContractForm

    load_all()
    clock.day = date(2026, 4, 20)
    c = arrange(uow, _scenario)
    context = AppContext(factory=factory, actor=attendant, events=DataEvents())
    form = ContractForm(context, c.id)
    qtbot.addWidget(form)
    panel = form.findChild(ChargesPanel, "chargesPanel")
    assert panel is not None and panel.charges_model.rowCount() == 4
    # every action is a QAction named like the spec (frequent ones also have a QPushButton)
    buttons = {name: form.findChild(QAction, name) for name in (
        "cancelContractAction", "oneOffChargeAction", "recordPaymentAction", "reversePaymentAction",
        "negativateAction")}
    assert all(buttons.values())
    # an attendant may cancel and record payments, not create charges, reverse or negativar
    assert buttons["cancelContractAction"].isEnabled() and buttons["recordPaymentAction"].isEnabled()
    assert not buttons["oneOffChargeAction"].isEnabled() and not buttons["reversePaymentAction"].isEnabled()
    assert not buttons["negativateAction"].isEnabled()
    if SHOTS:
        tabs = form.findChild(QTabWidget)
        if tabs is not None:
            tabs.setCurrentWidget(panel)
        form.resize(1000, 700)
        form.show()
        form.grab().save(os.path.join(SHOTS, "contract_form_charges.png"))


def test_generate_dialog_lists_the_contracts_it_skipped(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    """A contract whose backlog is implausible (37 months) is named with what to fix; the others are billed."""
    from ispdesk.ui.dialogs.billing_generate import GenerateChargesDialog

    ok, too_old = arrange(uow, lambda s: (make_contract(s, activated_on=date(2026, 1, 10)),
                                          make_contract(s, activated_on=date(2023, 1, 10))))
    clock.day = date(2026, 3, 10)
    dialog = GenerateChargesDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.skipped_list.isHidden()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
    assert [s.number for s in dialog.result_value.skipped] == [too_old.number]
    text = dialog.skipped_list.toPlainText()
    assert not dialog.skipped_list.isHidden()
    assert "1 contrato pulado" in text and f"Contrato {too_old.number}:" in text
    assert "data de ativação" in text
    with uow() as u:
        assert len(list(u.session.scalars(select(Charge).where(Charge.contract_id == ok.id)))) == 2
