"""The Rede tab of the contract form (network identity, FreeRADIUS answer, last session and CoA)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.dialogs.network_panel import NetworkPanel

    return NetworkPanel(context, contract_id, parent)


registry.CONTRACT_PANELS.append(
    registry.ContractPanelSpec("Rede", "networkPanelTab", _panel, Permission.CONTRACTS_VIEW, order=35))
