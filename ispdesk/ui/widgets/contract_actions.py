"""The registered contract actions as QActions: a short toolbar, a "Mais ações" menu, the context menu.

One `QAction` per `registry.CONTRACT_ACTIONS` entry (objectName = the spec's ``object_name``), shared
by the toolbar buttons (only the `frequent` ones), the "Mais ações…" menu (every action, grouped) and
the contracts tab's context menu, so all three show the same enabled state and tooltip. `update()`
enables each action by permission, selection size and the spec's `available` predicate; a disabled
action's tooltip says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from ispdesk.ui import contract_states, registry
from ispdesk.ui.context import AppContext


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContractActions", text)


def plain(title: str) -> str:
    """A title without its mnemonic marker."""
    return title.replace("&&", "\0").replace("&", "").replace("\0", "&")


def tooltip(title: str, shortcut: str = "", reason: str | None = None) -> str:
    """Tooltip of an action: its name, its shortcut (in the native text) and why it is disabled."""
    text = plain(title).rstrip("…")
    if shortcut:
        text += f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    if reason:
        text += f"\n{_tr('Indisponível')}: {reason}"
    return text


def set_state(action: QAction, enabled: bool, reason: str | None = None) -> None:
    """Enable `action`, or disable it with `reason` appended to its tooltip."""
    action.setEnabled(enabled)
    action.setToolTip(tooltip(action.text(), action.shortcut().toString(), None if enabled else reason))


def mirror(button: QPushButton, action: QAction) -> None:
    """Keep `button` showing `action`'s text, enabled state, visibility and tooltip; click = trigger."""

    def sync() -> None:
        button.setText(action.text())
        button.setEnabled(action.isEnabled())
        button.setVisible(action.isVisible())
        button.setToolTip(action.toolTip())

    action.changed.connect(sync)
    button.clicked.connect(lambda _checked=False: action.trigger())
    sync()


class ContractActions:
    """The contract actions of one view (the contracts tab or the contract form).

    Attributes:
        specs: the registered specs, in menu order.
        actions: objectName → QAction (parented to the host widget).
        buttons: objectName → toolbar QPushButton of the frequent actions.
        more_button: the "Mais ações…" button (objectName ``<prefix>MoreActions``) with `menu`.
    """

    def __init__(self, host: QWidget, context: AppContext, run: Callable[[registry.ContractActionSpec], Any],
                 button_name: Callable[[str], str], prefix: str) -> None:
        self.context = context
        self.specs = sorted(registry.CONTRACT_ACTIONS, key=lambda s: (s.order, plain(s.title)))
        self.actions: dict[str, QAction] = {}
        self.buttons: dict[str, QPushButton] = {}
        for spec in self.specs:
            action = QAction(spec.title, host)
            action.setObjectName(spec.object_name)
            if spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                host.addAction(action)
            action.triggered.connect(lambda _checked=False, s=spec: run(s))
            set_state(action, True)
            self.actions[spec.object_name] = action
            if spec.frequent:
                button = QPushButton(host)
                button.setObjectName(button_name(spec.object_name))
                mirror(button, action)
                self.buttons[spec.object_name] = button
        self.more_button = QPushButton(_tr("&Mais ações"), host)
        self.more_button.setObjectName(prefix + "MoreActions")
        self.more_button.setToolTip(_tr("Todas as ações do contrato (também no botão direito do mouse)"))
        self.menu = QMenu(host)
        self.menu.setObjectName(prefix + "MoreActionsMenu")
        self.fill(self.menu)
        self.more_button.setMenu(self.menu)

    def fill(self, menu: QMenu) -> None:
        """Add every action to `menu`, a separator between groups, tooltips visible."""
        menu.setToolTipsVisible(True)
        group = None
        for spec in self.specs:
            if group is not None and spec.order // 10 != group:
                menu.addSeparator()
            group = spec.order // 10
            menu.addAction(self.actions[spec.object_name])

    def update(self, contracts: list[Any], selected: int | None = None) -> None:
        """Enable each action for `contracts` (rows with ``number`` and ``status``).

        `selected` = how many contracts are selected (defaults to ``len(contracts)``).
        """
        count = len(contracts) if selected is None else selected
        for spec in self.specs:
            action = self.actions[spec.object_name]
            if spec.permission is not None and not self.context.can(spec.permission):
                set_state(action, False, _tr("seu perfil não tem permissão para esta ação."))
            elif count == 0:
                set_state(action, False, _tr("selecione um contrato."))
            elif count > 1 and not spec.multi:
                set_state(action, False, _tr("esta ação vale para um contrato por vez; selecione só um."))
            else:
                reason = contract_states.reason_for(spec.available, contracts)
                set_state(action, reason is None, reason)

    def hide_all(self) -> None:
        """Hide every action (a contract not saved yet)."""
        for action in self.actions.values():
            action.setVisible(False)
        self.more_button.hide()

    def show_all(self) -> None:
        """Show every action again."""
        for action in self.actions.values():
            action.setVisible(True)
        self.more_button.show()
