"""Generic table models: `RowsTableModel` (a list set at once) and `PagedTableModel` (fetchMore).

Columns are declared once with a translatable header, a display function and a sort value with
native types (dates sort as dates, money as Decimal).

Painting: Qt 6's item delegates ask for every role of a cell in one ``multiData`` call; the models
answer it in one Python call (display text, alignment, tooltip; every other role cleared) instead of
one ``data`` call per role, and compute each row's display texts once (cached until the rows change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, QPersistentModelIndex, Qt

R = TypeVar("R")
K = TypeVar("K")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_SORT = int(SORT_ROLE)
_ROW = int(ROW_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: header, how to show a row, how to sort it, alignment."""

    header: str
    display: Callable[[R], str]
    sort_value: Callable[[R], Any] | None = None
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """Rows set at once with `set_rows()`; small and medium lists.

    Row objects are treated as immutable: each row's display texts are computed once and cached
    until `set_rows()` or a sort. A subclass that overrides `data` is still honoured by `multiData`.
    """

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []
        self._texts: dict[int, tuple[str, ...]] = {}

    # --- API -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = {}
        self.endResetModel()

    def row_at(self, row: int) -> R:
        """The row object at `row`."""
        return self._rows[row]

    def rows(self) -> list[R]:
        """A copy of every row."""
        return list(self._rows)

    # --- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return self._columns[section].header
            return None
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def _texts_of(self, row: int) -> tuple[str, ...]:
        texts = self._texts.get(row)
        if texts is None:
            item = self._rows[row]
            texts = self._texts[row] = tuple(c.display(item) for c in self._columns)
        return texts

    def _value(self, row: int, column: int, role: int) -> Any:
        """The value of one cell for `role` (row and column valid): the one rule `data` and `multiData` share."""
        if role == _DISPLAY:
            return self._texts_of(row)[column]
        if role == _ALIGN:
            return _RIGHT if self._columns[column].align_right else None
        if role == _TOOLTIP:
            tooltip = self._columns[column].tooltip
            return tooltip(self._rows[row]) if tooltip is not None else None
        if role == _SORT:
            spec = self._columns[column]
            return (spec.sort_value or spec.display)(self._rows[row])
        if role == _ROW:
            return self._rows[row]
        return None

    def _valid(self, index: _Index) -> bool:
        return (index.isValid() and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < len(self._columns))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        return self._value(index.row(), index.column(), int(role))

    def multiData(self, index: _Index, roleDataSpan: QModelRoleDataSpan) -> None:  # type: ignore[override]  # noqa: N803, E501
        """Every role the delegate asks for one cell, in one call (Qt 6 paints this way)."""
        if not self._valid(index):
            for item in roleDataSpan:  # type: ignore[attr-defined]  # iterable at run time
                item.clearData()
            return
        if type(self).data is not RowsTableModel.data:  # a subclass answers some roles itself
            for item in roleDataSpan:  # type: ignore[attr-defined]  # iterable at run time
                value = self.data(index, item.role())
                if value is None:
                    item.clearData()
                else:
                    item.setData(value)
            return
        row, column = index.row(), index.column()
        for item in roleDataSpan:  # type: ignore[attr-defined]  # iterable at run time
            value = self._value(row, column, item.role())
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        spec = self._columns[column]
        key = spec.sort_value or spec.display

        def safe(row: R) -> tuple[bool, Any]:
            value = key(row)
            return (value is None, value if value is not None else 0)

        self.layoutAboutToBeChanged.emit()
        order_of = sorted(range(len(self._rows)), key=lambda i: safe(self._rows[i]),
                          reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [self._rows[i] for i in order_of]
        self._texts = {}
        new_row = {old: new for new, old in enumerate(order_of)}
        persistent = self.persistentIndexList()  # selections and current items follow their rows
        self.changePersistentIndexList(
            persistent, [self.index(new_row[p.row()], p.column()) for p in persistent])
        self.layoutChanged.emit()


class PagedTableModel(RowsTableModel[R], Generic[R, K]):
    """Rows fetched a page at a time (keyset pagination) as the view scrolls.

    `fetch_page(after_key, limit)` returns the rows after `after_key` (None = from the start);
    `key_of(row)` gives the keyset key of a row. A million rows cost no more than a screenful.
    """

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch_page: Callable[[K | None, int], Sequence[R]],
        key_of: Callable[[R], K],
        page_size: int = 200,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._fetch_page = fetch_page
        self._key_of = key_of
        self.page_size = page_size
        self._exhausted = False

    def set_fetcher(self, fetch_page: Callable[[K | None, int], Sequence[R]]) -> None:
        """Replace the query (new search or filter) and load the first page."""
        self._fetch_page = fetch_page
        self.reload()

    def reload(self) -> None:
        """Load the first page again."""
        first = list(self._fetch_page(None, self.page_size))
        self._exhausted = len(first) < self.page_size
        self.set_rows(first)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and bool(self._rows)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or not self._rows:
            return
        more = list(self._fetch_page(self._key_of(self._rows[-1]), self.page_size))
        if len(more) < self.page_size:
            self._exhausted = True
        if not more:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Paged lists keep the database order (sorting a partial list would mislead)."""
        return
