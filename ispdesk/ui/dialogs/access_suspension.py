"""The "Bloqueios" view: what the next run of the routine will do, and the last runs.

A button runs the routine for the chosen date in a worker thread with a progress dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.access import status_label
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.services import access
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.fields import DateEdit
from ispdesk.ui.workers import Progress, Worker, run_in_background

_SHORT = {"aviso": ("aviso", "avisos"), "reducao": ("redução", "reduções"), "bloqueio": ("bloqueio", "bloqueios"),
          "rescisao": ("rescisão", "rescisões"), "fim_liberacao": ("fim de liberação", "fins de liberação"),
          "sem_debito": ("restabelecido", "restabelecidos"), "cancelamento": ("cancelado", "cancelados"),
          "falhas": ("falha", "falhas")}


def counts_text(counts: dict[str, int]) -> str:
    """``3 avisos, 1 bloqueio …`` (only the kinds that happen); ``nada a fazer`` when none."""
    parts = []
    for key in access.COUNT_KEYS:
        n = counts.get(key, 0)
        if n:
            parts.append(f"{n} {_SHORT[key][0 if n == 1 else 1]}")
    return ", ".join(parts) or "nada a fazer"


def preview_model(parent: QWidget | None = None) -> RowsTableModel[access.PreviewRow]:
    """Table model of the preview rows."""
    columns: list[Column[access.PreviewRow]] = [
        Column("Contrato", lambda r: str(r.number), lambda r: r.number, align_right=True),
        Column("Cliente", lambda r: r.customer_name),
        Column("Acesso atual", lambda r: status_label(r.access_status)),
        Column("Vencido desde", lambda r: format_date(r.overdue_since), lambda r: r.overdue_since),
        Column("Aviso em", lambda r: format_date(r.notice_date), lambda r: r.notice_date),
        Column("Em atraso", lambda r: format_brl(r.amount), lambda r: r.amount, align_right=True),
        Column("Ação da rotina", lambda r: r.action),
        Column("Novo acesso", lambda r: "Contrato cancelado" if r.to_status == "cancelado"
               else status_label(r.to_status)),
    ]
    return RowsTableModel(columns, parent)


def runs_model(parent: QWidget | None = None) -> RowsTableModel[access.RunRow]:
    """Table model of the last runs."""

    def count(key: str) -> Column[access.RunRow]:
        return Column(access.COUNT_LABELS[key].split(" (")[0], lambda r: str(r.counts.get(key, 0)),
                      lambda r: r.counts.get(key, 0), align_right=True)

    columns: list[Column[access.RunRow]] = [
        Column("Data da rotina", lambda r: format_date(r.run_date), lambda r: r.run_date),
        Column("Executada em", lambda r: r.started_at.astimezone().strftime("%d/%m/%Y %H:%M"),
               lambda r: r.started_at),
        Column("Situação", lambda r: "concluída" if r.finished_at else "interrompida"),
        Column("Usuário", lambda r: r.actor),
        count("aviso"), count("reducao"), count("bloqueio"), count("rescisao"), count("fim_liberacao"),
        count("sem_debito"),
    ]
    return RowsTableModel(columns, parent)


class SuspensionView(QWidget):
    """Ferramentas › Bloqueios (`suspensionView`).

    Attributes:
        date_edit: the run date (`suspensionDate`).
        preview_model / runs_model: the two tables' models.
        worker: the running background job, if any (tests wait on its signals).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suspensionView")
        self.context = context
        self.worker: Worker | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Régua de inadimplência (Anatel RGC 765): aviso, redução, bloqueio e rescisão. A rotina roda uma vez "
            "por dia (agendada ou por aqui); rodar de novo para a mesma data não muda nada."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        bar = QHBoxLayout()
        caption = QLabel(self.tr("Data da rotina:"), self)
        bar.addWidget(caption)
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName("suspensionDate")
        self.date_edit.line.setAccessibleName(self.tr("Data da rotina"))
        self.date_edit.set_value(context.factory.clock.today())
        caption.setBuddy(self.date_edit.line)
        bar.addWidget(self.date_edit)
        self.preview_button = QPushButton(self.tr("&Pré-visualizar"), self)
        self.preview_button.setObjectName("suspensionPreviewButton")
        self.preview_button.clicked.connect(self.preview)
        bar.addWidget(self.preview_button)
        self.run_button = QPushButton(self.tr("&Executar rotina"), self)
        self.run_button.setObjectName("suspensionRunButton")
        self.run_button.setEnabled(context.can(Permission.TASKS_RUN))
        if not context.can(Permission.TASKS_RUN):
            self.run_button.setToolTip(self.tr("Seu usuário não tem permissão para rodar tarefas (tasks.run)."))
        self.run_button.clicked.connect(self.run)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel("", self)
        self.summary.setObjectName("suspensionSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview_model = preview_model(self)
        self.preview_table = self._table("suspensionPreviewTable", self.tr("Prévia da rotina"), self.preview_model)
        layout.addWidget(self.preview_table, 3)
        runs_caption = QLabel(self.tr("Últimas execuções"), self)
        runs_caption.setStyleSheet("font-weight: bold;")
        layout.addWidget(runs_caption)
        self.runs_model = runs_model(self)
        self.runs_table = self._table("suspensionRunsTable", self.tr("Últimas execuções"), self.runs_model)
        layout.addWidget(self.runs_table, 2)
        self.reload_runs()
        context.events.changed.connect(self._changed)

    def _table(self, name: str, accessible: str, model: RowsTableModel[Any]) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _changed(self, kind: str) -> None:
        if kind in ("contract", "suspension"):
            self.reload_runs()

    def _date(self) -> date | None:
        try:
            day = self.date_edit.value()
        except BusinessRuleError as exc:
            self.summary.setText(exc.message)
            return None
        if day is None:
            self.summary.setText(self.tr("Informe a data da rotina (dd/mm/aaaa)."))
        return day

    def reload_runs(self) -> None:
        """Read the last runs again."""
        try:
            self.runs_model.set_rows(access.last_runs(self.context.uow()))
        except BusinessRuleError as exc:
            self.summary.setText(exc.message)
        self.runs_table.resizeColumnsToContents()

    def preview(self) -> Worker | None:
        """Compute, in the background, what the routine will do for the chosen date."""
        day = self._date()
        if day is None:
            return None
        self.preview_button.setEnabled(False)

        def job(progress: Progress) -> tuple[access.SuspensionResult, list[access.PreviewRow]]:
            progress.report(0, 0, self.tr("Calculando a prévia…"))
            return access.preview_suspension(self.context.uow(), day)

        def done(result: tuple[access.SuspensionResult, list[access.PreviewRow]]) -> None:
            self.preview_button.setEnabled(True)
            counts, rows = result
            self.preview_model.set_rows(rows)
            self.preview_table.resizeColumnsToContents()
            shown = "" if len(rows) >= sum(counts.counts.values()) else self.tr(
                " (mostrando os primeiros {n})").format(n=len(rows))
            self.summary.setText(self.tr("Prévia da rotina de {d}: {what}.{shown}").format(
                d=format_date(day), what=counts_text(counts.counts), shown=shown))

        def failed(message: str) -> None:
            self.preview_button.setEnabled(True)
            self.summary.setText(message)

        self.worker = run_in_background(self, self.tr("Prévia da rotina de bloqueio"), job, done, failed)
        return self.worker

    def run(self) -> Worker | None:
        """Ask for confirmation, then run the routine for the chosen date in the background."""
        day = self._date()
        if day is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Executar rotina de bloqueio"), self.tr(
            "Executar a rotina de bloqueio para {d}? Avisos, reduções, bloqueios e rescisões serão gravados."
        ).format(d=format_date(day)), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("suspensionConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return None
        self.run_button.setEnabled(False)

        def job(progress: Progress) -> access.SuspensionResult:
            progress.report(0, 0, self.tr("Analisando os contratos…"))
            return access.run_suspension(self.context.uow(), day, progress)

        def done(result: access.SuspensionResult) -> None:
            self.run_button.setEnabled(True)
            state = self.tr("interrompida (rode de novo para completar)") if result.interrupted else self.tr(
                "concluída")
            text = self.tr("Rotina de {d} {state}: {what}.").format(
                d=format_date(day), state=state, what=counts_text(result.counts))
            if result.failures:
                text += "\n" + "\n".join(result.failures[:10])
            if result.changed_meanwhile:
                text += "\n" + result.changed_meanwhile_text()
            self.summary.setText(text)
            self.preview_model.set_rows([])
            self.reload_runs()
            self.context.events.changed.emit("contract")

        def failed(message: str) -> None:
            self.run_button.setEnabled(True)
            self.summary.setText(message)

        self.worker = run_in_background(self, self.tr("Rotina de bloqueio"), job, done, failed)
        return self.worker

    def resizeEvent(self, event: Any) -> None:  # noqa: D401 - keep the last column usable
        super().resizeEvent(event)
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview_table.horizontalHeader().setStretchLastSection(True)
