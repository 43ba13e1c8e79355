"""Contracts tab: model checks, search as you type, filters, apply_filter, actions by permission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.documents import mask_document
from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.tabs.contracts_tab import ContractListModel, ContractsTab
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
TODAY = date(2026, 11, 27)


@pytest.fixture
def context(factory, admin):  # type: ignore[no-untyped-def]
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def data(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        s = u.session
        p300 = make_plan(s, "FIBRA-300", "99.90")
        p1g = make_plan(s, "FIBRA-1G", "199.90")
        ana = make_customer(s, "Ana Souza", code=501, document="52998224725", city="Campinas")
        bia = make_customer(s, "Beatriz Melo", code=502, city="São Paulo")
        c1 = make_contract(s, ana, p300, number=7001, due_day=5, loyalty_expires_on=TODAY + timedelta(days=10))
        c2 = make_contract(s, bia, p1g, number=7002, due_day=10)
        c3 = make_contract(s, bia, p300, number=7003, status="cancelado", cancelled_on=TODAY, due_day=10)
        u.commit()
        return {"c1": c1.id, "c2": c2.id, "c3": c3.id}


def numbers(tab: ContractsTab) -> list[int]:
    return [tab.model.row_at(i).number for i in range(tab.model.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester, context, data) -> None:  # type: ignore[no-untyped-def]
    model = ContractListModel(context)
    model.apply(ContractFilter())
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_lists_newest_first_with_masked_document_and_money(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    assert tab.objectName() == "contractsTab"
    assert numbers(tab) == [7003, 7002, 7001]
    row = tab.model.rowCount() - 1
    texts = [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]
    assert "529.982.247-25" in texts and "R$ 99,90" in texts and "10/01/2026" in texts
    assert "3 contratos" in tab.findChild(QLabel, "contractCount").text()


def test_search_as_you_type(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    for typed, expected in (("bea", [7002, 7003]), ("7001", [7001]), (mask_document("52998224725"), [7001]),
                            ("502", [7003, 7002]), ("zzz", [])):
        tab.search_edit.setText(typed)
        qtbot.waitUntil(lambda t=typed: tab.model.filter.text == t and not tab._timer.isActive())
        assert numbers(tab) == expected, typed


def test_filter_widgets(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("cancelado"))
    assert numbers(tab) == [7003]
    tab.status_filter.setCurrentIndex(0)
    tab.plan_filter.setCurrentIndex(tab.plan_filter.findData("FIBRA-1G"))
    assert numbers(tab) == [7002]
    tab.plan_filter.setCurrentIndex(0)
    tab.due_day_filter.setValue(5)
    tab.reload()
    assert numbers(tab) == [7001]
    tab.due_day_filter.setValue(0)
    tab.city_filter.setText("SAO PAULO")
    tab.reload()
    assert numbers(tab) == [7003, 7002]
    tab.city_filter.clear()
    tab.expiring_filter.setValue(30)
    tab.reload()
    assert numbers(tab) == [7001]


def test_apply_filter_sets_widgets_and_keeps_other_criteria(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    tab.apply_filter(ContractFilter(statuses=("ativo",), plan_code="FIBRA-300", expiring_within_days=30))
    assert tab.status_filter.currentData() == "ativo"
    assert tab.plan_filter.currentData() == "FIBRA-300"
    assert tab.expiring_filter.value() == 30
    assert numbers(tab) == [7001]
    tab.apply_filter(ContractFilter(cancelled_from=TODAY, cancelled_to=TODAY))
    assert numbers(tab) == [7003]
    assert "cancelados de 27/11/2026 a 27/11/2026" in tab.count_label.text()
    tab.clear_filters()
    assert numbers(tab) == [7003, 7002, 7001]


def test_refreshes_on_contract_events(qtbot, context, data, uow) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    with uow() as u:
        make_contract(u.session, number=7004)
        u.commit()
    context.events.changed.emit("contract")
    assert numbers(tab)[0] == 7004


def test_registered_actions_follow_permissions_and_multi_selection(qtbot, factory, attendant, data) -> None:  # type: ignore[no-untyped-def]
    calls: list[list] = []

    def handler(parent: QWidget, ctx: AppContext, ids: list) -> bool:
        calls.append(list(ids))
        return True

    specs = [
        registry.ContractActionSpec("Ação única", "testSingleAction", handler, Permission.CONTRACTS_EDIT),
        registry.ContractActionSpec("Ação em lote", "testMultiAction", handler, Permission.CONTRACTS_EDIT, multi=True),
        registry.ContractActionSpec("Negativar teste", "testDeniedAction", handler, Permission.CONTRACTS_NEGATIVATE),
    ]
    registry.CONTRACT_ACTIONS.extend(specs)
    try:
        context = AppContext(factory=factory, actor=attendant, events=DataEvents())
        tab = ContractsTab(context)
        qtbot.addWidget(tab)
        assert tab.new_button.isEnabled()
        tab.table.selectAll()
        menu = tab.build_context_menu()
        enabled = {a.objectName(): a.isEnabled() for a in menu.actions() if a.objectName()}
        assert enabled["testMultiAction"] and not enabled["testSingleAction"] and not enabled["testDeniedAction"]
        assert tab.action_buttons["testMultiAction"].isEnabled()
        assert not tab.action_buttons["testDeniedAction"].isEnabled()
        assert tab.run_action(specs[1]) is True
        assert len(calls[-1]) == 3
        tab.table.selectRow(0)
        assert tab.action_buttons["testSingleAction"].isEnabled()
        assert tab.run_action(specs[2]) is False
    finally:
        for spec in specs:
            registry.CONTRACT_ACTIONS.remove(spec)


def test_finance_cannot_create(qtbot, factory, finance, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(AppContext(factory=factory, actor=finance, events=DataEvents()))
    qtbot.addWidget(tab)
    assert not tab.new_button.isEnabled()
    assert tab.new_contract() is False
    tab.table.selectRow(0)
    assert not tab.renew_button.isEnabled()


def test_every_access_filter_option_selects_its_contracts_and_shows_its_label(qtbot, context, uow) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.domain.access import AccessStatus

    with uow() as u:
        made = {a.value: make_contract(u.session, access_status=a, number=7100 + i).number
                for i, a in enumerate(AccessStatus)}
        u.commit()
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    options = [tab.access_filter.itemData(i) for i in range(1, tab.access_filter.count())]
    assert options == list(made)
    column = next(c for c in range(tab.model.columnCount())
                  if tab.model.headerData(c, Qt.Orientation.Horizontal) == "Acesso")
    for i, code in enumerate(options, start=1):
        tab.access_filter.setCurrentIndex(i)
        assert numbers(tab) == [made[code]], code
        assert tab.model.index(0, column).data() == AccessStatus(code).label
