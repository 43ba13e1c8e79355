"""Arquivo › Banco de dados… (administrators)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ispdesk.domain.permissions import Permission
from ispdesk.ui.registry import MENU_ACTIONS, MenuActionSpec


def _open(window: QWidget) -> None:
    from ispdesk.ui.dialogs.database_dialog import DatabaseDialog

    context = getattr(window, "context", None)
    url = context.factory.engine.url.render_as_string(hide_password=False) if context is not None else None
    dialog = DatabaseDialog(window, url)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        QMessageBox.information(window, dialog.tr("Banco de dados"),
                                dialog.tr("A nova escolha vale a partir da próxima vez que o ispdesk for aberto."))


MENU_ACTIONS.append(
    MenuActionSpec(("Arquivo",), "Banco de dados…", "actionDatabase", _open, Permission.PARAMS_EDIT, order=10)
)
