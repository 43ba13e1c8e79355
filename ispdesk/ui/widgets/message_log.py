"""The delivery log: a table of messages with the text sent, the last error, resend and letter delivery.

Shared by the "Mensagens" window (all messages, with filters) and the "Mensagens" tab of the customer
and contract forms (one customer's or one contract's messages). An unsent notice that holds a
suspension back (`aviso_exige_envio`) is highlighted and, on the contract form, explained on top.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import plural
from ispdesk.services import message_log, messages
from ispdesk.services.message_log import MessageFilter, MessageLogRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel

HOLD_BRUSH = QBrush(QColor("#fff1c2"))


def when(moment: datetime | None) -> str:
    """``dd/mm/aaaa hh:mm`` in local time, or empty."""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M") if moment else ""


class MessageModel(RowsTableModel[MessageLogRow]):
    """Messages; the unsent notice holding a suspension is painted (background, bold) and says why."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        role = int(role)
        row = self._rows[index.row()]
        if row.holds_suspension:
            if role == int(Qt.ItemDataRole.BackgroundRole):
                return HOLD_BRUSH
            if role == int(Qt.ItemDataRole.FontRole):
                font = QFont()
                font.setBold(True)
                return font
            if role == int(Qt.ItemDataRole.ToolTipRole):
                return ("Aviso de inadimplência ainda não enviado: a redução e o bloqueio esperam 15 dias "
                        "a partir do envio (parâmetro “Suspensão conta do envio do aviso”).")
        return self._value(index.row(), index.column(), role)


def message_model(parent: QWidget | None = None) -> MessageModel:
    """Table model of the delivery log."""
    columns: list[Column[MessageLogRow]] = [
        Column("Criada em", lambda r: when(r.created_at), lambda r: r.created_at),
        Column("Evento", lambda r: r.event_label + (" ⚠" if r.holds_suspension else "")),
        Column("Contrato", lambda r: str(r.contract_number or ""), lambda r: r.contract_number or 0,
               align_right=True),
        Column("Cliente", lambda r: r.customer_name),
        Column("Canal", lambda r: r.channel_label),
        Column("Endereço", lambda r: r.address or "—"),
        Column("Situação", lambda r: r.status_label),
        Column("Enviada em", lambda r: when(r.sent_at), lambda r: r.sent_at),
        Column("Tentativas", lambda r: str(r.attempts), lambda r: r.attempts, align_right=True),
        Column("Último erro", lambda r: r.last_error, tooltip=lambda r: r.last_error),
    ]
    return MessageModel(columns, parent)


