"""The customer form shows the customer's contracts and charges; a contract opens from there (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.customer_form import CustomerForm
from tests.factories import make_charge, make_contract, make_customer, make_plan
from tests.services.billing_helpers import arrange
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_customer_form_lists_contracts_and_charges_and_opens_a_contract(qtbot, factory, admin, uow) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        customer = make_customer(s, "Maria Contratos")
        plan = make_plan(s, price="90.00")
        first = make_contract(s, customer=customer, plan=plan, activated_on=date(2026, 1, 10))
        second = make_contract(s, customer=customer, plan=plan, activated_on=date(2026, 2, 10))
        make_contract(s, customer=make_customer(s, "Outra Pessoa", document="16899535009"), plan=plan)
        make_charge(s, first, date(2026, 2, 10), amount="90.00")
        make_charge(s, second, date(2026, 3, 10), amount="45.00")
        return customer.id, first.number, second.number

    customer_id, first, second = arrange(uow, build)
    context = AppContext(factory=factory, actor=admin, events=DataEvents())
    form = CustomerForm(context, customer_id)
    qtbot.addWidget(form)
    panel = form.contracts_panel
    assert form.ui.formTabs.isTabEnabled(form.contracts_tab_index)
    assert [r.number for r in panel.contracts.rows()] == sorted([first, second], reverse=True)
    assert [(r.contract_number, str(r.amount)) for r in panel.charges.rows()] == [(second, "45.00"), (first, "90.00")]
    assert panel.contracts.index(0, 4).data() == "R$ 90,00"
    assert panel.message.text() == "2 contratos; 2 cobranças em aberto."
    driver = NextModal(lambda modal: None)
    assert panel.open_selected() is True
    assert driver.check() == "contractForm"


def test_new_customer_has_no_contracts_tab_yet(qtbot, factory, admin) -> None:  # noqa: ANN001
    form = CustomerForm(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(form)
    assert not form.ui.formTabs.isTabEnabled(form.contracts_tab_index)


def test_customer_list_context_menu_opens_contracts_and_copies(qtbot, factory, admin, uow) -> None:  # noqa: ANN001
    from PySide6.QtGui import QGuiApplication

    from ispdesk.ui.tabs.customers_tab import CustomersTab

    arrange(uow, lambda s: make_customer(s, "Maria Menu", code=77, document="52998224725"))
    context = AppContext(factory=factory, actor=admin, events=DataEvents())
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    tab.run_search()
    menu = tab.context_menu_for(0)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:3] == ["&Abrir cadastro…", "&Contratos e cobranças…", "&Novo contrato para este cliente…"]
    copy = next(a for a in menu.actions() if "CN&PJ" in a.text())
    copy.trigger()
    assert QGuiApplication.clipboard().text() == "529.982.247-25"
    seen: list[int] = []
    driver = NextModal(lambda form: seen.append(form.ui.formTabs.currentIndex() == form.contracts_tab_index))
    next(a for a in menu.actions() if a.objectName() == "menuCustomerContracts").trigger()
    assert driver.check() == "customerForm" and seen == [True]


def test_customer_list_headers_sort_a_complete_result(qtbot, factory, admin, uow) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPoint, Qt

    from ispdesk.ui.tabs.customers_tab import CustomersTab

    arrange(uow, lambda s: [make_customer(s, "Ana Lima", code=30, document="52998224725"),
                            make_customer(s, "Bruno Lima", code=10, document="16899535009"),
                            make_customer(s, "Ângela Lima", code=20, document="39053344705")])
    tab = CustomersTab(context := AppContext(factory=factory, actor=admin, events=DataEvents()))
    assert context is tab.context
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    tab.show()
    tab.run_search()
    header = tab.table.horizontalHeader()
    names = lambda: [tab.model.row_at(i).name for i in range(tab.model.rowCount())]  # noqa: E731
    assert names() == ["Ana Lima", "Ângela Lima", "Bruno Lima"]
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    codes = [tab.model.row_at(i).code for i in range(3)]
    assert codes in ([10, 20, 30], [30, 20, 10])
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert [tab.model.row_at(i).code for i in range(3)] == list(reversed(codes))
    tab.model.page_size = 2
    tab.run_search()  # two of three loaded: the header sorts every match in the database
    assert names() == ["Ana Lima", "Ângela Lima"]
    codes_now = lambda: [tab.model.row_at(i).code for i in range(tab.model.rowCount())]  # noqa: E731
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))  # sorted by the worker
    if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:  # the indicator remembered the last order
        qtbot.waitUntil(lambda: codes_now()[:2] == [30, 20])
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: codes_now()[:2] == [10, 20])  # Bruno (10) was not loaded before the click
    tab.model.fetchMore()  # (the view may have fetched the next page by itself meanwhile)
    assert codes_now() == [10, 20, 30]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))  # descending, every match
    qtbot.waitUntil(lambda: codes_now()[:2] == [30, 20])
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    tab.sort_by_column(1)  # names: accents ignored
    qtbot.waitUntil(lambda: tab.model.server_sort == ("name", False))
    assert names()[:2] == ["Ana Lima", "Ângela Lima"]
    tab.run_search()  # a new search: name order again, no indicator
    assert header.sortIndicatorSection() == -1 and names() == ["Ana Lima", "Ângela Lima"]
