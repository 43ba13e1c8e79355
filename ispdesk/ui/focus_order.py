"""Tab order that follows the screen: the layouts are read in reading order and chained with setTabOrder.

Qt's default chain is the order the widgets were created or re-parented in, so a field wrapped after
`setupUi` (error label, group box) lands after the buttons. `apply_visual_tab_order(window)` walks the
window's layouts — form rows top to bottom (label, field), grid cells row by row, boxes in their
direction, tab pages in order, nested layouts where they sit — and chains the focusable widgets in that
order. `install(app)` does it for every dialog each time it is shown, so dialogs need no code of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def _layout_items(layout: QLayout) -> Iterator[QLayoutItem]:
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = layout.itemAt(row, role)
                if item is not None:
                    yield item
        return
    items = [layout.itemAt(i) for i in range(layout.count())]
    if isinstance(layout, QGridLayout):
        cells = []
        for i in range(layout.count()):
            position: Any = layout.getItemPosition(i)
            cells.append((int(position[0]), int(position[1]), i))
        yield from (item for _r, _c, i in sorted(cells) if (item := items[i]) is not None)
        return
    if isinstance(layout, QBoxLayout) and layout.direction() in (QBoxLayout.Direction.RightToLeft,
                                                                  QBoxLayout.Direction.BottomToTop):
        items.reverse()
    yield from (item for item in items if item is not None)


def _from_layout(layout: QLayout) -> Iterator[QWidget]:
    for item in _layout_items(layout):
        child_layout = item.layout()
        widget = item.widget()
        if widget is not None:
            yield from _from_widget(widget)
        elif child_layout is not None:
            yield from _from_layout(child_layout)


def _from_widget(widget: QWidget) -> Iterator[QWidget]:
    """The focusable widgets inside `widget` (itself included), in reading order."""
    if widget.isWindow() and widget.parentWidget() is not None:
        return
    if (isinstance(widget, QTabWidget | QScrollArea | QSplitter | QStackedWidget)
            and widget.focusProxy() is None and _takes_tab(widget)):
        yield widget
    if isinstance(widget, QTabWidget):
        if _takes_tab(widget.tabBar()):
            yield widget.tabBar()
        for index in range(widget.count()):
            page = widget.widget(index)
            if page is not None:
                yield from _from_widget(page)
        return
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        if inner is not None:
            yield from _from_widget(inner)
        return
    if isinstance(widget, QSplitter | QStackedWidget):
        for index in range(widget.count()):
            child = widget.widget(index)
            if child is not None:
                yield from _from_widget(child)
        return
    layout = widget.layout()
    proxy = widget.focusProxy()
    if layout is not None:
        if proxy is None and _takes_tab(widget):
            yield widget
        yield from _from_layout(layout)
    elif proxy is not None:
        yield from _from_widget(proxy)
    elif _takes_tab(widget):
        yield widget


def visual_order(window: QWidget) -> list[QWidget]:
    """The focusable widgets of `window` in the order they are read on screen (hidden ones included)."""
    seen: set[int] = set()
    ordered: list[QWidget] = []
    layout = window.layout()
    source = _from_layout(layout) if layout is not None else iter(())
    for widget in source:
        if id(widget) not in seen:
            seen.add(id(widget))
            ordered.append(widget)
    return ordered


def apply_visual_tab_order(window: QWidget) -> list[QWidget]:
    """Chain the focusable widgets of `window` in reading order; returns that order."""
    ordered = visual_order(window)
    for first, second in zip(ordered, ordered[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return ordered


def focus_chain(window: QWidget) -> list[QWidget]:
    """The widgets Tab visits from the first one, in order (visible, enabled, tab-focusable ones)."""
    chain: list[QWidget] = []
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window and widget not in chain:
        if (widget.isVisibleTo(window) and widget.isEnabled() and _takes_tab(widget)
                and widget.window() is window and widget.focusProxy() is None):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


class _OnShow(QObject):
    """Reorders a dialog the first time and every time it is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            apply_visual_tab_order(watched)
        return False


_FILTER: list[_OnShow] = []


def install(app: QApplication) -> None:
    """Give every dialog of `app` the visual tab order when shown (idempotent)."""
    if not _FILTER:
        _FILTER.append(_OnShow(app))
        app.installEventFilter(_FILTER[0])
