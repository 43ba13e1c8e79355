"""Plan changes and price adjustments in the main window.

- Tab "Alterações de plano" (`planChangesTab`, order 30).
- Contract action "Alterar plano" (`changePlanAction`): the wizard with the contract preselected.
- Contract panel "Valores" (`valueHistoryPanel`): the contract's value history (reajustes, plan changes).
- Menu Ferramentas › Reajuste anual… (`actionAdjustment`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import contract_states as states
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _tab(context: AppContext, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.tabs.plan_changes_tab import PlanChangesTab

    return PlanChangesTab(context, parent)


def _change_plan(parent: QWidget, context: AppContext, contract_ids: list[Any]) -> bool:
    from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

    if len(contract_ids) != 1:
        QMessageBox.information(parent, parent.tr("Alterar plano"), parent.tr("Selecione um único contrato."))
        return False
    return bool(PlanChangeWizard(context, contract_ids[0], parent).exec())


def _adjustment(window: QWidget) -> None:
    from ispdesk.ui.dialogs.adjustment_dialog import AdjustmentDialog

    AdjustmentDialog(window.context, window).exec()  # type: ignore[attr-defined]


def _value_panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.areas.changes_panel import ValueHistoryPanel

    return ValueHistoryPanel(context, contract_id, parent)


registry.TABS.append(registry.TabSpec(30, "Alterações de plano", _tab, Permission.CONTRACTS_VIEW,
                                     object_name="planChangesTab"))
registry.CONTRACT_ACTIONS.append(registry.ContractActionSpec(
    "Alterar p&lano…", "changePlanAction", _change_plan, Permission.PLAN_CHANGE, order=30,
    available=states.plan_change, frequent=True, shortcut="Ctrl+Shift+L"))
registry.CONTRACT_PANELS.append(registry.ContractPanelSpec(
    "Valores", "valueHistoryPanel", _value_panel, Permission.CONTRACTS_VIEW, order=60))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    ("Ferramentas",), "Reajuste anual…", "actionAdjustment", _adjustment, Permission.ADJUSTMENT_SIMULATE, order=30))
