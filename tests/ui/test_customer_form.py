import re
from datetime import date

import pytest
from sqlalchemy import select

from ispdesk.db.models import Customer
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.customer_form import FIELD_WIDGETS, CustomerForm
from ispdesk.ui.widgets.audit_history import AuditHistoryModel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def context(factory, admin):
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def make_form(qtbot, context, customer_id=None):
    form = CustomerForm(context, customer_id)
    qtbot.addWidget(form)
    return form


def fill_valid(form, document="529.982.247-25", name="João da Silva"):
    form.ui.documentEdit.set_value(document)
    form.ui.nameEdit.setText(name)
    form.ui.emailEdit.setText("joao@exemplo.com.br")
    form.ui.mobileEdit.set_value("11987654321")
    form.ui.cepEdit.set_value("01310100")
    form.ui.streetEdit.setText("Av. Paulista")
    form.ui.numberEdit.setText("1000")
    form.ui.cityEdit.setText("São Paulo")
    form.ui.stateCombo.setCurrentText("SP")
    form.ui.birthDateEdit.set_value(date(1980, 5, 17))


def saved(uow):
    with uow() as u:
        return u.session.scalars(select(Customer).order_by(Customer.code)).all()


def test_every_error_key_has_a_widget(qtbot, context):
    form = make_form(qtbot, context)
    assert form.objectName() == "customerForm"
    assert set(FIELD_WIDGETS) == set(cs.FIELDS)
    for name in FIELD_WIDGETS.values():
        assert form.findChild(type(getattr(form.ui, name)), name) is not None


def test_new_customer_saved_with_masks_removed_and_event_emitted(qtbot, context, uow):
    form = make_form(qtbot, context)
    fill_valid(form)
    form.ui.portalLoginEdit.setText("joao.silva")
    form.ui.portalPasswordEdit.setText("senha-forte")
    with qtbot.waitSignal(context.events.changed) as signal:
        assert form.save() is True
    assert signal.args == ["customer"]
    assert form.save_result is not None and form.save_result.warnings == ()
    [c] = saved(uow)
    assert (c.document, c.mobile, c.cep, c.state, c.birth_date) == ("52998224725", "11987654321", "01310100", "SP",
                                                                   date(1980, 5, 17))
    assert c.person_type == "F" and c.portal_login == "joao.silva"
    assert c.portal_password_hash and "senha-forte" not in c.portal_password_hash


def test_inline_error_appears_when_the_field_loses_focus(qtbot, context):
    form = make_form(qtbot, context)
    form.ui.emailEdit.setText("joao@")
    form.ui.emailEdit.editingFinished.emit()
    qtbot.waitUntil(lambda: form.error_of("email") != "")
    assert "E-mail “joao@” inválido" in form.error_of("email")
    assert form.findChild(type(form.ui.warningLabel), "emailEditError").text() == form.error_of("email")
    # fields not visited yet stay quiet, even though they are empty and mandatory
    assert form.error_of("nome") == "" and form.error_of("cpf_cnpj") == ""
    form.ui.emailEdit.setText("joao@exemplo.com.br")
    form.ui.emailEdit.editingFinished.emit()
    qtbot.waitUntil(lambda: form.error_of("email") == "")


def test_save_shows_every_error_next_to_its_field_and_writes_nothing(qtbot, context, uow):
    form = make_form(qtbot, context)
    form.ui.documentEdit.set_value("52998224724")
    form.ui.mobileEdit.set_value("1187654321")
    form.ui.stateCombo.setCurrentText("SP")
    assert form.save() is False
    assert "inválido" in form.error_of("cpf_cnpj")
    assert form.error_of("nome") == "Informe o nome (ou a razão social) do cliente."
    assert "E-mail principal obrigatório" in form.error_of("email")
    assert "11 dígitos" in form.error_of("celular")
    assert form.error_of("uf") == ""
    assert saved(uow) == []
    assert form.save_result is None


def test_invalid_birth_date_is_reported_under_the_date(qtbot, context, uow):
    form = make_form(qtbot, context)
    fill_valid(form)
    form.ui.birthDateEdit.line.setText("31/02/1990")
    assert form.save() is False
    assert "Data inválida" in form.error_of("data_nascimento")
    form.ui.birthDateEdit.set_value(date(2030, 1, 1))
    assert form.save() is False
    assert "no futuro" in form.error_of("data_nascimento")
    assert saved(uow) == []


def test_duplicate_document_refused_naming_the_existing_customer(qtbot, context, uow):
    first = cs.create_customer(uow(), cs.CustomerDraft(name="Maria Antiga", document="52998224725",
                                                       email="m@exemplo.com.br", mobile="11987654321",
                                                       status="inativo"))
    form = make_form(qtbot, context)
    fill_valid(form)
    assert form.save() is False
    message = form.error_of("cpf_cnpj")
    assert f"código {first.customer.code}" in message and "Maria Antiga" in message and "inativo" in message
    assert len(saved(uow)) == 1


