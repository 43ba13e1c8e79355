"""Ferramentas › Reajuste anual: filter, percentage or index, dates, simulate, apply in a worker, undo.

The dialog only collects parameters and shows results; the rules (notice, 12-month rule, rounding)
live in `ispdesk.domain.adjustment` and `ispdesk.services.adjustments`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl, parse_percent
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import AdjustmentBatchStatus, ContractStatus
from ispdesk.domain.wording import agree, plural
from ispdesk.services import adjustments
from ispdesk.services.adjustments import AdjustmentLine, AdjustmentParams, AdjustmentSimulation, BatchRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.file_dialogs import save_file_name
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.fields import DateEdit
from ispdesk.ui.window_state import fit_to_screen
from ispdesk.ui.workers import Progress, Worker, run_in_background

STATUS_CHOICES = (("Ativos", (ContractStatus.ATIVO,)),
                  ("Ativos e negativados", (ContractStatus.ATIVO, ContractStatus.NEGATIVADO)))
INDEXES = ("IPCA", "IGP-M", "INPC", "IGP-DI")


def line_columns(tr: Any, skipped: bool) -> list[Column[AdjustmentLine]]:
    """Columns of the affected / skipped tables."""
    cols: list[Column[AdjustmentLine]] = [
        Column(tr("Contrato"), lambda r: str(r.contract_number), lambda r: r.contract_number, align_right=True),
        Column(tr("Cliente"), lambda r: r.customer_name),
        Column(tr("Plano"), lambda r: r.plan_code),
        Column(tr("Ativação"), lambda r: format_date(r.activated_on), lambda r: r.activated_on),
        Column(tr("Último reajuste"), lambda r: format_date(r.last_adjusted_on), lambda r: r.last_adjusted_on),
        Column(tr("Valor atual"), lambda r: format_brl(r.old_value), lambda r: r.old_value, align_right=True),
    ]
    if skipped:
        cols.append(Column(tr("Motivo"), lambda r: r.reason or ""))
    else:
        cols.append(Column(tr("Novo valor"), lambda r: format_brl(r.new_value), lambda r: r.new_value,
                           align_right=True))
    return cols


def batch_columns(tr: Any) -> list[Column[BatchRow]]:
    """Columns of the batches table."""
    return [
        Column(tr("Lote"), lambda b: str(b.number), lambda b: b.number, align_right=True),
        Column(tr("Decidido em"), lambda b: format_date(b.decided_on), lambda b: b.decided_on),
        Column(tr("Vigência"), lambda b: format_date(b.effective_on), lambda b: b.effective_on),
        Column(tr("Percentual"), lambda b: (str(b.percent).replace(".", ",") + " %"
                                            + (f" ({b.index_name})" if b.index_name else "")),
               lambda b: b.percent, align_right=True),
        Column(tr("Contratos"), lambda b: str(b.contracts_count), lambda b: b.contracts_count, align_right=True),
        Column(tr("Receita antes"), lambda b: format_brl(b.revenue_before), lambda b: b.revenue_before,
               align_right=True),
        Column(tr("Receita depois"), lambda b: format_brl(b.revenue_after), lambda b: b.revenue_after,
               align_right=True),
        Column(tr("Situação"), lambda b: AdjustmentBatchStatus.label_of(b.status)),
        Column(tr("Usuário"), lambda b: b.created_by),
    ]


def _table(parent: QWidget, name: str, accessible: str, model: Any, stretch: int) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class AdjustmentDialog(RememberingDialog):
    """The annual price adjustment: simulate first, then apply (in the background), or undo a batch.

    Attributes:
        simulation: the last simulation shown (None until "Simular").
        applied: the last applied batch (None until applied).
        worker: the running apply worker (tests wait on it).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adjustmentDialog")
        self.setWindowTitle(self.tr("Reajuste anual"))
        self.context = context
        self.simulation: AdjustmentSimulation | None = None
        self.applied: AdjustmentSimulation | None = None
        self.worker: Worker | None = None
        self._simulated_params: AdjustmentParams | None = None
        today = context.factory.clock.today()

        # --- filter
        filter_box = QGroupBox(self.tr("Contratos"), self)
        self.status_combo = QComboBox(filter_box)
        self.status_combo.setObjectName("statusFilter")
        for label, statuses in STATUS_CHOICES:
            self.status_combo.addItem(self.tr(label), statuses)
        self.plan_combo = QComboBox(filter_box)
        self.plan_combo.setObjectName("planFilter")
        self.city_edit = QLineEdit(filter_box)
        self.city_edit.setObjectName("cityFilter")
        self.city_edit.setPlaceholderText(self.tr("qualquer cidade"))
        self.activated_from = DateEdit(filter_box)
        self.activated_from.setObjectName("activatedFromEdit")
        self.activated_to = DateEdit(filter_box)
        self.activated_to.setObjectName("activatedToEdit")
        self.adjusted_before = DateEdit(filter_box)
        self.adjusted_before.setObjectName("adjustedBeforeEdit")
        grid = QGridLayout(filter_box)
        grid.addWidget(self._caption(self.tr("&Situação:"), self.status_combo), 0, 0)
        grid.addWidget(self.status_combo, 0, 1)
        grid.addWidget(self._caption(self.tr("&Plano:"), self.plan_combo), 0, 2)
        grid.addWidget(self.plan_combo, 0, 3)
        grid.addWidget(self._caption(self.tr("C&idade:"), self.city_edit), 0, 4)
        grid.addWidget(self.city_edit, 0, 5)
        grid.addWidget(self._caption(self.tr("Ativados de:"), self.activated_from), 1, 0)
        grid.addWidget(self.activated_from, 1, 1)
        grid.addWidget(self._caption(self.tr("até:"), self.activated_to), 1, 2)
        grid.addWidget(self.activated_to, 1, 3)
        grid.addWidget(self._caption(self.tr("Último reajuste antes de:"), self.adjusted_before), 1, 4)
        grid.addWidget(self.adjusted_before, 1, 5)
        grid.setColumnStretch(5, 1)

        # --- percentage / index and dates
        rate_box = QGroupBox(self.tr("Reajuste"), self)
        self.percent_radio = QRadioButton(self.tr("P&ercentual"), rate_box)
        self.percent_radio.setObjectName("percentRadio")
        self.index_radio = QRadioButton(self.tr("Í&ndice do período"), rate_box)
        self.index_radio.setObjectName("indexRadio")
        self.percent_radio.setChecked(True)
        self.index_combo = QComboBox(rate_box)
        self.index_combo.setObjectName("indexCombo")
        self.index_combo.setEditable(True)
        self.index_combo.addItems(INDEXES)
        self.index_combo.setEnabled(False)
        self.percent_edit = QLineEdit(rate_box)
        self.percent_edit.setObjectName("percentEdit")
        self.percent_edit.setAccessibleName(self.tr("Percentual do reajuste"))
        self.percent_edit.setPlaceholderText(self.tr("ex.: 4,68"))
        self.percent_edit.setMaximumWidth(100)
        self.decided_edit = DateEdit(rate_box)
        self.decided_edit.setObjectName("decidedEdit")
        self.decided_edit.set_value(today)
        self.effective_edit = DateEdit(rate_box)
        self.effective_edit.setObjectName("effectiveEdit")
        self.effective_edit.set_value(today + timedelta(days=self._notice_days()))
        self.notified_check = QCheckBox(self.tr("Os clientes já foram &notificados (permite vigência antes do aviso "
                                                "de {days} dias)").format(days=self._notice_days()), rate_box)
        self.notified_check.setObjectName("notifiedCheck")
        rate = QGridLayout(rate_box)
        rate.addWidget(self.percent_radio, 0, 0)
        rate.addWidget(self.index_radio, 0, 1)
        rate.addWidget(self.index_combo, 0, 2)
        rate.addWidget(self._caption(self.tr("Valor (%):"), self.percent_edit), 0, 3)
        rate.addWidget(self.percent_edit, 0, 4)
        rate.addWidget(self._caption(self.tr("&Decidido em:"), self.decided_edit), 1, 0)
        rate.addWidget(self.decided_edit, 1, 1)
        rate.addWidget(self._caption(self.tr("&Vigência:"), self.effective_edit), 1, 2)
        rate.addWidget(self.effective_edit, 1, 3, 1, 2)
        rate.addWidget(self.notified_check, 2, 0, 1, 5)
        rate.setColumnStretch(5, 1)

        # --- results
        self.summary = QLabel(self.tr("Preencha o percentual e clique em Simular."), self)
        self.summary.setObjectName("simulationSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.affected_model: RowsTableModel[AdjustmentLine] = RowsTableModel(line_columns(self.tr, False), self)
        self.skipped_model: RowsTableModel[AdjustmentLine] = RowsTableModel(line_columns(self.tr, True), self)
        self.results = QTabWidget(self)
        self.results.setObjectName("resultTabs")
        self.results.addTab(_table(self, "affectedTable", self.tr("Contratos a reajustar"), self.affected_model, 1),
                            self.tr("A reajustar"))
        self.results.addTab(_table(self, "skippedTable", self.tr("Contratos ignorados"), self.skipped_model, 6),
                            self.tr("Ignorados"))
        self.batches_model: RowsTableModel[BatchRow] = RowsTableModel(batch_columns(self.tr), self)
        self.batches_table = _table(self, "batchesTable", self.tr("Lotes de reajuste"), self.batches_model, 8)
        self.batches_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.addTab(self.batches_table, self.tr("Lotes anteriores"))

        # --- buttons
        self.simulate_button = QPushButton(self.tr("&Simular"), self)
        self.simulate_button.setObjectName("simulateButton")
        self.simulate_button.setDefault(True)
        self.apply_button = QPushButton(self.tr("&Aplicar reajuste"), self)
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setEnabled(False)
        self.apply_button.setVisible(context.can(Permission.ADJUSTMENT_APPLY))
        self.notices_button = QPushButton(self.tr("Exportar &avisos…"), self)
        self.notices_button.setObjectName("exportNoticesButton")
        self.notices_button.setToolTip(self.tr("CSV dos clientes a avisar do lote selecionado ou recém-aplicado"))
        self.undo_button = QPushButton(self.tr("Des&fazer lote…"), self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setVisible(context.can(Permission.ADJUSTMENT_UNDO))
        close = QPushButton(self.tr("Fechar"), self)
        close.setObjectName("closeButton")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.simulate_button)
        buttons.addWidget(self.apply_button)
        buttons.addStretch(1)
        buttons.addWidget(self.notices_button)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(filter_box)
        layout.addWidget(rate_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        self.resize(1000, 680)

        self.index_radio.toggled.connect(self.index_combo.setEnabled)
        self.simulate_button.clicked.connect(self.simulate)
        self.apply_button.clicked.connect(lambda: self.apply())
        self.notices_button.clicked.connect(lambda: self.export_notices())
        self.undo_button.clicked.connect(lambda: self.undo())
        for edit in (self.percent_edit, self.city_edit):
            edit.textChanged.connect(self._invalidate)
        for combo in (self.status_combo, self.plan_combo):
            combo.currentIndexChanged.connect(self._invalidate)
        for date_edit in (self.activated_from, self.activated_to, self.adjusted_before, self.decided_edit,
                          self.effective_edit):
            date_edit.valueChanged.connect(self._invalidate)
        self.notified_check.toggled.connect(self._invalidate)
        self.index_radio.toggled.connect(self._invalidate)
        self._fill_plans()
        self.reload_batches()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # ------------------------------------------------------------------------------------------
    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _notice_days(self) -> int:
        from ispdesk.services import parameters

        return int(parameters.get_all(self.context.uow())["reajuste_aviso_dias"])

    def _fill_plans(self) -> None:
        from ispdesk.services import plans

        self.plan_combo.addItem(self.tr("Todos os planos"), None)
        for plan in plans.list_plans(self.context.uow()):
            self.plan_combo.addItem(f"{plan.code} — {format_brl(plan.price)}", plan.code)

    def _invalidate(self, *_: Any) -> None:
        self.apply_button.setEnabled(False)

    def params(self) -> AdjustmentParams:
        """The parameters the widgets describe.

        Raises:
            BusinessRuleError: invalid percentage or date (message for the user).
        """
        text = self.percent_edit.text().strip()
        if not text:
            raise BusinessRuleError("Informe o percentual do reajuste (ex.: 4,68).", field="percentual")
        index = self.index_combo.currentText().strip() if self.index_radio.isChecked() else None
        if self.index_radio.isChecked() and not index:
            raise BusinessRuleError("Informe o nome do índice (IPCA, IGP-M …).", field="indice")
        return AdjustmentParams(
            percent=parse_percent(text), index_name=index, decided_on=self.decided_edit.value(),
            effective_on=self.effective_edit.value(), customers_notified=self.notified_check.isChecked(),
            statuses=tuple(self.status_combo.currentData()), plan_code=self.plan_combo.currentData(),
            city=self.city_edit.text().strip() or None, activated_from=self.activated_from.value(),
            activated_to=self.activated_to.value(), last_adjusted_before=self.adjusted_before.value())

    def simulate(self) -> AdjustmentSimulation | None:
        """Run the simulation and show it; enables "Aplicar" when the notice is respected."""
        try:
            params = self.params()
            sim = adjustments.simulate_adjustment(self.context.uow(), params)
        except BusinessRuleError as exc:
            self.summary.setText(exc.message)
            self.apply_button.setEnabled(False)
            return None
        self.simulation = sim
        self._simulated_params = params
        self.show_simulation(sim)
        self.apply_button.setEnabled(sim.notice_ok and sim.count > 0)
        return sim

    def show_simulation(self, sim: AdjustmentSimulation, applied: bool = False) -> None:
        """Fill the summary and the two tables."""
        sign = "+" if sim.delta > 0 else ""
        index = f" ({sim.index_name})" if sim.index_name else ""
        lines = [
            self.tr("Reajuste de {p} %{index}, decidido em {decided}, vigência em {effective}.").format(
                p=str(sim.percent).replace(".", ","), index=index, decided=format_date(sim.decided_on),
                effective=format_date(sim.effective_on)),
            self.tr("<b>{n}</b> — receita mensal {before} → <b>{after}</b> ({sign}{delta}).").format(
                n=plural(sim.count, self.tr("contrato"), self.tr("contratos")),
                before=format_brl(sim.revenue_before), after=format_brl(sim.revenue_after), sign=sign,
                delta=format_brl(sim.delta)),
        ]
        if sim.skipped_count:
            reasons = "; ".join(f"{n} {why}" for why, n in sorted(sim.skipped_by_reason.items()))
            lines.append(self.tr("{n}: {reasons}.").format(
                n=plural(sim.skipped_count, self.tr("ignorado"), self.tr("ignorados")), reasons=reasons))
        if not sim.notice_ok:
            lines.append(self.tr("<span style='color:#b00020'>A vigência não respeita o aviso prévio: marque que os "
                                 "clientes já foram notificados ou adie a vigência.</span>"))
        if applied and sim.batch_number is not None:
            lines.append(self.tr("<b>Lote nº {n} gravado.</b> {when}").format(
                n=sim.batch_number,
                when=self.tr("Os novos valores vigoram em {d} (agendado).").format(d=format_date(sim.effective_on))
                if sim.scheduled else self.tr("Os novos valores já estão em vigor.")))
        if applied and sim.changed_meanwhile:
            numbers = ", ".join(str(n) for n in sim.changed_meanwhile[:20])
            more = "…" if len(sim.changed_meanwhile) > 20 else ""
            lines.append(self.tr(
                "<span style='color:#b00020'>{n} por outra pessoa durante o reajuste e "
                "{stayed} (não reajustados): {numbers}{more}. Veja a aba “Ignorados” e, se for o caso, "
                "rode um novo reajuste só para eles.</span>").format(
                    n=plural(len(sim.changed_meanwhile), self.tr("contrato foi alterado"),
                             self.tr("contratos foram alterados")), numbers=numbers, more=more,
                    stayed=agree(len(sim.changed_meanwhile), self.tr("ficou como estava"),
                                 self.tr("ficaram como estavam"))))
        if len(sim.lines) < sim.count or len(sim.skipped) < sim.skipped_count:
            lines.append(self.tr("As listas mostram os {n} primeiros de cada; os totais incluem todos.").format(
                n=adjustments.LIST_LIMIT))
        self.summary.setText("<br>".join(lines))
        self.affected_model.set_rows(sim.lines)
        self.skipped_model.set_rows(sim.skipped)
        for tab in range(2):
            table = self.results.widget(tab)
            if isinstance(table, QTableView):
                table.resizeColumnsToContents()
        self.results.setTabText(0, self.tr("A reajustar ({n})").format(n=sim.count))
        self.results.setTabText(1, self.tr("Ignorados ({n})").format(n=sim.skipped_count))

    def apply(self, ask: bool = True) -> Worker | None:
        """Apply the simulated adjustment in a worker with a progress dialog (one transaction)."""
        sim, params = self.simulation, self._simulated_params
        if sim is None or params is None:
            return None
        if ask:
            answer = QMessageBox.question(
                self, self.tr("Aplicar reajuste"),
                self.tr("Reajustar {n} em {p} % com vigência em {d}?\nReceita mensal {b} → {a}.\n"
                        "O preço de tabela dos planos não muda.").format(
                    n=plural(sim.count, self.tr("contrato"), self.tr("contratos")),
                    p=str(sim.percent).replace(".", ","), d=format_date(sim.effective_on),
                    b=format_brl(sim.revenue_before), a=format_brl(sim.revenue_after)))
            if answer != QMessageBox.StandardButton.Yes:
                return None
        factory, actor = self.context.factory, self.context.actor

        def job(progress: Progress) -> AdjustmentSimulation:
            def report(done: int, total: int, text: str) -> bool:
                progress.report(done, total, text)
                return not progress.cancelled

            return adjustments.apply_adjustment(factory(actor), params, progress=report)

        self.apply_button.setEnabled(False)
        self.simulate_button.setEnabled(False)
        self.worker = run_in_background(self, self.tr("Aplicando o reajuste…"), job, self._applied, self._failed)
        return self.worker

    def _applied(self, result: AdjustmentSimulation) -> None:
        self.worker = None
        self.applied = result
        self.simulate_button.setEnabled(True)
        self.show_simulation(result, applied=True)
        self.reload_batches()
        self.context.events.changed.emit("contract")
        self.context.events.changed.emit("adjustment")

    def _failed(self, message: str) -> None:
        self.worker = None
        self.simulate_button.setEnabled(True)
        self.summary.setText(message)
        QMessageBox.warning(self, self.tr("Reajuste anual"), message)

    def reload_batches(self) -> None:
        """List the previous batches."""
        self.batches_model.set_rows(adjustments.list_batches(self.context.uow()))
        self.batches_table.resizeColumnsToContents()

    def selected_batch(self) -> BatchRow | None:
        """The batch selected on the "Lotes anteriores" tab, or None."""
        rows = self.batches_table.selectionModel().selectedRows()
        return self.batches_model.row_at(rows[0].row()) if rows else None

    def export_notices(self, path: str | None = None) -> int:
        """Export the customers to notify of the selected (or just applied) batch."""
        batch = self.selected_batch()
        number = batch.number if batch else (self.applied.batch_number if self.applied else None)
        if number is None:
            self.results.setCurrentWidget(self.batches_table)
            self.summary.setText(self.tr("Para exportar os avisos, aplique um reajuste ou selecione um lote em "
                                         "“Lotes anteriores”."))
            return 0
        if path is None:
            path = save_file_name(self, self.tr("Clientes a avisar"), f"reajuste-{number}-avisos.csv",
                                  self.tr("Planilha CSV (*.csv)"))
            if not path:
                return 0
        try:
            count = adjustments.export_notifications(self.context.uow(), number, path)
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Exportar avisos"), exc.message)
            return 0
        self.summary.setText(self.tr("{n} a avisar do lote nº {b}: lista exportada para {path}.").format(
            n=plural(count, self.tr("cliente"), self.tr("clientes")), b=number, path=path))
        return count

    def undo(self, ask: bool = True) -> BatchRow | None:
        """Undo the batch selected on the "Lotes anteriores" tab."""
        batch = self.selected_batch()
        if batch is None:
            self.results.setCurrentWidget(self.batches_table)
            self.summary.setText(self.tr("Selecione o lote a desfazer na aba “Lotes anteriores” e clique em "
                                         "Desfazer lote de novo."))
            self.batches_table.setFocus()
            return None
        if ask and QMessageBox.question(
                self, self.tr("Desfazer lote"),
                self.tr("Desfazer o reajuste nº {n}? {c} ao valor anterior.").format(
                    n=batch.number,
                    c=plural(batch.contracts_count, self.tr("contrato volta"), self.tr("contratos voltam")))
        ) != QMessageBox.StandardButton.Yes:
            return None
        try:
            row = adjustments.undo_adjustment(self.context.uow(), batch.number)
        except BusinessRuleError as exc:
            self.summary.setText(exc.message)
            QMessageBox.warning(self, self.tr("Desfazer lote"), exc.message)
            return None
        self.summary.setText(self.tr("Reajuste nº {n} desfeito: {c} ao valor anterior.").format(
            n=row.number, c=plural(row.contracts_count, self.tr("contrato voltou"), self.tr("contratos voltaram"))))
        self.reload_batches()
        self.context.events.changed.emit("contract")
        self.context.events.changed.emit("adjustment")
        return row



