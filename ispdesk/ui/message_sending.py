"""Sending the outbox from the GUI: "Enviar agora" and the scheduler that runs while the app is open.

Both run `messages.send_due` in a worker thread (never on the GUI thread) and share one lock, so this
workstation never runs two sendings at once; other workstations are kept apart by the outbox's claims.
Quiet hours are `send_due`'s own rule. The interval is the parameter `mensagens_agendador_minutos`
(0 = off), read again when the parameters change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.wording import plural
from ispdesk.services import message_log, messages
from ispdesk.services import parameters as params_service
from ispdesk.services.messages import SendResult
from ispdesk.services.uow import UnitOfWork
from ispdesk.ui.context import AppContext
from ispdesk.ui.workers import Progress, Worker, run_in_background

#: One sending at a time in this process (the scheduler and "Enviar agora").
_SENDING = threading.Lock()
BUSY_TEXT = "Já há um envio de mensagens em andamento; aguarde ele terminar."
Send = Callable[..., SendResult]


def sending_now() -> bool:
    """True while a sending started from this app is running."""
    return _SENDING.locked()


def result_text(result: SendResult) -> str:
    """What a sending run did, in one Portuguese line (the status bars show it)."""
    moment = datetime.now().strftime("%H:%M")
    if result.outside_hours:
        return (f"Mensagens ({moment}): fora do horário de envio; {plural(result.pending, 'pendente', 'pendentes')} "
                "saem quando o horário começar.")
    head = f"Mensagens ({moment}): enviadas={result.sent} pendentes={result.pending} falhas={result.failed}"
    if result.letters:
        head += f", cartas a imprimir={result.letters}"
    if result.cancelled:
        head += " — envio cancelado; o restante sai no próximo envio"
    if result.problem:
        head += f" — {result.problem.rstrip('.')}. Confira os parâmetros de e-mail (Configurações › Parâmetros)."
    return head


def short_text(result: SendResult) -> str:
    """The status-bar form of `result_text`: ``Mensagens 15:40: 2 enviadas, 0 pendentes, 0 falhas``."""
    moment = datetime.now().strftime("%H:%M")
    if result.outside_hours:
        return f"Mensagens {moment}: fora do horário de envio ({result.pending} pendentes)"
    text = f"Mensagens {moment}: {result.sent} enviadas, {result.pending} pendentes, {result.failed} falhas"
    return text + (" — servidor com problema (veja a dica)" if result.problem else "")


def send_in_background(parent: QWidget, context: AppContext, on_done: Callable[[SendResult], None],
                       on_error: Callable[[str], None], show_dialog: bool = True,
                       send: Send | None = None) -> Worker | None:
    """Run one sending in a worker thread; None (nothing started) while another one is running."""
    if not _SENDING.acquire(blocking=False):
        return None
    sender = send or messages.send_due

    def job(progress: Progress) -> SendResult:
        try:
            total = _due(context.uow())
            progress.report(0, total, "Enviando mensagens…")

            def stop(done: int) -> bool:
                progress.report(done, max(total, done), f"Enviando mensagens… {done} de {max(total, done)}")
                return progress.cancelled

            return sender(context.uow(), stop=stop)
        finally:
            _SENDING.release()

    try:
        return run_in_background(parent, "Enviar mensagens", job, on_done, on_error, show_dialog=show_dialog)
    except BaseException:
        _SENDING.release()
        raise


def _due(uow: UnitOfWork) -> int:
    try:
        return message_log.due_count(uow)
    except BusinessRuleError:
        return 0


class MessageScheduler(QObject):
    """Sends the outbox every `mensagens_agendador_minutos` while the main window is open.

    Attributes:
        label: the status-bar line (`messageSchedulerLabel`) with the last run's result.
        timer: the interval timer (inactive when the parameter is 0).
        worker: the running sending, if any.

    Signals:
        ran(str): a run ended; the line shown.
    """

    ran = Signal(str)

    def __init__(self, context: AppContext, window: QWidget, interval_ms: int | None = None,
                 send: Send | None = None) -> None:
        super().__init__(window)
        self.setObjectName("messageScheduler")
        self.context = context
        self.window = window
        self.send = send
        self.worker: Worker | None = None
        self.skipped = 0
        self._interval_override = interval_ms
        self.label = QLabel("", window)
        self.label.setObjectName("messageSchedulerLabel")
        self.timer = QTimer(self)
        self.timer.setObjectName("messageSchedulerTimer")
        self.timer.timeout.connect(self.tick)
        self.apply_parameters()
        context.events.changed.connect(self._changed)

    def _changed(self, kind: str) -> None:
        if kind == "parameters":
            self.apply_parameters()

    def interval_ms(self) -> int:
        """The interval in milliseconds (0 = off)."""
        if self._interval_override is not None:
            return self._interval_override
        try:
            minutes = int(params_service.get_all(self.context.uow())["mensagens_agendador_minutos"])
        except (BusinessRuleError, KeyError):
            minutes = 0
        return max(0, minutes) * 60_000

    def apply_parameters(self) -> None:
        """Start, restart or stop the timer after the parameter."""
        interval = self.interval_ms()
        if interval <= 0:
            self.timer.stop()
            self.label.setText("Envio automático de mensagens desligado")
            self.label.setToolTip("Ligue em Configurações › Parâmetros › Mensagens "
                                  "(“Envio automático com o programa aberto”).")
            return
        self.timer.start(interval)
        if not self.label.text() or "desligado" in self.label.text():
            every = interval // 60_000
            self.label.setText(f"Envio automático de mensagens a cada {every} min" if every
                               else "Envio automático de mensagens ligado")
            self.label.setToolTip("")

    def tick(self) -> Worker | None:
        """One scheduled run, in a worker thread; skipped while another sending is running."""
        worker = send_in_background(self.window, self.context, self._done, self._failed, show_dialog=False,
                                    send=self.send)
        if worker is None:
            self.skipped += 1
            return None
        self.worker = worker
        return worker

    def _done(self, result: Any) -> None:
        text = result_text(result)
        self.label.setText(short_text(result))
        self.label.setToolTip(text)
        if result.sent or result.failed:
            self.context.events.changed.emit("message")
        self.ran.emit(text)

    def _failed(self, message: str) -> None:
        text = f"Mensagens: o envio automático falhou — {message}"
        self.label.setText(text.splitlines()[0])
        self.label.setToolTip(text)
        self.ran.emit(text)

    def stop(self) -> None:
        """No more runs (the window is closing)."""
        self.timer.stop()
