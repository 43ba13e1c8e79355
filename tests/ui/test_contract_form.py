"""Contract form: new contract with defaults, errors next to fields, activation, renewal, read-only
dates, panels and history tabs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ispdesk.services import audit, contracts
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.contract_form import ContractForm
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):  # type: ignore[no-untyped-def]
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def data(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        s = u.session
        make_plan(s, "FIBRA-300", "99.90", loyalty_months=12, loyalty_benefit=Decimal("600"))
        make_plan(s, "EMPRESA-1G", "499.90", loyalty_months=24, loyalty_benefit=Decimal("3000"))
        ana = make_customer(s, "Ana Souza", code=601, document="52998224725")
        active = make_contract(s, ana, number=8001, activated_on=date(2025, 1, 31))
        u.commit()
        return {"ana": ana.id, "active": active.id}


def _error(form: ContractForm, name: str) -> str:
    label = form.findChild(QLabel, name + "Error")
    return label.text() if label is not None and label.isVisibleTo(form) else ""


def test_new_contract_defaults_from_plan_then_save_and_activate(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    context.events.changed.connect(events.append)
    form = ContractForm(context)
    qtbot.addWidget(form)
    assert form.objectName() == "contractForm"
    form.customer_picker.search.setText("ana")
    assert form.customer_picker.customer_id() == data["ana"]
    form.plan.setCurrentIndex(form.plan.findData("EMPRESA-1G"))
    assert form.value.value() == Decimal("499.90")
    assert form.loyalty_months.value() == 24
    assert not form.save()
    assert "Anatel" in _error(form, "contractLoyaltyMonths")
    form.plan.setCurrentIndex(form.plan.findData("FIBRA-300"))
    assert form.loyalty_months.value() == 12
    assert form.save()
    assert form.contract is not None and form.contract.status == "pre_contrato"
    assert events == ["contract"]
    assert not form.activate_button.isHidden()

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "activateDialog"
        dialog.date_edit.set_value(date(2026, 11, 20))
        dialog._accept()

    QTimer.singleShot(0, confirm)
    assert form.activate()
    assert form.contract.status == "ativo"
    assert form.activated_on.value() == date(2026, 11, 20)
    assert not form.activated_on.isEnabled()
    assert form.loyalty_expires_on.text() == "20/11/2027"


def test_missing_customer_and_bad_value_shown_next_to_fields(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    form = ContractForm(context)
    qtbot.addWidget(form)
    assert not form.save()
    assert "Escolha o cliente" in _error(form, "contractCustomerField")
    form.customer_picker.search.setText("601")
    form.plan.setCurrentIndex(form.plan.findData("FIBRA-300"))
    form.value.setText("1,2,3")
    assert not form.save()
    assert "Valor inválido" in _error(form, "contractValue")
    form.value.setText("89,90")
    form.activated_on.set_value(date(2026, 12, 25))
    assert not form.save()
    assert "futura" in _error(form, "contractActivatedOn")


def test_existing_active_contract_read_only_rules_save_and_history(qtbot, context, data, uow) -> None:  # type: ignore[no-untyped-def]
    form = ContractForm(context, data["active"])
    qtbot.addWidget(form)
    assert "8001" in form.header.text()
    assert not form.plan.isEnabled() and not form.value.isEnabled() and not form.due_day.isEnabled()
    assert not form.activated_on.isEnabled()
    assert form.paid_until.isReadOnly() and form.loyalty_expires_on.isReadOnly()
    assert form.loyalty_expires_on.text() == "31/01/2026"
    assert form.activate_button.isHidden()
    form.billing_type.setCurrentIndex(form.billing_type.findData("PIX"))
    form.notes.setPlainText("Cliente prefere PIX")
    assert form.save()
    row = contracts.get_contract(context.uow(), data["active"])
    assert (row.billing_type_code, row.notes) == ("PIX", "Cliente prefere PIX")
    titles = [form.tabs.tabText(i) for i in range(form.tabs.count())]
    assert titles[0] == "Dados" and titles[-1] == "Histórico"
    form.history.reload()
    assert form.history.model.rowCount() == 1


def test_renew_from_the_form(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    form = ContractForm(context, data["active"])
    qtbot.addWidget(form)

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "renewDialog"
        dialog.date_edit.set_value(date(2026, 11, 27))
        dialog.months.setValue(12)
        assert "27/11/2027" in dialog.preview.text()
        dialog.accept()

    QTimer.singleShot(0, confirm)
    assert form.renew()
    assert form.renewed_on.text() == "27/11/2026"
    assert form.loyalty_expires_on.text() == "27/11/2027"
    assert form.activated_on.value() == date(2025, 1, 31)
    assert audit.history(context.uow(), "contract", data["active"])[0].action == "renew"


def test_registered_panels_and_actions_by_permission(qtbot, factory, finance, data) -> None:  # type: ignore[no-untyped-def]
    seen: list = []

    def panel(ctx: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
        seen.append(contract_id)
        w = QLabel("painel", parent)
        w.reload = lambda: None  # type: ignore[attr-defined]
        return w

    panel_spec = registry.ContractPanelSpec("Painel teste", "testPanel", panel)
    action = registry.ContractActionSpec("Ação teste", "testFormAction", lambda p, c, ids: False,
                                         registry.Permission.CONTRACTS_EDIT)
    registry.CONTRACT_PANELS.append(panel_spec)
    registry.CONTRACT_ACTIONS.append(action)
    try:
        form = ContractForm(AppContext(factory=factory, actor=finance, events=DataEvents()), data["active"])
        qtbot.addWidget(form)
        assert seen == [data["active"]]
        assert "Painel teste" in [form.tabs.tabText(i) for i in range(form.tabs.count())]
        assert not form.action_buttons["testFormAction"].isEnabled()
        assert not form.save_button.isEnabled()
        assert not form.renew_button.isEnabled()
    finally:
        registry.CONTRACT_PANELS.remove(panel_spec)
        registry.CONTRACT_ACTIONS.remove(action)
