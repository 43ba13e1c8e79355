"""Windows, menus, dialogs (issue 12): every window fits 1366×768 with its buttons visible, windows
remember their geometry, Qt speaks Portuguese, file dialogs start in Documents then the last folder,
the database dialog explains a failed connection in Portuguese and shows the SQLite file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QWidget, QWizard

from ispdesk.ui import file_dialogs, qt_translations
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from ispdesk.ui.window_state import BUDGET
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "QFont", "This plugin does not support")


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ISPDESK_CONFIG_DIR", str(tmp_path / "cfg"))


@pytest.fixture
def context(factory, admin):  # type: ignore[no-untyped-def]
    load_all()
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def contract_id(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        plan = make_plan(u.session, "FIBRA-300", "99.90")
        c = make_contract(u.session, make_customer(u.session, "Ana Souza", code=801), plan, number=9101)
        u.commit()
        return c.id


def _dialogs(context: AppContext, contract_id: object) -> list[QWidget]:
    from ispdesk.ui.dialogs.adjustment_dialog import AdjustmentDialog
    from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog
    from ispdesk.ui.dialogs.billing_charge import OneOffChargeDialog
    from ispdesk.ui.dialogs.billing_generate import GenerateChargesDialog
    from ispdesk.ui.dialogs.billing_payment import RecordPaymentDialog, ReversePaymentDialog
    from ispdesk.ui.dialogs.catalogs_dialog import CatalogsDialog
    from ispdesk.ui.dialogs.contract_form import ContractForm, DateAskDialog
    from ispdesk.ui.dialogs.customer_form import CustomerForm
    from ispdesk.ui.dialogs.database_dialog import DatabaseDialog
    from ispdesk.ui.dialogs.documents_dialogs import GenerateBatchDialog, MarkSignedDialog, ReportDialog
    from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog
    from ispdesk.ui.dialogs.plans_dialog import PlansDialog
    from ispdesk.ui.dialogs.template_editor import TemplateEditorDialog
    from ispdesk.ui.dialogs.users_dialog import UsersDialog
    from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

    return [
        ContractForm(context, contract_id), ContractForm(context), CustomerForm(context),
        CancelContractDialog(context, contract_id), OneOffChargeDialog(context, contract_id),
        RecordPaymentDialog(context, contract_id), ReversePaymentDialog(context, contract_id),
        GenerateChargesDialog(context), CatalogsDialog(context), PlansDialog(context), UsersDialog(context),
        ParametersDialog(context), TemplateEditorDialog(context), AdjustmentDialog(context),
        ReportDialog(context, "contracts"), GenerateBatchDialog(context, 2), MarkSignedDialog(date(2026, 11, 27), 1),
        DateAskDialog("Ativar", "Data", "activateDialog"), DatabaseDialog(current_url="sqlite:///x.sqlite3"),
        PlanChangeWizard(context, contract_id),
    ]


def test_every_dialog_fits_1366x768_with_its_buttons_visible(qtbot, context, contract_id) -> None:  # type: ignore[no-untyped-def]
    too_big = []
    for dialog in _dialogs(context, contract_id):
        qtbot.addWidget(dialog)
        name = dialog.objectName() or type(dialog).__name__
        for what, size in (("size", dialog.size()), ("minimumSizeHint", dialog.minimumSizeHint())):
            if size.width() > BUDGET.width() or size.height() > BUDGET.height():
                too_big.append(f"{name} {what} {size.width()}×{size.height()}")
        dialog.show()
        qtbot.waitExposed(dialog)
        rect = dialog.rect()
        boxes = dialog.findChildren(QDialogButtonBox)
        buttons = [b for box in boxes for b in box.findChildren(QPushButton) if b.isVisible()]
        if not buttons:  # buttons in a row of their own
            buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
        if isinstance(dialog, QWizard):
            buttons = [b for b in (dialog.button(QWizard.WizardButton.NextButton),
                                   dialog.button(QWizard.WizardButton.CancelButton)) if b.isVisible()]
        assert buttons, name
        for b in buttons:
            corner = b.mapTo(dialog, QPoint(b.width() - 1, b.height() - 1))
            assert rect.contains(corner), f"{name}: {b.text()} outside {rect}"
        dialog.close()
    assert not too_big, too_big


MAIN_WINDOW_RUN = """
import json, sys
from ispdesk.app import ensure_application
from ispdesk.domain.permissions import Role
from ispdesk.services.bootstrap import open_database
from ispdesk.services.uow import Actor
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.main_window import MainWindow

app = ensure_application()
factory = open_database(sys.argv[1])
window = MainWindow(AppContext(factory, Actor.for_role("admin", Role.ADMINISTRADOR), DataEvents()))
window.show()
app.processEvents()
report = {"w": window.width(), "h": window.height(), "x": window.x(), "y": window.y(),
          "max": window.isMaximized()}
action = sys.argv[2]
if action == "resize":
    window.resize(1200, 640)
    window.move(30, 20)
elif action == "maximize":
    window.showMaximized()
