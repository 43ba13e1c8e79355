"""The "Alterações de plano" tab: every logged change, filters, totals, CSV/PDF export, the wizard."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.plan_change import CHANGE_TYPE_LABELS
from ispdesk.domain.wording import plural
from ispdesk.services import plan_changes
from ispdesk.services.plan_changes import PlanChangeFilter, PlanChangeRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.file_dialogs import save_file_name
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.fields import DateEdit

LOYALTY_LABELS = {"manter": "mantida", "reiniciar": "reiniciada"}


def columns(tr: Any) -> list[Column[PlanChangeRow]]:
    """The table's columns."""
    return [
        Column(tr("Data"), lambda r: format_date(r.changed_on), lambda r: r.changed_on),
        Column(tr("Tipo"), lambda r: r.change_type, tooltip=lambda r: CHANGE_TYPE_LABELS.get(r.change_type, "")),
        Column(tr("Contrato"), lambda r: str(r.contract_number), lambda r: r.contract_number, align_right=True),
        Column(tr("Cliente"), lambda r: r.customer_name),
        Column(tr("Plano anterior"), lambda r: r.old_plan_code),
        Column(tr("Plano novo"), lambda r: r.new_plan_code),
        Column(tr("Valor anterior"), lambda r: format_brl(r.old_value), lambda r: r.old_value, align_right=True),
        Column(tr("Valor novo"), lambda r: format_brl(r.new_value), lambda r: r.new_value, align_right=True),
        Column(tr("Vencimento"), lambda r: f"{r.old_due_day} → {r.new_due_day}" if r.old_due_day != r.new_due_day
               else str(r.new_due_day), lambda r: r.new_due_day, align_right=True),
        Column(tr("Proporcional"), lambda r: format_brl(r.prorata_amount), lambda r: r.prorata_amount,
               align_right=True, tooltip=lambda r: r.note),
        Column(tr("Fidelidade"), lambda r: LOYALTY_LABELS.get(r.loyalty_action, r.loyalty_action)),
        Column(tr("Usuário"), lambda r: r.actor),
    ]


