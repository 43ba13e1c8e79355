"""Ferramentas › Reajuste anual over real services: simulate, apply in a worker, export notices, undo."""

from __future__ import annotations

import csv
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ispdesk.db.models import AdjustmentBatch, Contract, Plan
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.adjustment_dialog import AdjustmentDialog
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def numbers(uow):  # noqa: ANN001, ANN201
    with uow() as u:
        s = u.session
        f300 = make_plan(s, "F300", "99.90")
        f500 = make_plan(s, "F500", "129.90", download_mbps=500)
        made = [
            make_contract(s, customer=make_customer(s, "Joana Araújo"), plan=f300, activated_on=date(2025, 2, 1)),
            make_contract(s, customer=make_customer(s, "Pedro Lima", city="Campinas"), plan=f500,
                          activated_on=date(2025, 5, 1)),
            make_contract(s, customer=make_customer(s, "Célia Conceição"), plan=f300, activated_on=date(2026, 8, 1)),
            make_contract(s, customer=make_customer(s, "Caio Ávila"), plan=f300, activated_on=date(2024, 1, 1),
                          no_adjustment=True),
        ]
        u.commit()
        return [c.number for c in made]


def values(uow) -> dict[int, Decimal]:  # noqa: ANN001
    with uow() as u:
        return dict(u.session.execute(select(Contract.number, Contract.value)).tuples().all())


def test_simulate_apply_export_and_undo(qtbot, qtmodeltester, context, uow, numbers, tmp_path: Path) -> None:  # noqa: ANN001
    dialog = AdjustmentDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.effective_edit.text() == "27/12/2026"
    dialog.simulate()
    assert "Informe o percentual" in dialog.summary.text()
    dialog.percent_edit.setText("4,68")
    dialog.index_radio.setChecked(True)
    dialog.index_combo.setCurrentText("IPCA")
    sim = dialog.simulate()
    assert sim is not None and sim.count == 2 and sim.skipped_count == 2
    qtmodeltester.check(dialog.affected_model)
    qtmodeltester.check(dialog.skipped_model)
    qtmodeltester.check(dialog.batches_model)
    assert "<b>2 contratos</b> — receita mensal R$ 229,80 → <b>R$ 240,56</b> (+R$ 10,76)" in dialog.summary.text()
    assert dialog.results.tabText(1) == "Ignorados (2)"
    reasons = {dialog.skipped_model.row_at(i).reason for i in range(2)}
    assert "marcado como “não reajustar”" in reasons
    assert dialog.apply_button.isEnabled()
    if SHOTS:
        dialog.results.setCurrentIndex(1)
        dialog.grab().save(os.path.join(SHOTS, "adjustment_simulated.png"))
        dialog.results.setCurrentIndex(0)
    # a sooner effective date: simulation warns, apply stays disabled until "notified" is checked
    dialog.effective_edit.set_value(date(2026, 12, 1))
    dialog.simulate()
    assert not dialog.apply_button.isEnabled() and "aviso prévio" in dialog.summary.text()
    dialog.notified_check.setChecked(True)
    dialog.simulate()
    assert dialog.apply_button.isEnabled()
    dialog.percent_edit.setText("5")  # any change invalidates the simulation
    assert not dialog.apply_button.isEnabled()
    dialog.percent_edit.setText("4,68")
    dialog.simulate()
    worker = dialog.apply(ask=False)
    assert worker is not None
    qtbot.waitUntil(lambda: dialog.applied is not None, timeout=15000)
    assert dialog.applied is not None and dialog.applied.batch_number == 1
    assert "Lote nº 1 gravado." in dialog.summary.text() and "01/12/2026 (agendado)" in dialog.summary.text()
    assert dialog.batches_model.rowCount() == 1
    if SHOTS:
        dialog.results.setCurrentIndex(2)
        dialog.grab().save(os.path.join(SHOTS, "adjustment_applied.png"))
    with uow() as u:
        batch = u.session.scalars(select(AdjustmentBatch)).one()
        assert (batch.index_name, batch.contracts_count, batch.customers_notified) == ("IPCA", 2, True)
        assert dict(u.session.execute(select(Plan.code, Plan.price)).tuples().all()) == {
            "F300": Decimal("99.90"), "F500": Decimal("129.90")}
    path = tmp_path / "avisos.csv"
    assert dialog.export_notices(str(path)) == 2
    with path.open(encoding="utf-8-sig") as fh:
        assert {r["cliente"] for r in csv.DictReader(fh, delimiter=";")} == {"Joana Araújo", "Pedro Lima"}
    # undo the batch selected on "Lotes anteriores"
    assert dialog.undo(ask=False) is None  # nothing selected
    dialog.batches_table.selectRow(0)
    row = dialog.undo(ask=False)
    assert row is not None and row.status == "desfeito"
    assert "Reajuste nº 1 desfeito" in dialog.summary.text()
    assert dialog.batches_model.row_at(0).status == "desfeito"