app.processEvents()
window.close()
print(json.dumps(report))
"""


def _run_main_window(tmp_path: Path, action: str) -> dict:
    import json
    import os
    import subprocess
    import sys

    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}")
    out = subprocess.run([sys.executable, "-c", MAIN_WINDOW_RUN, f"sqlite:///{tmp_path}/app.sqlite3", action],
                         env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_main_window_fits_and_reopens_with_its_size_position_and_maximised_state(tmp_path) -> None:
    """Real processes on a 1366×768 screen: each run reopens the window as the previous one left it."""
    first = _run_main_window(tmp_path, "resize")
    assert first["w"] <= BUDGET.width() and first["h"] <= BUDGET.height() and not first["max"]
    second = _run_main_window(tmp_path, "maximize")
    assert (second["w"], second["h"]) == (1200, 640)
    assert abs(second["x"] - 30) <= 5 and abs(second["y"] - 20) <= 5  # the window frame may shift it
    assert not second["max"]
    third = _run_main_window(tmp_path, "")
    assert third["max"]


def test_dialogs_remember_their_size(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.ui.dialogs.plans_dialog import PlansDialog

    dialog = PlansDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.minimumSizeHint().width() + 7, dialog.minimumSizeHint().height() + 5)
    wanted = dialog.size()
    dialog.close()
    again = PlansDialog(context)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == wanted


def test_qt_strings_in_portuguese_and_brazilian_dates(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    installed = qt_translations.install(app)
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
        dialog = QFileDialog(None, "Abrir")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        texts = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
        assert texts.get("lookInLabel", "").replace("&", "") == "Examinar:"
        assert texts.get("fileTypeLabel", "").replace("&", "") == "Arquivos do tipo:"
        from ispdesk.app import ensure_application

        ensure_application()
        assert QLocale().toString(QDate(2026, 12, 3), QLocale.FormatType.ShortFormat) == "03/12/2026"
    finally:
        qt_translations.uninstall(app, installed)


def test_build_spec_bundles_qtbase_pt_br() -> None:
    spec = (Path(__file__).parents[2] / "build.spec").read_text(encoding="utf-8")
    assert "qtbase_pt_BR.qm" in spec and qt_translations.BUNDLED_DIR in spec


def test_file_dialogs_open_in_documents_then_in_the_last_folder(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    target = tmp_path / "saida"
    target.mkdir()

    def fake_save(parent, title, start, filters):  # type: ignore[no-untyped-def]
        seen.append(start)
        return str(target / "relatorio.csv"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert file_dialogs.save_file_name(None, "Exportar", "relatorio.csv", "CSV (*.csv)").endswith("relatorio.csv")
    assert seen[0] == str(Path(file_dialogs.documents_dir()) / "relatorio.csv")
    file_dialogs.save_file_name(None, "Exportar", "outro.csv", "CSV (*.csv)")
    assert seen[1] == str(target / "outro.csv")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda parent, title, start: seen.append(start) or "")
    file_dialogs.existing_directory(None, "Pasta")
    assert seen[2] == str(target)
    import re

    package = Path(file_dialogs.__file__).parents[1]
    for path in package.rglob("*.py"):
        if path.name == "file_dialogs.py" or "forms" in path.parts:
            continue
        calls = re.findall(r"QFileDialog\.get\w+", path.read_text(encoding="utf-8"))
        assert not calls, f"{path}: use ispdesk.ui.file_dialogs ({calls})"


def test_database_dialog_explains_a_failed_connection_without_squeezing_the_form(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit

    from ispdesk.ui.dialogs.database_dialog import DatabaseDialog

    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path / "data"))
    dialog = DatabaseDialog(current_url=f"sqlite:///{tmp_path}/x.sqlite3")
    qtbot.addWidget(dialog)
    path = dialog.findChild(QLabel, "dbSqlitePath")
    assert path is not None and str(tmp_path / "data" / "ispdesk.sqlite3") in path.text()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.server.setChecked(True)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(1)  # nothing listens there
    edits = [e for e in dialog.findChildren(QLineEdit) if not e.objectName().startswith("qt_")]
    heights = {e.objectName(): e.height() for e in edits}
    assert not dialog.test_connection()
    text = dialog.status.text()
    assert "porta" in text and "servidor" in text.lower()
    for raw in ("connection", "refused", "psycopg", "OperationalError", "failed"):
        assert raw not in text, text
    QApplication.processEvents()
    for edit in edits:
        assert edit.height() >= heights[edit.objectName()], edit.objectName()
        assert edit.height() >= edit.sizeHint().height() - 2, edit.objectName()
    assert dialog.height() <= BUDGET.height()
    assert dialog.status.isVisible()
    assert dialog.status.height() >= dialog.status.heightForWidth(dialog.status.width()) or \
        dialog.status.heightForWidth(dialog.status.width()) <= 0


def test_mnemonics_and_shortcuts_in_menus_and_tooltips(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    from ispdesk.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    for action in window.menuBar().actions():
        if action.isVisible():
            assert "&" in action.text(), action.text()
    letters: dict[str, set[str]] = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if not isinstance(menu, QMenu):
            continue
        for item in menu.actions():
            if item.isSeparator() or not item.text():
                continue
            assert "&" in item.text(), item.text()
            if not item.shortcut().isEmpty():
                assert item.shortcut().toString() in item.toolTip(), item.text()
        letters[action.text()] = {i.text()[i.text().index("&") + 1].lower() for i in menu.actions() if "&" in i.text()}
    assert window.show_tab("contractsTab") is not None  # tabs are built on first view
    assert window.findChild(QWidget, "contractsTab") is not None
    assert Qt.Key.Key_Alt  # keyboard users reach every menu by Alt+letter
