"""Render the dashboard tab offscreen over the demo dataset and save a PNG (README screenshot).

    QT_QPA_PLATFORM=offscreen python bench/screenshot_dashboard.py [--out docs/screenshot-dashboard.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_dataset import build  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.permissions import Role  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402
from ispdesk.ui.context import AppContext, DataEvents  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Build the data, open the tab, wait for the figures, grab it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshot-dashboard.png")
    parser.add_argument("--contracts", type=int, default=400)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1180)
    parser.add_argument("--pdf", help="also export the PDF here")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    folder = tempfile.mkdtemp(prefix="ispdesk-painel-")
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{folder}/painel.sqlite3", FixedClock(args.date))
    migrate.upgrade(factory.engine, backup=False)
    build(factory.engine, args.contracts, args.date)
    from ispdesk.ui.tabs.dashboard_tab import DashboardTab

    context = AppContext(factory, Actor.for_role("gerente", Role.ADMINISTRADOR, "Gerente"), DataEvents())
    tab = DashboardTab(context)
    tab.resize(args.width, args.height)
    tab.show()
    loop = QEventLoop()
    tab.refreshed.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    app.processEvents()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    tab.grab().save(args.out)
    if args.pdf:
        tab.export_pdf(args.pdf)
    print(args.out)
    factory.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
