"""First-run company dialog and Parâmetros › Empresa: same checks, masks, UF list and logo."""

from __future__ import annotations

import os

import pytest
from PySide6.QtGui import QColor, QImage
from sqlalchemy import select

from ispdesk.db.models import Branch
from ispdesk.services import company, parameters
from ispdesk.ui.context import AppContext, DataEvents
from ispdesk.ui.dialogs.company_dialog import CompanyDialog, ask_company_on_first_run
from ispdesk.ui.dialogs.parameters_dialog import ParametersDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
SHOTS = os.environ.get("ISPDESK_SHOTS_DIR", "")
TYPED = {"empresa_razao_social": "Rede Vale Telecomunicações Ltda.", "empresa_nome_fantasia": "Rede Vale",
         "empresa_cnpj": "27865757000102", "empresa_endereco": "Av. Brasil, 1500 — Centro",
         "empresa_cidade": "Campinas", "empresa_cep": "13015000", "empresa_telefone": "1932321000",
         "empresa_email": "atendimento@redevale.com.br", "empresa_site": "www.redevale.com.br"}


@pytest.fixture
def context(factory, admin):
    return AppContext(factory=factory, actor=admin, events=DataEvents())


def _png(tmp_path):
    image = QImage(1200, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d6fb8"))
    path = tmp_path / "logo.png"
    image.save(str(path))
    return str(path)


def test_first_run_asks_fills_masks_and_saves(qtbot, context, uow, tmp_path):
    dialog = CompanyDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.editors["empresa_razao_social"].text() == ""  # the example data is not offered
    for name, value in TYPED.items():
        dialog.editors[name].setText(value)
        dialog.editors[name].editingFinished.emit()
    assert dialog.editors["empresa_cnpj"].text() == "27.865.757/0001-02"
    assert dialog.editors["empresa_cep"].text() == "13015-000"
    assert dialog.editors["empresa_telefone"].text() == "(19) 3232-1000"
    assert not dialog.save()  # UF missing
    assert dialog.error_of("empresa_uf") == "Informe a UF da empresa."
    uf = dialog.editors["empresa_uf"]
    assert uf.count() == 28 and uf.itemText(1) == "AC"
    uf.setCurrentIndex(uf.findData("SP"))
    assert dialog.logo.load_file(_png(tmp_path))
    dialog.resize(1366, 768)
    if SHOTS:
        dialog.show()
        dialog.grab().save(os.path.join(SHOTS, "company_first_run.png"))
    assert dialog.save()
    row = company.get_company(uow())
    assert not row.example and row.values["empresa_cnpj"] == "27865757000102" and row.values["empresa_uf"] == "SP"
    assert QImage.fromData(row.logo_png).width() == 600  # scaled down to 600 × 150
    assert not ask_company_on_first_run(context)  # not asked again


def test_invalid_cnpj_is_said_under_the_field_and_nothing_is_saved(qtbot, context, uow):
    dialog = CompanyDialog(context)
    qtbot.addWidget(dialog)
    for name, value in TYPED.items():
        dialog.editors[name].setText(value)
    dialog.editors["empresa_cnpj"].setText("27.865.757/0001-03")
    dialog.editors["empresa_cnpj"].editingFinished.emit()
    assert "dígitos verificadores não conferem" in dialog.error_of("empresa_cnpj")
    assert not dialog.save()
    assert company.get_company(uow()).example
    dialog.editors["empresa_cnpj"].setText("27865757000102")
    dialog.editors["empresa_cnpj"].editingFinished.emit()
    assert dialog.error_of("empresa_cnpj") == ""


def test_attendant_is_not_asked(factory, attendant):
    assert not ask_company_on_first_run(AppContext(factory=factory, actor=attendant, events=DataEvents()))


def test_parameters_empresa_tab_masks_validates_and_keeps_the_logo(qtbot, context, uow, tmp_path):
    dialog = ParametersDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.editors["empresa_cnpj"].text() == "11.222.333/0001-81"
    assert dialog.editors["empresa_cep"].text() == "01310-100"
    assert dialog.editors["empresa_telefone"].text() == "(11) 3333-4444"
    assert dialog.editors["empresa_uf"].currentData() == "SP"
    dialog.editors["empresa_cep"].setText("130")
    assert not dialog.save()
    assert "8 dígitos" in dialog.error_of("empresa_cep")
    dialog.editors["empresa_cep"].setText("13015-000")
    dialog.editors["empresa_cnpj"].setText("27.865.757/0001-02")
    dialog.editors["empresa_uf"].setCurrentIndex(dialog.editors["empresa_uf"].findData("MG"))
    assert dialog.logo.load_file(_png(tmp_path))
    assert not dialog.logo.load_file(__file__)  # not an image: said, nothing changed
    assert "não é uma imagem" in dialog.logo.error.text()
    dialog.tabs.setCurrentIndex([dialog.tabs.tabText(i) for i in range(dialog.tabs.count())].index("Empresa"))
    dialog.resize(1366, 768)
    if SHOTS:
        dialog.show()
        dialog.grab().save(os.path.join(SHOTS, "parameters_empresa.png"))
    assert dialog.save()
    values = parameters.get_all(uow())
    assert (values["empresa_cep"], values["empresa_cnpj"], values["empresa_uf"]) == ("13015000", "27865757000102",
                                                                                     "MG")
    with uow() as u:
        branch = u.session.scalars(select(Branch).where(Branch.code == "MATRIZ")).one()
        assert branch.cnpj == "27865757000102" and branch.state == "MG" and branch.logo_png
