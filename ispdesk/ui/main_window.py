"""The main window: a shell of tabs and menus filled from `ispdesk.ui.registry`."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QWidget

from ispdesk import __version__
from ispdesk.domain.permissions import ROLE_LABELS
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext
from ispdesk.ui.extensions import load_all
from ispdesk.ui.window_state import remember_geometry

MENU_ORDER = ("Arquivo", "Cadastros", "Financeiro", "Ferramentas", "Relatórios", "Configurações", "Ajuda")
#: Alt+letter of each top menu
MENU_MNEMONICS = {"Arquivo": "&Arquivo", "Cadastros": "&Cadastros", "Financeiro": "&Financeiro",
                  "Ferramentas": "F&erramentas", "Relatórios": "&Relatórios", "Configurações": "C&onfigurações",
                  "Ajuda": "Aj&uda"}


def with_mnemonic(text: str, used: set[str]) -> str:
    """`text` with an Alt+letter: its own ``&`` if it has one, else the first letter not in `used`."""
    if "&" in text:
        i = text.index("&")
        if i + 1 < len(text):
            used.add(text[i + 1].lower())
        return text
    for i, ch in enumerate(text):
        if ch.isalnum() and ch.lower() not in used:
            used.add(ch.lower())
            return text[:i] + "&" + text[i:]
    return text


def shortcut_tooltip(action: QAction) -> None:
    """Tooltip = the action's name and its shortcut, as the menu shows it."""
    name = action.text().replace("&", "").rstrip("…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{name} ({keys})" if keys else name)


