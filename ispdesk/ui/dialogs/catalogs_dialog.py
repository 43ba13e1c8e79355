"""Cadastros › Catálogos de contrato (objectName ``catalogsDialog``): the four catalogues (CATALOGS_MANAGE).

One tab per catalogue (``catalogTab_<kind>``) with a table (``catalogTable_<kind>``) and a form:
``catalogCode_<kind>`` (fixed once created), ``catalogDescription_<kind>``, ``catalogActive_<kind>``;
cancellation reasons add ``catalogWaivesFine``, ``catalogFreesPeriod``, ``catalogChurn``; payment
terms add ``catalogMonths``. Buttons ``catalogNew_<kind>`` and ``catalogSave_<kind>``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services import catalogs
from ispdesk.services.catalogs import CatalogEntry, CatalogKind
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.window_state import fit_to_screen


def _tr(text: str) -> str:
    return QCoreApplication.translate("CatalogsDialog", text)


def _yes(flag: bool) -> str:
    return _tr("sim") if flag else _tr("não")


def catalog_columns(kind: CatalogKind) -> list[Column[CatalogEntry]]:
    """Columns for one catalogue."""
    cols: list[Column[CatalogEntry]] = [Column(_tr("Código"), lambda e: e.code),
                                        Column(_tr("Descrição"), lambda e: e.description)]
    if kind is CatalogKind.CANCELLATION:
        cols += [Column(_tr("Isenta multa"), lambda e: _yes(e.waives_fine)),
                 Column(_tr("Libera período"), lambda e: _yes(e.frees_period)),
                 Column(_tr("Churn"), lambda e: _yes(e.counts_as_churn)),
                 Column(_tr("Sistema"), lambda e: _yes(e.system))]
    if kind is CatalogKind.PAYMENT_TERM:
        cols.append(Column(_tr("Meses"), lambda e: str(e.months), lambda e: e.months, align_right=True))
    cols.append(Column(_tr("Situação"), lambda e: _tr("Ativo") if e.active else _tr("Inativo")))
    return cols


class CatalogPage(QWidget):
    """Table + form of one catalogue."""

    def __init__(self, context: AppContext, kind: CatalogKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.current: CatalogEntry | None = None
        k = kind.value
        self.setObjectName(f"catalogTab_{k}")
        can = context.can(Permission.CATALOGS_MANAGE)
        self.model: RowsTableModel[CatalogEntry] = RowsTableModel(catalog_columns(kind), self)
        self.table = QTableView(self)
        self.table.setObjectName(f"catalogTable_{k}")
        self.table.setAccessibleName(catalogs.LABELS[kind])
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.code = QLineEdit(self)
        self.code.setObjectName(f"catalogCode_{k}")
        self.code.setAccessibleName(self.tr("Código"))
        self.description = QLineEdit(self)
        self.description.setObjectName(f"catalogDescription_{k}")
        self.description.setAccessibleName(self.tr("Descrição"))
        self.active = QCheckBox(self.tr("Ativo"), self)
        self.active.setObjectName(f"catalogActive_{k}")
        form = QFormLayout()
        form.addRow(self.tr("Código"), self.code)
        form.addRow(self.tr("Descrição"), self.description)
        self.waives_fine = QCheckBox(self.tr("Isenta a multa de fidelidade (descumprimento do provedor)"), self)
        self.waives_fine.setObjectName("catalogWaivesFine")
        self.frees_period = QCheckBox(self.tr("Não cobra o último período (proporcional)"), self)
        self.frees_period.setObjectName("catalogFreesPeriod")
        self.churn = QCheckBox(self.tr("Conta na taxa de churn"), self)
        self.churn.setObjectName("catalogChurn")
        self.months = QSpinBox(self)
        self.months.setObjectName("catalogMonths")
        self.months.setRange(1, 12)
        self.months.setSuffix(self.tr(" meses"))
        if kind is CatalogKind.CANCELLATION:
            for box in (self.waives_fine, self.frees_period, self.churn):
                form.addRow("", box)
        else:
            for box in (self.waives_fine, self.frees_period, self.churn):
                box.hide()
        if kind is CatalogKind.PAYMENT_TERM:
            form.addRow(self.tr("Período"), self.months)
        else:
            self.months.hide()
        form.addRow("", self.active)
        self.new_button = QPushButton(self.tr("&Novo"), self)
        self.new_button.setObjectName(f"catalogNew_{k}")
        self.save_button = QPushButton(self.tr("&Salvar"), self)
        self.save_button.setObjectName(f"catalogSave_{k}")
        for w in (self.new_button, self.save_button):
            w.setEnabled(can)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addLayout(right, 2)
        self.new_button.clicked.connect(self.new_entry)
        self.save_button.clicked.connect(self.save)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.reload()

    def reload(self, select_code: str | None = None) -> None:
        """Read the catalogue again."""
        rows = catalogs.list_entries(self.context.uow(), self.kind)
        self.model.set_rows(rows)
        target = next((i for i, e in enumerate(rows) if e.code == select_code), 0 if rows else -1)
        if target >= 0:
            self.table.selectRow(target)
            self._show(target)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        e = self.model.row_at(row)
        self.current = e
        self.code.setText(e.code)
        self.code.setReadOnly(True)
        self.description.setText(e.description)
        self.active.setChecked(e.active)
        self.waives_fine.setChecked(e.waives_fine)
        self.frees_period.setChecked(e.frees_period)
        self.churn.setChecked(e.counts_as_churn)
        self.months.setValue(e.months)

    def new_entry(self) -> None:
        """Clear the form for a new entry."""
        self.current = None
        self.table.clearSelection()
        self.code.clear()
        self.code.setReadOnly(False)
        self.description.clear()
        self.active.setChecked(True)
        self.waives_fine.setChecked(False)
        self.frees_period.setChecked(False)
        self.churn.setChecked(True)
        self.months.setValue(1)
        self.code.setFocus()

    def save(self) -> bool:
        """Create or update the entry shown; True when written."""
        try:
            if self.current is None:
                entry = catalogs.add_entry(self.context.uow(), self.kind, self.code.text(), self.description.text(),
                                           waives_fine=self.waives_fine.isChecked(),
                                           frees_period=self.frees_period.isChecked(),
                                           counts_as_churn=self.churn.isChecked(), months=self.months.value())
                if not self.active.isChecked():
                    entry = catalogs.update_entry(self.context.uow(), self.kind, entry.id, {"active": False})
            else:
                changes: dict[str, object] = {"description": self.description.text(),
                                              "active": self.active.isChecked()}
                if self.kind is CatalogKind.CANCELLATION:
                    changes.update(waives_fine=self.waives_fine.isChecked(), frees_period=self.frees_period.isChecked(),
                                   counts_as_churn=self.churn.isChecked())
                if self.kind is CatalogKind.PAYMENT_TERM:
                    changes["months"] = self.months.value()
                entry = catalogs.update_entry(self.context.uow(), self.kind, self.current.id, changes)
        except ValidationError as exc:
            QMessageBox.warning(self, catalogs.LABELS[self.kind], "\n".join(exc.errors.values()))
            return False
        except BusinessRuleError as exc:
            QMessageBox.warning(self, catalogs.LABELS[self.kind], exc.message)
            return False
        self.context.events.changed.emit("catalog")
        self.reload(entry.code)
        return True


class CatalogsDialog(RememberingDialog):
    """The four catalogue editors in tabs (``catalogTabs``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogsDialog")
        self.setWindowTitle(self.tr("Catálogos de contrato"))
        self.resize(900, 480)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("catalogTabs")
        self.pages: dict[CatalogKind, CatalogPage] = {}
        for kind in (CatalogKind.INCLUSION, CatalogKind.CANCELLATION, CatalogKind.PAYMENT_TERM,
                     CatalogKind.BILLING_TYPE):
            page = CatalogPage(context, kind, self.tabs)
            self.pages[kind] = page
            self.tabs.addTab(page, self.tr(catalogs.LABELS[kind]))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fechar"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)


def open_catalogs_dialog(context: AppContext, parent: QWidget | None = None) -> None:
    """Open the catalogue editors modally."""
    dialog = CatalogsDialog(context, parent)
    dialog.exec()
    dialog.deleteLater()
