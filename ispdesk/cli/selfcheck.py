"""``ispdesk selfcheck``: proves an installation (or the frozen app) works end to end.

Creates a throw-away SQLite database, migrates it, creates an administrator, builds the whole main
window (offscreen when there is no display), checks the fonts and the PDF stack, and exits 0.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_ERROR, EXIT_OK, CliContext, err, out


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add the ``selfcheck`` command."""
    p = top.add_parser("selfcheck", help="verifica a instalação: banco, janela principal e PDF")
    p.add_argument("--keep", action="store_true", help="mantém o banco temporário para inspeção")
    p.set_defaults(func=_selfcheck)


def _selfcheck(args: argparse.Namespace, ctx: CliContext) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and os.name != "nt":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    workdir = Path(tempfile.mkdtemp(prefix="ispdesk-selfcheck-"))
    url = f"sqlite:///{(workdir / 'selfcheck.sqlite3').as_posix()}"
    from ispdesk.app import create_main_window, ensure_application
    from ispdesk.services import users
    from ispdesk.services.bootstrap import open_database

    factory = open_database(url)
    users.create_first_admin(factory, "selfcheck", "Verificação", "selfcheck123")
    factory.dispose()
    app = ensure_application()
    window = create_main_window(url, "selfcheck")
    window.show()
    app.processEvents()
    from PySide6.QtCore import QThreadPool

    for i in range(window.tabs.count()):  # tabs are built on first view: show each one, so each is built
        window.tabs.setCurrentIndex(i)
        app.processEvents()
    QThreadPool.globalInstance().waitForDone(30_000)  # the tabs' background loads, before the database goes
    app.processEvents()
    tabs = [w.objectName() for i in range(window.tabs.count()) if (w := window.tabs.widget(i)) is not None]
    window.close()
    window.context.factory.dispose()
    out(f"Banco: ok ({url})")
    out(f"Janela principal: ok (abas: {', '.join(tabs) or 'nenhuma'})")
    if not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    if window.objectName() != "MainWindow":
        err("A janela principal não foi criada.")
        return EXIT_ERROR
    out("ispdesk: instalação verificada.")
    return EXIT_OK
