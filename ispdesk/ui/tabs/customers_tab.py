"""The customers tab: search as you type over a keyset-paged table; new / edit with the form."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.contact import mask_phone
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import CustomerStatus
from ispdesk.domain.text import fold
from ispdesk.domain.wording import plural
from ispdesk.services import customer_sort
from ispdesk.services import customers as customer_service
from ispdesk.services.customer_search import describe_search
from ispdesk.services.customers import CustomerListRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.latest_only import LatestOnlyRunner
from ispdesk.ui.models.table import Column, PagedTableModel, RowsTableModel

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CustomersTab", text)


def customer_columns() -> list[Column[CustomerListRow]]:
    """Código, nome, CPF/CNPJ, celular, e-mail, cidade, situação (documents and phones masked)."""
    return [
        Column(_tr("Código"), lambda r: str(r.code), sort_value=lambda r: r.code, align_right=True),
        Column(_tr("Nome / razão social"), lambda r: r.name, sort_value=lambda r: fold(r.name)),
        Column(_tr("CPF/CNPJ"), lambda r: mask_document(r.document) if r.document else ""),
        Column(_tr("Celular"), lambda r: mask_phone(r.mobile) if r.mobile else ""),
        Column(_tr("E-mail"), lambda r: r.email, sort_value=lambda r: fold(r.email)),
        Column(_tr("Cidade"), lambda r: r.city, sort_value=lambda r: fold(r.city)),
        Column(_tr("Situação"), lambda r: CustomerStatus.label_of(r.status)),
    ]


class CustomerListModel(PagedTableModel[CustomerListRow, Any]):
    """Customers matching a search text, a page at a time (keyset on ``(name_folded, id)``).

    Attributes:
        search_text: the current search.
    """

    #: Rows per query: about four screenfuls; scrolling fetches the next page by keyset.
    PAGE_SIZE = 100

    def __init__(self, context: AppContext, page_size: int = PAGE_SIZE, parent: Any = None) -> None:
        self.context = context
        self.search_text = ""
        #: (column name, descending) while a partial list is sorted in the database; None = name order
        self.server_sort: tuple[str, bool] | None = None
        super().__init__(customer_columns(), self._fetch, lambda r: r.key, page_size, parent)

    def _fetch(self, after: Any, limit: int) -> Sequence[CustomerListRow]:
        if self.server_sort is not None:
            column, descending = self.server_sort
            offset = 0 if after is None else len(self._rows)
            return customer_sort.sorted_customers(self.context.uow(), self.search_text, column, descending,
                                                  offset, limit)
        return customer_service.search_customers(self.context.uow(), self.search_text, after, limit)

    def complete(self) -> bool:
        """True when every matching customer is loaded (then the loaded rows may be sorted)."""
        return self._exhausted

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column`: the loaded rows when the whole result is loaded, else in the database."""
        if self.complete() and self.server_sort is None:
            RowsTableModel.sort(self, column, order)
            return
        self.server_sort = (customer_sort.SORT_COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def sorts_in_database(self) -> bool:
        """True when a header click must ask the database (only part of the matches is loaded)."""
        return not self.complete() or self.server_sort is not None

    def fetch_sorted(self, text: str, column: int, descending: bool) -> list[CustomerListRow]:
        """The first page of the matches of `text` ordered by `column`, without touching the model (worker)."""
        return customer_sort.sorted_customers(self.context.uow(), text, customer_sort.SORT_COLUMNS[column],
                                              descending, 0, self.page_size)

    def show_sorted(self, text: str, column: int, descending: bool, rows: Sequence[CustomerListRow]) -> None:
        """Show a first sorted page fetched by `fetch_sorted` (GUI thread); scrolling pages on in that order."""
        self.search_text = text
        self.server_sort = (customer_sort.SORT_COLUMNS[column], descending)
        self._exhausted = len(rows) < self.page_size
        self.set_rows(list(rows))

    def search(self, text: str) -> None:
        """Show the first page of customers matching `text` (empty = everyone), in name order."""
        self.search_text = text
        self.server_sort = None
        self.reload()

    def fetch_first(self, text: str) -> list[CustomerListRow]:
        """The first page for `text`, without touching the model (runs in the search thread)."""
        return list(customer_service.search_customers(self.context.uow(), text, None, self.page_size))

    def show_results(self, text: str, rows: Sequence[CustomerListRow]) -> None:
        """Show a first page fetched by `fetch_first` (GUI thread)."""
        self.search_text = text
        self.server_sort = None
        self._exhausted = len(rows) < self.page_size
        self.set_rows(list(rows))

    def row_of_id(self, customer_id: uuid.UUID) -> int:
        """The row showing `customer_id` among the loaded rows, or -1."""
        for i, row in enumerate(self._rows):
            if row.id == customer_id:
                return i
        return -1


class CustomersTab(QWidget):
    """The Clientes tab: search field, paged table, new/open buttons.

    objectNames: ``customersTab``, ``customerSearch`` (searches as you type), ``customerTable``,
    ``newCustomerButton``, ``editCustomerButton``, ``customerStatus``.

    Searching: each key schedules a search that starts as soon as the event loop is idle, unless
    searches are slow (≥ `FAST_SEARCH_S`) and one is still pending: then after a `SEARCH_DELAY_MS`
    pause in the typing. The
    query runs in a worker thread (`LatestOnlyRunner`): typing never waits for the database, and the
    answer of an older text that arrives after a newer one is discarded. When nothing is found the
    list says how the text was read (``customerEmptyHint``, from `describe_search`).

    Keyboard: typing searches; ↓ goes to the table; Enter / double-click opens the selected customer;
    Ctrl+N new customer; Ctrl+F / F3 back to the search. Refreshes on ``events.changed("customer")``.

    Attributes:
        model: the `CustomerListModel`.
        table: the table view.
        search_edit: the search field.
    """

    #: Debounce while searches are slow (a remote PostgreSQL, a cold cache).
    SEARCH_DELAY_MS = 150
    #: Search texts of each query shape (name, code + CPF/CNPJ, + phone, e-mail, alphanumeric CNPJ),
    #: run once in idle time after the first paint so the first real keystroke finds them compiled.
    WARM_UP_TEXTS = ("a", "1234", "119876", "a@", "12ab")
    #: A search answered faster than this runs on the next idle turn of the event loop (fast path):
    #: keys already queued (fast typing, paste) still coalesce into one query.
    FAST_SEARCH_S = 0.040

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("customersTab")
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("customerSearch")
        self.search_edit.setAccessibleName(self.tr("Buscar clientes"))
        self.search_edit.setPlaceholderText(
            self.tr("Buscar por nome, CPF/CNPJ, celular, telefone, e-mail ou código…"))
        self.search_edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(self.tr("&Novo cliente"), self)
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.setToolTip(self.tr("Cadastrar um cliente (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("&Abrir"), self)
        self.edit_button.setObjectName("editCustomerButton")
        self.edit_button.setToolTip(self.tr("Abrir o cadastro do cliente selecionado (Enter)"))
        self.new_button.setVisible(context.can(Permission.CUSTOMERS_CREATE))

        self.model = CustomerListModel(context, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("customerTable")
        self.table.setAccessibleName(self.tr("Lista de clientes"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for column, width in enumerate((70, 320, 150, 130, 260, 170, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setToolTip(self.tr("Clique no título de uma coluna para ordenar a lista por ela"))
        header.sectionClicked.connect(self.sort_by_column)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("customerStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        search_label = QLabel(self.tr("&Buscar:"), self)
        search_label.setBuddy(self.search_edit)
        top.addWidget(search_label)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._start_search)
        self._runner = LatestOnlyRunner(self)
        self.empty_hint = QLabel(self.table.viewport())
        self.empty_hint.setObjectName("customerEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_hint.setMargin(24)
        self.empty_hint.hide()
        self.table.viewport().installEventFilter(self)
        self.search_edit.textChanged.connect(self._schedule_search)
        self.search_edit.returnPressed.connect(self._search_now_and_focus)
        self.search_edit.installEventFilter(self)
        self.table.doubleClicked.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.installEventFilter(self)
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button.clicked.connect(self.open_selected)
        self.model.rowsInserted.connect(self._update_status)
        self.model.modelReset.connect(self._update_status)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        for keys in ("Ctrl+F", "F3"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.focus_search)
        context.events.changed.connect(self._data_changed)
        self.last_message = ""
        self.last_search_s = 1.0
        self.run_search()
        self.setFocusProxy(self.search_edit)
        QTimer.singleShot(300, self, self._warm_up)

    def _warm_up(self) -> None:
        """Compile each search shape once (a tiny query each); time a warm page for the fast path."""
        try:
            for text in self.WARM_UP_TEXTS:
                customer_service.search_customers(self.context.uow(), text, None, 1)
            # the first (cold) query says little about the next ones: time a warm, full page
            started = time.perf_counter()
            customer_service.search_customers(self.context.uow(), self.WARM_UP_TEXTS[0], None, self.model.page_size)
            self.last_search_s = time.perf_counter() - started
        except Exception:  # an optimisation only: never bother the user with it
            log.debug("aquecimento da busca de clientes falhou", exc_info=True)

    # --------------------------------------------------------------------------- search
    def _schedule_search(self, _text: str = "") -> None:
        # the query runs in the worker, so waiting only pays while an answer is still pending from a
        # slow server: then the pause lets a burst of keys become one query
        slow = self.last_search_s >= self.FAST_SEARCH_S and self._runner.busy
        self._timer.start(self.SEARCH_DELAY_MS if slow else 0)

    def _start_search(self) -> None:
        """Start the search of the current text in the worker thread (the debounce timer calls this)."""
        text = self.search_edit.text()
        started = time.perf_counter()
        self._runner.submit(lambda: self.model.fetch_first(text),
                            lambda rows: self._show_found(text, rows, started), self._search_failed)

    def _show_found(self, text: str, rows: Sequence[CustomerListRow], started: float) -> None:
        self.last_search_s = time.perf_counter() - started
        self.model.show_results(text, rows)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # name order again
        self._after_search()

    def _search_failed(self, exc: Exception) -> None:
        self.model.set_rows([])
        if isinstance(exc, BusinessRuleError):
            self.status_label.setText(exc.message)
            return
        log.error("a busca de clientes falhou", exc_info=exc)
        self.status_label.setText(self.tr("A busca falhou (o erro foi registrado no log). Tente de novo; se "
                                          "persistir, verifique a conexão com o banco de dados."))

    def run_search(self) -> None:
        """Search now with the current text, in this thread (refreshes, Enter, ↓); a pending search is dropped."""
        self._timer.stop()
        self._runner.cancel()
        started = time.perf_counter()
        try:
            self.model.search(self.search_edit.text())
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.last_search_s = time.perf_counter() - started
        except BusinessRuleError as exc:
            self.model.set_rows([])
            self.status_label.setText(exc.message)
            return
        self._after_search()

    def _after_search(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()
        self._update_empty_hint()

    def _update_empty_hint(self) -> None:
        text = self.model.search_text
        if self.model.rowCount() or not text.strip():
            self.empty_hint.hide()
            return
        self.empty_hint.setText(self.tr("Nenhum cliente encontrado para “{q}”.").format(q=text.strip())
                                + "\n\n" + describe_search(text))
        self.empty_hint.setGeometry(self.table.viewport().rect())
        self.empty_hint.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Drop a pending search and let the worker finish before the tab goes away."""
        self._timer.stop()
        self._runner.cancel()
        self._runner.wait(2000)  # a slower answer is dropped by the relay, safely
        super().closeEvent(event)

    def _search_now_and_focus(self) -> None:
        if self._timer.isActive() or self.model.search_text != self.search_edit.text():
            self.run_search()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def focus_search(self) -> None:
        """Put the cursor in the search field with its text selected."""
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def sort_by_column(self, column: int) -> None:
        """Header click: sort every match by `column`; returns at once.

        A complete result is sorted in memory; a partial one (more matches than loaded) is sorted in the
        database by the search worker (`LatestOnlyRunner`), so the click never waits for the query: the
        sorted rows replace the list when they arrive, and typing meanwhile supersedes the sort.
        """
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() != column:
            header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        order = header.sortIndicatorOrder()
        self.last_message = ""
        if not self.model.sorts_in_database():
            self.model.sort(column, order)
            self._sorted_shown()
            return
        self._timer.stop()  # the sort reads the text as it is now: a pending search is covered by it
        text = self.search_edit.text()
        descending = order == Qt.SortOrder.DescendingOrder
        self.status_label.setText(self.tr("Ordenando por “{column}”…").format(
            column=self.model.headerData(column, Qt.Orientation.Horizontal)))
        self._runner.submit(lambda: self.model.fetch_sorted(text, column, descending),
                            lambda rows: self._show_sorted(text, column, descending, rows), self._sort_failed)

    def _sort_failed(self, exc: Exception) -> None:
        if isinstance(exc, BusinessRuleError):
            self.status_label.setText(exc.message)
            return
        log.error("a ordenação da lista de clientes falhou", exc_info=exc)
        self.status_label.setText(self.tr("Não foi possível ordenar a lista (o erro foi registrado no log). "
                                          "Clique no título da coluna de novo; se persistir, verifique a "
                                          "conexão com o banco de dados."))

    def _show_sorted(self, text: str, column: int, descending: bool, rows: Sequence[CustomerListRow]) -> None:
        self.model.show_sorted(text, column, descending, rows)
        self._update_empty_hint()
        self._sorted_shown()

    def _sorted_shown(self) -> None:
        if self.model.rowCount():
            self.table.scrollToTop()
        self._update_buttons()
        self._update_status()

    def _update_status(self, *_args: Any) -> None:
        n = self.model.rowCount()
        if n == 0:
            text = (self.tr("Nenhum cliente encontrado para “{q}”.").format(q=self.model.search_text)
                    if self.model.search_text.strip() else self.tr("Nenhum cliente cadastrado ainda."))
        else:
            shown = f"{n:,}".replace(",", ".")
            more = self.model.canFetchMore(QModelIndex())
            text = (self.tr("{n} clientes exibidos — role a lista para ver mais.").format(n=shown) if more
                    else plural(n, self.tr("cliente"), self.tr("clientes")) + ".")
        if self.last_message:
            text = f"{text}  {self.last_message}"
        self.status_label.setText(text)

    def _update_buttons(self, *_args: Any) -> None:
        self.edit_button.setEnabled(self.selected_id() is not None)

    # ------------------------------------------------------------------------- opening
    def selected_id(self) -> uuid.UUID | None:
        """The id of the selected customer, or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).id

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.row_at(index.row()).id)

    def open_selected(self) -> None:
        """Open the selected customer in the form."""
        customer_id = self.selected_id()
        if customer_id is not None:
            self.open_customer(customer_id)

    def context_menu_for(self, row: int) -> Any:
        """The context menu of the customer at `row` (selected first), or None."""
        from ispdesk.ui.widgets.customer_menu import customer_menu

        if not 0 <= row < self.model.rowCount():
            return None
        self.table.selectRow(row)
        return customer_menu(self, self.model.row_at(row), self.table)

    def _context_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        menu = self.context_menu_for(index.row() if index.isValid() else self.table.currentIndex().row())
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def open_customer(self, customer_id: uuid.UUID | None, show_contracts: bool = False) -> bool:
        """Open the form for `customer_id` (None = new customer); True when saved."""
        from ispdesk.ui.dialogs.customer_form import CustomerForm

        form = CustomerForm(self.context, customer_id, self)
        if show_contracts:
            form.ui.formTabs.setCurrentIndex(form.contracts_tab_index)
        saved = form.exec() == CustomerForm.DialogCode.Accepted
        if saved and form.save_result is not None:
            customer = form.save_result.customer
            done = (self.tr("Cliente nº {code} cadastrado: {name}.") if customer_id is None
                    else self.tr("Cliente nº {code} gravado: {name}.")).format(code=customer.code, name=customer.name)
            self.last_message = "  ".join([done, *form.save_result.warnings])
            self.select_customer(customer.id)
            if self.selected_id() != customer.id:  # not among the rows of the current search: show it alone
                self.search_edit.setText(str(customer.code))
                self.run_search()
                self.select_customer(customer.id)
            self._update_status()
            self.context.events.status.emit(done)
        form.deleteLater()
        return saved

    def new_customer(self) -> bool:
        """Open an empty form; True when a customer was saved."""
        if not self.context.can(Permission.CUSTOMERS_CREATE):
            return False
        return self.open_customer(None)

    def select_customer(self, customer_id: uuid.UUID) -> None:
        """Select `customer_id` when it is among the loaded rows."""
        row = self.model.row_of_id(customer_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _data_changed(self, kind: str) -> None:
        if kind != "customer":
            return
        selected = self.selected_id()
        self.run_search()
        if selected is not None:
            self.select_customer(selected)

    # -------------------------------------------------------------------------- keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↓ / PgDown from the search go to the table; Enter in the table opens the customer."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.empty_hint.setGeometry(self.table.viewport().rect())
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_edit and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                if self._timer.isActive():
                    self.run_search()
                if self.model.rowCount():
                    self.table.setFocus()
                    if self.selected_id() is None:
                        self.table.selectRow(0)
                    return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if watched is self.table and key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)
