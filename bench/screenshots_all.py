"""Regenerate the README screenshots (``docs/screens/*.png``) over a full demo database.

Builds a SQLite database with ``generate_full_demo`` (customers, contracts with 18 months of
history), opens the real main window (`ispdesk.app.create_main_window`) offscreen at 1366×768 and
grabs every screen the README shows.

    QT_QPA_PLATFORM=offscreen python bench/screenshots_all.py [--out docs/screens] [--customers 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

if "QT_QPA_PLATFORM" not in os.environ or os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # an offscreen screen of 1366×768 (the default offscreen screen is 800×600 and windows fit to it)
    _screen = os.path.join(tempfile.mkdtemp(prefix="ispdesk-telas-screen-"), "screen.json")
    with open(_screen, "w", encoding="utf-8") as _f:
        _f.write('{"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768, '
                 '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}')
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
# a fresh config folder: no window size remembered from an earlier run changes the pictures
os.environ.setdefault("ISPDESK_CONFIG_DIR", tempfile.mkdtemp(prefix="ispdesk-telas-config-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import set_bench_company  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from ispdesk.app import create_main_window  # noqa: E402
from ispdesk.db.models import Charge, Contract  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.services import users  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402
from ispdesk.services.demo_history import generate_full_demo  # noqa: E402

SIZE = (1366, 768)  # the most common office screen


def _wait(app: QApplication, ms: int = 400, until: Callable[[], bool] | None = None, limit_ms: int = 30_000) -> None:
    """Let the event loop run (background workers finish) for `ms`, or until `until()` holds."""
    waited = 0
    while waited < limit_ms:
        loop = QEventLoop()
        QTimer.singleShot(100, loop.quit)
        loop.exec()
        app.processEvents()
        waited += 100
        if until is None and waited >= ms:
            return
        if until is not None and until():
            _wait(app, 200)
            return


def _optimise(path: Path) -> None:
    """Re-encode with a 256-colour palette (Pillow, when installed): tables then take a third of the space."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is optional here
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _save(widget: QWidget, out: Path, name: str) -> Path:
    """Grab `widget` into ``out/name.png``, scaled down to at most 1366×768 (a wider minimum size)."""
    path = out / f"{name}.png"
    pixmap = widget.grab()
    if pixmap.width() > SIZE[0] or pixmap.height() > SIZE[1]:
        pixmap = pixmap.scaled(*SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    pixmap.save(str(path), "PNG", 9)
    if path.stat().st_size > 300 * 1024:
        _optimise(path)
    print(path, f"{path.stat().st_size // 1024} KB")
    return path


def _showcase_contract(factory: Any, login: str) -> Any:
    """An active contract with charges, payments, access events and a plan change (the form's panels)."""
    from ispdesk.db.models import AccessEvent, PlanChange

    actor = users.actor_for(factory, login)
    with factory(actor) as uow:
        s = uow.session
        changed = set(s.scalars(select(PlanChange.contract_id)))
        evented = set(s.scalars(select(AccessEvent.contract_id)))
        charged = set(s.scalars(select(Charge.contract_id).where(Charge.status == "paga")))
        rows = s.execute(select(Contract.id, Contract.loyalty_months, Contract.access_status)
                         .where(Contract.status == "ativo").order_by(Contract.number)).all()
        for wanted in ("reduzido", "bloqueado", "normal"):
            for cid, loyalty, access in rows:
                if access == wanted and loyalty and cid in changed and cid in charged and \
                        (cid in evented or wanted == "normal"):
                    return cid
        return rows[0][0]


def main(argv: list[str] | None = None) -> int:
    """Build the demo database, open each screen, save the PNGs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--contracts", type=int, default=1600)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--db", help="existing database URL to use instead of a new demo database")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    clock = FixedClock(args.date)
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='ispdesk-telas-')}/demo.sqlite3"
    factory = open_database(url, clock)
    login = "admin"
    if not users.has_users(factory):
        users.create_first_admin(factory, login, "Administradora", "segredo123")
        generate_full_demo(factory, args.customers, args.contracts, actor=users.actor_for(factory, login), seed=7)

    window = create_main_window(url, login, clock)
    window.resize(*SIZE)
    window.show()
    _wait(app, 1500)
    tabs = window.tabs

    def tab(name: str) -> Any:
        widget = window.show_tab(name)
        _wait(app, 1500)
        return widget

    # 1. customers, 2. contracts (filters visible)
    tab("customersTab")
    _save(window, out, "01-clientes")
    contracts = tab("contractsTab")
    if contracts is not None:
        _wait(app, 500)
    _save(window, out, "02-contratos")

    # 3. contract form with its panels
    from ispdesk.ui.dialogs.contract_form import ContractForm

    contract_id = _showcase_contract(factory, login)
    from ispdesk.services.documents import generate_contract_pdf, list_documents

    actor = users.actor_for(factory, login)
    set_bench_company(factory, actor)
    if not list_documents(factory(actor), contract_id):  # a printed contract sent for signature (Documentos)
        generate_contract_pdf(factory(actor), contract_id, Path(tempfile.mkdtemp()) / "contrato.pdf", mark_sent=True)
    form = ContractForm(window.context, contract_id, window)
    form.resize(*SIZE)
    form.show()
    _wait(app, 1500)
    _save(form, out, "03-contrato")
    for index in range(form.tabs.count()):
        title = form.tabs.tabText(index).replace("&", "")
        key = {"Cobranças": "cobrancas", "Acesso": "acesso", "Documentos": "documentos", "Valores": "valores",
               "Histórico": "historico"}.get(title)
        if key:
            form.tabs.setCurrentIndex(index)
            _wait(app, 1200)
            _save(form, out, f"03-contrato-{key}")
    form.close()

    # 4. plan-change wizard, review page
    from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

    wizard = PlanChangeWizard(window.context, contract_id, window)
    wizard.resize(*SIZE)
    wizard.show()
    _wait(app, 800)
    if wizard.currentPage() is wizard.contract_page:
        wizard.next()
        _wait(app, 500)
    combo = wizard.change_page.plan_combo
    current = combo.currentIndex()
    combo.setCurrentIndex(current + 1 if current + 1 < combo.count() else max(0, current - 1))
    _wait(app, 300)
    wizard.next()
    _wait(app, 800)
    _save(wizard, out, "04-mudanca-plano-revisao")
    wizard.reject()

    # 5. plan changes tab, 6. dashboard
    tab("planChangesTab")
    _save(window, out, "05-mudancas-plano")
    dashboard = tab("dashboardTab")
    _wait(app, 3000)
    _save(window, out, "06-painel")
    del dashboard

    # 7. Bloqueios view (preview of today's run)
    from ispdesk.ui.areas.access import open_suspension_view

    open_suspension_view(window)
    _wait(app, 800)
    view = tabs.currentWidget()
    preview = getattr(view, "preview", None)
    if callable(preview):
        preview()
        _wait(app, 3000)
    _save(window, out, "07-bloqueios")

    # 8. cancel dialog with the fine breakdown
    from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog

    cancel = CancelContractDialog(window.context, contract_id, window)
    cancel.show()
    _wait(app, 300)
    combo = cancel.reason_combo
    for i in range(combo.count()):
        if "PEDIDO" in str(combo.itemData(i)) or "Pedido" in combo.itemText(i):
            combo.setCurrentIndex(i)
            break
    _wait(app, 800)
    _save(cancel, out, "08-cancelamento")
    cancel.reject()

    # 9. parameters, Bloqueio tab
    from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog

    params = ParametersDialog(window.context, window)
    params.show()
    for i in range(params.tabs.count()):
        if params.tabs.tabText(i).replace("&", "") == "Bloqueio":
            params.tabs.setCurrentIndex(i)
    _wait(app, 500)
    _save(params, out, "09-parametros-bloqueio")
    params.reject()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
