"""Tab walks every form and dialog in the order it is read on screen (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.focus_order import focus_chain
from tests.factories import make_charge, make_contract, make_customer, make_plan
from tests.services.billing_helpers import arrange
from tests.ui.test_form_layout_stability import clipped_labels

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def scenario(uow, clock):  # noqa: ANN001, ANN201
    clock.day = date(2026, 3, 20)

    def build(s: Any) -> dict[str, Any]:
        customer = make_customer(s)
        contract = make_contract(s, customer=customer, plan=make_plan(s, price="90.00"),
                                 activated_on=date(2026, 1, 10))
        charge = make_charge(s, contract, date(2026, 3, 10))
        return {"customer": customer.id, "contract": contract.id, "charge": charge.id}

    return arrange(uow, build)


def _rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def reading_order_breaks(window: QWidget) -> list[str]:
    """Steps of the Tab chain that go back on screen: up-and-not-right, or left on the same row."""
    chain = focus_chain(window)  # a cycle: read it from the widget at the top left
    if chain:
        first = min(range(len(chain)), key=lambda i: (_rect(chain[i], window).top(), _rect(chain[i], window).left()))
        chain = chain[first:] + chain[:first]
    breaks = []
    for a, b in zip(chain, chain[1:], strict=False):
        ra, rb = _rect(a, window), _rect(b, window)
        same_row = abs(ra.center().y() - rb.center().y()) < min(ra.height(), rb.height()) / 2
        if ra.contains(rb):  # a scroll area or tab page, then what is inside it
            ok = True
        elif same_row:
            ok = rb.left() > ra.left()
        elif rb.center().y() > ra.center().y():
            ok = True
        else:  # the next column starts at the top
            ok = rb.left() >= ra.right() - 2
        if not ok:
            breaks.append(f"{a.objectName() or type(a).__name__}{ra.getRect()} → "
                          f"{b.objectName() or type(b).__name__}{rb.getRect()}")
    return breaks


def _shown(qtbot: Any, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.resize(min(window.width(), 1366), min(window.height(), 728))
    window.show()
    QApplication.processEvents()
    return window


def _names(window: QWidget) -> list[str]:
    return [w.objectName() for w in focus_chain(window) if w.objectName()]


def test_customer_form_tab_goes_cpf_then_name_then_rg(qtbot, context) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.customer_form import CustomerForm

    form = _shown(qtbot, CustomerForm(context))
    names = _names(form)
    expected = ["personTypeCombo", "documentEdit", "nameEdit", "rgIeEdit", "emailEdit", "secondaryEmailEdit",
                "mobileEdit", "phoneEdit", "statusCombo", "cepEdit", "streetEdit", "numberEdit",
                "complementEdit", "districtEdit", "cityEdit", "stateCombo", "portalLoginEdit",
                "portalPasswordEdit", "notesEdit"]
    assert [n for n in names if n in expected] == expected
    chain = focus_chain(form)
    assert chain.index(form.ui.birthDateEdit.line) == chain.index(form.ui.rgIeEdit) + 1
    buttons = form.ui.buttonBox.buttons()
    assert all(chain.index(b) > chain.index(form.ui.notesEdit) for b in buttons if b in chain)
    assert reading_order_breaks(form) == []


def test_contract_form_tab_follows_the_screen(qtbot, context, scenario) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.contract_form import ContractForm

    assert reading_order_breaks(_shown(qtbot, ContractForm(context))) == []
    assert reading_order_breaks(_shown(qtbot, ContractForm(context, scenario["contract"]))) == []


def _login(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.login import LoginDialog

    return LoginDialog(context.factory)


def _first_admin(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.login import FirstAdminDialog

    return FirstAdminDialog(context.factory)


def _cancel(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog

    return CancelContractDialog(context, data["contract"])


def _payment(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.billing_payment import RecordPaymentDialog

    return RecordPaymentDialog(context, data["contract"], data["charge"])


def _one_off(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.billing_charge import OneOffChargeDialog

    return OneOffChargeDialog(context, data["contract"])


def _generate(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.billing_generate import GenerateChargesDialog

    return GenerateChargesDialog(context)


def _plans(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.plans_dialog import PlansDialog

    return PlansDialog(context)


def _users(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.users_dialog import UsersDialog

    return UsersDialog(context)


def _user_form(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.users_dialog import UserEditDialog

    return UserEditDialog(context)


def _parameters(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog

    return ParametersDialog(context)


def _catalogs(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.catalogs_dialog import CatalogsDialog

    return CatalogsDialog(context)


def _adjustment(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.adjustment_dialog import AdjustmentDialog

    return AdjustmentDialog(context)


def _database(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.database_dialog import DatabaseDialog

    return DatabaseDialog(None, "sqlite:///x.db")


def _note(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.access_dialogs import NoteDialog

    return NoteDialog(None, "Liberação", "Explique.", "Motivo:", True, "noteDialog")


def _plan_change(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

    return PlanChangeWizard(context)


DIALOGS: dict[str, Callable[[AppContext, dict[str, Any]], QWidget]] = {
    "login": _login, "first_admin": _first_admin, "cancel": _cancel, "payment": _payment,
    "one_off": _one_off, "generate": _generate, "plans": _plans, "users": _users, "user_form": _user_form,
    "parameters": _parameters, "catalogs": _catalogs, "adjustment": _adjustment, "database": _database,
    "note": _note, "plan_change": _plan_change,
}


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_dialog_tab_follows_the_screen(qtbot, context, scenario, name) -> None:  # noqa: ANN001
    window = _shown(qtbot, DIALOGS[name](context, scenario))
    assert len(focus_chain(window)) >= 2
    assert reading_order_breaks(window) == []
    frame = window.frameGeometry()  # and it fits 1366×768 with no label cut
    assert frame.width() <= 1366 and frame.height() <= 768
    assert clipped_labels(window) == []


def _company(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.company_dialog import CompanyDialog

    return CompanyDialog(context)


def _template_editor(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.template_editor import TemplateEditorDialog

    return TemplateEditorDialog(context)


def _pdf_preview(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.services.templates import preview_pdf
    from ispdesk.ui.dialogs.pdf_preview import PdfPreviewDialog

    return PdfPreviewDialog(None, preview_pdf("Contrato de teste"), "Pré-visualização")


def _renew(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.services.contracts import get_contract
    from ispdesk.ui.dialogs.contract_form import RenewDialog

    return RenewDialog(get_contract(context.uow(), data["contract"]))


def _activate(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.contract_form import DateAskDialog

    return DateAskDialog("Ativar contrato 1", "Data da ativação:", "activateDialog")


def _block_protection(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.access_dialogs import BlockProtectionDialog

    return BlockProtectionDialog(None, date(2026, 3, 20), 3)


def _generate_batch(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.documents_dialogs import GenerateBatchDialog

    return GenerateBatchDialog(context, 2)


def _mark_signed(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.documents_dialogs import MarkSignedDialog

    return MarkSignedDialog(date(2026, 3, 20), 2)


def _report(kind: str) -> Callable[[AppContext, dict[str, Any]], QWidget]:
    def build(context: AppContext, data: dict[str, Any]) -> QWidget:
        from ispdesk.ui.dialogs.documents_dialogs import ReportDialog

        return ReportDialog(context, kind)

    return build


def _negativation(context: AppContext, data: dict[str, Any]) -> QWidget:
    from ispdesk.ui.dialogs.billing_negativation import NegativationDialog

    return NegativationDialog(context, data["contract"])


MORE_DIALOGS: dict[str, Callable[[AppContext, dict[str, Any]], QWidget]] = {
    "company": _company, "template_editor": _template_editor, "pdf_preview": _pdf_preview, "renew": _renew,
    "activate": _activate, "block_protection": _block_protection, "generate_batch": _generate_batch,
    "mark_signed": _mark_signed, "report_contracts": _report("contracts"),
    "report_cancellations": _report("cancellations"), "report_charges": _report("charges"),
    "negativation": _negativation,
}


@pytest.mark.parametrize("name", sorted(MORE_DIALOGS))
def test_document_and_small_dialogs_tab_follows_the_screen(qtbot, context, scenario, name) -> None:  # noqa: ANN001
    window = _shown(qtbot, MORE_DIALOGS[name](context, scenario))
    assert len(focus_chain(window)) >= 2
    assert reading_order_breaks(window) == []
    frame = window.frameGeometry()
    assert frame.width() <= 1366 and frame.height() <= 768
    assert clipped_labels(window) == []
