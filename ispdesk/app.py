"""Composition root: settings → engine → unit-of-work factory → main window."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

from ispdesk.config import resolve_database_url
from ispdesk.domain.clock import Clock
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database_errors
from ispdesk.services import users as users_service
from ispdesk.services.bootstrap import open_database
from ispdesk.services.bug_report import configure_logging, install_excepthooks
from ispdesk.services.uow import Actor
from ispdesk.ui import focus_order
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.main_window import MainWindow

log = logging.getLogger("ispdesk")


def ensure_application() -> QApplication:
    """The QApplication (created once), in Brazilian Portuguese with Qt's own translations."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ispdesk")
        app.setOrganizationName("ispdesk")
    assert isinstance(app, QApplication)
    if not app.property("ispdesk_localized"):
        QLocale.setDefault(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
        from ispdesk.ui import qt_translations

        qt_translations.install(app)
        app.setProperty("ispdesk_localized", True)
    return app


def database_label(database_url: str) -> str:
    """Short description of the database for the title bar (no password)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "SQLite local"
    return f"PostgreSQL {url.host or ''}/{url.database or ''}"


def create_main_window(database_url: str, login: str, clock: Clock | None = None) -> MainWindow:
    """Build the whole logged-in window for `login` without the login dialog (tests, embedding)."""
    focus_order.install(ensure_application())
    factory = open_database(database_url, clock)
    actor = users_service.actor_for(factory, login)
    context = AppContext(factory=factory, actor=actor, events=DataEvents())
    return MainWindow(context, database_label(database_url))


def start_message(database_url: str) -> str:
    """Say on stderr what the start is doing (``scripts/run.sh`` sets ``ISPDESK_START_MESSAGES``)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.exists(url.database):
        text = f"criando o banco de dados em {url.database} (primeira vez)…"
    else:
        text = f"abrindo o banco de dados ({database_label(database_url)})…"
    if os.environ.get("ISPDESK_START_MESSAGES"):
        print(f"ispdesk: {text}", file=sys.stderr, flush=True)
    return text


def _cannot_start(message: str) -> int:
    """Say why the database cannot be used (a message box, no traceback); exit code 2."""
    log.warning("banco indisponível: %s", message)
    QMessageBox.critical(None, "ispdesk — banco de dados indisponível",
                         message + "\n\nPara escolher outro banco: ispdesk db use URL (ou ispdesk db show).")
    return 2


def _offline_hint(database_url: str) -> str:
    """How to go on offline when the central server cannot be used (issue 13); "" for a local file."""
    if not database_url.startswith("postgresql"):
        return ""
    from ispdesk.ui.offline.start_hint import offline_hint

    return offline_hint()


def run_gui(cli_url: str | None = None) -> int:
    """Open the app: database, first administrator or login, then the main window."""
    configure_logging(os.environ.get("ISPDESK_LOG", "WARNING"))
    install_excepthooks()
    app = ensure_application()
    focus_order.install(app)  # every dialog: Tab follows the screen
    database_url = resolve_database_url(cli_url)
    from ispdesk.ui.dialogs.login import obtain_actor

    try:
        start_message(database_url)
        factory = open_database(database_url)
        actor: Actor | None = obtain_actor(factory)
    except BusinessRuleError as exc:
        return _cannot_start(exc.message + _offline_hint(database_url))
    except Exception as exc:
        message = database_errors.unusable_message(exc, database_url)
        if message is None:
            raise
        return _cannot_start(message + _offline_hint(database_url))
    if actor is None:
        return 0
    from ispdesk.services.offline_store import refresh_in_background

    refresh_in_background(factory)  # the offline copy for a day without the server (issue 13)
    context = AppContext(factory=factory, actor=actor, events=DataEvents())
    from ispdesk.ui.dialogs.company_dialog import ask_company_on_first_run

    ask_company_on_first_run(context)
    window = MainWindow(context, database_label(database_url))
    window.show()
    return app.exec()
