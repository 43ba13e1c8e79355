import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel

from ispdesk.services import customers as cs
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.tabs.customers_tab import CustomerListModel, CustomersTab
from tests.factories import make_customer
from tests.ui.modal import NextModal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):
    return AppContext(factory=factory, actor=admin, events=DataEvents())


@pytest.fixture
def people(uow):
    with uow() as u:
        rows = [
            make_customer(u.session, "João da Silva", code=901, document="52998224725", mobile="11987650001",
                          email="joao@exemplo.com.br", email_folded="joao@exemplo.com.br"),
            make_customer(u.session, "Ângela Souza", code=902, document="11222333000181", person_type="J",
                          mobile="21998887777", email="angela@exemplo.com.br", email_folded="angela@exemplo.com.br",
                          city="Niterói"),
            make_customer(u.session, "Joana Araújo", code=903, document="39053344705", status="inativo",
                          email="joana@x.com.br", email_folded="joana@x.com.br"),
        ]
        u.commit()
        return {c.name: c.id for c in rows}


def shown_names(tab):
    return [tab.model.row_at(i).name for i in range(tab.model.rowCount())]


def type_search(qtbot, tab, text):
    tab.search_edit.setText(text)
    qtbot.waitUntil(lambda: tab.model.search_text == text and not tab._timer.isActive())


