"""Template editor over the real templates service: variables list, errors named, new version saved."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from ispdesk.db.models import ContractTemplate
from ispdesk.domain.template_engine import CATALOGUE
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.template_editor import TemplateEditorDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def editor(qtbot, factory, admin):
    dialog = TemplateEditorDialog(AppContext(factory=factory, actor=admin, events=DataEvents()))
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.body.setPlainText(dialog._loaded_body)  # closing with unsaved text would ask (modal) first
    dialog.close()
    dialog.deleteLater()


def test_lists_templates_and_variables(editor):
    assert editor.objectName() == "templateEditor"
    codes = [editor.template_combo.itemData(i) for i in range(editor.template_combo.count())]
    assert sorted(codes) == ["contrato_padrao", "termo_fidelidade"]
    assert "{{ plano.codigo }}" in editor.body.toPlainText()
    names = set()
    for g in range(editor.variables.topLevelItemCount()):
        group = editor.variables.topLevelItem(g)
        names |= {group.child(i).text(0) for i in range(group.childCount())}
    assert names == {v.name for v in CATALOGUE}
    assert "Versão 1" in editor.version_label.text()
    if SHOTS:
        editor.grab().save(os.path.join(SHOTS, "template_editor.png"))


def test_unknown_variable_is_named_and_nothing_saved(editor, uow):
    editor.body.setPlainText("# Contrato\n\nCliente {{ cliente.nome }}\nApelido {{ cliente.apelido }}\n")
    assert editor.save() is False
    assert editor.error_label.isVisible()
    assert "cliente.apelido" in editor.error_label.text()
    assert editor.body.textCursor().selectedText() == "Apelido {{ cliente.apelido }}"
    editor.body.setPlainText("{% import os %}")
    assert editor.preview() is False
    assert "comando não permitido" in editor.error_label.text()
    with uow() as u:
        assert len(u.session.scalars(select(ContractTemplate)).all()) == 2


def test_insert_variable_and_save_new_version(editor, uow, qtbot):
    editor.body.setPlainText("# Termo\n\n## Do objeto\n\n+ Cliente: ")
    cursor = editor.body.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.body.setTextCursor(cursor)
    group = editor.variables.topLevelItem(1)
    item = next(group.child(i) for i in range(group.childCount()) if group.child(i).text(0) == "cliente.nome")
    editor.variables.setCurrentItem(item)
    editor.insert_button.click()
    assert editor.body.toPlainText().endswith("+ Cliente: {{ cliente.nome }}")
    assert editor.preview() is True
    preview = editor._preview
    assert preview.objectName() == "pdfPreview" and preview.page_count() == 1
    preview.close()
    assert editor.save() is True
    assert "versão 2" in editor.status_label.text()
    assert "Versão 2" in editor.version_label.text()
    with uow() as u:
        versions = u.session.scalars(select(ContractTemplate.version_number).where(
            ContractTemplate.code == editor.current_code())).all()
        assert sorted(versions) == [1, 2]


def test_closing_with_unsaved_text_asks(editor, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    editor.body.setPlainText(editor.body.toPlainText() + "\nmais")
    assert editor.has_changes()
    asked = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()
        else:
            QTimer.singleShot(20, answer_no)

    QTimer.singleShot(20, answer_no)
    editor.reject()
    assert asked and "não foi salvo" in asked[0]
    assert editor.isVisible()


def test_new_template_from_the_editor(editor, uow, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("aditivo_ip_fixo", True))
    editor.new_button.click()
    assert editor.current_code() == "aditivo_ip_fixo"
    assert "versão 1" in editor.version_label.text()
    editor.name_edit.setText("Aditivo de IP fixo")
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("termo"))
    editor.body.setPlainText("# Aditivo de IP fixo\n\n## Do objeto\n\n+ IP fixo para {{ cliente.nome }}.")
    assert editor.save() is True
    assert editor.current_code() == "aditivo_ip_fixo"
    with uow() as u:
        row = u.session.scalars(select(ContractTemplate).where(ContractTemplate.code == "aditivo_ip_fixo")).one()
        assert (row.version_number, row.kind, row.name) == (1, "termo", "Aditivo de IP fixo")
