"""The contract form's "Valores" panel: every dated value change (reajustes and plan changes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import AdjustmentBatchStatus, ValueChangeSource
from ispdesk.services import adjustments
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel


def _status(r: dict[str, Any]) -> str:
    if r["undone"]:
        return AdjustmentBatchStatus.DESFEITO.label.lower()
    return "em vigor" if r["applied"] else "agendado"


class ValueHistoryPanel(QWidget):
    """Value history of one contract (old → new, effective date, batch, status).

    Attributes:
        model: the table model.
    """

    def __init__(self, context: AppContext, contract_id: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("valueHistoryPanel")
        self.context = context
        self.contract_id = contract_id
        tr = self.tr
        self.model: RowsTableModel[dict[str, Any]] = RowsTableModel([
            Column(tr("Vigência"), lambda r: format_date(r["effective_on"]), lambda r: r["effective_on"]),
            Column(tr("Origem"), lambda r: ValueChangeSource.label_of(r["source"])),
            Column(tr("Lote"), lambda r: str(r["batch_number"] or ""), lambda r: r["batch_number"] or 0,
                   align_right=True),
            Column(tr("Valor anterior"), lambda r: format_brl(r["old_value"]), lambda r: r["old_value"],
                   align_right=True),
            Column(tr("Valor novo"), lambda r: format_brl(r["new_value"]), lambda r: r["new_value"], align_right=True),
            Column(tr("Situação"), _status),
            Column(tr("Usuário"), lambda r: r["created_by"]),
        ], self)
        self.table = QTableView(self)
        self.table.setObjectName("valueHistoryTable")
        self.table.setAccessibleName(tr("Histórico de valores do contrato"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(tr("Nenhuma alteração de valor registrada."), self)
        self.empty.setObjectName("valueHistoryEmpty")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        context.events.changed.connect(self._data_changed)
        self.reload()

    def _data_changed(self, kind: str) -> None:
        if kind in ("contract", "adjustment", "plan_change"):
            self.reload()

    def reload(self) -> None:
        """Read the history again."""
        rows = adjustments.value_history(self.context.uow(), self.contract_id)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not rows)
