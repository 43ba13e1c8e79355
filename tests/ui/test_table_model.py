"""`RowsTableModel`: one `multiData` call answers what `data` answers role by role; sorting keeps selections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from ispdesk.domain.dates import format_date
from ispdesk.domain.money import format_brl
from ispdesk.ui.models.table import ROW_ROLE, SORT_ROLE, Column, RowsTableModel

ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
         Qt.ItemDataRole.CheckStateRole, SORT_ROLE, ROW_ROLE]


@dataclass(frozen=True)
class Item:
    name: str
    due: date
    value: Decimal


ITEMS = [Item("Beatriz", date(2026, 3, 1), Decimal("99.90")), Item("Ana", date(2026, 1, 5), Decimal("1234.5")),
         Item("Carlos", date(2025, 12, 31), Decimal("0.00"))]


def columns() -> list[Column[Item]]:
    return [Column("Nome", lambda r: r.name, tooltip=lambda r: f"Cliente {r.name}"),
            Column("Vencimento", lambda r: format_date(r.due), lambda r: r.due),
            Column("Valor", lambda r: format_brl(r.value), lambda r: r.value, align_right=True)]


def multi(model: RowsTableModel[Any], row: int, column: int, role: Any) -> Any:
    cell = QModelRoleData(int(role))
    cell.setData("lixo de uma chamada anterior")  # must be replaced or cleared
    model.multiData(model.index(row, column), QModelRoleDataSpan(cell))
    return cell.data()


@pytest.fixture
def model(qtmodeltester) -> RowsTableModel[Item]:  # noqa: ANN001
    m: RowsTableModel[Item] = RowsTableModel(columns())
    m.set_rows(ITEMS)
    qtmodeltester.check(m)
    return m


def test_multidata_answers_what_data_answers(model) -> None:  # noqa: ANN001
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in ROLES:
                assert multi(model, row, column, role) == model.index(row, column).data(role), (row, column, role)
    assert multi(model, 1, 2, Qt.ItemDataRole.DisplayRole) == "R$ 1.234,50"
    assert multi(model, 1, 0, Qt.ItemDataRole.ToolTipRole) == "Cliente Ana"
    assert multi(model, 1, 2, Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight
                                                                        | Qt.AlignmentFlag.AlignVCenter)
    assert multi(model, 1, 1, Qt.ItemDataRole.TextAlignmentRole) is None
    assert multi(model, 1, 1, SORT_ROLE) == date(2026, 1, 5)


def test_multidata_on_an_invalid_index_clears_everything(model) -> None:  # noqa: ANN001
    cell = QModelRoleData(int(Qt.ItemDataRole.DisplayRole))
    cell.setData("velho")
    model.multiData(model.index(5, 0), QModelRoleDataSpan(cell))
    assert cell.data() is None


def test_the_view_paints_through_multidata(qtbot) -> None:  # noqa: ANN001
    class Counting(RowsTableModel[Item]):
        calls = 0

        def multiData(self, index: Any, span: Any) -> None:  # noqa: N802 - Qt's name
            Counting.calls += 1
            super().multiData(index, span)

    m = Counting(columns())
    m.set_rows(ITEMS)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.resize(500, 200)
    view.grab()
    assert Counting.calls >= len(ITEMS) * 3


def test_a_subclass_data_override_is_honoured(qtbot) -> None:  # noqa: ANN001
    class Bold(RowsTableModel[Item]):
        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.ForegroundRole:
                return "vermelho"
            return super().data(index, role)

    m = Bold(columns())
    m.set_rows(ITEMS)
    assert multi(m, 0, 0, Qt.ItemDataRole.ForegroundRole) == "vermelho"
    assert multi(m, 0, 0, Qt.ItemDataRole.DisplayRole) == "Beatriz"


def test_new_rows_and_sorting_show_fresh_texts_and_keep_selections(model) -> None:  # noqa: ANN001
    assert multi(model, 0, 0, Qt.ItemDataRole.DisplayRole) == "Beatriz"  # cached now
    selected = QPersistentModelIndex(model.index(0, 2))  # Beatriz's value
    model.sort(1, Qt.SortOrder.AscendingOrder)  # by date, not by text
    assert [model.index(r, 0).data() for r in range(3)] == ["Carlos", "Ana", "Beatriz"]
    assert multi(model, 0, 0, Qt.ItemDataRole.DisplayRole) == "Carlos"
    assert (selected.row(), selected.column()) == (2, 2) and selected.data() == "R$ 99,90"
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(3)] == ["Ana", "Beatriz", "Carlos"]
    assert selected.row() == 1
    model.set_rows(ITEMS[2:])
    assert multi(model, 0, 0, Qt.ItemDataRole.DisplayRole) == "Carlos" and model.rowCount() == 1
