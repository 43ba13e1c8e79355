"""Messages area: Ferramentas › Mensagens, Modelos de mensagem and the contract form's "Mensagens" tab."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def open_messages(window: QWidget) -> None:
    """Open (or bring to front) the "Mensagens" window."""
    from ispdesk.ui.dialogs.messages_window import open_messages_window

    open_messages_window(window)


def open_templates(window: QWidget) -> None:
    """Open the "Modelos de mensagem" dialog."""
    from ispdesk.ui.dialogs.message_templates_dialog import open_message_templates

    open_message_templates(window)


def _panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.widgets.message_panels import ContractMessagesPanel

    return ContractMessagesPanel(context, contract_id, parent)


registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Ferramentas",), title="Mensagens…", object_name="actionMessagesWindow", handler=open_messages,
    permission=Permission.CONTRACTS_VIEW, shortcut="Ctrl+Shift+M", order=25))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Ferramentas",), title="Modelos de mensagem…", object_name="actionMessageTemplates",
    handler=open_templates, permission=Permission.CONTRACTS_VIEW, order=26))
registry.CONTRACT_PANELS.append(
    registry.ContractPanelSpec("Mensagens", "contractMessagesPanel", _panel, Permission.CONTRACTS_VIEW, order=35))
