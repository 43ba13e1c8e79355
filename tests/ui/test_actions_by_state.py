"""Contract actions follow the contract's state (issue 12 "Actions by state"), on both databases.

A cancelled contract offers no cancel, plan change, trust unlock or releases (disabled, the tooltip
saying why); "Marcar como assinado" only on pre-contracts; the cancel dialog never offers the
reasons only the system may use; the wall of buttons is a short toolbar plus "Mais ações".
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from ispdesk.domain.statuses import ContractStatus
from ispdesk.ui import contract_states, registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog
from ispdesk.ui.dialogs.contract_form import ContractForm
from ispdesk.ui.extensions import load_all
from ispdesk.ui.tabs.contracts_tab import ContractsTab
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CLOSED_OFF = ("cancelContractAction", "changePlanAction", "actionTrustUnlock", "actionReleaseTemporary",
              "actionReleaseManual", "actionLiftTrustRestriction", "actionBlockProtection", "actionMarkSigned")


@pytest.fixture
def context(factory, admin):  # type: ignore[no-untyped-def]
    load_all()
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def data(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        s = u.session
        plan = make_plan(s, "FIBRA-300", "99.90")
        ana = make_customer(s, "Ana Souza", code=701)
        active = make_contract(s, ana, plan, number=9001)
        pre = make_contract(s, ana, plan, activated_on=None, number=9002)
        cancelled = make_contract(s, ana, plan, number=9003, status="cancelado", cancelled_on=date(2026, 11, 1))
        u.commit()
        return {"active": active.id, "pre": pre.id, "cancelled": cancelled.id}


def _state(actions: dict[str, QAction]) -> dict[str, bool]:
    return {name: a.isEnabled() for name, a in actions.items()}


def test_cancelled_contract_form_offers_no_cancel_plan_change_unlock_or_release(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    form = ContractForm(context, data["cancelled"])
    qtbot.addWidget(form)
    state = _state(form.action_buttons)
    for name in CLOSED_OFF:
        assert not state[name], name
        tip = form.action_buttons[name].toolTip()
        assert "cancelado" in tip and "Indisponível" in tip, (name, tip)
    assert state["negativateAction"] and state["recordPaymentAction"] and state["actionPrintContract"]
    assert not form.renew_button.isEnabled() and "cancelado" in form.renew_button.toolTip()
    assert form.activate_button.isHidden()
    # the frequent actions' toolbar buttons mirror their action
    cancel_button = form.findChild(QPushButton, "cancelContractAction")
    assert cancel_button is not None and not cancel_button.isEnabled()
    assert "cancelado" in cancel_button.toolTip()


def test_mark_signed_only_on_pre_contracts_and_negativar_only_after_rescission(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    pre = ContractForm(context, data["pre"])
    qtbot.addWidget(pre)
    assert pre.action_buttons["actionMarkSigned"].isEnabled()
    assert not pre.activate_button.isHidden()
    assert not pre.action_buttons["changePlanAction"].isEnabled()
    assert pre.action_buttons["cancelContractAction"].isEnabled()
    assert not pre.action_buttons["negativateAction"].isEnabled()
    active = ContractForm(context, data["active"])
    qtbot.addWidget(active)
    state = _state(active.action_buttons)
    assert not state["actionMarkSigned"] and "pré-contratos" in active.action_buttons["actionMarkSigned"].toolTip()
    assert state["cancelContractAction"] and state["changePlanAction"] and state["actionTrustUnlock"]
    assert not state["negativateAction"] and "rescisão" in active.action_buttons["negativateAction"].toolTip()
    assert active.activate_button.isHidden() and active.renew_button.isEnabled()


def _select(tab: ContractsTab, *ids: object) -> None:
    tab.table.clearSelection()
    from PySide6.QtCore import QItemSelectionModel

    for cid in ids:
        row = tab.model.row_of_id(cid)  # type: ignore[arg-type]
        tab.table.selectionModel().select(
            tab.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_contracts_tab_menu_and_toolbar_follow_the_selected_state(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    _select(tab, data["cancelled"])
    menu = tab.build_context_menu()
    enabled = {a.objectName(): a.isEnabled() for a in menu.actions() if a.objectName()}
    for name in CLOSED_OFF:
        assert not enabled[name], name
    assert not enabled["contractMenuRenew"] and "cancelado" in tab.renew_button.toolTip()
    assert not tab.findChild(QPushButton, "changePlanActionButton").isEnabled()
    calls: list[list] = []
    spec = next(s for s in registry.CONTRACT_ACTIONS if s.object_name == "actionTrustUnlock")
    fake = registry.ContractActionSpec("x", "testStateAction", lambda p, c, ids: calls.append(ids) or True,
                                       multi=True, available=spec.available)
    assert tab.run_action(fake) is False and calls == []
    # a mixed selection: the multi action stays on (each contract is then refused or done by the service)
    _select(tab, data["cancelled"], data["active"])
    assert tab.action_buttons["actionTrustUnlock"].isEnabled()
    assert not tab.action_buttons["cancelContractAction"].isEnabled()  # one at a time
    assert tab.run_action(fake) is True and len(calls[0]) == 2
    _select(tab, data["pre"])
    assert tab.action_buttons["actionMarkSigned"].isEnabled()
    assert not tab.action_buttons["actionTrustUnlock"].isEnabled()


def test_cancel_dialog_offers_no_reason_only_the_system_may_use(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    dialog = CancelContractDialog(context, data["active"])
    qtbot.addWidget(dialog)
    codes = [dialog.reason_combo.itemData(i) for i in range(dialog.reason_combo.count())]
    assert "INADIMPLENCIA" not in codes
    assert "PEDIDO" in codes and "DESCUMPRIMENTO" in codes


def test_the_wall_of_buttons_is_a_short_toolbar_and_a_menu(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    tab_buttons = [b for b in tab.findChildren(QPushButton)
                   if not b.isHidden() and b.objectName() != "contractClearFilters"]
    assert len(tab_buttons) <= 9, [b.objectName() for b in tab_buttons]
    more = tab.findChild(QPushButton, "contractMoreActions")
    assert more is not None and more.menu() is not None
    in_menu = {a.objectName() for a in more.menu().actions() if a.objectName()}
    assert in_menu == {s.object_name for s in registry.CONTRACT_ACTIONS}
    form = ContractForm(context, data["active"])
    qtbot.addWidget(form)
    form_buttons = [b for b in form.findChildren(QPushButton) if b.parent() in (form, form.buttons)
                    and not b.isHidden()]
    assert len(form_buttons) <= 9, [b.objectName() for b in form_buttons]
    assert form.save_button.text().replace("&", "") == "Salvar"
    generate = form.action_buttons["actionGenerateContracts"].text()
    assert "PDF" in generate
    # every contract action opens a dialog (confirmation, options or preview): "…" on each
    for spec in registry.CONTRACT_ACTIONS:
        assert spec.title.endswith("…"), spec.title
        assert "&" in spec.title, spec.title  # a mnemonic
    # shortcuts are shown in the tooltips
    assert "Ctrl+Shift+P" in form.action_buttons["recordPaymentAction"].toolTip()


@given(st.sampled_from(list(ContractStatus)), st.integers(min_value=1, max_value=10**6))
def test_state_predicates_match_the_services_rules(status: ContractStatus, number: int) -> None:
    class Row:
        pass

    row = Row()
    row.number, row.status = number, status.value  # type: ignore[attr-defined]
    assert (contract_states.cancel(row) is None) == (status in (ContractStatus.ATIVO, ContractStatus.PRE_CONTRATO))
    for predicate in (contract_states.plan_change, contract_states.trust_unlock, contract_states.release,
                      contract_states.renew, contract_states.access):
        reason = predicate(row)
        assert (reason is None) == (status == ContractStatus.ATIVO)
        if reason is not None:
            assert str(number) in reason and status.label.lower() in reason
    assert (contract_states.mark_signed(row) is None) == (status == ContractStatus.PRE_CONTRATO)
    assert (contract_states.negativate(row) is None) == (status == ContractStatus.CANCELADO)


def test_mnemonics_do_not_clash(qtbot, context, data) -> None:  # type: ignore[no-untyped-def]
    """Alt+letter is unique among the tab's buttons and the menu bar, and inside "Mais ações"."""
    from ispdesk.ui.main_window import MENU_MNEMONICS

    def letter(text: str) -> str:
        i = text.replace("&&", "").index("&")
        return text.replace("&&", "")[i + 1].lower()

    tab = ContractsTab(context)
    qtbot.addWidget(tab)
    texts = [b.text() for b in tab.findChildren(QPushButton) if "&" in b.text()] + list(MENU_MNEMONICS.values())
    letters = [letter(t) for t in texts]
    assert len(letters) == len(set(letters)), texts
    items = [a.text() for a in tab.contract_actions.menu.actions() if a.text()]
    assert all("&" in t for t in items)
    menu_letters = [letter(t) for t in items]
    assert len(menu_letters) == len(set(menu_letters)), items