def test_duplicate_allowed_by_parameters_is_warned_before_and_after_saving(qtbot, context, uow):
    params.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
    cs.create_customer(uow(), cs.CustomerDraft(name="Maria Antiga", document="52998224725",
                                               email="m@exemplo.com.br", mobile="11987654321"))
    form = make_form(qtbot, context)
    fill_valid(form)
    form.ui.documentEdit.editingFinished.emit()
    qtbot.waitUntil(lambda: not form.ui.warningLabel.isHidden())
    assert "já cadastrado" in form.ui.warningLabel.text()
    assert form.error_of("cpf_cnpj") == ""
    assert form.save() is True
    assert any("já cadastrado" in w for w in form.save_result.warnings)
    assert len(saved(uow)) == 2


def test_edit_shows_current_values_and_keeps_password(qtbot, context, uow):
    result = cs.create_customer(uow(), cs.CustomerDraft(
        name="Empresa Alfa Ltda", document="12ABC34501DE35", email="contato@alfa.com.br",
        mobile="11987654321", phone="1134567890", portal_login="alfa", portal_password="segredo1"))
    form = make_form(qtbot, context, result.customer.id)
    assert form.ui.documentEdit.text() == "12.ABC.345/01DE-35"
    assert form.ui.personTypeCombo.currentData() == "J"
    assert form.ui.phoneEdit.text() == "(11) 3456-7890"
    assert form.ui.portalPasswordEdit.text() == ""
    assert "senha definida" in form.ui.portalPasswordEdit.placeholderText()
    assert f"Código {result.customer.code}" in form.ui.headerLabel.text()
    form.ui.cityEdit.setText("Campinas")
    assert form.save() is True
    [c] = saved(uow)
    assert c.city == "Campinas" and c.version == 2
    assert c.portal_password_hash is not None


def test_conflict_shows_what_changed_and_reload_brings_the_new_values(qtbot, context, uow, attendant):
    result = cs.create_customer(uow(), cs.CustomerDraft(name="Carla Dias", document="52998224725",
                                                        email="carla@exemplo.com.br", mobile="11987654321"))
    form = make_form(qtbot, context, result.customer.id)
    other = cs.update_customer(uow(attendant), result.customer.id,
                               cs.draft_with(result.customer.to_draft(), city="Santos"), result.customer.version)
    assert other.customer.version == 2
    form.ui.nameEdit.setText("Carla Dias Souza")
    assert form.save() is False
    assert not form.ui.conflictLabel.isHidden()
    text = form.ui.conflictLabel.text()
    assert "atendente" in text and "Santos" in text
    assert saved(uow)[0].name == "Carla Dias"
    form.ui.reloadButton.click()
    assert form.ui.cityEdit.text() == "Santos" and form.ui.nameEdit.text() == "Carla Dias"
    assert form.ui.conflictLabel.isHidden()
    form.ui.nameEdit.setText("Carla Dias Souza")
    assert form.save() is True
    assert saved(uow)[0].name == "Carla Dias Souza"


def test_history_tab_lists_the_audit_entries(qtbot, qtmodeltester, context, uow):
    result = cs.create_customer(uow(), cs.CustomerDraft(name="Davi Lima", document="52998224725",
                                                        email="davi@exemplo.com.br", mobile="11987654321"))
    cs.update_customer(uow(), result.customer.id, cs.draft_with(result.customer.to_draft(), city="Recife"), 1)
    form = make_form(qtbot, context, result.customer.id)
    model = form.history.model
    assert isinstance(model, AuditHistoryModel)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 2).data() == "Alteração" and model.index(1, 2).data() == "Inclusão"
    assert "Cidade: (vazio) → Recife" in model.index(0, 4).data()
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", model.index(0, 0).data())
    assert "Cidade: (vazio) → Recife" in form.history.detail.toPlainText()


def test_new_form_has_history_tab_disabled(qtbot, context):
    form = make_form(qtbot, context)
    assert not form.ui.formTabs.isTabEnabled(1)
    assert "O histórico aparece depois" in form.history.message.text()


def test_finance_can_open_but_not_save(qtbot, factory, finance, uow):
    result = cs.create_customer(uow(), cs.CustomerDraft(name="Eva Reis", document="52998224725",
                                                        email="eva@exemplo.com.br", mobile="11987654321"))
    form = make_form(qtbot, AppContext(factory=factory, actor=finance, events=DataEvents()), result.customer.id)
    from PySide6.QtWidgets import QDialogButtonBox

    assert not form.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert form.ui.nameEdit.isReadOnly() and form.ui.birthDateEdit.line.isReadOnly()
    assert not form.ui.statusCombo.isEnabled()
    assert "somente consulta" in form.ui.headerLabel.text()
    assert form.save() is False
    assert "não tem permissão" in form.ui.warningLabel.text()


def test_designer_form_compiles_on_the_fly_in_a_fresh_checkout(tmp_path, monkeypatch):
    import shutil
    import sys
    from pathlib import Path

    from ispdesk.ui.forms import loader

    source = Path(loader.__file__).resolve().parents[3] / "ui" / "customer_form.ui"
    shutil.copy(source, tmp_path / "probe_form.ui")
    monkeypatch.setattr(loader, "_UI_DIR", tmp_path)
    monkeypatch.delitem(sys.modules, "ispdesk.ui.forms.ui_probe_form", raising=False)
    form_class = loader.load_form("probe_form", "Ui_CustomerForm")
    assert form_class.__name__ == "Ui_CustomerForm" and hasattr(form_class, "setupUi")
    sys.modules.pop("ispdesk.ui.forms.ui_probe_form", None)