class MessageLog(QWidget):
    """Table + text of the selected message + actions (Reenviar, Marcar carta entregue, Atualizar).

    `names` prefixes the objectNames (``messages`` in the window, ``customerMessages`` …) so two logs
    on screen never share a name: ``<names>Table``, ``<names>Text``, ``<names>Error``,
    ``<names>ResendButton``, ``<names>DeliveredButton``, ``<names>RefreshButton``, ``<names>Info``.

    Signals:
        reloaded(): the rows were read again (the window refreshes its counts).
    """

    reloaded = Signal()

    #: Columns a form's log hides (the form already says which contract / customer it is).
    CONTRACT_COLUMN, CUSTOMER_COLUMN = 2, 3

    def __init__(self, context: AppContext, names: str, parent: QWidget | None = None,
                 flt: MessageFilter | None = None, hidden_columns: tuple[int, ...] = ()) -> None:
        super().__init__(parent)
        self.context = context
        self.filter = flt or MessageFilter()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = message_model(self)
        self.table = QTableView(self)
        self.table.setObjectName(f"{names}Table")
        self.table.setAccessibleName(self.tr("Mensagens"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column in hidden_columns:
            self.table.setColumnHidden(column, True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        below = QWidget(self)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        self.error_label = QLabel("", below)
        self.error_label.setObjectName(f"{names}Error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        below_layout.addWidget(self.error_label)
        self.text = QPlainTextEdit(below)
        self.text.setObjectName(f"{names}Text")
        self.text.setAccessibleName(self.tr("Texto enviado"))
        self.text.setReadOnly(True)
        self.text.setPlaceholderText(self.tr("Selecione uma mensagem para ver o texto enviado ao cliente."))
        below_layout.addWidget(self.text)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName(f"{names}Splitter")
        splitter.addWidget(self.table)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        bar = QHBoxLayout()
        self.resend_button = QPushButton(self.tr("&Reenviar"), self)
        self.resend_button.setObjectName(f"{names}ResendButton")
        self.resend_button.setToolTip(self.tr("Recoloca a mensagem que falhou na fila; ela sai no próximo envio."))
        self.resend_button.clicked.connect(self.resend_selected)
        bar.addWidget(self.resend_button)
        self.delivered_button = QPushButton(self.tr("Marcar carta &entregue"), self)
        self.delivered_button.setObjectName(f"{names}DeliveredButton")
        self.delivered_button.setToolTip(self.tr(
            "Registra que as cartas impressas do contrato foram entregues ao cliente; um aviso entregue conta "
            "como enviado a partir de agora."))
        self.delivered_button.clicked.connect(self.deliver_selected)
        bar.addWidget(self.delivered_button)
        self.refresh_button = QPushButton(self.tr("A&tualizar"), self)
        self.refresh_button.setObjectName(f"{names}RefreshButton")
        self.refresh_button.clicked.connect(self.reload)
        bar.addWidget(self.refresh_button)
        self.info = QLabel("", self)
        self.info.setObjectName(f"{names}Info")
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        self._can_edit = context.can(Permission.CONTRACTS_EDIT)
        if not self._can_edit:
            tip = self.tr("Seu usuário não tem permissão para alterar contratos (contracts.edit).")
            self.resend_button.setToolTip(tip)
            self.delivered_button.setToolTip(tip)
        self._show_selected()

    # ------------------------------------------------------------------------------------------
    def set_filter(self, flt: MessageFilter) -> None:
        """Show the messages matching `flt`."""
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """Read the messages again (the selection follows the same message when it is still listed)."""
        chosen = self.selected()
        try:
            rows = message_log.search_messages(self.context.uow(), self.filter)
        except BusinessRuleError as exc:
            self.info.setText(exc.message)
            return
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column in (3, 5, 9):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        if len(rows) >= message_log.LIMIT:
            self.info.setText(self.tr("Mostrando as {n} mais recentes; use os filtros para ver as outras.").format(
                n=len(rows)))
        else:
            self.info.setText("")
        if chosen is not None:
            self.select(chosen.id)
        self._show_selected()
        self.reloaded.emit()

    def select(self, message_id: object) -> bool:
        """Select the row of message `message_id`; False when it is not listed."""
        for i, row in enumerate(self.model.rows()):
            if row.id == message_id:
                self.table.selectRow(i)
                self.table.setCurrentIndex(self.model.index(i, 0))
                return True
        return False

    def selected(self) -> MessageLogRow | None:
        """The selected message, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        row = self.selected()
        self.resend_button.setEnabled(self._can_edit and row is not None and row.resendable)
        self.delivered_button.setEnabled(self._can_edit and row is not None and row.letter_waiting
                                         and row.contract_number is not None)
        if row is None:
            self.text.setPlainText("")
            self.error_label.setText("")
            return
        header = [self.tr("Assunto: {s}").format(s=row.subject)]
        if row.address:
            header.append(self.tr("Para: {a}").format(a=row.address))
        self.text.setPlainText("\n".join(header) + "\n\n" + row.body)
        if row.last_error:
            retry = "" if row.status != "pendente" else self.tr(" Nova tentativa a partir de {t}.").format(
                t=when(row.next_attempt_at))
            self.error_label.setText(self.tr("Último erro ({n}): {e}.{r}").format(
                n=plural(row.attempts, self.tr("tentativa"), self.tr("tentativas")), e=row.last_error.rstrip("."),
                r=retry))
        elif row.holds_suspension:
            self.error_label.setText(self.tr(
                "Aviso ainda não enviado: a suspensão do contrato espera o envio (ou a entrega da carta)."))
        else:
            self.error_label.setText("")

    # ------------------------------------------------------------------------------------------
    def resend_selected(self) -> bool:
        """Put the selected failed message back in the queue."""
        row = self.selected()
        if row is None:
            return False
        try:
            text = message_log.resend_message(self.context.uow(), row.id)
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Reenviar mensagem"), exc.message)
            return False
        self.context.events.status.emit(text)
        self.context.events.changed.emit("message")
        self.reload()
        self.info.setText(text)
        return True

    def deliver_selected(self) -> bool:
        """Mark the selected letter's contract letters as handed to the customer (after a confirmation)."""
        row = self.selected()
        if row is None or row.contract_number is None:
            return False
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Marcar carta entregue"), self.tr(
            "Registrar que as cartas do contrato {n} foram entregues ao cliente agora? Um aviso de inadimplência "
            "entregue passa a contar como enviado a partir de hoje.").format(n=row.contract_number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("messagesDeliveredConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            count = messages.mark_letters_delivered(self.context.uow(), row.contract_number)
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Marcar carta entregue"), exc.message)
            return False
        text = self.tr("Contrato {n}: {c}.").format(
            n=row.contract_number, c=plural(count, self.tr("carta marcada como entregue"),
                                            self.tr("cartas marcadas como entregues")))
        self.context.events.status.emit(text)
        self.context.events.changed.emit("contract")
        self.reload()
        self.info.setText(text)
        return True
