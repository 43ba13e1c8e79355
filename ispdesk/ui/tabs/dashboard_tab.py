"""The dashboard tab (`dashboardTab`): KPI cards that click through to the filtered lists, six charts.

Figures come from `ispdesk.services.dashboard` (SQL aggregates), computed in a worker thread so the tab
never freezes; a subtle "atualizando…" shows meanwhile. The tab refreshes (debounced) when data changes
elsewhere in the app (`context.events.changed`) and when a filter changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QMarginsF, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl, format_number
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import dashboard as service
from ispdesk.services.dashboard import CHARTS, Dashboard, DashboardFilters, FilterChoices
from ispdesk.ui.context import AppContext
from ispdesk.ui.file_dialogs import save_file_name
from ispdesk.ui.widgets.dashboard_charts import make_chart_view, month_label, update_chart_view
from ispdesk.ui.workers import Progress, Worker, run_in_background

log = logging.getLogger(__name__)

#: (months, label) of the period box: the history charts cover these months up to today.
PERIODS = ((1, "Mês atual"), (3, "Últimos 3 meses"), (6, "Últimos 6 meses"), (12, "Últimos 12 meses"),
           (24, "Últimos 24 meses"))
DEFAULT_PERIOD_MONTHS = 12
DEBOUNCE_MS = 500


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardTab", text)


def period_wording(start: date | None, end: date | None) -> str:
    """The period as the filter box words it: ``Últimos 12 meses (01/12/2025 a 27/11/2026)``."""
    if start is None or end is None:
        return ""
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1
    label = dict(PERIODS).get(months) if start.day == 1 else None
    dates = _tr("{a} a {b}").format(a=format_date(start), b=format_date(end))
    return _tr("{label} ({dates})").format(label=_tr(label), dates=dates) if label else \
        _tr("Período {dates}").format(dates=dates)


def format_int(value: int) -> str:
    """``1234567`` → ``1.234.567``."""
    return f"{value:,}".replace(",", ".")


def format_percent(value: Any) -> str:
    """``Decimal("3.4")`` → ``3,40 %``."""
    return f"{format_number(value)} %"


@dataclass(frozen=True)
class CardSpec:
    """One KPI card: JSON key, title, value text and hint line from a `Dashboard`."""

    key: str
    title: Callable[[Dashboard], str]
    value: Callable[[Dashboard], str]
    hint: Callable[[Dashboard], str]


def _month(d: Dashboard) -> str:
    return month_label(d.as_of)


def _share(part: int, d: Dashboard) -> str:
    return _tr("{p} dos ativos").format(p=format_percent(service.percent(part, d.contratos_ativos)))


def _expiring_card(days: int) -> CardSpec:
    def title(_d: Dashboard) -> str:
        return _tr("Expiram em {n} dias").format(n=days)

    def value(d: Dashboard) -> str:
        return format_int(getattr(d, f"expirando_{days}"))

    def hint(d: Dashboard) -> str:
        return _tr("fidelidade até {date}").format(date=format_date(d.as_of + timedelta(days=days)))

    return CardSpec(f"expirando_{days}", title, value, hint)


CARDS: tuple[CardSpec, ...] = (
    CardSpec("contratos_ativos", lambda d: _tr("Contratos ativos"), lambda d: format_int(d.contratos_ativos),
             lambda d: _tr("em {date}").format(date=format_date(d.as_of))),
    CardSpec("mrr", lambda d: _tr("MRR (receita mensal)"), lambda d: format_brl(d.mrr),
             lambda d: _tr("soma das mensalidades")),
    CardSpec("ticket_medio", lambda d: _tr("Ticket médio"), lambda d: format_brl(d.ticket_medio),
             lambda d: _tr("MRR ÷ contratos ativos")),
    CardSpec("em_fidelidade", lambda d: _tr("Em fidelidade"), lambda d: format_int(d.em_fidelidade),
             lambda d: _share(d.em_fidelidade, d)),
    *(_expiring_card(n) for n in service.EXPIRING_WINDOWS),
    CardSpec("reduzidos", lambda d: _tr("Reduzidos agora"), lambda d: format_int(d.reduzidos),
             lambda d: _share(d.reduzidos, d)),
    CardSpec("bloqueados", lambda d: _tr("Bloqueados agora"), lambda d: format_int(d.bloqueados),
             lambda d: _share(d.bloqueados, d)),
    CardSpec("cancelamentos_mes", lambda d: _tr("Cancelamentos do mês"), lambda d: format_int(d.cancelamentos_mes),
             lambda d: _tr("{n} contam como churn").format(n=format_int(d.cancelamentos_churn_mes))),
    CardSpec("churn_mes", lambda d: _tr("Churn do mês"), lambda d: format_percent(d.churn_mes),
             lambda d: _tr("{n} de {total} ativos em {first}").format(
                 n=format_int(d.cancelamentos_churn_mes), total=format_int(d.ativos_inicio_mes),
                 first=d.month_start.strftime("%d/%m"))),
    CardSpec("upgrades_mes", lambda d: _tr("Upgrades do mês"), lambda d: format_int(d.upgrades_mes),
             lambda d: _tr("{m}: UP, SC e UV").format(m=_month(d))),
    CardSpec("downgrades_mes", lambda d: _tr("Downgrades do mês"), lambda d: format_int(d.downgrades_mes),
             lambda d: _tr("{m}: DW e DV").format(m=_month(d))),
)
#: Cards in the first row; the rest go in the second.
FIRST_ROW = 7


def card_target(key: str, d: Dashboard) -> tuple[str, Any]:
    """Where a card leads: (tab objectName, filter for its ``apply_filter``).

    Contract cards lead to ``contractsTab`` with a `ContractFilter`; upgrades and downgrades lead to
    ``planChangesTab`` with the plan-change filter of the month (when that area is installed).
    """
    f = d.filters
    base: dict[str, Any] = dict(plan_code=f.plan_code, city=f.city, branch_code=f.branch_code, as_of=d.as_of)
    active = (ContractStatus.ATIVO,)
    if key in ("contratos_ativos", "mrr", "ticket_medio"):
        return "contractsTab", ContractFilter(statuses=active, **base)
    if key == "em_fidelidade":
        return "contractsTab", ContractFilter(statuses=active, in_loyalty=True, **base)
    if key.startswith("expirando_"):
        return "contractsTab", ContractFilter(statuses=active, expiring_within_days=int(key.split("_")[1]), **base)
    if key in ("reduzidos", "bloqueados"):
        return "contractsTab", ContractFilter(statuses=active, access_statuses=(key[:-1],), **base)
    if key in ("cancelamentos_mes", "churn_mes"):
        return "contractsTab", ContractFilter(cancelled_from=d.month_start, cancelled_to=d.month_end, **base)
    if key in ("upgrades_mes", "downgrades_mes"):
        types = service.UPGRADE_TYPES if key == "upgrades_mes" else service.DOWNGRADE_TYPES
        try:
            from ispdesk.services.plan_changes import PlanChangeFilter
        except ImportError:  # the plan-changes area is not installed
            return "planChangesTab", None
        return "planChangesTab", PlanChangeFilter(date_from=d.month_start, date_to=d.month_end, types=types)
    raise KeyError(key)


class KpiCard(QFrame):
    """A clickable KPI card (objectName ``card_<key>``): title, big value, hint.

    Signals:
        clicked(str): the card's key, on click or Enter/Space.
    """

    clicked = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(_tr("Clique (ou Enter) para ver a lista filtrada"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setStyleSheet(
            "KpiCard { background: palette(base); border: 1px solid #c9d1da; border-radius: 6px; }"
            "KpiCard:focus { border: 2px solid #2f6fb0; }"
            "KpiCard:hover { border: 1px solid #2f6fb0; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.title_label = QLabel(self)
        self.title_label.setObjectName(f"card_{key}_title")
        self.title_label.setStyleSheet("color: #4a5560;")
        self.title_label.setWordWrap(True)
        self.value_label = QLabel("—", self)
        self.value_label.setObjectName(f"card_{key}_value")
        font = QFont(self.value_label.font())
        font.setPointSize(max(font.pointSize(), 9) + 7)
        font.setBold(True)
        self.value_label.setFont(font)
        self._value_points = font.pointSize()
        self.value_label.setMinimumWidth(1)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName(f"card_{key}_hint")
        self.hint_label.setStyleSheet("color: #6b7682;")
        hint_font = QFont(self.hint_label.font())
        hint_font.setPointSize(max(7, hint_font.pointSize() - 1))
        self.hint_label.setFont(hint_font)
        self.hint_label.setWordWrap(True)
        for label in (self.title_label, self.value_label, self.hint_label):
            layout.addWidget(label)

    def set_values(self, title: str, value: str, hint: str) -> None:
        """Show the figure."""
        self.title_label.setText(title)
        self.value_label.setText(value)
        self.hint_label.setText(hint)
        self.setAccessibleName(f"{title}: {value}")
        self.setAccessibleDescription(hint)
        self.setToolTip(_tr("{title}: {value}\n{hint}\nClique (ou Enter) para ver a lista filtrada").format(
            title=title, value=value, hint=hint))
        self._fit_value()

    def _fit_value(self) -> None:
        """Shrink the value's font until it fits the card (R$ 123.456.789,00 on a narrow window)."""
        font = QFont(self.value_label.font())
        available = max(40, self.contentsRect().width() - 22)
        points = self._value_points
        font.setPointSize(points)
        while points > 9 and QFontMetrics(font).horizontalAdvance(self.value_label.text()) > available:
            points -= 1
            font.setPointSize(points)
        if font.pointSize() != self.value_label.font().pointSize():
            self.value_label.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_value()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.key)
            return
        super().keyPressEvent(event)