class PlanChangesTab(QWidget):
    """Lists every plan change with filters (period, type, plan from/to, user) and totals.

    Attributes:
        model: the table model (`RowsTableModel` of `PlanChangeRow`).
        totals: the last totals shown.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planChangesTab")
        self.context = context
        self.date_from = DateEdit(self)
        self.date_from.setObjectName("dateFromEdit")
        self.date_from.setAccessibleName(self.tr("Data inicial"))
        self.date_to = DateEdit(self)
        self.date_to.setObjectName("dateToEdit")
        self.date_to.setAccessibleName(self.tr("Data final"))
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("typeFilter")
        self.type_combo.setAccessibleName(self.tr("Tipo de alteração"))
        self.type_combo.addItem(self.tr("Todos os tipos"), "")
        self.type_combo.addItem(self.tr("Upgrades (UP, SC, UV)"), "UP,SC,UV")
        self.type_combo.addItem(self.tr("Downgrades (DW, DV)"), "DW,DV")
        for code, label in CHANGE_TYPE_LABELS.items():
            self.type_combo.addItem(f"{code} — {label}", code)
        self.plan_from = QComboBox(self)
        self.plan_from.setObjectName("planFromFilter")
        self.plan_from.setAccessibleName(self.tr("Plano anterior"))
        self.plan_to = QComboBox(self)
        self.plan_to.setObjectName("planToFilter")
        self.plan_to.setAccessibleName(self.tr("Plano novo"))
        self.user_combo = QComboBox(self)
        self.user_combo.setObjectName("userFilter")
        self.user_combo.setAccessibleName(self.tr("Usuário"))
        self.filter_button = QPushButton(self.tr("&Filtrar"), self)
        self.filter_button.setObjectName("applyFilterButton")
        self.filter_button.setDefault(True)
        self.model: RowsTableModel[PlanChangeRow] = RowsTableModel(columns(self.tr), self)
        self.table = QTableView(self)
        self.table.setObjectName("planChangesTable")
        self.table.setAccessibleName(self.tr("Alterações de plano"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the service lists newest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.totals_label = QLabel(self)
        self.totals_label.setObjectName("totalsLabel")
        self.totals_label.setWordWrap(True)
        self.new_button = QPushButton(self.tr("&Nova alteração…"), self)
        self.new_button.setObjectName("newPlanChangeButton")
        self.new_button.setVisible(context.can(Permission.PLAN_CHANGE))
        self.csv_button = QPushButton(self.tr("Exportar &CSV…"), self)
        self.csv_button.setObjectName("exportCsvButton")
        self.pdf_button = QPushButton(self.tr("Exportar &PDF…"), self)
        self.pdf_button.setObjectName("exportPdfButton")

        filters = QHBoxLayout()
        for label, widget in ((self.tr("De:"), self.date_from), (self.tr("até:"), self.date_to),
                              (self.tr("Tipo:"), self.type_combo), (self.tr("Plano de:"), self.plan_from),
                              (self.tr("para:"), self.plan_to), (self.tr("Usuário:"), self.user_combo)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.filter_button)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_label)
        layout.addLayout(buttons)

        self.filter_button.clicked.connect(self.reload)
        self.new_button.clicked.connect(self.open_wizard)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        context.events.changed.connect(self._data_changed)
        self.totals: plan_changes.PlanChangeTotals | None = None
        self.fill_choices()
        self.reload()

    # ------------------------------------------------------------------------------------------
    def fill_choices(self) -> None:
        """Plans and users for the filters (keeps the current choice)."""
        from ispdesk.services import plans

        codes = [p.code for p in plans.list_plans(self.context.uow())]
        for combo in (self.plan_from, self.plan_to):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("Qualquer"), None)
            for code in codes:
                combo.addItem(code, code)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        current = self.user_combo.currentData()
        self.user_combo.clear()
        self.user_combo.addItem(self.tr("Todos"), None)
        for login in plan_changes.plan_change_actors(self.context.uow()):
            self.user_combo.addItem(login, login)
        self.user_combo.setCurrentIndex(max(self.user_combo.findData(current), 0))

    def current_filter(self) -> PlanChangeFilter:
        """The filter the widgets describe.

        Raises:
            BusinessRuleError: a date is incomplete or invalid.
        """
        return PlanChangeFilter(
            date_from=self.date_from.value(), date_to=self.date_to.value(),
            types=tuple(t for t in str(self.type_combo.currentData() or "").split(",") if t),
            plan_from=self.plan_from.currentData(), plan_to=self.plan_to.currentData(),
            actor=self.user_combo.currentData())

    def apply_filter(self, flt: PlanChangeFilter) -> None:
        """Show the changes `flt` selects: sets the filter widgets (period, types, plans, user), then reloads.

        Used by the dashboard's "Upgrades do mês" / "Downgrades do mês" cards. A type set that no
        entry of the type list offers is added to the list (so the widgets always describe the filter).
        ``contract_number`` has no widget here and is not applied.
        """
        self.date_from.set_value(flt.date_from)
        self.date_to.set_value(flt.date_to)
        key = ",".join(flt.types)
        index = self.type_combo.findData(key)
        if index < 0:
            self.type_combo.addItem(self.tr("Tipos: {codes}").format(codes=", ".join(flt.types)), key)
            index = self.type_combo.count() - 1
        self.type_combo.setCurrentIndex(index)
        for combo, wanted in ((self.plan_from, flt.plan_from), (self.plan_to, flt.plan_to),
                              (self.user_combo, flt.actor)):
            combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted is not None else 0)
        self.reload()

    def reload(self) -> None:
        """List the changes the filter selects and show the totals."""
        try:
            report = plan_changes.list_plan_changes(self.context.uow(), self.current_filter())
        except BusinessRuleError as exc:
            self.totals_label.setText(exc.message)
            return
        self.model.set_rows(report.rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.totals = report.totals
        self.totals_label.setText("\n".join(plan_changes.totals_lines(report.totals)))

    def _data_changed(self, kind: str) -> None:
        if kind in ("plan_change", "contract", "plan"):
            self.fill_choices()
            self.reload()

    def open_wizard(self, contract_id: Any = None) -> bool:
        """Launch the plan-change wizard; True when a change was written."""
        from ispdesk.ui.wizards.plan_change_wizard import PlanChangeWizard

        wizard = PlanChangeWizard(self.context, contract_id or None, self)
        return bool(wizard.exec())

    def export(self, fmt: str, path: str | None = None) -> int:
        """Export the listed changes as ``csv`` or ``pdf`` (asks for the file unless `path` is given)."""
        if path is None:
            suggested = f"alteracoes-de-plano-{date.today():%Y%m%d}.{fmt}"
            filters = self.tr("Planilha CSV (*.csv)") if fmt == "csv" else self.tr("Documento PDF (*.pdf)")
            path = save_file_name(self, self.tr("Exportar alterações de plano"), suggested, filters)
            if not path:
                return 0
        try:
            count = plan_changes.export_plan_changes(self.context.uow(), self.current_filter(), path, fmt)
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Exportar"), exc.message)
            return 0
        self.totals_label.setText(self.totals_label.text().split("\n\n")[0] + "\n\n"
                                  + self.tr("{n} para {path}").format(
                                      n=plural(count, self.tr("linha exportada"), self.tr("linhas exportadas")),
                                      path=path))
        return count