def test_model_passes_qt_model_tester(qtmodeltester, context, people):
    model = CustomerListModel(context)
    model.search("")
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_columns_show_masked_document_and_phone_and_status(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    assert tab.objectName() == "customersTab"
    assert tab.table.objectName() == "customerTable"
    m = tab.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers == ["Código", "Nome / razão social", "CPF/CNPJ", "Celular", "E-mail", "Cidade", "Situação"]
    assert shown_names(tab) == ["Ângela Souza", "Joana Araújo", "João da Silva"]
    first = [m.index(0, c).data() for c in range(m.columnCount())]
    assert first == ["902", "Ângela Souza", "11.222.333/0001-81", "(21) 99888-7777", "angela@exemplo.com.br",
                     "Niterói", "Ativo"]
    assert m.index(1, 6).data() == "Inativo"


def test_search_as_you_type_by_name_document_phone_email_and_code(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    type_search(qtbot, tab, "JOA")
    assert shown_names(tab) == ["Joana Araújo", "João da Silva"]
    type_search(qtbot, tab, "angela")
    assert shown_names(tab) == ["Ângela Souza"]
    type_search(qtbot, tab, "529.982.247-25")
    assert shown_names(tab) == ["João da Silva"]
    type_search(qtbot, tab, "11.222.333/0001")
    assert shown_names(tab) == ["Ângela Souza"]
    type_search(qtbot, tab, "(21) 99888")
    assert shown_names(tab) == ["Ângela Souza"]
    type_search(qtbot, tab, "joana@")
    assert shown_names(tab) == ["Joana Araújo"]
    type_search(qtbot, tab, "903")
    assert shown_names(tab) == ["Joana Araújo"]
    type_search(qtbot, tab, "zzz")
    assert shown_names(tab) == []
    assert "Nenhum cliente encontrado" in tab.status_label.text()
    type_search(qtbot, tab, "")
    assert len(shown_names(tab)) == 3


def test_typing_keys_is_debounced_into_one_search(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    searches = []
    original = tab.model.fetch_first
    tab.model.fetch_first = lambda text: (searches.append(text), original(text))[1]  # count the queries
    qtbot.keyClicks(tab.search_edit, "joao")
    qtbot.waitUntil(lambda: tab.model.search_text == "joao")
    assert searches == ["joao"]
    assert shown_names(tab) == ["João da Silva"]


def test_pages_are_fetched_as_the_view_scrolls(qtbot, context, uow):
    with uow() as u:
        for i in range(25):
            make_customer(u.session, f"Cliente {i:02d}", code=1000 + i)
        u.commit()
    model = CustomerListModel(context, page_size=10)
    model.search("")
    assert model.rowCount() == 10 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 25 and not model.canFetchMore(QModelIndex())
    assert [model.row_at(i).name for i in range(25)] == [f"Cliente {i:02d}" for i in range(25)]


def test_refreshes_when_a_customer_changes_elsewhere(qtbot, context, people, uow):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    cs.create_customer(uow(), cs.CustomerDraft(name="Beatriz Nova", document="168.995.350-09",
                                               email="bia@exemplo.com.br", mobile="(11) 91234-5678"))
    assert "Beatriz Nova" not in shown_names(tab)
    context.events.changed.emit("contract")
    assert "Beatriz Nova" not in shown_names(tab)
    context.events.changed.emit("customer")
    assert "Beatriz Nova" in shown_names(tab)


def test_keyboard_down_goes_to_table_and_enter_opens_the_form(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    type_search(qtbot, tab, "joão")
    def look(form):
        opened.append(form.ui.nameEdit.text())
        form.reject()

    opened = []
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Down)
    assert tab.selected_id() == people["João da Silva"]
    driver = NextModal(look)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert driver.check() == "customerForm"
    assert opened == ["João da Silva"]


def test_new_customer_from_the_tab_is_selected_after_saving(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)

    def fill_and_save(form):
        form.ui.documentEdit.set_value("16899535009")
        form.ui.nameEdit.setText("Zélia Nova")
        form.ui.emailEdit.setText("zelia@exemplo.com.br")
        form.ui.mobileEdit.set_value("11912345678")
        assert form.save() is True

    driver = NextModal(fill_and_save)
    assert tab.new_customer() is True
    assert driver.check() == "customerForm"
    assert tab.model.row_at(tab.table.currentIndex().row()).name == "Zélia Nova"


def test_attendant_sees_new_button_finance_does_not(qtbot, factory, finance, attendant, people):
    tab = CustomersTab(AppContext(factory=factory, actor=finance, events=DataEvents()))
    qtbot.addWidget(tab)
    assert tab.new_button.isHidden()
    assert tab.new_customer() is False
    tab2 = CustomersTab(AppContext(factory=factory, actor=attendant, events=DataEvents()))
    qtbot.addWidget(tab2)
    assert not tab2.new_button.isHidden()


def test_debounce_is_skipped_while_searches_are_fast(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    import threading

    tab.last_search_s = 1.0  # a slow database, nothing pending: the search starts at once anyway
    tab.search_edit.setText("j")
    assert tab._timer.interval() == 0
    qtbot.waitUntil(lambda: tab.model.search_text == "j")
    release = threading.Event()
    tab._runner.submit(lambda: release.wait(10), lambda _r: None, lambda _e: None)  # an answer pending
    tab.last_search_s = 1.0
    tab.search_edit.setText("jo")  # slow and pending: wait for a pause in the typing
    assert tab._timer.isActive() and tab._timer.interval() == CustomersTab.SEARCH_DELAY_MS
    release.set()
    tab.run_search()
    assert tab.last_search_s < 1.0
    tab.last_search_s = 0.001  # fast answers: search on the next idle turn of the event loop
    tab.search_edit.setText("joa")
    assert tab._timer.interval() == 0
    qtbot.waitUntil(lambda: tab.model.search_text == "joa")


def test_display_texts_follow_new_rows_after_a_search(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    before = tab.model.index(0, 1).data()
    type_search(qtbot, tab, "joao")
    assert before == "Ângela Souza" and tab.model.index(0, 1).data() == "João da Silva"
    assert tab.model.index(0, 2).data() == "529.982.247-25"
    assert tab.model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert tab.model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None


def test_multidata_gives_the_same_values_as_data(qtbot, context, people):
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    model = CustomerListModel(context)
    model.search("")
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole]
    for column in range(model.columnCount()):
        index = model.index(0, column)
        for role in roles:
            cell = QModelRoleData(int(role))
            model.multiData(index, QModelRoleDataSpan(cell))
            assert cell.data() == index.data(role), (column, role)
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is not None


def test_warm_up_measures_a_warm_search(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    tab.last_search_s = 9.0
    tab._warm_up()
    assert tab.last_search_s < 9.0


def test_search_runs_off_the_gui_thread_and_stale_results_are_discarded(qtbot, context, people):
    """A slow search of an older text never blocks typing and never overwrites a newer text's results."""
    import threading

    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    release = threading.Event()
    started: list[tuple[str, bool]] = []
    original = tab.model.fetch_first

    def fetch(text: str):  # the database answers "jo" slowly (a busy server): real query, real thread
        started.append((text, threading.current_thread() is threading.main_thread()))
        if text == "jo":
            assert release.wait(10)
        return original(text)

    tab.model.fetch_first = fetch
    tab.search_edit.setText("jo")
    qtbot.waitUntil(lambda: ("jo", False) in started)  # running, in a worker thread
    # the GUI thread is free: typing goes on and the newer text is searched and shown at once
    tab.search_edit.setText("joana")
    qtbot.waitUntil(lambda: tab.model.search_text == "joana")
    assert shown_names(tab) == ["Joana Araújo"]
    assert all(not in_gui for _, in_gui in started)
    # now the older, slower search finishes: its rows ("João", "Joana") are discarded
    release.set()
    tab._runner.wait()
    qtbot.wait(50)
    assert tab.model.search_text == "joana"
    assert shown_names(tab) == ["Joana Araújo"]


def test_empty_result_says_how_the_text_was_read(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show()
    type_search(qtbot, tab, "silva xavier")
    hint = tab.findChild(QLabel, "customerEmptyHint")
    qtbot.waitUntil(lambda: hint.isVisible())
    assert "Nenhum cliente encontrado para “silva xavier”" in hint.text()
    assert "“silva” e “xavier” no início de alguma palavra do nome" in hint.text()
    assert "qualquer ordem" in hint.text() and "acentos" in hint.text()
    assert hint.geometry() == tab.table.viewport().rect()
    type_search(qtbot, tab, "silva joao")  # any order: found, the hint goes away
    assert shown_names(tab) == ["João da Silva"]
    assert not hint.isVisible()
    type_search(qtbot, tab, "123456789012345")
    qtbot.waitUntil(lambda: hint.isVisible())
    assert "não pode ser um código" in hint.text()


def test_surname_search_in_the_tab(qtbot, context, people):
    tab = CustomersTab(context)
    qtbot.addWidget(tab)
    type_search(qtbot, tab, "silva")
    assert shown_names(tab) == ["João da Silva"]
    type_search(qtbot, tab, "araujo jo")
    assert shown_names(tab) == ["Joana Araújo"]
