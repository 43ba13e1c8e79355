"""Every dialog and wizard reopens with the size and position it was left in (issue 12), with no event filter.

The memory lives in the dialogs' own virtual methods (`ispdesk.ui.dialogs.base`): an earlier version
installed a Python event filter per dialog and crashed PySide6 6.11 in the background PDF batch.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtWidgets import QApplication, QDialog, QWidget, QWizard

import ispdesk.ui
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.extensions import load_all
from ispdesk.ui.window_state import BUDGET, available, save_geometry, ui_settings
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "QFont", "This plugin does not support")

UI = Path(ispdesk.ui.__file__).resolve().parent


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


def _ui_classes() -> list[type]:
    """Every class defined in a module of ``ispdesk.ui`` (all modules imported)."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages([str(UI)], "ispdesk.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def test_every_dialog_and_wizard_class_of_the_app_remembers_its_geometry() -> None:
    from ispdesk.ui.dialogs.base import RememberingDialog, RememberingWizard

    dialogs = [cls for cls in _ui_classes() if issubclass(cls, QDialog)]
    assert len(dialogs) >= 25  # the walk really found the app's dialogs
    forgetful = [f"{cls.__module__}.{cls.__name__}" for cls in dialogs
                 if not issubclass(cls, RememberingDialog | RememberingWizard)]
    assert forgetful == []
    wizards = [cls for cls in dialogs if issubclass(cls, QWizard)]
    assert wizards and all(issubclass(cls, RememberingWizard) for cls in wizards)


def _calls(name: str) -> list[str]:
    """``file:line`` of every call of `name` (bare or as an attribute) in ``ispdesk/ui``."""
    where = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called == name:
                    where.append(f"{path.relative_to(UI)}:{node.lineno}")
    return where


def test_no_bare_qt_dialog_and_no_event_filter_on_dialogs() -> None:
    """A bare ``QDialog(...)`` would forget its geometry; a per-dialog Python filter crashed PySide6 6.11."""
    assert _calls("QDialog") == [] and _calls("QWizard") == []
    dialogs = [p for p in _calls("installEventFilter") + _calls("remember_geometry")
               if p.startswith(("dialogs/", "wizards/"))
               and not p.startswith("dialogs/messages_window.py")]  # a QMainWindow, like the main window
    assert dialogs == []


def _builders(context: AppContext, contract_id: Any) -> dict[str, Callable[[], QWidget]]:
    from ispdesk.services.contracts import get_contract
    from ispdesk.ui.dialogs.access_dialogs import BlockProtectionDialog, NoteDialog
    from ispdesk.ui.dialogs.billing_negativation import NegativationDialog
    from ispdesk.ui.dialogs.company_dialog import CompanyDialog
    from ispdesk.ui.dialogs.contract_form import DateAskDialog, RenewDialog
    from ispdesk.ui.dialogs.documents_dialogs import GenerateBatchDialog, MarkSignedDialog, ReportDialog
    from ispdesk.ui.dialogs.login import LoginDialog
    from ispdesk.ui.dialogs.users_dialog import UserEditDialog
    from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

    return {
        "renew": lambda: RenewDialog(get_contract(context.uow(), contract_id)),
        "activate": lambda: DateAskDialog("Ativar", "Data", "activateDialog"),
        "mark_signed": lambda: MarkSignedDialog(date(2026, 11, 27), 1),
        "generate_batch": lambda: GenerateBatchDialog(context, 2),
        "report": lambda: ReportDialog(context, "charges"),
        "protection": lambda: BlockProtectionDialog(None, date(2026, 11, 27), 2),
        "note": lambda: NoteDialog(None, "Liberação", "Explique.", "Motivo:", True, "noteDialog"),
        "negativation": lambda: NegativationDialog(context, contract_id),
        "company": lambda: CompanyDialog(context),
        "login": lambda: LoginDialog(context.factory),
        "user_edit": lambda: UserEditDialog(context),
        "plan_change": lambda: PlanChangeWizard(context, contract_id),
    }


@pytest.mark.parametrize("name", ["renew", "activate", "mark_signed", "generate_batch", "report", "protection",
                                  "note", "negativation", "company", "login", "user_edit", "plan_change"])
def test_dialogs_reopen_with_their_size_and_position(qtbot, context, contract_id, name) -> None:  # type: ignore[no-untyped-def]
    build = _builders(context, contract_id)[name]
    dialog = build()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = available(dialog)
    dialog.resize(min(dialog.width() + 37, screen.width() - 90), min(dialog.height() + 23, screen.height() - 90))
    dialog.move(screen.left() + 43, screen.top() + 37)  # still wholly on the screen
    QApplication.processEvents()
    wanted_size, wanted_pos = dialog.size(), dialog.pos()
    assert isinstance(dialog, QDialog)
    dialog.reject()  # closed the way the user closes it (Esc / Cancelar)
    again = build()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == wanted_size
    assert again.pos() == wanted_pos


def test_the_notice_dialog_of_the_access_panel_remembers_too(qtbot, context, contract_id) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.ui.dialogs.access_panel import AccessPanel

    panel = AccessPanel(context, contract_id)
    qtbot.addWidget(panel)
    row: Any = type("Row", (), {"on_date": date(2026, 11, 27), "detail": "Aviso de teste"})()
    dialog = panel.show_notice(row)
    qtbot.waitExposed(dialog)
    dialog.resize(640, 480)
    dialog.move(available(dialog).topLeft() + QPoint(20, 30))
    QApplication.processEvents()
    wanted = dialog.size(), dialog.pos()
    dialog.close()
    again = panel.show_notice(row)
    qtbot.waitExposed(again)
    assert (again.size(), again.pos()) == wanted


def test_a_stored_geometry_off_the_screen_comes_back_inside_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.ui.dialogs.base import RememberingDialog

    far = RememberingDialog()
    far.setObjectName("farDialog")
    qtbot.addWidget(far)
    far.resize(500, 300)
    far.move(6000, 5000)  # a monitor that is no longer there
    save_geometry(far)
    again = RememberingDialog()
    again.setObjectName("farDialog")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    area = available(again)
    assert area.contains(again.frameGeometry().topLeft()) and area.contains(again.frameGeometry().bottomRight())
    assert again.size() == QSize(500, 300)


def test_an_unknown_dialog_opens_fitted_and_one_never_shown_stores_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.ui.dialogs.base import RememberingDialog

    never = RememberingDialog()
    never.setObjectName("neverShownDialog")
    qtbot.addWidget(never)
    never.done(0)
    assert ui_settings().value("neverShownDialog/geometry") is None
    wide = RememberingDialog()
    wide.setObjectName("wideDialog")
    qtbot.addWidget(wide)
    wide.resize(3000, 2000)  # more than the screen: shrunk to 1366×728 at its first show
    wide.show()
    assert wide.width() <= BUDGET.width() and wide.height() <= BUDGET.height()
    wide.close()
    assert ui_settings().value("wideDialog/geometry") is not None
