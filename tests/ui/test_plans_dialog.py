"""Plans and catalogue editors: create, errors next to fields, edit, read-only without permission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel

from ispdesk.services import catalogs, plans
from ispdesk.services.catalogs import CatalogKind
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.catalogs_dialog import CatalogsDialog
from ispdesk.ui.dialogs.plans_dialog import PlansDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):  # type: ignore[no-untyped-def]
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def test_create_and_edit_plan(qtbot, context, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    context.events.changed.connect(events.append)
    dialog = PlansDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "plansDialog"
    dialog.new_plan()
    dialog.code.setText("fibra 300")
    dialog.name.setText("Fibra 300 Mega")
    dialog.price.setText("99,90")
    assert not dialog.save()
    assert "Código de plano inválido" in dialog.findChild(QLabel, "planCodeError").text()
    dialog.code.setText("fibra-300")
    dialog.loyalty_benefit.setText("600,00")
    assert dialog.save()
    assert events == ["plan"]
    assert dialog.model.rowCount() == 1
    qtmodeltester.check(dialog.model)
    assert dialog.code.isReadOnly()
    dialog.price.setText("109,90")
    assert dialog.save()
    assert plans.list_plans(context.uow())[0].price == Decimal("109.90")


def test_attendant_sees_plans_read_only(qtbot, factory, attendant, uow) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_plan

    with uow() as u:
        make_plan(u.session)
        u.commit()
    dialog = PlansDialog(AppContext(factory=factory, actor=attendant, events=DataEvents()))
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1
    assert not dialog.save_button.isEnabled() and dialog.name.isReadOnly()


def test_catalogs_dialog_adds_cancellation_reason_with_flags(qtbot, context, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    dialog = CatalogsDialog(context)
    qtbot.addWidget(dialog)
    page = dialog.pages[CatalogKind.CANCELLATION]
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 5
    page.new_entry()
    page.code.setText("falha-rede")
    page.description.setText("Falha de rede recorrente")
    page.waives_fine.setChecked(True)
    page.churn.setChecked(False)
    assert page.save()
    entry = next(e for e in catalogs.list_entries(context.uow(), CatalogKind.CANCELLATION) if e.code == "FALHA-REDE")
    assert entry.waives_fine and not entry.counts_as_churn and not entry.frees_period
    terms = dialog.pages[CatalogKind.PAYMENT_TERM]
    terms.description.setText("Mensal (pós-pago)")
    assert terms.save()
