"""The dashboard tab over real services: cards, click-through, filters, refresh on data change, exports."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from ispdesk.db.models import CancellationReason
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.permissions import Role
from ispdesk.services.uow import Actor
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.tabs.dashboard_tab import CARDS, DashboardTab, card_target
from tests.factories import make_contract, make_customer, make_plan

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
AS_OF = date(2026, 11, 27)


@pytest.fixture
def context(factory, admin):
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def data(uow):
    with uow() as u:
        s = u.session
        plan = make_plan(s, "T-500", "1234.50")
        other = make_plan(s, "T-100", "79.90")
        make_contract(s, make_customer(s, city="Campinas"), plan, activated_on=date(2026, 2, 1))
        make_contract(s, make_customer(s), plan, activated_on=date(2026, 3, 1), value=Decimal("100.00"),
                      access_status="bloqueado")
        make_contract(s, make_customer(s), other, activated_on=date(2025, 12, 20))  # loyalty ends 20/12
        moved = CancellationReason(code="T-MUDOU", description="Mudou de cidade", active=True, counts_as_churn=True)
        s.add(moved)
        s.flush()
        make_contract(s, make_customer(s), plan, activated_on=date(2025, 1, 1), status="cancelado",
                      cancelled_on=date(2026, 11, 3), cancellation_reason_id=moved.id)
        u.commit()


class ContractsTabDouble(QWidget):
    """Stands in for the contracts tab: records the filters it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("contractsTab")
        self.filters: list[ContractFilter] = []

    def apply_filter(self, flt: ContractFilter) -> None:
        self.filters.append(flt)


class Host(QMainWindow):
    """A window with `show_tab`, like the main window."""

    def __init__(self, *tabs: QWidget) -> None:
        super().__init__()
        self.tabs = QTabWidget(self)
        self.setCentralWidget(self.tabs)
        for tab in tabs:
            self.tabs.addTab(tab, tab.objectName())

    def show_tab(self, name: str) -> QWidget | None:
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).objectName() == name:
                self.tabs.setCurrentIndex(i)
                return self.tabs.widget(i)
        return None


def open_tab(qtbot, context) -> DashboardTab:
    """A new tab, once its first refresh (started by a zero timer) is on screen."""
    tab = DashboardTab(context)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.refreshed, timeout=15000):
        pass
    return tab


@pytest.fixture
def tab(qtbot, context, data):
    t = open_tab(qtbot, context)
    yield t
    QThreadPool.globalInstance().waitForDone(15000)


@pytest.fixture
def hosted(qtbot, tab):
    """The tab inside a window with a contracts-tab double; the tab is given back afterwards."""
    contracts = ContractsTabDouble()
    host = Host(tab, contracts)
    qtbot.addWidget(host)
    yield host, contracts
    host.tabs.removeTab(0)
    tab.setParent(None)


def value(tab, key):
    return tab.findChild(QWidget, f"card_{key}").value_label.text()


def test_cards_show_the_figures_in_brazilian_format(tab):
    assert tab.objectName() == "dashboardTab"
    assert {f"card_{spec.key}" for spec in CARDS} == {c.objectName() for c in tab.cards.values()}
    assert value(tab, "contratos_ativos") == "3"
    assert value(tab, "mrr") == "R$ 1.414,40"  # 1.234,50 + 100,00 + 79,90
    assert value(tab, "ticket_medio") == "R$ 471,47"
    assert value(tab, "expirando_30") == "1"
    assert value(tab, "bloqueados") == "1"
    assert value(tab, "cancelamentos_mes") == "1"
    assert value(tab, "churn_mes") == "25,00 %"  # 1 of the 4 active on 01/11
    assert "27/12/2026" in tab.cards["expirando_30"].hint_label.text()
    assert tab.status_label.text().startswith("Atualizado")
    for name, view in tab.charts.items():
        assert view.objectName() == f"chart_{name}" and view.chart() is not None and view.chart().title()


def test_clicking_a_card_applies_its_filter_on_the_contracts_tab(qtbot, tab, hosted):
    host, contracts = hosted
    card = tab.findChild(QWidget, "card_expirando_30")
    with qtbot.waitSignal(tab.card_activated) as signal:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    expected = ContractFilter(statuses=("ativo",), expiring_within_days=30, as_of=AS_OF)
    assert signal.args == ["expirando_30", expected]
    assert contracts.filters == [expected]
    assert host.tabs.currentWidget() is contracts


def test_enter_on_a_focused_card_opens_it(qtbot, tab, hosted):
    _host, contracts = hosted
    card = tab.cards["bloqueados"]
    qtbot.keyClick(card, Qt.Key.Key_Return)
    assert contracts.filters == [ContractFilter(statuses=("ativo",), access_statuses=("bloqueado",), as_of=AS_OF)]


