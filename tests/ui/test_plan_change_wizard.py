"""The plan-change wizard over real services: forward, back, cancel writes nothing; finish writes once."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from ispdesk.db.models import AuditEntry, Contract, ContractValueChange, PlanChange
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def contract_id(uow):  # noqa: ANN001, ANN201
    with uow() as u:
        s = u.session
        f300 = make_plan(s, "F300", "99.90")
        make_plan(s, "F500", "129.90", download_mbps=500, upload_mbps=250, loyalty_benefit=Decimal("480.00"))
        make_plan(s, "F100", "79.90", download_mbps=100, upload_mbps=50)
        c = make_contract(s, customer=make_customer(s, "Joana Araújo"), plan=f300, activated_on=date(2026, 1, 10))
        make_contract(s, customer=make_customer(s, "Pedro Lima"), plan=f300)
        u.commit()
        return c.id


def counts(uow) -> tuple[int, int, int]:  # noqa: ANN001
    with uow() as u:
        return (u.session.scalar(select(func.count()).select_from(PlanChange)) or 0,
                u.session.scalar(select(func.count()).select_from(ContractValueChange)) or 0,
                u.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "plan_change")) or 0)


def shot(widget, name: str) -> None:  # noqa: ANN001
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


def pick_plan(wizard: PlanChangeWizard, code: str) -> None:
    combo = wizard.change_page.plan_combo
    for i in range(combo.count()):
        if combo.itemData(i).code == code:
            combo.setCurrentIndex(i)
            return
    raise AssertionError(code)


def test_walk_forward_and_back_then_cancel_writes_nothing(qtbot, qtmodeltester, context, uow, contract_id) -> None:  # noqa: ANN001
    wizard = PlanChangeWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.contract_page
    assert wizard.currentPage() is page
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 2 and not page.isComplete()
    page.search.setText("Joana")
    page.run_search()
    assert page.model.rowCount() == 1 and page.isComplete()
    shot(wizard, "wizard_1_contrato.png")
    wizard.next()
    assert wizard.currentPage() is wizard.change_page
    assert "Plano atual: F300 (R$ 99,90), vencimento dia 10" in wizard.change_page.current.text()
    pick_plan(wizard, "F500")
    assert "R$ 129,90 (preço de tabela)" in wizard.change_page.value_edit.placeholderText()
    wizard.change_page.due_spin.setValue(20)
    shot(wizard, "wizard_2_alteracao.png")
    wizard.next()
    review = wizard.review_page
    assert wizard.currentPage() is review
    assert review.type_label.text().startswith("<b>UV</b>")
    assert "R$ 129,90" in review.value_label.text() and "preço de tabela" in review.value_label.text()
    assert "+R$ 13,00" in review.prorata_label.text()
    assert "Fidelidade mantida até 10/01/2027" in review.loyalty_label.text()
    review.restart.setChecked(True)
    assert "Nova fidelidade de 12 meses até 27/11/2027, benefício R$ 480,00" in review.loyalty_label.text()
    review.benefit_edit.setText("300,00")
    review.benefit_edit.editingFinished.emit()
    assert "benefício R$ 300,00" in review.loyalty_label.text()
    shot(wizard, "wizard_3_revisao.png")
    wizard.back()
    wizard.back()
    assert wizard.currentPage() is page
    wizard.next()
    pick_plan(wizard, "F100")
    wizard.change_page.due_spin.setValue(10)
    wizard.next()
    assert review.type_label.text().startswith("<b>DW</b>")
    wizard.next()
    assert wizard.currentPage() is wizard.confirm_page
    assert "Alteração <b>DW</b>" in wizard.confirm_page.summary.text()
    shot(wizard, "wizard_4_confirmar.png")
    assert counts(uow) == (0, 0, 0)  # nothing written while walking
    wizard.reject()
    assert wizard.written is None
    assert counts(uow) == (0, 0, 0)
    with uow() as u:
        assert u.session.get(Contract, contract_id).value == Decimal("99.90")  # type: ignore[union-attr]


def test_rule_error_keeps_the_user_on_the_change_page(qtbot, context, uow, contract_id) -> None:  # noqa: ANN001
    wizard = PlanChangeWizard(context, contract_id)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()  # same plan, same value, same due day: nothing to change
    assert wizard.currentPage() is wizard.change_page
    assert "Nenhuma alteração" in wizard.change_page.error.text()
    wizard.change_page.value_edit.setText("abc")
    wizard.next()
    assert wizard.currentPage() is wizard.change_page and wizard.change_page.error.text()


def test_finish_writes_once(qtbot, context, uow, contract_id) -> None:  # noqa: ANN001
    wizard = PlanChangeWizard(context, contract_id)  # launched from the contract: preselected
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.contract_page.isComplete()
    wizard.next()
    pick_plan(wizard, "F500")
    wizard.change_page.value_edit.setText("119,90")
    wizard.next()
    assert "valor digitado" in wizard.review_page.value_label.text()
    assert "preço de tabela" in wizard.review_page.warnings.text()
    wizard.next()
    changed: list[str] = []
    context.events.changed.connect(changed.append)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.written is not None and wizard.written.change_type == "UP"
    assert counts(uow) == (1, 1, 1)
    assert "plan_change" in changed
    with uow() as u:
        c = u.session.get(Contract, contract_id)
        assert c is not None and c.value == Decimal("119.90")


def test_registered_as_a_contract_action() -> None:
    load_all()
    action = next(a for a in registry.CONTRACT_ACTIONS if a.object_name == "changePlanAction")
    assert action.title.replace("&", "") == "Alterar plano…" and action.permission is not None
    assert action.permission.value == "contracts.change_plan"
