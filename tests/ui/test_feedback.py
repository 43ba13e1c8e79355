"""After each action the user sees what happened (issue 12): code of a saved customer, the fine charge."""

from __future__ import annotations

from datetime import date

import pytest

from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.tabs.customers_tab import CustomersTab
from tests.factories import make_contract, make_customer, make_plan
from tests.services.billing_helpers import arrange
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def test_saved_customer_shows_its_code_and_is_selected_even_outside_the_search(qtbot, context, uow) -> None:  # noqa: ANN001
    arrange(uow, lambda s: [make_customer(s, "Ana Lima", code=7), make_customer(s, "Bruno Lima", code=8)])
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    tab.search_edit.setText("Bruno")
    tab.run_search()
    statuses: list[str] = []
    context.events.status.connect(statuses.append)

    def fill_and_save(form):  # noqa: ANN001, ANN202
        form.ui.documentEdit.set_value("16899535009")
        form.ui.nameEdit.setText("Zélia Nova")
        form.ui.emailEdit.setText("zelia@exemplo.com.br")
        form.ui.mobileEdit.set_value("11912345678")
        assert form.save() is True

    driver = NextModal(fill_and_save)
    assert tab.new_customer() is True
    assert driver.check() == "customerForm"
    selected = tab.model.row_at(tab.table.currentIndex().row())
    assert selected.name == "Zélia Nova" and tab.selected_id() == selected.id
    expected = f"Cliente nº {selected.code} cadastrado: Zélia Nova."
    assert expected in tab.status_label.text()
    assert statuses == [expected]


def test_cancellation_says_which_fine_charge_it_created(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog

    clock.day = date(2026, 3, 20)
    c = arrange(uow, lambda s: make_contract(s, plan=make_plan(s, price="90.00"), activated_on=date(2026, 1, 10)))
    dialog = CancelContractDialog(context, c.id)
    qtbot.addWidget(dialog)
    dialog.set_reason("PEDIDO")
    dialog.note_edit.setPlainText("Cliente mudou de cidade")
    statuses: list[str] = []
    context.events.status.connect(statuses.append)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.confirm_button.click()
    fine = dialog.result_value.fine_charge
    assert fine is not None
    assert len(statuses) == 1
    text = statuses[0]
    assert f"Contrato nº {c.number} cancelado em 20/03/2026" in text
    assert fine.number > 0 and f"Cobrança de multa nº {fine.number} criada" in text
    assert "R$ 486,58" in text and fine.description in text


def test_main_window_status_bar_shows_the_message(qtbot, db_url, admin_user) -> None:  # noqa: ANN001
    from ispdesk.app import create_main_window

    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    window.context.events.status.emit("Contrato nº 5 cancelado.")
    assert window.statusBar().currentMessage() == "Contrato nº 5 cancelado."