def tr(text: str) -> str:
    """Translate in the main-window context."""
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """Logged-in window: tabs (`mainTabs`) and menus; knows the context shared by every tab.

    Attributes:
        context: database factory, logged-in actor and data events.
        tabs: the `mainTabs` QTabWidget.
    """

    def __init__(self, context: AppContext, database_label: str = "") -> None:
        super().__init__()
        self.context = context
        self.setObjectName("MainWindow")
        who = context.actor.name or context.actor.login
        role = ROLE_LABELS.get(context.actor.role, context.actor.role.value)
        title = tr("ispdesk — {who} ({role})").format(who=who, role=role)
        if database_label:
            title += f" — {database_label}"
        self.setWindowTitle(title)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.resize(1280, 720)
        load_all()
        self._build_tabs()
        self._build_menus()
        status = QLabel(tr("Conectado como {name} ({login}), perfil {role}").format(
            name=who, login=context.actor.login, role=role) + (f" — {database_label}" if database_label else ""))
        status.setObjectName("connectionLabel")
        self.statusBar().addPermanentWidget(status)
        self.message_scheduler = self._message_scheduler()
        remember_geometry(self)
        context.events.status.connect(self.show_status)

    def _message_scheduler(self) -> QObject | None:
        """Sending the outbox while the app is open (issue 14), for users who may run tasks."""
        from ispdesk.domain.permissions import Permission
        from ispdesk.ui.message_sending import MessageScheduler

        if not self.context.can(Permission.TASKS_RUN):
            return None
        scheduler = MessageScheduler(self.context, self)
        self.statusBar().addPermanentWidget(scheduler.label)
        return scheduler

    def show_status(self, message: str) -> None:
        """Say in the status bar what the last action did (kept until the next message)."""
        self.statusBar().showMessage(message)

    def _build_tabs(self) -> None:
        """The first tab is built now; the others hold a light placeholder until first shown (fast start)."""
        self._pending: dict[QWidget, registry.TabSpec] = {}
        for spec in sorted(registry.TABS, key=lambda s: s.order):
            if spec.permission is not None and not self.context.can(spec.permission):
                continue
            if self.tabs.count() == 0:
                self.tabs.addTab(spec.factory(self.context, self.tabs), spec.title)
                continue
            placeholder = QWidget(self.tabs)
            placeholder.setObjectName("pendingTab")
            self._pending[placeholder] = spec
            self.tabs.addTab(placeholder, spec.title)
        self.tabs.currentChanged.connect(self._build_pending)

    def _build_pending(self, index: int) -> QWidget | None:
        """Build the real tab at `index` if it is still a placeholder; return the tab there."""
        widget = self.tabs.widget(index)
        spec = self._pending.pop(widget, None) if widget is not None else None
        if spec is None or widget is None:
            return widget
        real = spec.factory(self.context, self.tabs)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, real, spec.title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        widget.deleteLater()
        return real

    def build_all_tabs(self) -> None:
        """Build every tab still waiting for its first view."""
        for i in range(self.tabs.count()):
            self._build_pending(i)

    def _menu(self, path: tuple[str, ...]) -> QMenu:
        bar = self.menuBar()
        parent: QMenu | None = None
        for depth, title in enumerate(path):
            holder = bar if parent is None else parent
            found: QMenu | None = None
            for action in holder.actions():
                submenu = action.menu()
                if isinstance(submenu, QMenu) and action.text().replace("&", "") == title:
                    found = submenu
            if found is None:
                found = holder.addMenu(MENU_MNEMONICS.get(title, title) if depth == 0 else title)
                found.setObjectName("menu_" + "_".join(path[: depth + 1]))
            parent = found
        assert parent is not None
        return parent

    def _build_menus(self) -> None:
        for title in MENU_ORDER:
            self._menu((title,))
        for spec in sorted(registry.MENU_ACTIONS, key=lambda s: (s.menu, s.order)):
            if spec.permission is not None and not self.context.can(spec.permission):
                continue
            action = QAction(spec.title, self)
            action.setObjectName(spec.object_name)
            if spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.triggered.connect(lambda _checked=False, h=spec.handler: h(self))
            self._menu(spec.menu).addAction(action)
        quit_action = QAction(tr("Sai&r"), self)
        quit_action.setObjectName("actionQuit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self._menu(("Arquivo",)).addAction(quit_action)
        about = QAction(tr("Sobre o ispdesk"), self)
        about.setObjectName("actionAbout")
        about.triggered.connect(self._about)
        self._menu(("Ajuda",)).addAction(about)
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and not menu.actions():
                action.setVisible(False)
            if isinstance(menu, QMenu):
                self._mnemonics(menu)

    def _mnemonics(self, menu: QMenu) -> None:
        """Give every item of `menu` (and its submenus) an Alt+letter and a tooltip with its shortcut."""
        used: set[str] = set()
        for item in menu.actions():
            if item.isSeparator() or not item.text():
                continue
            item.setText(with_mnemonic(item.text(), used))
            shortcut_tooltip(item)
            sub = item.menu()
            if isinstance(sub, QMenu):
                self._mnemonics(sub)

    def _about(self) -> None:
        QMessageBox.about(self, tr("Sobre o ispdesk"),
                          tr("ispdesk {version}\nBack office para provedores de internet.").format(version=__version__))

    def find_tab(self, object_name: str) -> QWidget | None:
        """The tab widget with `object_name` (built now if it was waiting for its first view), or None."""
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            if widget is not None and widget.objectName() == object_name:
                return widget
        waiting = {i: self._pending[w] for i in range(self.tabs.count())
                   if (w := self.tabs.widget(i)) is not None and w in self._pending}
        named = [i for i, spec in waiting.items() if spec.object_name == object_name]
        unnamed = [i for i, spec in waiting.items() if not spec.object_name]
        for i in named + unnamed:
            widget = self.tabs.widget(i)
            if widget in self._pending:
                widget = self._build_pending(i)
                if widget is not None and widget.objectName() == object_name:
                    return widget
        return None

    def show_tab(self, object_name: str) -> QWidget | None:
        """Bring the tab with `object_name` to front and return it."""
        widget = self.find_tab(object_name)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)
        return widget