def test_apply_now_changes_values_and_filters_by_city(qtbot, context, uow, numbers) -> None:  # noqa: ANN001
    dialog = AdjustmentDialog(context)
    qtbot.addWidget(dialog)
    dialog.percent_edit.setText("10")
    dialog.city_edit.setText("campinas")
    dialog.effective_edit.set_value(date(2026, 11, 27))
    dialog.notified_check.setChecked(True)
    sim = dialog.simulate()
    assert sim is not None and [line.contract_number for line in sim.lines] == [numbers[1]]
    dialog.apply(ask=False)
    qtbot.waitUntil(lambda: dialog.applied is not None, timeout=15000)
    assert "já estão em vigor" in dialog.summary.text()
    assert values(uow)[numbers[1]] == Decimal("142.89")
    assert values(uow)[numbers[0]] == Decimal("99.90")


def test_finance_can_simulate_but_not_apply(qtbot, factory, finance, numbers) -> None:  # noqa: ANN001
    dialog = AdjustmentDialog(AppContext(factory=factory, actor=finance, events=DataEvents()))
    qtbot.addWidget(dialog)
    assert dialog.apply_button.isHidden() and dialog.undo_button.isHidden()
    dialog.percent_edit.setText("3")
    assert dialog.simulate() is not None


def test_applied_result_shows_the_contracts_changed_meanwhile(qtbot, context, uow, numbers, db_url) -> None:  # noqa: ANN001
    """A real race (PostgreSQL): a plan change commits while the batch waits; the dialog names the contract."""
    import threading

    from ispdesk.services import adjustments
    from ispdesk.services import plan_changes as pc

    if not db_url.startswith("postgresql"):
        pytest.skip("no SQLite a escrita do lote bloqueia o banco: nada muda durante o reajuste")
    with uow() as u:
        target = u.session.scalar(select(Contract.id).where(Contract.number == numbers[0]))
    selected, changed = threading.Event(), threading.Event()

    def progress(done: int, total: int, text: str) -> None:
        if done == 2:
            selected.set()
            changed.wait(10)

    def change_plan() -> None:
        selected.wait(10)
        pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), target, "F500"))
        changed.set()

    thread = threading.Thread(target=change_plan)
    thread.start()
    result = adjustments.apply_adjustment(uow(), adjustments.AdjustmentParams(
        percent=Decimal("5"), effective_on=date(2026, 11, 27), customers_notified=True), progress)
    thread.join(10)
    assert result.changed_meanwhile == (numbers[0],)
    dialog = AdjustmentDialog(context)
    qtbot.addWidget(dialog)
    dialog.show_simulation(result, applied=True)
    text = dialog.summary.text()
    assert "1 contrato foi alterado por outra pessoa durante o reajuste" in text and str(numbers[0]) in text
    assert dialog.results.tabText(1) == "Ignorados (3)"
    assert adjustments.REASON_CHANGED_MEANWHILE in {dialog.skipped_model.row_at(i).reason for i in range(3)}
    assert values(uow)[numbers[0]] == Decimal("129.90")
