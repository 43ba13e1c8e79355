"""The contract form's Rede panel: shows the identity and FreeRADIUS's answer, saves a new login (1366×768)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ispdesk.domain.clock import FixedClock
from ispdesk.services import access, radius, radius_coa
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.network_panel import NetworkPanel
from tests.radius.helpers import contract_id, contract_with_login, with_tables


def test_rede_panel_shows_and_saves(qtbot, factory, admin, attendant, uow, clock: FixedClock) -> None:  # noqa: ANN001
    with_tables(uow)
    number = contract_with_login(uow, "painel.cliente", "SenhaPainel1", overdue=False)
    cid = contract_id(uow, number)
    panel = NetworkPanel(AppContext(factory=factory, actor=admin, events=DataEvents()), cid)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    assert panel.login.text() == "painel.cliente"
    assert panel.answer.toPlainText().splitlines()[0] == "grupo: plano_FIBRA-100"
    assert panel.password.placeholderText() == "SenhaPainel1"
    panel.login.setText("painel.novo")
    panel.ip.setText("100.64.1.2")
    panel.save.click()
    radius_coa.wait_idle(30)
    assert "Framed-IP-Address := 100.64.1.2" in panel.answer.toPlainText()
    assert radius.status(uow(), "painel.novo").group == "plano_FIBRA-100"
    if os.environ.get("ISPDESK_SCREENSHOTS"):
        QApplication.processEvents()
        panel.grab().save(str(Path(os.environ["ISPDESK_SCREENSHOTS"]) / "rede_panel.png"))
    hidden = NetworkPanel(AppContext(factory=factory, actor=attendant, events=DataEvents()), cid)
    qtbot.addWidget(hidden)
    assert hidden.password.placeholderText() != "SenhaPainel1"
    access.run_suspension(uow(), clock.day)
