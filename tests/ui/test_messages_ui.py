"""The "Mensagens" window, the delivery log on the contract and customer forms, "Enviar agora" in a
worker thread (with Cancelar) and the scheduler that sends while the app is open (issue 14).

Real databases, a real SMTP server on loopback; screenshots at 1366×768 go to ``ISPDESK_SHOTS_DIR``.
"""

from __future__ import annotations

import os
import threading
import time as clock_time
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QRunnable, Qt, QThreadPool
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import select

from ispdesk.db.models import Contract
from ispdesk.domain.clock import FixedClock
from ispdesk.services import message_log, messages
from ispdesk.services import parameters as params_service
from ispdesk.services.message_log import MessageFilter
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory
from ispdesk.ui import message_sending
from ispdesk.ui.context import AppContext, DataEvents
from tests.services.test_messages import Uow, configure, local, notice_day, outbox, overdue
from tests.smtp_server import free_port, smtp_server
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "This plugin does not support")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")


@pytest.fixture
def context(factory: UnitOfWorkFactory, admin: Actor) -> AppContext:
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


def _office_hours(clock: FixedClock, day: date, hour: int, minute: int = 0) -> None:
    """Put the clock at `hour`:`minute` of the workstation's local time on `day`."""
    moment = local(day, hour, minute).astimezone(UTC)
    clock.day, clock.at = moment.date(), moment.time()


def _failed_and_letter(uow: Uow, clock: FixedClock) -> tuple[date, int, list[int]]:
    """Two e-mails that failed (server down, one try allowed) and one letter; returns (day, port, numbers).

    A legal notice that failed on every channel is also written as a letter (never dropped), so the
    two failures bring two more letters: 5 rows in all.
    """
    numbers = overdue(uow, 2)
    numbers += overdue(uow, 1, email=False)
    day = notice_day(uow, clock)
    port = free_port()
    configure(uow, port, mensagens_tentativas=1)
    result = messages.send_due(uow(), local(day, 9))
    assert result.failed == 2
    _office_hours(clock, day, 9, 30)
    return day, port, numbers


def test_menu_opens_the_window_filters_counts_and_resend(qtbot, qtmodeltester, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.main_window import MainWindow

    day, port, numbers = _failed_and_letter(uow, clock)
    window = MainWindow(context)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "actionMessagesWindow")
    assert action is not None and action.shortcut().toString() == "Ctrl+Shift+M"
    action.trigger()
    view = window._messages_window
    qtbot.addWidget(view)
    assert view.objectName() == "messagesWindow" and view.isVisible()
    view.resize(1366, 768)
    model = view.log.model
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert view.counts_label.text() == "Pendentes: 0 · Enviadas: 0 · Falhas: 2 · Cartas: 3"
    _shot(view, "messages-window.png")
    # filter: failures only, then the contract number of the letter, then a bad number
    view.status_combo.setCurrentIndex(view.status_combo.findData("falhou"))
    assert model.rowCount() == 2 and {r.status for r in model.rows()} == {"falhou"}
    view.status_combo.setCurrentIndex(0)
    view.contract_edit.setText(str(numbers[2]))
    view.filter_button.click()
    assert [r.contract_number for r in model.rows()] == [numbers[2]]
    assert view.counts_label.text() == "Pendentes: 0 · Enviadas: 0 · Falhas: 0 · Cartas: 1"
    view.contract_edit.setText("12a")
    view.filter_button.click()
    assert not view.filter_error.isHidden() and "Digite só os números" in view.filter_error.text()
    view.since_edit.set_value(date(2026, 12, 1))
    view.until_edit.set_value(date(2026, 11, 1))
    view.contract_edit.clear()
    view.filter_button.click()
    assert "período" in view.filter_error.text()
    view.clear_button.click()
    assert view.filter_error.isHidden() and model.rowCount() == 5
    # a failed message: its text, its last error, resend
    failed_row = next(i for i, r in enumerate(model.rows()) if r.status == "falhou")
    view.log.table.selectRow(failed_row)
    assert "Assunto: Aviso de débito em aberto" in view.log.text.toPlainText()
    assert "servidor SMTP" in view.log.error_label.text()
    assert view.log.resend_button.isEnabled() and not view.log.delivered_button.isEnabled()
    target = model.row_at(failed_row).id
    _shot(view, "messages-window-failed.png")
    assert view.log.resend_selected()
    assert "recolocada na fila" in view.log.info.text()
    assert {r.id: r.status for r in model.rows()}[target] == "pendente"
    assert view.log.selected() is not None and view.log.selected().id == target  # the selection follows it
    assert view.counts_label.text() == "Pendentes: 1 · Enviadas: 0 · Falhas: 1 · Cartas: 3"
    # a letter: marcar carta entregue, after the confirmation
    letter_row = next(i for i, r in enumerate(model.rows()) if r.status == "carta" and r.contract_number == numbers[2])
    view.log.table.selectRow(letter_row)
    assert view.log.delivered_button.isEnabled() and not view.log.resend_button.isEnabled()
    modal = NextModal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert view.log.deliver_selected()
    assert modal.check() == "messagesDeliveredConfirm"
    assert {r.contract_number: r.status_label for r in model.rows()}[numbers[2]] == "Carta entregue"
    assert not view.log.delivered_button.isEnabled()
    action.trigger()  # the same window again, not a second one
    assert window._messages_window is view


