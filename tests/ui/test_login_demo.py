"""The first-run dialog's demo offer loads the full demo: customers and contracts with history."""

from __future__ import annotations

from sqlalchemy import func, select

from ispdesk.db.models import Charge, Contract, Customer
from ispdesk.ui.dialogs.login import FirstAdminDialog


def test_first_run_demo_loads_customers_and_contracts(qtbot, factory) -> None:  # noqa: ANN001
    d = FirstAdminDialog(factory)
    qtbot.addWidget(d)
    d.password_edit.setText("segredo1")
    d.confirm_edit.setText("segredo1")
    d.demo_check.setChecked(True)
    d.demo_spin.setValue(25)
    with qtbot.waitSignal(d.accepted, timeout=120_000):
        d.accept()
    assert d.demo_error == "" and d.demo_result == 25
    assert d.demo_history is not None and d.demo_history.contracts == 20
    with factory(d.actor) as u:
        assert u.session.scalar(select(func.count()).select_from(Customer)) == 25
        assert u.session.scalar(select(func.count()).select_from(Contract)) == 20
        assert u.session.scalar(select(func.count()).select_from(Charge)) > 20
