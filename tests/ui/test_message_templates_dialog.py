"""Ferramentas › Modelos de mensagem over the real services: events × channels, live preview on a
contract, unknown variable named, save audited and used, reset, fits 1366×768."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, MessageTemplate
from ispdesk.domain.message_templates import VARIABLES
from ispdesk.domain.messages import MessageEvent
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.message_templates_dialog import MessageTemplatesDialog
from tests.factories import make_charge, make_contract, make_customer

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def dialog(qtbot, factory, admin):
    view = MessageTemplatesDialog(AppContext(factory=factory, actor=admin, events=DataEvents()))
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()
    view.deleteLater()


def test_lists_every_event_and_channel_and_fits_the_screen(dialog, tmp_path):
    assert dialog.objectName() == "messageTemplatesDialog"
    assert dialog.tree.topLevelItemCount() == len(MessageEvent)
    assert all(dialog.tree.topLevelItem(i).childCount() == 4 for i in range(dialog.tree.topLevelItemCount()))
    assert dialog.width() <= 1366 and dialog.height() <= 768 - 60
    item = dialog.item_for("bloqueio", "sms")
    dialog.tree.setCurrentItem(item)
    names = [dialog.variables.item(i).text() for i in range(dialog.variables.count())]
    assert names == ["{{ " + v.name + " }}" for v in VARIABLES[MessageEvent.BLOQUEIO]]
    assert dialog.subject.text() == "Acesso suspenso – contrato {{ contrato.numero }}"
    assert "Maria José da Conceição" in dialog.preview.toPlainText()  # sample values without a contract
    dialog.grab().save(str(tmp_path / "message_templates.png"))
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "message_templates.png"))


def test_live_preview_on_a_contract_unknown_variable_save_and_reset(dialog, uow, qtbot):
    with uow() as u:
        contract = make_contract(u.session, make_customer(u.session, name="Joana Prado"))
        make_charge(u.session, contract, date(2030, 1, 10), amount="1234.56")
        u.commit()
        number = contract.number
    dialog.tree.setCurrentItem(dialog.item_for("cobranca_vencendo", "whatsapp"))
    dialog.contract.setText(str(number))
    dialog.contract.editingFinished.emit()
    shown = dialog.preview.toPlainText()
    assert "Joana Prado" in shown and "R$ 1.234,56" in shown and "10/01/2030" in shown
    dialog.body.setPlainText("Oi {{ cliente.apelido }}")
    assert dialog.refresh_preview() is False
    assert "cliente.apelido" in dialog.error_label.text() and "{{ cobranca.valor }}" in dialog.error_label.text()
    assert dialog.save() is False
    dialog.body.setPlainText("Oi {{ cliente.nome }}, {{ cobranca.valor }} em {{ cobranca.vencimento }}.")
    qtbot.waitUntil(lambda: "Oi Joana Prado, R$ 1.234,56 em 10/01/2030." in dialog.preview.toPlainText())
    # the variable list inserts at the cursor
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    dialog.variables.itemDoubleClicked.emit(dialog.variables.item(0))
    assert dialog.body.toPlainText().endswith(".{{ cliente.nome }}")
    assert dialog.save() is True
    assert dialog.item_for("cobranca_vencendo", "whatsapp").text(1) == "alterado"
    with uow() as u:
        [stored] = u.session.scalars(select(MessageTemplate))
        assert (stored.event, stored.channel) == ("cobranca_vencendo", "whatsapp")
        assert u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "message_template")).first()
    assert dialog.reset_button.isEnabled() and dialog.reset() is True
    assert dialog.item_for("cobranca_vencendo", "whatsapp").text(1) == "de fábrica"
    with uow() as u:
        assert u.session.scalars(select(MessageTemplate)).first() is None


def test_the_anatel_notice_refuses_dropping_its_text(dialog):
    dialog.tree.setCurrentItem(dialog.item_for("aviso_inadimplencia", "padrao"))
    assert dialog.body.toPlainText() == "{{ aviso.texto }}"
    dialog.body.setPlainText("Pague, {{ cliente.nome }}.")
    assert dialog.save() is False and "{{ aviso.texto }}" in dialog.error_label.text()
