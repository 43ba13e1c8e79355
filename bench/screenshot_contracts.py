"""Screens of the contracts tab and the contract form at 1366×768 (``docs/screens/02-contratos.png``,
``03-contrato.png``) over a small demo database, on an offscreen screen of 1366×768.

    python bench/screenshot_contracts.py [--out docs/screens] [--customers 400] [--contracts 320]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

_screen = Path(tempfile.mkdtemp(prefix="ispdesk-tela-")) / "screen.json"
_screen.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
os.environ.setdefault("ISPDESK_CONFIG_DIR", str(_screen.parent / "cfg"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

import bench.screenshots_all as shots  # noqa: E402
from ispdesk.app import create_main_window  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.services import users  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402
from ispdesk.services.demo_history import generate_full_demo  # noqa: E402

SIZE = (1366, 728)  # 1366×768 minus the taskbar


def main(argv: list[str] | None = None) -> int:
    """Build the demo, grab the contracts tab (a contract selected) and the contract form."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--contracts", type=int, default=320)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    shots.SIZE = SIZE
    clock = FixedClock(date(2026, 11, 27))
    url = f"sqlite:///{tempfile.mkdtemp(prefix='ispdesk-telas-')}/demo.sqlite3"
    factory = open_database(url, clock)
    users.create_first_admin(factory, "admin", "Administradora", "segredo123")
    generate_full_demo(factory, args.customers, args.contracts, actor=users.actor_for(factory, "admin"), seed=7)
    window = create_main_window(url, "admin", clock)
    window.resize(*SIZE)
    window.show()
    shots._wait(app, 1000)
    window.show_tab("contractsTab")
    shots._wait(app, 1000)
    shots._save(window, args.out, "02-contratos")
    from ispdesk.ui.dialogs.contract_form import ContractForm

    form = ContractForm(window.context, shots._showcase_contract(factory, "admin"), window)
    form.show()
    shots._wait(app, 1000)
    print("contract form", form.width(), "×", form.height())
    shots._save(form, args.out, "03-contrato")
    form.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
