"""Billing area: the "Cobranças" contract panel, the billing contract actions and Gerar cobranças.

Contract actions: cancel (with the fine shown first), one-off charge, record / reverse payment,
negativar — each with its permission. Menu: Financeiro › Gerar cobranças… (in the background).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui import contract_states as states
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext


def _panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.areas.billing_panel import ChargesPanel

    return ChargesPanel(context, contract_id, parent)


def _single(parent: QWidget, contract_ids: list[Any], title: str) -> uuid.UUID | None:
    if len(contract_ids) != 1:
        QMessageBox.information(parent, title, parent.tr("Selecione um único contrato para esta ação."))
        return None
    return contract_ids[0]


def _dialog_action(title: str, build: Callable[[AppContext, uuid.UUID, QWidget], QDialog]
                   ) -> Callable[[QWidget, AppContext, list[Any]], bool]:
    def handler(parent: QWidget, context: AppContext, contract_ids: list[Any]) -> bool:
        contract_id = _single(parent, contract_ids, title)
        if contract_id is None:
            return False
        return build(context, contract_id, parent).exec() == QDialog.DialogCode.Accepted

    return handler


def _cancel(context: AppContext, contract_id: uuid.UUID, parent: QWidget) -> QDialog:
    from ispdesk.ui.dialogs.billing_cancel import CancelContractDialog

    return CancelContractDialog(context, contract_id, parent)


def _one_off(context: AppContext, contract_id: uuid.UUID, parent: QWidget) -> QDialog:
    from ispdesk.ui.dialogs.billing_charge import OneOffChargeDialog

    return OneOffChargeDialog(context, contract_id, parent)


def _pay(context: AppContext, contract_id: uuid.UUID, parent: QWidget) -> QDialog:
    from ispdesk.ui.dialogs.billing_payment import RecordPaymentDialog

    return RecordPaymentDialog(context, contract_id, None, parent)


def _reverse(context: AppContext, contract_id: uuid.UUID, parent: QWidget) -> QDialog:
    from ispdesk.ui.dialogs.billing_payment import ReversePaymentDialog

    return ReversePaymentDialog(context, contract_id, None, parent)


def _negativate(context: AppContext, contract_id: uuid.UUID, parent: QWidget) -> QDialog:
    from ispdesk.ui.dialogs.billing_negativation import NegativationDialog

    return NegativationDialog(context, contract_id, parent)


def _generate(window: QWidget) -> None:
    from ispdesk.ui.dialogs.billing_generate import GenerateChargesDialog

    GenerateChargesDialog(window.context, window).exec()  # type: ignore[attr-defined]


registry.CONTRACT_PANELS.append(registry.ContractPanelSpec(
    title="Cobranças", object_name="chargesPanel", factory=_panel, permission=Permission.CONTRACTS_VIEW, order=20))

for _title, _name, _build, _perm, _order, _available, _frequent, _keys in (
    ("Cancelar con&trato…", "cancelContractAction", _cancel, Permission.CONTRACTS_CANCEL, 40, states.cancel, True,
     "Ctrl+Shift+X"),
    ("Cobrança &avulsa…", "oneOffChargeAction", _one_off, Permission.CHARGES_CREATE, 50, None, False, ""),
    ("Registrar &pagamento…", "recordPaymentAction", _pay, Permission.PAYMENTS_RECORD, 51, None, True,
     "Ctrl+Shift+P"),
    ("&Estornar pagamento…", "reversePaymentAction", _reverse, Permission.PAYMENTS_REVERSE, 52, None, False, ""),
    ("&Negativar…", "negativateAction", _negativate, Permission.CONTRACTS_NEGATIVATE, 60, states.negativate, False,
     ""),
):
    registry.CONTRACT_ACTIONS.append(registry.ContractActionSpec(
        title=_title, object_name=_name, handler=_dialog_action(_title.replace("&", "").rstrip("…"), _build),
        permission=_perm, order=_order, available=_available, frequent=_frequent, shortcut=_keys))

registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Financeiro",), title="Gerar cobranças…", object_name="actionGenerateCharges", handler=_generate,
    permission=Permission.CHARGES_GENERATE, order=10))
