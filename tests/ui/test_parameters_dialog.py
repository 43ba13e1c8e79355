import json
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox
from sqlalchemy import select

from ispdesk.db.models import AuditEntry
from ispdesk.domain import parameters as registry
from ispdesk.services import parameters as params
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog
from ispdesk.ui.widgets.fields import MoneyEdit

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def dialog(qtbot, factory, admin):
    d = ParametersDialog(AppContext(factory=factory, actor=admin, events=DataEvents()))
    qtbot.addWidget(d)
    return d


def test_tabs_follow_the_registry_with_cadastros_first(dialog):
    assert dialog.objectName() == "parametersDialog"
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[0] == "Cadastros"
    assert titles == [t for t in registry.TAB_ORDER if any(s.tab == t for s in registry.SPECS)]


def test_one_typed_field_per_parameter_with_stored_values(dialog):
    kinds = {registry.Kind.BOOL: QCheckBox, registry.Kind.INT: QSpinBox, registry.Kind.DECIMAL: MoneyEdit,
             registry.Kind.CHOICE: QComboBox, registry.Kind.TEXT: QLineEdit, registry.Kind.DATE: QLineEdit}
    for spec in registry.SPECS:
        kind = QComboBox if spec.name == "empresa_uf" else kinds[spec.kind]  # UF from the list
        editor = dialog.findChild(kind, f"param_{spec.name}")
        assert editor is not None, spec.name
    assert dialog.editors["cpf_cnpj_obrigatorio"].isChecked() is True
    assert dialog.editors["aceitar_cpf_cnpj_duplicado"].isChecked() is False
    assert dialog.editors["multa_atraso_percentual"].text() == "2,00"
    assert dialog.editors["dias_rescisao"].minimum() == 60


def test_legal_floor_is_shown_next_to_the_field(dialog):
    floors = [s for s in registry.SPECS if s.legal_floor]
    assert floors
    for spec in floors:
        label = dialog.findChild(type(dialog.message), f"param_{spec.name}Floor")
        assert label is not None and spec.legal_floor in label.text()


def test_save_changes_only_what_changed_and_is_audited(dialog, uow):
    dialog.editors["aceitar_cpf_cnpj_duplicado"].setChecked(True)
    dialog.editors["multa_atraso_percentual"].setText("1,5")
    dialog.editors["empresa_cidade"].setText("Campinas")
    assert dialog.save() is True
    values = params.get_all(uow())
    assert values["aceitar_cpf_cnpj_duplicado"] is True
    assert values["multa_atraso_percentual"] == Decimal("1.5")
    assert values["empresa_cidade"] == "Campinas"
    with uow() as u:
        entry = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "parameters")).one()
    assert entry.actor == "admin"
    assert set(json.loads(entry.changes)) == {"aceitar_cpf_cnpj_duplicado", "multa_atraso_percentual",
                                              "empresa_cidade"}


def test_value_above_the_legal_limit_is_refused_next_to_the_field(dialog, uow):
    dialog.editors["multa_atraso_percentual"].setText("2,5")
    assert dialog.save() is False
    assert "2 %" in dialog.error_of("multa_atraso_percentual")
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Financeiro"
    assert params.get_all(uow())["multa_atraso_percentual"] == Decimal("2.00")


def test_ladder_below_the_fifteen_day_floor_is_refused(dialog, uow):
    dialog.editors["dias_bloqueio"].setValue(10)
    assert dialog.save() is False
    assert "15 dias" in dialog.error_of("dias_bloqueio")
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Bloqueio"
    assert params.get_all(uow())["dias_bloqueio"] == 31


def test_malformed_decimal_is_reported(dialog):
    dialog.editors["beneficio_fidelidade_padrao"].setText("1,2,3")
    assert dialog.save() is False
    assert "Valor inválido" in dialog.error_of("beneficio_fidelidade_padrao")


def test_attendant_is_refused_by_the_service(qtbot, factory, attendant, uow):
    d = ParametersDialog(AppContext(factory=factory, actor=attendant, events=DataEvents()))
    qtbot.addWidget(d)
    d.editors["email_obrigatorio"].setChecked(False)
    assert d.save() is False
    assert "permissão" in d.message.text()
    assert params.get_all(uow())["email_obrigatorio"] is True


def test_founding_date_is_typed_as_dd_mm_aaaa(dialog, uow):
    from datetime import date

    editor = dialog.editors["data_fundacao_provedor"]
    assert editor.text() == "01/01/1990"
    editor.setText("31/02/2010")
    assert dialog.save() is False
    assert "dd/mm/aaaa" in dialog.error_of("data_fundacao_provedor")
    editor.setText("15/03/2010")
    assert dialog.save() is True
    assert params.get_all(uow())["data_fundacao_provedor"] == date(2010, 3, 15)


def test_forbidding_duplicates_again_lists_the_repeated_documents(dialog, uow):
    from ispdesk.services import customers

    params.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
    for name in ("Maria", "Maria C."):
        customers.create_customer(uow(), customers.CustomerDraft(
            name=name, document="529.982.247-25", email="m@example.com", mobile="11987654321"))
    dialog.load()
    dialog.editors["aceitar_cpf_cnpj_duplicado"].setChecked(False)
    assert dialog.save() is False
    assert "529.982.247-25" in dialog.error_of("aceitar_cpf_cnpj_duplicado")
    assert params.get_all(uow())["aceitar_cpf_cnpj_duplicado"] is True
