"""The "Alterações de plano" tab over real services: list, filters, totals, CSV and PDF export."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest

from ispdesk.services import plan_changes as pc
from ispdesk.ui import registry
from ispdesk.ui.areas.changes_panel import ValueHistoryPanel
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from ispdesk.ui.tabs.plan_changes_tab import PlanChangesTab
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def changes(uow, clock):  # noqa: ANN001, ANN201
    with uow() as u:
        s = u.session
        f300 = make_plan(s, "F300", "99.90")
        make_plan(s, "F500", "129.90", download_mbps=500)
        make_plan(s, "F100", "79.90", download_mbps=100)
        ids = [make_contract(s, customer=make_customer(s, name), plan=f300).id
               for name in ("Joana Araújo", "Pedro Lima", "Célia Conceição")]
        u.commit()
    clock.day = date(2026, 11, 20)
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), ids[0], "F500"))
    clock.day = date(2026, 11, 25)
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), ids[1], "F100", new_due_day=15))
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), ids[2], "F300", new_due_day=5))
    return ids


def test_registered() -> None:
    load_all()
    spec = next(t for t in registry.TABS if t.title == "Alterações de plano")
    assert spec.order == 30
    assert any(a.object_name == "actionAdjustment" and a.menu == ("Ferramentas",) for a in registry.MENU_ACTIONS)
    assert any(p.object_name == "valueHistoryPanel" for p in registry.CONTRACT_PANELS)


def test_lists_filters_totals_and_exports(qtbot, qtmodeltester, context, changes, tmp_path: Path) -> None:  # noqa: ANN001
    tab = PlanChangesTab(context)
    qtbot.addWidget(tab)
    assert tab.objectName() == "planChangesTab"
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 3
    assert [tab.model.row_at(i).change_type for i in range(3)] in (["DV", "AV", "UP"], ["AV", "DV", "UP"])
    text = tab.totals_label.text()
    assert "Total: 3 alterações (AV 1, DV 1, UP 1); upgrades 1, downgrades 1, só vencimento 1." in text
    assert "R$ 299,70 → R$ 309,70 (variação líquida +R$ 10,00)" in text
    assert "ticket médio R$ 99,90 → R$ 103,23" in text
    if SHOTS:
        tab.resize(1200, 500)
        tab.show()
        tab.grab().save(os.path.join(SHOTS, "plan_changes_tab.png"))
    # filters: type family, plan to, period, user
    tab.type_combo.setCurrentIndex(tab.type_combo.findData("DW,DV"))
    tab.filter_button.click()
    assert [r.customer_name for r in tab.model.rows()] == ["Pedro Lima"]
    tab.type_combo.setCurrentIndex(0)
    tab.plan_to.setCurrentIndex(tab.plan_to.findData("F500"))
    tab.filter_button.click()
    assert [r.customer_name for r in tab.model.rows()] == ["Joana Araújo"]
    tab.plan_to.setCurrentIndex(0)
    tab.date_from.set_value(date(2026, 11, 21))
    tab.filter_button.click()
    assert tab.model.rowCount() == 2
    tab.user_combo.setCurrentIndex(tab.user_combo.findData("admin"))
    tab.filter_button.click()
    assert tab.model.rowCount() == 2
    tab.date_from.line.setText("31/02")
    tab.filter_button.click()
    assert "Data inválida" in tab.totals_label.text()
    tab.date_from.set_value(date(2026, 11, 21))
    # exports
    path = tmp_path / "alteracoes.csv"
    assert tab.export("csv", str(path)) == 2
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert {r["tipo"] for r in rows} == {"DV", "AV"} and rows[0]["data"] == "25/11/2026"
    pdf = tmp_path / "alteracoes.pdf"
    assert tab.export("pdf", str(pdf)) == 2
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"DejaVuSans" in data


def test_refreshes_after_a_change_elsewhere(qtbot, context, uow, changes) -> None:  # noqa: ANN001
    tab = PlanChangesTab(context)
    qtbot.addWidget(tab)
    pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), changes[0], "F100"))
    context.events.changed.emit("plan_change")
    assert tab.model.rowCount() == 4


def test_value_history_panel(qtbot, qtmodeltester, context, changes) -> None:  # noqa: ANN001
    panel = ValueHistoryPanel(context, changes[0])
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 1
    assert [panel.model.data(panel.model.index(0, c)) for c in (1, 3, 4, 5)] == [
        "Alteração de plano", "R$ 99,90", "R$ 129,90", "em vigor"]


def test_apply_filter_sets_the_widgets_and_reloads(qtbot, context, changes) -> None:  # noqa: ANN001
    tab = PlanChangesTab(context)
    qtbot.addWidget(tab)
    flt = pc.PlanChangeFilter(date_from=date(2026, 11, 21), date_to=date(2026, 11, 30), types=("DV", "AV"),
                              plan_to="F100")
    tab.apply_filter(flt)
    assert tab.current_filter() == flt
    assert tab.type_combo.currentText() == "Tipos: DV, AV"
    assert [r.customer_name for r in tab.model.rows()] == ["Pedro Lima"]
    tab.apply_filter(pc.PlanChangeFilter())  # everything again: widgets cleared
    assert tab.current_filter() == pc.PlanChangeFilter() and tab.model.rowCount() == 3
