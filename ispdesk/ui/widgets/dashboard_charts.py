"""QtCharts for the dashboard: each function fills a `QChart` from one series of a `Dashboard`.

Labels in Portuguese, dates dd/mm, numbers in the pt-BR locale (decimal comma, dot grouping).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ispdesk.domain.money import format_brl
from ispdesk.services.dashboard import CHARTS, Dashboard

MONTHS = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
BLUE, GREEN, ORANGE, RED, GREY = "#2f6fb0", "#3c9a5f", "#e39b2d", "#c8443c", "#8a94a0"
PALETTE = (BLUE, ORANGE, GREEN, RED, "#7b5ea7", "#3aa6b9", GREY, "#b5651d")


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardTab", text)


def day_label(value: date) -> str:
    """``dd/mm``."""
    return value.strftime("%d/%m")


def month_label(value: date) -> str:
    """``nov/26``."""
    return f"{MONTHS[value.month - 1]}/{value:%y}"


def _base_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSize(10)
    chart.setTitleFont(font)
    chart.setLocale(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
    chart.setLocalizeNumbers(True)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 18, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setBackgroundRoundness(4)
    return chart


def _value_axis(maximum: float, label_format: str = "%.0f", axis_title: str = "") -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat(label_format)
    top = max(1.0, float(maximum))
    axis.setRange(0, top * 1.1 if top > 4 else top + 1)
    axis.applyNiceNumbers()
    if axis.max() <= 8:  # small counts: one tick per unit, never 0,5 contracts
        axis.setTickCount(int(axis.max()) + 1)
    if axis_title:
        axis.setTitleText(axis_title)
    return axis


def _bar_set(label: str, values: list[float], color: str) -> QBarSet:
    bar_set = QBarSet(label)
    bar_set.append(values)
    bar_set.setColor(QColor(color))
    bar_set.setBorderColor(QColor(color))
    return bar_set


def _category_chart(title: str, categories: list[str], sets: list[QBarSet], maximum: float,
                    label_format: str = "%.0f", axis_title: str = "", horizontal: bool = False,
                    categories_title: str = "") -> QChart:
    chart = _base_chart(title)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    for bar_set in sets:
        series.append(bar_set)
    chart.addSeries(series)
    categories_axis: QBarCategoryAxis | QCategoryAxis
    if categories_title and len(categories) > 16:
        # many bars: a label on every other one, placed on its bar (a category axis elides them all to "…")
        categories_axis = QCategoryAxis()
        categories_axis.setRange(-0.5, len(categories) - 0.5)
        categories_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        categories_axis.setGridLineVisible(False)
        for i in range(0, len(categories), 2):
            categories_axis.append(categories[i], i)
    else:
        categories_axis = QBarCategoryAxis()
        categories_axis.append(categories or [_tr("sem dados")])
    if categories_title:
        categories_axis.setTitleText(categories_title)
    if horizontal or len(categories) > 8:
        font = QFont(categories_axis.labelsFont())
        font.setPointSize(7 if len(categories) > 8 else 8)
        categories_axis.setLabelsFont(font)
    values_axis = _value_axis(maximum, label_format, axis_title)
    if horizontal:
        chart.addAxis(categories_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories_axis)
    series.attachAxis(values_axis)
    chart.legend().setVisible(len(sets) > 1)
    return chart


def expirations_chart(d: Dashboard) -> QChart:
    """Loyalty ending per week ahead (bars; the week's first day as dd/mm)."""
    counts = [float(w.count) for w in d.expiracoes_semana]
    return _category_chart(
        _tr("Fidelidades expirando por semana"),
        [day_label(w.start) for w in d.expiracoes_semana],
        [_bar_set(_tr("Contratos"), counts, BLUE)], max(counts, default=0),
        axis_title=_tr("contratos"),
    )


def access_chart(d: Dashboard) -> QChart:
    """Reductions, blocks, releases and restorations per day over 90 days (lines; dd/mm every two weeks)."""
    chart = _base_chart(_tr("Reduções, bloqueios, liberações e restabelecimentos por dia (90 dias)"))
    lines = (
        (_tr("Reduções"), ORANGE, lambda a: a.reductions),
        (_tr("Bloqueios"), RED, lambda a: a.blocks),
        (_tr("Liberações"), "#7b5ea7", lambda a: a.releases),
        (_tr("Restabelecimentos"), GREEN, lambda a: a.restorations),
    )
    days = d.acessos_dia
    # 90 category labels would crowd the axis: dd/mm every two weeks, ending on the reference date
    labels_axis = QCategoryAxis()
    labels_axis.setRange(0, max(1, len(days) - 1))
    labels_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for i in range((len(days) - 1) % 14, len(days), 14):
        labels_axis.append(day_label(days[i].day), float(i))
    peak = 0
    series_list = []
    for label, color, value in lines:
        series = QLineSeries()
        series.setName(label)
        series.setPen(QPen(QColor(color), 2))
        points = [QPointF(float(i), float(value(a))) for i, a in enumerate(days)]
        series.append(points)
        peak = max([peak, *(value(a) for a in days)])
        chart.addSeries(series)
        series_list.append(series)
    y_axis = _value_axis(peak, axis_title=_tr("contratos"))
    chart.addAxis(labels_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in series_list:
        series.attachAxis(labels_axis)
        series.attachAxis(y_axis)
    return chart


def cancellations_chart(d: Dashboard) -> QChart:
    """Cancellations in the period per reason (horizontal bars, most frequent on top)."""
    items = list(reversed(d.cancelamentos_motivo))
    counts = [float(r.count) for r in items]
    return _category_chart(
        _tr("Cancelamentos por motivo"), [_two_lines(r.description) for r in items],
        [_bar_set(_tr("Cancelamentos"), counts, RED)], max(counts, default=0), horizontal=True,
    )


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _two_lines(text: str, width: int = 24) -> str:
    """Break a long label on the space nearest its middle (axis labels wider than ~24 characters are elided)."""
    text = html.escape(_short(text, 2 * width), quote=False)  # axis labels are rich text
    if len(text) <= width:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "<br>" + text[cut + 1:]


def changes_chart(d: Dashboard) -> QChart:
    """Upgrades vs downgrades per month of the period (grouped bars, mmm/aa)."""
    ups = [float(m.upgrades) for m in d.alteracoes_mes]
    downs = [float(m.downgrades) for m in d.alteracoes_mes]
    return _category_chart(
        _tr("Upgrades e downgrades por mês"),
        [month_label(m.month) if i == 0 or m.month.month == 1 else MONTHS[m.month.month - 1]
         for i, m in enumerate(d.alteracoes_mes)],
        [_bar_set(_tr("Upgrades (UP, SC, UV)"), ups, GREEN), _bar_set(_tr("Downgrades (DW, DV)"), downs, ORANGE)],
        max(ups + downs, default=0),
    )


def receipts_chart(d: Dashboard) -> QChart:
    """Expected fees per due date of the coming month (bars, R$)."""
    amounts = [float(r.amount) for r in d.recebimentos_dia]  # display only; values stay Decimal elsewhere
    total = sum((r.amount for r in d.recebimentos_dia), start=Decimal("0.00"))
    days = [r.day for r in d.recebimentos_dia]
    # the due day alone ("28" … "27") fits under 31 bars at 1366×768, where dd/mm was elided to "…";
    # the axis title says which dates they are (the coming month may span two calendar months)
    numbers = [str(day.day) for day in days]
    labels = numbers if len(set(numbers)) == len(numbers) else [day_label(day) for day in days]
    where = (_tr("Dia de vencimento ({first} a {last})").format(first=day_label(days[0]), last=day_label(days[-1]))
             if days else _tr("Dia de vencimento"))
    chart = _category_chart(
        _tr("Recebimentos previstos por vencimento — total {total}").format(total=format_brl(total)),
        labels, [_bar_set(_tr("Mensalidades"), amounts, BLUE)], max(amounts, default=0),
        label_format="%.0f", axis_title=_tr("R$"), categories_title=where,
    )
    return chart


def new_contracts_chart(d: Dashboard) -> QChart:
    """New contracts in the period per inclusion reason (pie with counts)."""
    chart = _base_chart(_tr("Novos contratos por motivo de inclusão"))
    series = QPieSeries()
    total = sum(r.count for r in d.novos_motivo)
    for i, r in enumerate(d.novos_motivo):
        slice_ = series.append(f"{_short(r.description, 26)}: {r.count}", float(r.count))
        slice_.setColor(QColor(PALETTE[i % len(PALETTE)]))
        slice_.setLabelVisible(False)
    if not total:
        empty = series.append(_tr("sem contratos novos no período"), 1.0)
        empty.setColor(QColor("#dde2e8"))
    series.setPieSize(0.75)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


#: chart name (as in `services.dashboard.CHARTS`) → builder.
BUILDERS: dict[str, Callable[[Dashboard], QChart]] = {
    "expiracoes_semana": expirations_chart,
    "acessos_dia": access_chart,
    "cancelamentos_motivo": cancellations_chart,
    "alteracoes_mes": changes_chart,
    "recebimentos_dia": receipts_chart,
    "novos_motivo": new_contracts_chart,
}
assert set(BUILDERS) == set(CHARTS)


def make_chart_view(name: str, parent: QWidget | None = None) -> QChartView:
    """An empty chart view for chart `name` (objectName ``chart_<name>``)."""
    view = QChartView(parent)
    view.setObjectName(f"chart_{name}")
    view.setAccessibleName(CHARTS[name])
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view


def update_chart_view(view: QChartView, name: str, d: Dashboard) -> None:
    """Replace the chart shown in `view` with chart `name` of `d` (the old chart is deleted)."""
    old = view.chart()
    view.setChart(BUILDERS[name](d))
    if old is not None:
        old.deleteLater()
