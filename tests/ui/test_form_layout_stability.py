"""Error messages never move the fields, go away when corrected, and nothing is clipped at 1366×768 (issue 12)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.customer_form import FIELD_WIDGETS, CustomerForm

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory, admin):  # noqa: ANN001, ANN201
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _positions(form: CustomerForm) -> dict[str, tuple[int, int, int, int]]:
    found = {}
    for name in FIELD_WIDGETS.values():
        widget = form.findChild(QWidget, name)
        assert widget is not None
        top_left = widget.mapTo(form, QPoint(0, 0))
        found[name] = (top_left.x(), top_left.y(), widget.width(), widget.height())
    return found


def clipped_labels(window: QWidget) -> list[str]:
    """Visible labels whose text does not fit in the room they got."""
    bad = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text() or label.width() <= 0:
            continue
        if label.objectName().endswith("Error"):  # one line under the field: cut with “…”, whole in the tooltip
            if label.fontMetrics().horizontalAdvance(label.text()) > label.width() and label.toolTip() != label.text():
                bad.append(f"{label.objectName()}: mensagem cortada sem dica")
        elif label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                bad.append(f"{label.objectName() or label.text()[:30]}: altura {label.height()} < {need}")
        elif label.minimumSizeHint().width() > label.width() + 1:
            bad.append(f"{label.objectName() or label.text()[:30]}: largura {label.width()}")
    return bad


def test_messages_never_move_fields_and_go_away_when_corrected(qtbot, context) -> None:  # noqa: ANN001
    form = CustomerForm(context)
    qtbot.addWidget(form)
    form.show()
    QApplication.processEvents()
    assert form.frameGeometry().height() <= 768 and form.frameGeometry().width() <= 1366
    before = _positions(form)
    form.ui.emailEdit.setText("sem-arroba")
    assert form.save() is False
    QApplication.processEvents()
    assert form.error_of("cpf_cnpj") and form.error_of("nome") and form.error_of("email")
    assert _positions(form) == before
    assert clipped_labels(form) == []
    if SHOTS:
        form.grab().save(os.path.join(SHOTS, "customer_form_errors.png"))
    form.ui.emailEdit.setText("maria@exemplo.com.br")
    qtbot.waitUntil(lambda: form.error_of("email") == "", timeout=3000)
    assert form.error_of("nome")  # still wrong, still said
    form.ui.nameEdit.setText("Maria da Silva")
    qtbot.waitUntil(lambda: form.error_of("nome") == "", timeout=3000)
    assert _positions(form) == before