def test_end_to_end_with_the_real_contracts_tab(qtbot, db_url, admin_user, data):
    """Main window → Painel → click a card → the contracts tab lists with the filter applied."""
    from ispdesk.app import create_main_window

    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    dashboard = window.find_tab("dashboardTab")
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.dashboard is not None, timeout=15000)
    QThreadPool.globalInstance().waitForDone(15000)
    contracts = window.find_tab("contractsTab")
    if contracts is None or not hasattr(contracts, "apply_filter"):
        pytest.skip("a aba de contratos (apply_filter) ainda não está instalada")
    window.show_tab("dashboardTab")
    with qtbot.waitSignal(dashboard.card_activated) as signal:
        qtbot.mouseClick(dashboard.cards["bloqueados"], Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is contracts
    assert signal.args[1] == ContractFilter(statuses=("ativo",), access_statuses=("bloqueado",),
                                            as_of=dashboard.dashboard.as_of)
    current = contracts.current_filter()
    assert current.statuses == ("ativo",) and current.access_statuses == ("bloqueado",)
    qtbot.waitUntil(lambda: contracts.model.rowCount() == 1, timeout=15000)  # the one blocked contract
    QThreadPool.globalInstance().waitForDone(15000)


def test_card_targets_carry_the_dashboard_filters(tab):
    d = tab.dashboard
    assert card_target("em_fidelidade", d)[1].in_loyalty is True
    _, cancellations = card_target("churn_mes", d)
    assert (cancellations.cancelled_from, cancellations.cancelled_to) == (date(2026, 11, 1), date(2026, 11, 30))
    name, changes = card_target("upgrades_mes", d)
    assert name == "planChangesTab"
    if changes is not None:
        assert set(changes.types) == {"UP", "SC", "UV"}


def test_plan_filter_recomputes_and_reaches_the_click_through(qtbot, tab):
    index = tab.plan_combo.findData("T-500")
    assert index > 0
    with qtbot.waitSignal(tab.refreshed, timeout=15000):
        tab.plan_combo.setCurrentIndex(index)
    assert value(tab, "contratos_ativos") == "2"
    assert value(tab, "mrr") == "R$ 1.334,50"
    assert card_target("contratos_ativos", tab.dashboard)[1].plan_code == "T-500"
    assert tab.city_combo.findData("Campinas") > 0


def test_refreshes_when_data_changes_elsewhere(qtbot, tab, uow, context):
    with uow() as u:
        make_contract(u.session, make_customer(u.session), activated_on=date(2026, 11, 20))
        u.commit()
    with qtbot.waitSignal(tab.refreshed, timeout=15000):
        for _ in range(3):  # a burst of changes: one debounced refresh
            context.events.changed.emit("contract")
    assert value(tab, "contratos_ativos") == "4"


def test_shows_updating_while_computing(qtbot, tab):
    with qtbot.waitSignal(tab.refreshed, timeout=15000):
        tab.refresh()
        assert tab.status_label.text() == "atualizando…"
        assert tab.refresh() is None  # one at a time; the second runs after
    qtbot.waitUntil(lambda: tab._worker is None and tab.refresh_button.isEnabled(), timeout=15000)


def test_exports_pdf_and_csv(qtbot, tab, tmp_path):
    tab.resize(1280, 900)
    pdf = tmp_path / "painel.pdf"
    tab.export_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    from pypdf import PdfReader

    title = PdfReader(str(pdf)).metadata.title
    assert tab.period_combo.currentText() == "Últimos 12 meses"
    assert "Últimos 12 meses (01/12/2025 a 27/11/2026)" in title, title  # the filter's own words
    tab.period_combo.setCurrentIndex(tab.period_combo.findText("Mês atual"))
    qtbot.waitUntil(lambda: tab.dashboard.filters.period_start.month == 11, timeout=15000)
    QThreadPool.globalInstance().waitForDone(15000)
    tab.export_pdf(pdf)
    assert "Mês atual (01/11/2026 a 27/11/2026)" in PdfReader(str(pdf)).metadata.title
    csv_path = tmp_path / "motivos.csv"
    assert tab.export_csv("cancelamentos_motivo", csv_path) == 1
    assert csv_path.read_bytes().decode("utf-8-sig").splitlines()[1] == "T-MUDOU;Mudou de cidade;1;sim"


def test_empty_database_renders(qtbot, factory):
    context = AppContext(factory=factory, actor=Actor.for_role("gerente", Role.ADMINISTRADOR), events=DataEvents())
    tab = open_tab(qtbot, context)
    assert value(tab, "contratos_ativos") == "0" and value(tab, "churn_mes") == "0,00 %"
    QThreadPool.globalInstance().waitForDone(15000)


def test_end_to_end_upgrades_card_opens_the_plan_changes_tab_filtered(qtbot, db_url, admin_user, uow):
    """Main window → Painel → click "Upgrades do mês" → the plan-changes tab lists UP/SC/UV of the month."""
    from datetime import UTC, datetime, timedelta

    from ispdesk.app import create_main_window
    from ispdesk.db.models import PlanChange
    from ispdesk.services.plan_changes import PlanChangeFilter

    today = date.today()
    first = today.replace(day=1)
    at = datetime.now(UTC)
    with uow() as u:
        s = u.session
        plan = make_plan(s, "T-UP", "99.90")
        names = {"UP": "Ana Upgrade", "SC": "Bruno Servico", "UV": "Carla Valor", "DW": "Davi Downgrade",
                 "AV": "Eva Vencimento", "old": "Fabio Antigo"}
        for code, name in names.items():
            contract = make_contract(s, make_customer(s, name), plan, activated_on=date(2025, 1, 1))
            day, change_type = (first - timedelta(days=1), "UP") if code == "old" else (first, code)
            s.add(PlanChange(contract_id=contract.id, changed_on=day, at=at, actor="teste", change_type=change_type,
                             old_plan_id=plan.id, new_plan_id=plan.id, old_value=contract.value,
                             new_value=contract.value, old_due_day=contract.due_day,
                             new_due_day=contract.due_day))
        u.commit()

    window = create_main_window(db_url, admin_user)
    qtbot.addWidget(window)
    dashboard = window.find_tab("dashboardTab")
    changes = window.find_tab("planChangesTab")
    assert dashboard is not None and changes is not None
    qtbot.waitUntil(lambda: dashboard.dashboard is not None, timeout=15000)
    QThreadPool.globalInstance().waitForDone(15000)
    d = dashboard.dashboard
    assert d.month_start == first  # (the test does not run across midnight at a month's end)
    assert value(dashboard, "upgrades_mes") == "3"
    window.show_tab("dashboardTab")
    with qtbot.waitSignal(dashboard.card_activated) as signal:
        qtbot.mouseClick(dashboard.findChild(QWidget, "card_upgrades_mes"), Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is changes
    assert signal.args == ["upgrades_mes", PlanChangeFilter(date_from=d.month_start, date_to=d.month_end,
                                                            types=("UP", "SC", "UV"))]
    current = changes.current_filter()
    assert (current.date_from, current.date_to) == (d.month_start, d.month_end)
    assert set(current.types) == {"UP", "SC", "UV"}
    assert changes.date_from.text() == d.month_start.strftime("%d/%m/%Y")
    assert sorted(r.customer_name for r in changes.model.rows()) == ["Ana Upgrade", "Bruno Servico", "Carla Valor"]
    shots = os.environ.get("ISPDESK_SHOTS_DIR", "")
    if shots:
        window.resize(1400, 700)
        window.show()
        window.grab().save(os.path.join(shots, "dashboard_upgrades_click_through.png"))

    with qtbot.waitSignal(dashboard.card_activated):
        qtbot.keyClick(dashboard.cards["downgrades_mes"], Qt.Key.Key_Return)
    assert set(changes.current_filter().types) == {"DW", "DV"}
    assert [r.customer_name for r in changes.model.rows()] == ["Davi Downgrade"]
    QThreadPool.globalInstance().waitForDone(15000)


def test_receipts_axis_shows_the_due_days_without_eliding(qapp):
    from datetime import timedelta
    from types import SimpleNamespace

    from PySide6.QtCharts import QBarCategoryAxis, QCategoryAxis

    from ispdesk.services.dashboard import ReceiptDay
    from ispdesk.ui.widgets.dashboard_charts import receipts_chart

    def axis(days):
        rows = tuple(ReceiptDay(d, 1, Decimal("99.90")) for d in days)
        chart = receipts_chart(SimpleNamespace(recebimentos_dia=rows))
        charts.append(chart)  # the axes live as long as their chart
        return chart.axes(Qt.Orientation.Horizontal)[0]

    charts = []
    few = axis([date(2026, 12, 5), date(2026, 12, 10), date(2026, 12, 20)])
    assert isinstance(few, QBarCategoryAxis) and few.categories() == ["5", "10", "20"]
    assert few.titleText() == "Dia de vencimento (05/12 a 20/12)"
    month = axis([date(2026, 11, 28) + timedelta(n) for n in range(30)])
    assert isinstance(month, QCategoryAxis)  # a label on every other bar: none elided to "…"
    assert month.categoriesLabels()[:4] == ["28", "30", "2", "4"]
    assert month.titleText() == "Dia de vencimento (28/11 a 27/12)"
