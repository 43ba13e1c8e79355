"""Screenshots of the customers GUI (offscreen): main window with demo data, form with an inline error,
login, first administrator, parameters and users dialogs.

Usage::

    python bench/screenshot_customers.py [--out /tmp/shots_cust] [--customers 3000] [--docs]

``--docs`` also writes the main-window picture to ``docs/screenshot-customers.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots_cust"))
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--docs", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from ispdesk.app import create_main_window, ensure_application
    from ispdesk.services import users
    from ispdesk.services.bootstrap import open_database
    from ispdesk.services.demo import generate_demo
    from ispdesk.ui.dialogs.customer_form import CustomerForm
    from ispdesk.ui.dialogs.login import FirstAdminDialog, LoginDialog
    from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog
    from ispdesk.ui.dialogs.users_dialog import UsersDialog

    app = ensure_application()
    workdir = Path(tempfile.mkdtemp(prefix="ispdesk-shots-"))
    url = f"sqlite:///{workdir / 'shots.sqlite3'}"
    factory = open_database(url)
    first = FirstAdminDialog(factory)
    first.demo_check.setChecked(True)
    first.show()
    app.processEvents()
    first.grab().save(str(args.out / "first_admin.png"))
    first.close()
    users.create_first_admin(factory, "ana", "Ana Souza", "segredo123")
    generate_demo(factory, args.customers, seed=3)

    window = create_main_window(url, "ana")
    window.resize(1280, 720)
    window.show()
    tab = window.show_tab("customersTab")
    assert tab is not None
    tab.search_edit.setText("mar")
    tab.run_search()
    tab.table.selectRow(2)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(args.out / "main_customers.png"))
    if args.docs:
        (ROOT / "docs").mkdir(exist_ok=True)
        window.grab().save(str(ROOT / "docs" / "screenshot-customers.png"))

    form = CustomerForm(window.context, tab.selected_id(), window)
    form.show()
    form.ui.emailEdit.setText("maria@")
    form.ui.emailEdit.editingFinished.emit()
    form.ui.mobileEdit.set_value("11887654321")
    form.ui.mobileEdit.editingFinished.emit()
    form.check()
    app.processEvents()
    form.grab().save(str(args.out / "customer_form_error.png"))
    form.ui.formTabs.setCurrentIndex(1)
    app.processEvents()
    form.grab().save(str(args.out / "customer_form_history.png"))
    form.close()

    login = LoginDialog(factory)
    login.show()
    login.login_edit.setText("ana")
    login.password_edit.setText("errada")
    login.accept()
    app.processEvents()
    login.grab().save(str(args.out / "login.png"))
    login.close()

    params = ParametersDialog(window.context, window)
    params.show()
    app.processEvents()
    params.grab().save(str(args.out / "parameters.png"))
    params.close()

    dialog = UsersDialog(window.context, window)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(args.out / "users.png"))
    dialog.close()
    window.close()
    print(f"capturas em {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
