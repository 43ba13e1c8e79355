"""Access actions, the "Acesso" panel and the Bloqueios view over real services."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QWidget
from sqlalchemy import select

from ispdesk.db.models import Contract
from ispdesk.domain.clock import FixedClock
from ispdesk.services import access
from ispdesk.services.uow import UnitOfWork
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from tests.factories import make_charge, make_contract

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


class Answers:
    """Answers the modal dialogs as they open: message boxes and the access dialogs."""

    def __init__(self, note: str = "", yes: bool = True) -> None:
        self.note, self.yes = note, yes
        self.seen: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        if isinstance(widget, QMessageBox):
            self.seen.append((widget.objectName(), widget.text() + "\n" + widget.informativeText()))
            button = widget.button(QMessageBox.StandardButton.Yes if self.yes else QMessageBox.StandardButton.No)
            (button or widget.button(QMessageBox.StandardButton.Ok)).click()
            return
        self.seen.append((widget.objectName(), ""))
        edit = getattr(widget, "note_edit", None)
        if edit is not None and self.note:
            edit.setPlainText(self.note)
        widget.accept()  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.timer.stop()


def _blocked(uow: Callable[..., UnitOfWork], clock: FixedClock, count: int = 1) -> list[Any]:
    ids = []
    with uow() as u:
        for _ in range(count):
            contract = make_contract(u.session)
            make_charge(u.session, contract, date(2026, 9, 10))
            ids.append(contract.id)
        u.commit()
    for day in (date(2026, 9, 11), date(2026, 10, 11)):
        clock.day = day
        access.run_suspension(uow(), day)
    clock.day = date(2026, 10, 12)
    return ids


def _status(uow: Callable[..., UnitOfWork], cid: Any) -> str:
    with uow() as u:
        return str(u.session.scalar(select(Contract.access_status).where(Contract.id == cid)))


def _spec(name: str) -> registry.ContractActionSpec:
    load_all()
    return next(s for s in registry.CONTRACT_ACTIONS if s.object_name == name)


def test_registrations() -> None:
    load_all()
    actions = {a.object_name: a for a in registry.CONTRACT_ACTIONS}
    expected = {"actionTrustUnlock": "access.trust_unlock", "actionReleaseTemporary": "access.release_temporary",
                "actionReleaseManual": "access.release_manual",
                "actionLiftTrustRestriction": "access.lift_trust_restriction",
                "actionBlockProtection": "access.block_exemption"}
    for name, permission in expected.items():
        assert actions[name].permission is not None and actions[name].permission.value == permission
        assert actions[name].multi
    assert any(p.object_name == "accessPanel" and p.title == "Acesso" for p in registry.CONTRACT_PANELS)
    assert any(m.object_name == "actionSuspensionView" and m.menu == ("Ferramentas",) and m.title == "Bloqueios"
               for m in registry.MENU_ACTIONS)


def test_trust_unlock_from_the_contract_actions_and_the_panel(
    qtbot, qtmodeltester, context, uow, clock  # noqa: ANN001
) -> None:
    from ispdesk.ui.dialogs.access_panel import AccessPanel

    (cid,) = _blocked(uow, clock)
    parent = QWidget()
    qtbot.addWidget(parent)
    panel = AccessPanel(context, cid)
    qtbot.addWidget(panel)
    assert panel.labels["status"].text() == "Bloqueado"
    answers = Answers()
    assert _spec("actionTrustUnlock").handler(parent, context, [cid]) is True
    assert _status(uow, cid) == "liberado_confianca"
    assert [name for name, _ in answers.seen] == ["accessConfirm", "accessResult"]
    assert "15/10/2026" in answers.seen[1][1]
    # second use: refused, and the message says when it is allowed again
    clock.day = date(2026, 10, 16)
    access.run_suspension(uow(), date(2026, 10, 16))
    answers.seen.clear()
    assert _spec("actionTrustUnlock").handler(parent, context, [cid]) is False
    assert "11/11/2026" in answers.seen[-1][1]
    answers.stop()
    panel.reload()
    qtmodeltester.check(panel.model)
    texts = [panel.model.data(panel.model.index(r, 1)) for r in range(panel.model.rowCount())]
    assert texts[:2] == ["Fim da liberação (débito em aberto)", "Desbloqueio de confiança"]
    assert texts[-1] == "Aviso de inadimplência"
    assert "11/11/2026" in panel.labels["trust"].text()
    panel.resize(1000, 520)
    panel.show()
    _shot(panel, "access_panel.png")
    notice = panel.model.row_at(panel.model.rowCount() - 1)
    dialog = panel.show_notice(notice)
    qtbot.addWidget(dialog)
    text = dialog.findChild(QPlainTextEdit, "accessNoticeText").toPlainText()
    assert "R$ 99,90" in text and "sem cobrança de taxa de religação" in text
    _shot(dialog, "access_notice.png")


def test_multi_selection_reports_each_contract(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    blocked = _blocked(uow, clock)
    with uow() as u:
        normal = make_contract(u.session).id
        u.commit()
    parent = QWidget()
    qtbot.addWidget(parent)
    answers = Answers(note="acordo de pagamento")
    assert _spec("actionReleaseManual").handler(parent, context, [*blocked, normal]) is True
    answers.stop()
    assert _status(uow, blocked[0]) == "liberado_manual" and _status(uow, normal) == "normal"
    name, text = answers.seen[-1]
    assert name == "accessResult" and "1 contrato alterado, 1 recusado" in text
    assert "reduzidos ou bloqueados" in text


def test_lift_restriction_requires_a_reason(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.access_dialogs import NoteDialog

    dialog = NoteDialog(None, "Liberar restrição do desbloqueio", "texto", "Motivo:", True, "x")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "obrigatório" in dialog.error_label.text() and dialog.result() == 0
    (cid,) = _blocked(uow, clock)
    access.trust_unlock(uow(), cid)
    parent = QWidget()
    qtbot.addWidget(parent)
    answers = Answers(note="cliente hospitalizado")
    assert _spec("actionLiftTrustRestriction").handler(parent, context, [cid]) is True
    answers.stop()
    with uow() as u:
        assert u.session.scalar(select(Contract.trust_restriction_lifted).where(Contract.id == cid)) is True


def test_protection_dialog(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.access_dialogs import BlockProtectionDialog

    dialog = BlockProtectionDialog(None, date(2026, 10, 12), 1)
    qtbot.addWidget(dialog)
    dialog.until_edit.set_value(date(2026, 10, 1))
    dialog.accept()
    assert "já passou" in dialog.error_label.text()
    dialog.until_edit.set_value(date(2026, 10, 30))
    dialog.exempt_check.setChecked(True)
    dialog.show()
    _shot(dialog, "access_protection.png")
    dialog.accept()
    assert dialog.values()[:2] == (date(2026, 10, 30), True)


def test_suspension_view_preview_and_run(qtbot, qtmodeltester, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.access_suspension import SuspensionView

    with uow() as u:
        for due in (date(2026, 9, 10), date(2026, 9, 25), date(2026, 10, 9)):
            make_charge(u.session, make_contract(u.session), due)
        u.commit()
    for day in (date(2026, 9, 11), date(2026, 9, 26)):
        clock.day = day
        access.run_suspension(uow(), day)
    clock.day = date(2026, 10, 11)
    view = SuspensionView(context)
    qtbot.addWidget(view)
    view.resize(1200, 640)
    view.show()
    assert view.date_edit.text() == "11/10/2026"
    assert view.runs_model.rowCount() == 2
    view.preview()
    qtbot.waitUntil(lambda: view.preview_model.rowCount() == 3, timeout=10000)
    qtmodeltester.check(view.preview_model)
    actions = sorted(view.preview_model.data(view.preview_model.index(r, 6)) for r in range(3))
    assert actions == ["Aviso de inadimplência", "Bloqueio", "Redução de velocidade"]
    assert "1 aviso, 1 redução, 1 bloqueio" in view.summary.text()
    _shot(view, "suspension_view_preview.png")
    answers = Answers()
    view.run()
    qtbot.waitUntil(lambda: view.runs_model.rowCount() == 3, timeout=15000)
    answers.stop()
    qtmodeltester.check(view.runs_model)
    assert "concluída" in view.summary.text()
    assert view.runs_model.data(view.runs_model.index(0, 0)) == "11/10/2026"
    _shot(view, "suspension_view_run.png")


def test_menu_opens_the_view_and_permissions(qtbot, factory, admin, attendant) -> None:  # noqa: ANN001
    from PySide6.QtGui import QAction

    from ispdesk.ui.dialogs.access_suspension import SuspensionView
    from ispdesk.ui.main_window import MainWindow

    window = MainWindow(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(window)
    action = window.findChild(QAction, "actionSuspensionView")
    assert action is not None
    action.trigger()
    assert window.tabs.currentWidget().objectName() == "suspensionView"
    view = SuspensionView(AppContext(factory=factory, actor=attendant, events=DataEvents()))
    qtbot.addWidget(view)
    assert not view.run_button.isEnabled()


def test_the_panel_says_the_suspension_waits_for_the_notice_to_go_out(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    """aviso_exige_envio = sim and the e-mail never sent: the Régua line says why nothing happens."""
    from ispdesk.services import parameters as params_service
    from ispdesk.ui.dialogs.access_panel import AccessPanel

    params_service.update(uow(), {"aviso_exige_envio": True})
    (cid,) = _blocked(uow, clock)  # notice on 11/09, a block due on 11/10 — held back
    panel = AccessPanel(context, cid)
    qtbot.addWidget(panel)
    assert panel.labels["status"].text() == "Normal"
    ladder = panel.labels["ladder"].text()
    assert "aguardando o envio do aviso de 11/09/2026" in ladder and "E-mail pendente" in ladder
    panel.resize(1000, 600)
    _shot(panel, "access-panel-hold.png")