class DashboardTab(QWidget):
    """The manager's dashboard.

    Attributes:
        dashboard: the figures on screen (None before the first refresh).
        cards: KPI cards by JSON key.
        charts: chart views by chart name.

    Signals:
        refreshed(): new figures are on screen.
        card_activated(str, object): a card was clicked: key and the filter sent to the target tab.
    """

    refreshed = Signal()
    card_activated = Signal(str, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("dashboardTab")
        self.dashboard: Dashboard | None = None
        self._worker: Worker | None = None
        self._pending = False
        self._choices_loaded = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self._build()
        context.events.changed.connect(self._data_changed)
        QTimer.singleShot(0, self.refresh)

    # ------------------------------------------------------------------------------------- layout

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(15)
        combo.setToolTip(accessible)
        return combo

    def _build(self) -> None:
        top = QHBoxLayout()
        self.period_combo = self._combo("dashPeriod", _tr("Período dos gráficos"))
        for months, text in PERIODS:
            self.period_combo.addItem(_tr(text), months)
        self.period_combo.setCurrentIndex([m for m, _ in PERIODS].index(DEFAULT_PERIOD_MONTHS))
        self.plan_combo = self._combo("dashPlan", _tr("Plano"))
        self.city_combo = self._combo("dashCity", _tr("Cidade"))
        self.branch_combo = self._combo("dashBranch", _tr("Filial"))
        for combo, all_label in ((self.plan_combo, _tr("Todos os planos")), (self.city_combo, _tr("Todas as cidades")),
                                 (self.branch_combo, _tr("Todas as filiais"))):
            combo.addItem(all_label, None)
        label = QLabel(_tr("&Filtros:"), self)
        label.setBuddy(self.period_combo)
        top.addWidget(label)
        for combo in (self.period_combo, self.plan_combo, self.city_combo, self.branch_combo):
            top.addWidget(combo)
            combo.currentIndexChanged.connect(self._filters_changed)
        top.addStretch(1)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("dashStatus")
        self.status_label.setStyleSheet("color: #6b7682;")
        top.addWidget(self.status_label)
        self.refresh_button = QPushButton(_tr("A&tualizar"), self)
        self.refresh_button.setObjectName("dashRefresh")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip(_tr("Recalcular o painel (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        self.pdf_button = QPushButton(_tr("Exportar P&DF…"), self)
        self.pdf_button.setObjectName("dashExportPdf")
        self.pdf_button.clicked.connect(self.export_pdf_dialog)
        top.addWidget(self.pdf_button)
        self.csv_button = QToolButton(self)
        self.csv_button.setObjectName("dashExportCsv")
        self.csv_button.setText(_tr("Dados em &CSV"))
        self.csv_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        csv_menu = QMenu(self.csv_button)
        csv_menu.setObjectName("dashExportCsvMenu")
        for name, title in CHARTS.items():
            action = csv_menu.addAction(_tr(title) + "…")
            action.setObjectName(f"actionCsv_{name}")
            action.triggered.connect(lambda _checked=False, n=name: self.export_csv_dialog(n))
        self.csv_button.setMenu(csv_menu)
        top.addWidget(self.csv_button)

        self.content = QWidget()
        self.content.setObjectName("dashContent")
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_box = QWidget(self.content)
        self.cards_box.setObjectName("dashCards")
        cards_layout = QGridLayout(self.cards_box)
        cards_layout.setContentsMargins(0, 0, 0, 0)
        cards_layout.setSpacing(8)
        self.cards: dict[str, KpiCard] = {}
        for i, spec in enumerate(CARDS):
            card = KpiCard(spec.key, self.cards_box)
            card.clicked.connect(self.open_card)
            row, column = (0, i) if i < FIRST_ROW else (1, i - FIRST_ROW)
            cards_layout.addWidget(card, row, column)
            self.cards[spec.key] = card
        for column in range(FIRST_ROW):
            cards_layout.setColumnStretch(column, 1)
        content_layout.addWidget(self.cards_box)
        self.charts_box = QWidget(self.content)
        self.charts_box.setObjectName("dashCharts")
        charts_layout = QGridLayout(self.charts_box)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.setSpacing(8)
        self.charts = {}
        for i, name in enumerate(CHARTS):
            view = make_chart_view(name, self.charts_box)
            charts_layout.addWidget(view, i // 2, i % 2)
            self.charts[name] = view
        content_layout.addWidget(self.charts_box, 1)

        scroll = QScrollArea(self)
        scroll.setObjectName("dashScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    # ------------------------------------------------------------------------------------ filters

    def current_filters(self) -> DashboardFilters:
        """Plan, city and branch chosen in the boxes (the period is resolved when computing)."""
        return DashboardFilters(plan_code=self.plan_combo.currentData(), city=self.city_combo.currentData(),
                                branch_code=self.branch_combo.currentData())

    def period_months(self) -> int:
        """Months covered by the history charts (1 = the current month)."""
        return int(self.period_combo.currentData() or DEFAULT_PERIOD_MONTHS)

    def _fill_choices(self, choices: FilterChoices) -> None:
        items = (
            (self.plan_combo, [(f"{code} — {name}", code) for code, name in choices.plans]),
            (self.city_combo, [(city, city) for city in choices.cities]),
            (self.branch_combo, [(f"{code} — {name}", code) for code, name in choices.branches]),
        )
        for combo, entries in items:
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in entries:
                combo.addItem(text, data)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._choices_loaded = True

    def _filters_changed(self) -> None:
        self._debounce.start(150)

    def _data_changed(self, _kind: str) -> None:
        self._choices_loaded = False
        self._debounce.start(DEBOUNCE_MS)

    # ------------------------------------------------------------------------------------ refresh

    def refresh(self) -> Worker | None:
        """Recompute in a worker thread; returns the worker (None when one is already running)."""
        if self._worker is not None:
            self._pending = True
            return None
        filters = self.current_filters()
        months = self.period_months()
        load_choices = not self._choices_loaded
        factory, actor = self.context.factory, self.context.actor

        def job(_progress: Progress) -> tuple[Dashboard, FilterChoices | None]:
            uow = factory(actor)
            today = uow.today
            period = replace(filters, period_start=add_months(today.replace(day=1), -(months - 1)), period_end=today)
            result = service.compute_dashboard(uow, today, period)
            choices = service.filter_choices(factory(actor)) if load_choices else None
            return result, choices

        self.status_label.setText(_tr("atualizando…"))
        self.refresh_button.setEnabled(False)
        self._worker = run_in_background(self, _tr("Painel"), job, self._apply, self._failed, show_dialog=False)
        return self._worker

    def _finish(self) -> None:
        self._worker = None
        self.refresh_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.refresh()

    def _alive(self) -> bool:
        """False once Qt deleted the tab (a worker may finish after the window closed)."""
        return shiboken6.isValid(self) and shiboken6.isValid(self.status_label)

    def _apply(self, result: tuple[Dashboard, FilterChoices | None]) -> None:
        if not self._alive():
            return
        d, choices = result
        if choices is not None:
            self._fill_choices(choices)
        self.show_dashboard(d)
        seconds = sum(t for _, t in d.timings)
        self.status_label.setText(_tr("Atualizado às {time} ({s} s)").format(
            time=datetime.now().strftime("%H:%M"), s=QLocale(QLocale.Language.Portuguese,
                                                             QLocale.Country.Brazil).toString(seconds, "f", 2)))
        self._finish()
        self.refreshed.emit()

    def _failed(self, message: str) -> None:
        if not self._alive():
            return
        self.status_label.setText(_tr("Falha ao atualizar o painel"))
        self.status_label.setToolTip(message)
        log.warning("painel: %s", message.splitlines()[0] if message else "")
        self._finish()

    def show_dashboard(self, d: Dashboard) -> None:
        """Put the figures of `d` on the cards and charts."""
        self.dashboard = d
        for spec in CARDS:
            self.cards[spec.key].set_values(spec.title(d), spec.value(d), spec.hint(d))
        for name, view in self.charts.items():
            update_chart_view(view, name, d)

    # ------------------------------------------------------------------------------ click-through

    def open_card(self, key: str) -> None:
        """Show the list behind a card: the target tab with the card's filter applied."""
        if self.dashboard is None:
            return
        tab_name, flt = card_target(key, self.dashboard)
        self.card_activated.emit(key, flt)
        show = getattr(self.window(), "show_tab", None)
        target = show(tab_name) if show is not None else None
        apply = getattr(target, "apply_filter", None)
        if apply is not None and flt is not None:
            apply(flt)
        elif target is None:
            self.status_label.setText(_tr("A lista correspondente não está disponível para o seu usuário."))

    # ------------------------------------------------------------------------------------ exports

    def _title(self) -> str:
        d = self.dashboard
        assert d is not None
        parts = [_tr("Painel de contratos em {date}").format(date=format_date(d.as_of))]
        f = d.filters
        parts.append(period_wording(f.period_start, f.period_end))
        for label, value in ((_tr("plano"), f.plan_code), (_tr("cidade"), f.city), (_tr("filial"), f.branch_code)):
            if value:
                parts.append(f"{label} {value}")
        return " — ".join(parts)

    @staticmethod
    def _snapshot(widget: QWidget, scale: float = 2.0) -> QImage:
        size = widget.size()
        if size.width() < 50 or size.height() < 50:
            widget.resize(widget.sizeHint().expandedTo(QSize(1200, 300)))
            size = widget.size()
        image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        widget.render(painter, QPoint(0, 0))
        painter.end()
        return image

    def export_pdf(self, path: str | Path) -> None:
        """Write the dashboard (title, cards, charts) to a landscape A4 PDF.

        Raises:
            BusinessRuleError: nothing computed yet, or the file cannot be written.
        """
        if self.dashboard is None:
            raise BusinessRuleError(_tr("O painel ainda não foi calculado. Aguarde a atualização e tente de novo."))
        images = [self._snapshot(self.cards_box), self._snapshot(self.charts_box)]
        writer = QPdfWriter(str(path))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                         QMarginsF(8, 8, 8, 8), QPageLayout.Unit.Millimeter))
        writer.setResolution(150)
        writer.setTitle(self._title())
        writer.setCreator("ispdesk")
        painter = QPainter()
        if not painter.begin(writer):
            raise BusinessRuleError(_tr("Não foi possível gravar {path}. Escolha outra pasta.").format(path=path))
        try:
            page = writer.pageLayout().paintRectPixels(writer.resolution())
            margin = 40
            area = QRect(margin, margin, page.width() - 2 * margin, page.height() - 2 * margin)
            font = QFont(painter.font())
            font.setPointSize(12)
            font.setBold(True)
            painter.setFont(font)
            header_height = painter.fontMetrics().height() * 2
            painter.drawText(QRect(area.left(), area.top(), area.width(), header_height),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self._title())
            # one page: the cards across the top, the charts below, both scaled by the same factor
            cards, charts = (image.size() / image.devicePixelRatio() for image in images)
            gap = 12
            width = max(cards.width(), charts.width())
            ratio = min(area.width() / width,
                        (area.height() - header_height - gap) / (cards.height() + charts.height()))
            top = area.top() + header_height
            for image, logical in zip(images, (cards, charts), strict=True):
                w, h = int(logical.width() * ratio), int(logical.height() * ratio)
                painter.drawImage(QRect(area.left() + (area.width() - w) // 2, top, w, h), image)
                top += h + gap
        finally:
            painter.end()

    def export_csv(self, name: str, path: str | Path) -> int:
        """Write chart `name`'s data as CSV; return the number of rows."""
        if self.dashboard is None:
            raise BusinessRuleError(_tr("O painel ainda não foi calculado. Aguarde a atualização e tente de novo."))
        return service.export_chart_csv(self.dashboard, name, path)

    def export_pdf_dialog(self) -> None:
        """Ask where to save the PDF, then save it."""
        if self.dashboard is None:
            return
        default = f"painel-{self.dashboard.as_of:%Y-%m-%d}.pdf"
        path = save_file_name(self, _tr("Salvar painel em PDF"), default, _tr("PDF (*.pdf)"))
        if path:
            self._report(lambda: self.export_pdf(path), _tr("Painel salvo em {path}.").format(path=path))

    def export_csv_dialog(self, name: str) -> None:
        """Ask where to save one chart's data, then save it."""
        if self.dashboard is None:
            return
        default = f"{name}-{self.dashboard.as_of:%Y-%m-%d}.csv"
        path = save_file_name(self, _tr("Salvar dados do gráfico"), default, _tr("CSV (*.csv)"))
        if path:
            self._report(lambda: self.export_csv(name, path), _tr("Dados salvos em {path}.").format(path=path))

    def _report(self, action: Callable[[], Any], done: str) -> None:
        try:
            action()
        except BusinessRuleError as exc:
            QMessageBox.warning(self, _tr("Exportar"), exc.message)
            return
        self.status_label.setText(done)