def test_send_now_in_a_worker_thread_with_progress_and_cancel(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.messages_window import MessagesWindow

    numbers = overdue(uow, 3)
    day = notice_day(uow, clock)
    _office_hours(clock, day, 10)
    view = MessagesWindow(context)
    qtbot.addWidget(view)
    view.show()
    with smtp_server() as (inbox, port):
        configure(uow, port)
        pool = QThreadPool.globalInstance()
        before = pool.maxThreadCount()
        gate = threading.Event()

        class Hold(QRunnable):
            def run(self) -> None:
                gate.wait(10)

        pool.setMaxThreadCount(1)
        pool.start(Hold())  # the only thread is busy: the sending waits, so Cancelar comes first
        try:
            worker = view.send_now()
            assert worker is not None and not view.send_button.isEnabled()
            assert message_sending.send_in_background(view, context, print, print) is None  # never two at once
            worker.cancel()
            gate.set()
            with qtbot.waitSignal(worker.signals.finished, timeout=15000) as got:
                pass
        finally:
            gate.set()
            pool.setMaxThreadCount(before)
        result = got.args[0]
        assert result.cancelled and result.sent == 1 and len(inbox.messages) == 1
        assert "envio cancelado" in view.sending_label.text() and view.send_button.isEnabled()
        assert view.counts_label.text().startswith("Pendentes: 2 · Enviadas: 1")
        worker = view.send_now()
        assert worker is not None
        with qtbot.waitSignal(worker.signals.finished, timeout=15000):
            pass
        assert len(inbox.messages) == 3 and "enviadas=2 pendentes=0 falhas=0" in view.sending_label.text()
    assert {r.status for r in outbox(uow)} == {"enviada"} and len(numbers) == 3


def test_scheduler_sends_off_the_gui_thread_one_run_at_a_time(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.message_sending import MessageScheduler

    overdue(uow, 2)
    day = notice_day(uow, clock)
    _office_hours(clock, day, 10)
    threads: list[str] = []
    running = [0]
    most = [0]

    def send(u: UnitOfWork, **kwargs: object) -> messages.SendResult:
        running[0] += 1
        most[0] = max(most[0], running[0])
        threads.append(threading.current_thread().name)
        try:
            clock_time.sleep(0.2)  # a slow server: ticks keep coming meanwhile
            return messages.send_due(u, **kwargs)  # type: ignore[arg-type]
        finally:
            running[0] -= 1

    holder = QWidget()
    qtbot.addWidget(holder)
    with smtp_server() as (inbox, port):
        configure(uow, port)
        scheduler = MessageScheduler(context, holder, interval_ms=30, send=send)
        assert scheduler.timer.isActive() and scheduler.timer.interval() == 30
        qtbot.waitUntil(lambda: len(threads) >= 2, timeout=15000)
        scheduler.stop()
        qtbot.waitUntil(lambda: not message_sending.sending_now(), timeout=15000)
        assert len(inbox.messages) == 2  # sent once, whatever the number of runs
    assert threading.main_thread().name not in threads
    assert most[0] == 1 and scheduler.skipped >= 1
    qtbot.waitUntil(lambda: "enviadas=" in scheduler.label.toolTip(), timeout=5000)
    assert " enviadas, " in scheduler.label.text()
    assert scheduler.label.objectName() == "messageSchedulerLabel"


def test_scheduler_respects_quiet_hours_and_the_switch(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.main_window import MainWindow

    overdue(uow, 1)
    day = notice_day(uow, clock)
    _office_hours(clock, day, 22)  # after 20:00: nothing goes out
    window = MainWindow(context)
    qtbot.addWidget(window)
    scheduler = window.message_scheduler
    assert scheduler is not None and scheduler.timer.interval() == 5 * 60_000  # the default: 5 minutes
    assert scheduler.label.text() == "Envio automático de mensagens a cada 5 min"
    assert window.statusBar().findChild(QWidget, "messageSchedulerLabel") is scheduler.label
    with smtp_server() as (inbox, port):
        configure(uow, port)
        worker = scheduler.tick()
        assert worker is not None
        with qtbot.waitSignal(worker.signals.finished, timeout=15000):
            pass
        assert inbox.messages == [] and "fora do horário" in scheduler.label.text()
    window.resize(1366, 768)
    window.show()
    _shot(window, "main-window-scheduler.png")
    params_service.update(uow(), {"mensagens_agendador_minutos": 0})
    context.events.changed.emit("parameters")
    assert not scheduler.timer.isActive() and "desligado" in scheduler.label.text()
    params_service.update(uow(), {"mensagens_agendador_minutos": 2})
    context.events.changed.emit("parameters")
    assert scheduler.timer.isActive() and scheduler.timer.interval() == 120_000


def test_no_scheduler_for_a_user_who_may_not_run_tasks(qtbot, factory, attendant) -> None:  # noqa: ANN001
    from ispdesk.ui.main_window import MainWindow

    window = MainWindow(AppContext(factory=factory, actor=attendant, events=DataEvents()))
    qtbot.addWidget(window)
    assert window.message_scheduler is None
    assert window.findChild(QWidget, "messageSchedulerLabel") is None


def test_contract_form_tab_highlights_the_unsent_notice_and_links_to_acesso(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.contract_form import ContractForm
    from ispdesk.ui.widgets.message_panels import ContractMessagesPanel

    params_service.update(uow(), {"aviso_exige_envio": True})
    (number,) = overdue(uow, 1)
    notice_day(uow, clock)
    clock.day = date(2026, 10, 20)  # past the block date: the block waits for the notice
    (row,) = message_log.search_messages(uow(), MessageFilter(contract_number=number))
    contract_id = _contract_id(uow, number)
    form = ContractForm(context, contract_id)
    qtbot.addWidget(form)
    form.resize(1366, 768)
    form.show()
    panel = form.findChild(ContractMessagesPanel, "contractMessagesPanel")
    assert panel is not None
    form.tabs.setCurrentWidget(panel)
    assert not panel.hold_label.isHidden()
    assert "Suspensão segurada" in panel.hold_label.text() and "aguardando o envio do aviso" in panel.hold_label.text()
    model = panel.log.model
    assert model.rowCount() == 1 and model.row_at(0).id == row.id and model.row_at(0).holds_suspension
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert panel.log.table.isColumnHidden(2) and panel.log.table.isColumnHidden(3)  # contract, customer
    assert "⚠" in model.data(model.index(0, 1))
    assert panel.log.selected() is not None and "suspensão" in panel.log.error_label.text()
    _shot(form, "contract-form-messages.png")
    panel.hold_label.linkActivated.emit("acesso")
    assert form.tabs.currentWidget().objectName() == "accessPanel"
    # the letter handed over / the e-mail sent: no more hold
    with smtp_server() as (_inbox, port):
        configure(uow, port)
        _office_hours(clock, date(2026, 10, 20), 10)
        assert messages.send_due(uow()).sent == 1
    form.tabs.setCurrentWidget(panel)
    panel.reload()
    assert panel.hold_label.isHidden() and not model.row_at(0).holds_suspension
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is None


def test_customer_form_lists_the_customers_messages(qtbot, context, uow, clock) -> None:  # noqa: ANN001
    from ispdesk.ui.dialogs.customer_form import CustomerForm

    (number,) = overdue(uow, 1, email=False)
    overdue(uow, 1)  # someone else's message: not listed
    notice_day(uow, clock)
    customer_id = _customer_id(uow, number)
    form = CustomerForm(context, customer_id)
    qtbot.addWidget(form)
    tabs = form.ui.formTabs
    assert tabs.tabText(form.messages_tab_index) == "Mensagens" and tabs.isTabEnabled(form.messages_tab_index)
    tabs.setCurrentIndex(form.messages_tab_index)
    log = form.messages_panel.log
    assert [r.contract_number for r in log.model.rows()] == [number]
    assert log.table.objectName() == "customerMessagesTable"
    log.table.selectRow(0)
    assert log.delivered_button.isEnabled()
    form.resize(1366, 768)
    form.show()
    _shot(form, "customer-form-messages.png")
    new = CustomerForm(context)
    qtbot.addWidget(new)
    assert not new.ui.formTabs.isTabEnabled(new.messages_tab_index)


def _contract_id(uow: Uow, number: int) -> object:
    with uow() as u:
        return u.session.scalar(select(Contract.id).where(Contract.number == number))


def _customer_id(uow: Uow, number: int) -> object:
    with uow() as u:
        return u.session.scalar(select(Contract.customer_id).where(Contract.number == number))


def test_result_line_says_what_happened() -> None:
    line = message_sending.result_text(messages.SendResult(sent=2, pending=1, failed=0, letters=1))
    assert "enviadas=2 pendentes=1 falhas=0, cartas a imprimir=1" in line
    down = message_sending.result_text(messages.SendResult(pending=3, problem="Sem conexão com o servidor SMTP."))
    assert "Confira os parâmetros de e-mail" in down
    assert datetime.now().strftime("%H:") in down
