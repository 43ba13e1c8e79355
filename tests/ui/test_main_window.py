import pytest

from ispdesk.app import create_main_window
from ispdesk.services import users
from ispdesk.ui.tabs.customers_tab import CustomersTab

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_main_window_has_customers_tab_first_and_title_with_user(qtbot, db_url, admin_user):
    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    assert window.objectName() == "MainWindow"
    assert "Administradora Teste" in window.windowTitle() and "Administrador" in window.windowTitle()
    assert window.tabs.objectName() == "mainTabs"
    assert isinstance(window.tabs.widget(0), CustomersTab)
    assert window.tabs.tabText(0) == "Clientes"
    assert window.show_tab("customersTab") is window.tabs.widget(0)


def test_admin_sees_parameters_and_users_menus(qtbot, db_url, admin_user):
    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    from PySide6.QtGui import QAction

    names = {a.objectName() for a in window.findChildren(QAction)}
    assert {"actionGeneralParameters", "actionUsers", "actionNewCustomer", "actionFindCustomer"} <= names
    new = window.findChild(QAction, "actionNewCustomer")
    assert new.shortcut().toString() == "Ctrl+N"


def test_attendant_does_not_see_administration(qtbot, db_url, factory, admin_user):
    users.add_user(factory(users.actor_for(factory, admin_user)), "atendente", "senha123", "atendimento", "Ana")
    window = create_main_window(db_url, "atendente")
    qtbot.addWidget(window)
    from PySide6.QtGui import QAction

    names = {a.objectName() for a in window.findChildren(QAction)}
    assert "actionGeneralParameters" not in names and "actionUsers" not in names
    assert "actionNewCustomer" in names
    assert "Ana" in window.windowTitle()


def test_status_bar_names_the_logged_in_user_and_database(qtbot, db_url, admin_user):
    from PySide6.QtWidgets import QLabel

    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    label = window.findChild(QLabel, "connectionLabel")
    assert "Administradora Teste (admin), perfil Administrador" in label.text()
    assert ("SQLite local" in label.text()) or ("PostgreSQL" in label.text())


def test_only_the_first_tab_is_built_at_start_the_others_on_first_view(qtbot, db_url, admin_user):
    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    names = [window.tabs.widget(i).objectName() for i in range(window.tabs.count())]
    assert names[0] == "customersTab" and set(names[1:]) == {"pendingTab"}
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Clientes", "Contratos", "Alterações de plano", "Painel"]
    window.tabs.setCurrentIndex(1)
    assert window.tabs.currentWidget().objectName() == "contractsTab"
    assert window.tabs.currentIndex() == 1 and window.tabs.tabText(1) == "Contratos"
    dashboard = window.show_tab("dashboardTab")  # built on demand (the dashboard cards use this)
    assert dashboard is not None and window.tabs.currentWidget() is dashboard
    assert window.tabs.widget(2).objectName() == "pendingTab"  # still waiting: never shown
    window.build_all_tabs()
    assert "pendingTab" not in [window.tabs.widget(i).objectName() for i in range(window.tabs.count())]


def test_start_imports_neither_reportlab_nor_charts(db_url, admin_user):
    """In a fresh process: the window at start needs no PDF or chart code (imported on first use)."""
    import os
    import subprocess
    import sys

    code = ("import sys; from ispdesk.app import create_main_window; "
            f"w = create_main_window({db_url!r}, {admin_user!r}); "
            "print(sorted({m.split('.')[0] + ('.QtCharts' if 'QtCharts' in m else '') for m in sys.modules "
            "if m.startswith('reportlab') or 'QtCharts' in m}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen")).stdout
    assert out.strip().splitlines()[-1] == "[]"
