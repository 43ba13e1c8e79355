"""The "Mensagens" tab of the contract form and of the customer form: that record's delivery log.

On the contract form an unsent notice that holds the suspension back (`aviso_exige_envio`) is
explained on top — the same text as the "Acesso" tab's Régua line — with a link to that tab, and
its row is highlighted and selected.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import access
from ispdesk.services.message_log import MessageFilter
from ispdesk.ui.context import AppContext
from ispdesk.ui.widgets.message_log import MessageLog


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class ContractMessagesPanel(QWidget):
    """Contract form › Mensagens (`contractMessagesPanel`).

    Attributes:
        log: the delivery log (`contractMessagesTable` …).
        hold_label: the suspension hold (`contractMessagesHold`), hidden when nothing is held.
    """

    def __init__(self, context: AppContext, contract_id: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractMessagesPanel")
        self.context = context
        self.contract_id = _uuid(contract_id)
        layout = QVBoxLayout(self)
        self.hold_label = QLabel("", self)
        self.hold_label.setObjectName("contractMessagesHold")
        self.hold_label.setWordWrap(True)
        self.hold_label.setStyleSheet("background: #fff1c2; border: 1px solid #d9b44a; padding: 6px;")
        self.hold_label.linkActivated.connect(self._show_access)
        self.hold_label.setVisible(False)
        layout.addWidget(self.hold_label)
        self.log = MessageLog(context, "contractMessages", self, MessageFilter(contract_id=self.contract_id),
                              (MessageLog.CONTRACT_COLUMN, MessageLog.CUSTOMER_COLUMN))
        layout.addWidget(self.log, 1)
        context.events.changed.connect(self._changed)
        self.reload()

    def _changed(self, kind: str) -> None:
        if kind in ("message", "contract") and self.isVisible():
            self.reload()

    def reload(self) -> None:
        """Read the messages and the hold again; the held notice is selected."""
        self.log.reload()
        try:
            hold = access.access_info(self.context.uow(), self.contract_id).notice_hold
        except BusinessRuleError:
            hold = None
        self.hold_label.setVisible(bool(hold))
        if hold:
            self.hold_label.setText(self.tr(
                "<b>Suspensão segurada:</b> {hold} A mensagem do aviso está destacada abaixo. "
                "<a href=\"acesso\">Ver na aba Acesso</a>").format(hold=hold.rstrip(".") + "."))
            held = next((r for r in self.log.model.rows() if r.holds_suspension), None)
            if held is not None and self.log.selected() is None:
                self.log.select(held.id)

    def _show_access(self, _link: str = "") -> None:
        """Bring the contract form's "Acesso" tab to front."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if isinstance(parent, QTabWidget):
            for i in range(parent.count()):
                widget = parent.widget(i)
                if widget is not None and widget.objectName() == "accessPanel":
                    parent.setCurrentIndex(i)
                    return


class CustomerMessagesPanel(QWidget):
    """Customer form › Mensagens (`customerMessagesPanel`): every message of the customer."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerMessagesPanel")
        self.context = context
        self.customer_id: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        self.log = MessageLog(context, "customerMessages", self, MessageFilter(customer_id=uuid.UUID(int=0)),
                              (MessageLog.CUSTOMER_COLUMN,))
        layout.addWidget(self.log, 1)
        context.events.changed.connect(self._changed)

    def _changed(self, kind: str) -> None:
        if kind in ("message", "contract") and self.customer_id is not None and self.isVisible():
            self.log.reload()

    def reload(self, customer_id: object | None = None) -> None:
        """Show the messages of `customer_id` (default: the one shown)."""
        if customer_id is not None:
            self.customer_id = _uuid(customer_id)
        if self.customer_id is not None:
            self.log.set_filter(MessageFilter(customer_id=self.customer_id))
