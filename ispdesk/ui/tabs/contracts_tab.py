"""The Contratos tab (objectName ``contractsTab``): search as you type, filters, paged list, actions.

objectNames: ``contractSearch`` (debounced, searches as you type: customer name, contract number,
CPF/CNPJ masked or not, customer code), ``contractStatusFilter``, ``contractAccessFilter``,
``contractPlanFilter``, ``contractDueDayFilter`` (0 = todos), ``contractExpiringFilter`` (days,
0 = sem filtro), ``contractCityFilter``, ``contractClearFilters``, ``contractTable``,
``contractCount``, buttons ``contractNew``, ``contractOpen``, ``contractRenewButton``, one per
*frequent* registered `CONTRACT_ACTIONS` entry (``<object_name>Button``) and ``contractMoreActions``
(every action, a QAction named ``<object_name>``); the same actions in the table's context menu
(multi-selection where the action allows it). Each action is enabled by permission, selection and
the contract's state (a disabled one says why in its tooltip). `apply_filter()` is the dashboard's entry point.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.access import AccessStatus
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ContractStatus
from ispdesk.domain.wording import plural
from ispdesk.services import contract_list, plans
from ispdesk.services.contract_list import ContractListRow
from ispdesk.ui import contract_states, registry
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, PagedTableModel
from ispdesk.ui.widgets.contract_actions import ContractActions

PAGE_SIZE = 100
COUNT_LIMIT = 1000


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContractsTab", text)


def contract_columns() -> list[Column[ContractListRow]]:
    """The columns of the contracts table."""
    return [
        Column(_tr("Contrato"), lambda r: str(r.number), lambda r: r.number, align_right=True),
        Column(_tr("Cliente"), lambda r: r.customer_name),
        Column(_tr("CPF/CNPJ"), lambda r: mask_document(r.customer_document) if r.customer_document else ""),
        Column(_tr("Cidade"), lambda r: r.customer_city or ""),
        Column(_tr("Plano"), lambda r: r.plan_code),
        Column(_tr("Valor"), lambda r: format_brl(r.value), lambda r: r.value, align_right=True),
        Column(_tr("Situação"), lambda r: r.status_label),
        Column(_tr("Acesso"), lambda r: r.access_status_label),
        Column(_tr("Venc."), lambda r: str(r.due_day), lambda r: r.due_day, align_right=True),
        Column(_tr("Ativação"), lambda r: format_date(r.activated_on), lambda r: r.activated_on),
        Column(_tr("Pago até"), lambda r: format_date(r.paid_until), lambda r: r.paid_until),
        Column(_tr("Fidelidade até"), lambda r: format_date(r.loyalty_expires_on), lambda r: r.loyalty_expires_on),
    ]


class ContractListModel(PagedTableModel[ContractListRow, Any]):
    """Contracts matching a `ContractFilter`, fetched a page at a time.

    Attributes:
        filter: the filter of the rows shown.
    """

    def __init__(self, context: AppContext, page_size: int = PAGE_SIZE, parent: Any = None) -> None:
        self.context = context
        self.filter = ContractFilter()
        super().__init__(contract_columns(), self._fetch, lambda r: r.key, page_size, parent)

    def _fetch(self, after: Any, limit: int) -> Sequence[ContractListRow]:
        return contract_list.list_contracts(self.context.uow(), self.filter, after, limit)

    def apply(self, f: ContractFilter) -> None:
        """Show the contracts of `f` (first page)."""
        self.filter = f
        self.reload()

    def row_of_id(self, contract_id: uuid.UUID) -> int:
        """Row of `contract_id` among the loaded rows, or -1."""
        for i, r in enumerate(self._rows):
            if r.id == contract_id:
                return i
        return -1


class ContractsTab(QWidget):
    """The contracts list with search, filters and the contract actions.

    Attributes:
        model: the `ContractListModel`.
        table: ``contractTable``.
        search_edit: ``contractSearch``.
    """

    SEARCH_DELAY_MS = 250

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractsTab")
        self.context = context
        self._as_of = None
        self._extra = ContractFilter()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("contractSearch")
        self.search_edit.setPlaceholderText(self.tr("Buscar: nome do cliente, nº do contrato, CPF/CNPJ ou código"))
        self.search_edit.setAccessibleName(self.tr("Buscar contratos"))
        self.search_edit.setClearButtonEnabled(True)

        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("contractStatusFilter")
        self.status_filter.setAccessibleName(self.tr("Filtrar por situação"))
        self.status_filter.addItem(self.tr("Todas as situações"), None)
        for code, label in ContractStatus.choices():
            self.status_filter.addItem(self.tr(label), code)
        self.access_filter = QComboBox(self)
        self.access_filter.setObjectName("contractAccessFilter")
        self.access_filter.setAccessibleName(self.tr("Filtrar por acesso"))
        self.access_filter.addItem(self.tr("Todo acesso"), None)
        for code, label in AccessStatus.choices():
            self.access_filter.addItem(self.tr(label), code)
        self.plan_filter = QComboBox(self)
        self.plan_filter.setObjectName("contractPlanFilter")
        self.plan_filter.setAccessibleName(self.tr("Filtrar por plano"))
        self.due_day_filter = QSpinBox(self)
        self.due_day_filter.setObjectName("contractDueDayFilter")
        self.due_day_filter.setAccessibleName(self.tr("Filtrar por dia de vencimento"))
        self.due_day_filter.setRange(0, 28)
        self.due_day_filter.setSpecialValueText(self.tr("Venc.: todos"))
        self.due_day_filter.setPrefix(self.tr("Venc. dia "))
        self.expiring_filter = QSpinBox(self)
        self.expiring_filter.setObjectName("contractExpiringFilter")
        self.expiring_filter.setAccessibleName(self.tr("Fidelidade expirando em até N dias"))
        self.expiring_filter.setRange(0, 3650)
        self.expiring_filter.setSpecialValueText(self.tr("Expira em: —"))
        self.expiring_filter.setPrefix(self.tr("Expira em "))
        self.expiring_filter.setSuffix(self.tr(" dias"))
        self.city_filter = QLineEdit(self)
        self.city_filter.setObjectName("contractCityFilter")
        self.city_filter.setAccessibleName(self.tr("Filtrar por cidade"))
        self.city_filter.setPlaceholderText(self.tr("Cidade"))
        self.city_filter.setClearButtonEnabled(True)
        self.city_filter.setMaximumWidth(160)
        self.clear_button = QPushButton(self.tr("Limpar filtros"), self)
        self.clear_button.setObjectName("contractClearFilters")

        self.new_button = QPushButton(self.tr("&Novo contrato…"), self)
        self.new_button.setObjectName("contractNew")
        self.new_button.setToolTip(self.tr("Novo contrato (Ctrl+Shift+N)"))
        self.new_button.setEnabled(context.can(Permission.CONTRACTS_CREATE))
        self.open_button = QPushButton(self.tr("A&brir…"), self)
        self.open_button.setObjectName("contractOpen")
        self.open_button.setToolTip(self.tr("Abrir o contrato selecionado (Enter ou duplo clique)"))
        self.renew_button = QPushButton(self.tr("Reno&var…"), self)
        self.renew_button.setObjectName("contractRenewButton")
        self.contract_actions = ContractActions(self, context, self.run_action, lambda name: name + "Button",
                                                "contract")
        self.action_buttons: dict[str, QAction] = self.contract_actions.actions
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.new_button, self.open_button, self.renew_button,
                       *self.contract_actions.buttons.values(), self.contract_actions.more_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.model = ContractListModel(context, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("contractTable")
        self.table.setAccessibleName(self.tr("Contratos"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((70, 230, 130, 120, 100, 95, 95, 90, 50, 85, 85)):
            self.table.setColumnWidth(col, width)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("contractCount")

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        for w in (self.status_filter, self.access_filter, self.plan_filter, self.due_day_filter,
                  self.expiring_filter, self.city_filter, self.clear_button):
            filters.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.city_filter.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.status_filter, self.access_filter, self.plan_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for spin in (self.due_day_filter, self.expiring_filter):
            spin.valueChanged.connect(lambda _v: self._timer.start())
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_contract)
        self.open_button.clicked.connect(self.open_selected)
        self.renew_button.clicked.connect(self.renew_selected)
        self.table.doubleClicked.connect(self._open_index)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_count)
        renew_key = QShortcut(QKeySequence("Ctrl+Shift+R"), self)
        renew_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        renew_key.activated.connect(lambda: self.renew_button.isEnabled() and self.renew_selected())
        shortcut = QShortcut(QKeySequence("Return"), self.table)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.open_selected)
        for keys in ("Ctrl+F", "F3"):
            find = QShortcut(QKeySequence(keys), self)
            find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            find.activated.connect(self.focus_search)
        context.events.changed.connect(self._data_changed)
        self._fill_plans()
        self.setFocusProxy(self.search_edit)
        self.reload()

    # ------------------------------------------------------------------------------ filters
    def _fill_plans(self) -> None:
        current = self.plan_filter.currentData()
        self.plan_filter.blockSignals(True)
        self.plan_filter.clear()
        self.plan_filter.addItem(self.tr("Todos os planos"), None)
        for p in plans.list_plans(self.context.uow()):
            self.plan_filter.addItem(p.code if p.active else f"{p.code} {self.tr('(inativo)')}", p.code)
        self.plan_filter.setCurrentIndex(max(0, self.plan_filter.findData(current)))
        self.plan_filter.blockSignals(False)

    def current_filter(self) -> ContractFilter:
        """The filter the widgets (and the last `apply_filter`) describe."""
        status = self.status_filter.currentData()
        access = self.access_filter.currentData()
        statuses = (status,) if status else self._extra.statuses
        accesses = (access,) if access else self._extra.access_statuses
        return replace(
            self._extra,
            text=self.search_edit.text().strip(),
            statuses=statuses,
            access_statuses=accesses,
            plan_code=self.plan_filter.currentData() or None,
            due_day=self.due_day_filter.value() or None,
            expiring_within_days=self.expiring_filter.value() or None,
            city=self.city_filter.text().strip() or None,
        )

    def apply_filter(self, f: ContractFilter) -> None:
        """Show the contracts of `f` (the dashboard clicks through to this): sets the widgets and reloads.

        Criteria without a widget (in loyalty, branch, date ranges, several statuses) are kept and
        shown in the count line until "Limpar filtros".
        """
        self._timer.stop()
        widgets = (self.search_edit, self.status_filter, self.access_filter, self.plan_filter,
                   self.due_day_filter, self.expiring_filter, self.city_filter)
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.setText(f.text)
        self.status_filter.setCurrentIndex(self.status_filter.findData(f.statuses[0]) if len(f.statuses) == 1 else 0)
        self.access_filter.setCurrentIndex(
            self.access_filter.findData(f.access_statuses[0]) if len(f.access_statuses) == 1 else 0)
        if f.plan_code and self.plan_filter.findData(f.plan_code) < 0:
            self._fill_plans()
        self.plan_filter.setCurrentIndex(max(0, self.plan_filter.findData(f.plan_code)) if f.plan_code else 0)
        self.due_day_filter.setValue(f.due_day or 0)
        self.expiring_filter.setValue(f.expiring_within_days or 0)
        self.city_filter.setText(f.city or "")
        for w in widgets:
            w.blockSignals(False)
        self._extra = ContractFilter(
            statuses=f.statuses if len(f.statuses) > 1 else (),
            access_statuses=f.access_statuses if len(f.access_statuses) > 1 else (),
            in_loyalty=f.in_loyalty, branch_code=f.branch_code, cancelled_from=f.cancelled_from,
            cancelled_to=f.cancelled_to, activated_from=f.activated_from, activated_to=f.activated_to,
            as_of=f.as_of,
        )
        self.reload()

    def clear_filters(self) -> None:
        """Back to every contract."""
        self.apply_filter(ContractFilter())

    def reload(self) -> None:
        """Query the first page again with the current filter."""
        self._timer.stop()
        selected = self.selected_ids()
        try:
            self.model.apply(self.current_filter())
        except BusinessRuleError as exc:
            self.model.set_rows([])
            self.count_label.setText(exc.message)
            return
        for contract_id in selected[:1]:
            self.select_contract(contract_id)
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(0)
        self._update_count()
        self._update_buttons()

    def _extra_text(self) -> str:
        e = self._extra
        parts = []
        if e.statuses:
            parts.append(", ".join(ContractStatus.label_of(s) for s in e.statuses))
        if e.access_statuses:
            parts.append(", ".join(AccessStatus.label_of(s) for s in e.access_statuses))
        if e.in_loyalty is not None:
            parts.append(self.tr("em fidelidade") if e.in_loyalty else self.tr("fora da fidelidade"))
        if e.branch_code:
            parts.append(self.tr("filial {b}").format(b=e.branch_code))
        if e.cancelled_from or e.cancelled_to:
            parts.append(self.tr("cancelados de {a} a {b}").format(a=format_date(e.cancelled_from) or "…",
                                                                    b=format_date(e.cancelled_to) or "…"))
        if e.activated_from or e.activated_to:
            parts.append(self.tr("ativados de {a} a {b}").format(a=format_date(e.activated_from) or "…",
                                                                  b=format_date(e.activated_to) or "…"))
        if e.as_of:
            parts.append(self.tr("referência {d}").format(d=format_date(e.as_of)))
        return "; ".join(parts)

    def _update_count(self, *_args: Any) -> None:
        try:
            total = contract_list.count_contracts(self.context.uow(), self.model.filter, COUNT_LIMIT)
        except BusinessRuleError as exc:
            self.count_label.setText(exc.message)
            return
        if total > COUNT_LIMIT:
            text = self.tr("Mais de {n} contratos").format(n=f"{COUNT_LIMIT:,}".replace(",", "."))
        elif total == 0:
            text = self.tr("Nenhum contrato encontrado.")
        else:
            text = plural(total, self.tr("contrato"), self.tr("contratos"))
        if total:
            text += self.tr(" — {shown} exibidos; role a lista para ver mais.").format(shown=self.model.rowCount()) \
                if self.model.canFetchMore(QModelIndex()) else "."
        extra = self._extra_text()
        if extra:
            text += self.tr("  Filtro do painel: {f}.").format(f=extra)
        self.count_label.setText(text)

    def focus_search(self) -> None:
        """Cursor to the search field."""
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # ------------------------------------------------------------------------------ selection
    def selected_ids(self) -> list[uuid.UUID]:
        """Ids of the selected contracts, in table order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r).id for r in rows if r < self.model.rowCount()]

    def select_contract(self, contract_id: uuid.UUID) -> None:
        """Select `contract_id` when it is loaded."""
        row = self.model.row_of_id(contract_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_buttons(self, *_args: Any) -> None:
        ids = self.selected_ids()
        one = len(ids) == 1
        self.open_button.setEnabled(one)
        rows = [self.model.row_at(self.model.row_of_id(i)) for i in ids]
        reason = None
        if not self.context.can(Permission.CONTRACTS_RENEW):
            reason = self.tr("seu perfil não tem permissão para renovar.")
        elif not one:
            reason = self.tr("selecione um único contrato.")
        else:
            reason = contract_states.renew(rows[0])
        self.renew_button.setEnabled(reason is None)
        self.renew_button.setToolTip(self.tr("Renovar a fidelidade (Ctrl+Shift+R)") + (
            "\n" + self.tr("Indisponível: {r}").format(r=reason) if reason else ""))
        self.contract_actions.update(rows)

    # ------------------------------------------------------------------------------ actions
    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_contract(self.model.row_at(index.row()).id)

    def open_selected(self) -> None:
        """Open the selected contract."""
        ids = self.selected_ids()
        if ids:
            self.open_contract(ids[0])

    def open_contract(self, contract_id: uuid.UUID | None, customer_id: uuid.UUID | None = None,
                      customer_label: str = "") -> bool:
        """Open the contract form (None = new contract); True when something was saved."""
        from ispdesk.ui.dialogs.contract_form import ContractForm

        form = ContractForm(self.context, contract_id, self, customer_id=customer_id, customer_label=customer_label)
        form.exec()
        saved = form.saved
        if saved and form.contract is not None:
            self.reload()
            self.select_contract(form.contract.id)
        form.deleteLater()
        return saved

    def new_contract(self, customer_id: uuid.UUID | None = None, customer_label: str = "") -> bool:
        """Open an empty contract form; True when a contract was created."""
        if not self.context.can(Permission.CONTRACTS_CREATE):
            return False
        return self.open_contract(None, customer_id, customer_label)

    def renew_selected(self) -> bool:
        """Renew the selected contract (asks the date, months and benefit)."""
        from ispdesk.services import contracts
        from ispdesk.ui.dialogs.contract_form import RenewDialog

        ids = self.selected_ids()
        if len(ids) != 1:
            return False
        try:
            row = contracts.get_contract(self.context.uow(), ids[0])
            dialog = RenewDialog(row, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            contracts.renew_contract(self.context.uow(), row.id, dialog.date_edit.value(), dialog.months.value(),
                                     dialog.benefit.value())
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Renovar contrato"), exc.message)
            return False
        self.context.events.changed.emit("contract")
        return True

    def run_action(self, spec: registry.ContractActionSpec) -> bool:
        """Run a registered contract action on the selection."""
        ids = self.selected_ids()
        if not ids or (len(ids) > 1 and not spec.multi):
            return False
        if spec.permission is not None and not self.context.can(spec.permission):
            return False
        rows = [self.model.row_at(self.model.row_of_id(i)) for i in ids]
        if contract_states.reason_for(spec.available, rows) is not None:
            return False
        changed = bool(spec.handler(self, self.context, ids))
        if changed:
            self.context.events.changed.emit("contract")
        return changed

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def build_context_menu(self) -> QMenu:
        """The context menu for the current selection (tests inspect it)."""
        menu = QMenu(self)
        menu.setObjectName("contractContextMenu")
        ids = self.selected_ids()
        menu.setToolTipsVisible(True)
        open_action = QAction(self.tr("A&brir…"), menu)
        open_action.setObjectName("contractMenuOpen")
        open_action.setEnabled(len(ids) == 1)
        open_action.triggered.connect(self.open_selected)
        menu.addAction(open_action)
        renew = QAction(self.tr("Reno&var…"), menu)
        renew.setObjectName("contractMenuRenew")
        renew.setEnabled(self.renew_button.isEnabled())
        renew.setToolTip(self.renew_button.toolTip())
        renew.triggered.connect(self.renew_selected)
        menu.addAction(renew)
        menu.addSeparator()
        self.contract_actions.fill(menu)
        return menu

    def _data_changed(self, kind: str) -> None:
        if kind == "plan":
            self._fill_plans()
        if kind in ("contract", "plan", "catalog", "customer", "charge", "payment", "access"):
            self.reload()
