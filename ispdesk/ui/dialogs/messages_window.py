"""Ferramentas › Mensagens (`messagesWindow`): the outbox queue and what was sent.

Filters, failures with their last error, the text sent, resend, letter delivery, counts per status
in the status bar and "Enviar agora" in a worker thread.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import MessageChannel, MessageStatus
from ispdesk.services import message_log
from ispdesk.services.message_log import MessageFilter
from ispdesk.ui import message_sending
from ispdesk.ui.context import AppContext
from ispdesk.ui.widgets.fields import DateEdit
from ispdesk.ui.widgets.message_log import MessageLog
from ispdesk.ui.window_state import remember_geometry
from ispdesk.ui.workers import Worker

COUNT_WORDS = (("pendente", "pendentes"), ("enviada", "enviadas"), ("falhou", "falhas"), ("carta", "cartas"))


def counts_text(counts: dict[str, int]) -> str:
    """``Pendentes: 3 · Enviadas: 10 · Falhas: 1 · Cartas: 2``."""
    return " · ".join(f"{word.capitalize()}: {counts.get(status, 0)}" for status, word in COUNT_WORDS)


def _combo(parent: QWidget, name: str, accessible: str, choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.addItem(parent.tr("Todos"), None)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class MessagesWindow(QMainWindow):
    """The "Mensagens" window.

    Attributes:
        log: the delivery log (`messagesTable`, `messagesText`, `messagesResendButton` …).
        status_combo / event_combo / channel_combo / contract_edit / since_edit / until_edit: filters.
        counts_label: counts per status (`messagesCounts`) in the window's status bar.
        worker: the running "Enviar agora", if any (tests wait on its signals).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("messagesWindow")
        self.setWindowTitle(self.tr("Mensagens"))
        self.context = context
        self.worker: Worker | None = None
        central = QWidget(self)
        central.setObjectName("messagesCentral")
        layout = QVBoxLayout(central)
        filters = QHBoxLayout()
        self.status_combo = _combo(central, "messagesStatusFilter", self.tr("Situação"), [
            (s.value, s.label) for s in MessageStatus])
        self.event_combo = _combo(central, "messagesEventFilter", self.tr("Evento"), MessageEvent.choices())
        self.channel_combo = _combo(central, "messagesChannelFilter", self.tr("Canal"), MessageChannel.choices())
        self.contract_edit = QLineEdit(central)
        self.contract_edit.setObjectName("messagesContractFilter")
        self.contract_edit.setAccessibleName(self.tr("Número do contrato"))
        self.contract_edit.setPlaceholderText(self.tr("nº"))
        self.contract_edit.setMaximumWidth(90)
        self.contract_edit.returnPressed.connect(self.apply_filters)
        self.since_edit = DateEdit(central)
        self.since_edit.setObjectName("messagesSinceFilter")
        self.since_edit.line.setAccessibleName(self.tr("Criadas de"))
        self.until_edit = DateEdit(central)
        self.until_edit.setObjectName("messagesUntilFilter")
        self.until_edit.line.setAccessibleName(self.tr("Criadas até"))
        for text, widget in ((self.tr("&Situação:"), self.status_combo), (self.tr("E&vento:"), self.event_combo),
                             (self.tr("Ca&nal:"), self.channel_combo), (self.tr("C&ontrato:"), self.contract_edit),
                             (self.tr("&De:"), self.since_edit), (self.tr("&Até:"), self.until_edit)):
            caption = QLabel(text, central)
            caption.setBuddy(widget.line if isinstance(widget, DateEdit) else widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        self.filter_button = QPushButton(self.tr("&Filtrar"), central)
        self.filter_button.setObjectName("messagesFilterButton")
        self.filter_button.clicked.connect(self.apply_filters)
        filters.addWidget(self.filter_button)
        self.clear_button = QPushButton(self.tr("&Limpar"), central)
        self.clear_button.setObjectName("messagesClearButton")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.send_button = QPushButton(self.tr("Enviar a&gora"), central)
        self.send_button.setObjectName("messagesSendButton")
        can_send = context.can(Permission.TASKS_RUN)
        self.send_button.setEnabled(can_send)
        self.send_button.setToolTip(self.tr("Envia agora o que está na fila (respeita o horário de envio).")
                                    if can_send else
                                    self.tr("Seu usuário não tem permissão para rodar tarefas (tasks.run)."))
        self.send_button.clicked.connect(self.send_now)
        filters.addWidget(self.send_button)
        layout.addLayout(filters)
        for combo in (self.status_combo, self.event_combo, self.channel_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filter_error = QLabel("", central)
        self.filter_error.setObjectName("messagesFilterError")
        self.filter_error.setStyleSheet("color: #a40000;")
        self.filter_error.setVisible(False)
        layout.addWidget(self.filter_error)
        self.log = MessageLog(context, "messages", central)
        self.log.reloaded.connect(self.reload_counts)
        layout.addWidget(self.log, 1)
        self.setCentralWidget(central)
        bar = QStatusBar(self)
        bar.setObjectName("messagesStatusBar")
        self.setStatusBar(bar)
        self.counts_label = QLabel("", bar)
        self.counts_label.setObjectName("messagesCounts")
        bar.addPermanentWidget(self.counts_label)
        self.sending_label = QLabel("", bar)
        self.sending_label.setObjectName("messagesSendResult")
        bar.addWidget(self.sending_label, 1)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.activated.connect(self.log.reload)
        context.events.changed.connect(self._changed)
        self.resize(1280, 720)
        remember_geometry(self)
        self.log.reload()

    # ------------------------------------------------------------------------------------------
    def _changed(self, kind: str) -> None:
        if kind in ("message", "contract", "customer", "suspension"):
            self.log.reload()

    def current_filter(self) -> MessageFilter:
        """The filter the fields describe.

        Raises:
            BusinessRuleError: a contract number or a date that cannot be read.
        """
        number_text = self.contract_edit.text().strip()
        if number_text and not number_text.isdigit():
            raise BusinessRuleError(self.tr("Número de contrato inválido: “{t}”. Digite só os números.").format(
                t=number_text), field="contrato")
        since: date | None = self.since_edit.value()
        until: date | None = self.until_edit.value()
        return MessageFilter(status=self.status_combo.currentData(), event=self.event_combo.currentData(),
                             channel=self.channel_combo.currentData(),
                             contract_number=int(number_text) if number_text else None, since=since, until=until)

    def apply_filters(self) -> None:
        """Read the messages matching the filter fields."""
        try:
            flt = self.current_filter()
            message_log.search_messages(self.context.uow(), flt, limit=1)  # the filter's own errors, in words
        except BusinessRuleError as exc:
            self.filter_error.setText(exc.message)
            self.filter_error.setVisible(True)
            return
        self.filter_error.setVisible(False)
        self.log.set_filter(flt)

    def clear_filters(self) -> None:
        """Every message again."""
        for combo in (self.status_combo, self.event_combo, self.channel_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.contract_edit.clear()
        self.since_edit.set_value(None)
        self.until_edit.set_value(None)
        self.apply_filters()

    def reload_counts(self) -> None:
        """Counts per status for the current filter (status ignored) in the status bar."""
        try:
            counts = message_log.message_counts(self.context.uow(), self.log.filter)
        except BusinessRuleError as exc:
            self.counts_label.setText(exc.message)
            return
        self.counts_label.setText(counts_text(counts))

    # ------------------------------------------------------------------------------------------
    def send_now(self) -> Worker | None:
        """Send what is due now in a worker thread, with progress and Cancelar."""
        self.send_button.setEnabled(False)

        def done(result: Any) -> None:
            self.send_button.setEnabled(True)
            self.sending_label.setText(message_sending.result_text(result))
            self.log.reload()
            self.context.events.changed.emit("message")

        def failed(text: str) -> None:
            self.send_button.setEnabled(True)
            self.sending_label.setText(text)

        self.worker = message_sending.send_in_background(self, self.context, done, failed, show_dialog=True)
        if self.worker is None:
            self.send_button.setEnabled(True)
            self.sending_label.setText(message_sending.BUSY_TEXT)
        return self.worker


def open_messages_window(window: QWidget) -> MessagesWindow:
    """Open the "Mensagens" window (one per main window), or bring it to front."""
    existing = getattr(window, "_messages_window", None)
    if isinstance(existing, MessagesWindow):
        try:
            existing.showNormal()
            existing.raise_()
            existing.activateWindow()
            existing.log.reload()
            return existing
        except RuntimeError:  # deleted meanwhile
            pass
    view = MessagesWindow(window.context, window)  # type: ignore[attr-defined]
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window._messages_window = view  # type: ignore[attr-defined]
    view.show()
    return view
