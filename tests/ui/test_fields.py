from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.ui.widgets.fields import (
    CepEdit,
    DateEdit,
    DocumentEdit,
    FieldWithError,
    MoneyEdit,
    PhoneEdit,
    format_document_progressive,
    format_phone_progressive,
)


def test_document_edit_switches_cpf_to_cnpj_as_you_type(qtbot):
    edit = DocumentEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "52998224725")
    assert edit.text() == "529.982.247-25"
    assert edit.value() == "52998224725"
    qtbot.keyClicks(edit, "123")
    assert edit.text() == "52.998.224/7251-23"
    assert len(edit.value()) == 14


def test_document_edit_accepts_alphanumeric_cnpj_in_upper_case(qtbot):
    edit = DocumentEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "12abc34501de35")
    assert edit.text() == "12.ABC.345/01DE-35"
    assert edit.value() == "12ABC34501DE35"


def test_document_edit_ignores_extra_characters_and_keeps_the_cursor(qtbot):
    edit = DocumentEdit()
    qtbot.addWidget(edit)
    edit.set_value("529.982.247-25999")
    assert edit.value() == "52998224725999"
    edit.set_value("529.982.247-25")
    edit.setCursorPosition(3)  # after "529"
    qtbot.keyClick(edit, Qt.Key.Key_1)
    assert edit.value() == "529198224725"
    assert edit.text()[: edit.cursorPosition()].replace(".", "") == "5291"


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=11, max_size=14))
def test_document_mask_keeps_every_character_and_matches_the_domain(raw):
    shown = format_document_progressive(raw)
    assert "".join(c for c in shown if c.isalnum()) == raw
    if len(raw) == 14 or (len(raw) == 11 and raw.isdigit()):
        assert shown == mask_document(raw)


@given(st.text(alphabet="0123456789", max_size=11))
def test_phone_mask_keeps_every_digit(raw):
    shown = format_phone_progressive(raw)
    assert "".join(c for c in shown if c.isdigit()) == raw


def test_phone_edit_mobile_and_landline(qtbot):
    edit = PhoneEdit(mobile=True)
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "1134567890")
    assert edit.text() == "(11) 3456-7890"
    qtbot.keyClick(edit, Qt.Key.Key_1)
    assert edit.text() == "(11) 34567-8901"
    assert edit.value() == "11345678901"
    edit.set_value("+55 (21) 98765-4321")
    assert edit.value() == "55219876543"[:11]


def test_cep_edit(qtbot):
    edit = CepEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "01310100")
    assert edit.text() == "01310-100"
    assert edit.value() == "01310100"


def test_date_edit_typed_empty_and_invalid(qtbot):
    edit = DateEdit()
    qtbot.addWidget(edit)
    assert edit.value() is None and edit.error() == ""
    qtbot.keyClicks(edit.line, "27112026")
    assert edit.text() == "27/11/2026"
    assert edit.value() == date(2026, 11, 27)
    edit.set_value(None)
    assert edit.value() is None
    qtbot.keyClicks(edit.line, "3102")
    assert "dd/mm/aaaa" in edit.error()
    with pytest.raises(BusinessRuleError):
        edit.value()
    edit.set_value(None)
    qtbot.keyClicks(edit.line, "31022026")
    assert "Data inválida" in edit.error()


def test_date_edit_calendar_pick(qtbot):
    from PySide6.QtCore import QDate

    edit = DateEdit()
    qtbot.addWidget(edit)
    edit._picked(QDate(2026, 2, 3))
    assert edit.value() == date(2026, 2, 3)
    assert edit.text() == "03/02/2026"


def test_money_edit_returns_decimal_never_float(qtbot):
    edit = MoneyEdit()
    qtbot.addWidget(edit)
    edit.setText("R$ 1.234,5")
    assert edit.text() == "1.234,5"
    value = edit.value()
    assert isinstance(value, Decimal) and value == Decimal("1234.50")
    edit.editingFinished.emit()
    assert edit.text() == "1.234,50"
    edit.set_value(Decimal("0.005"))
    assert edit.text() == "0,01"
    edit.setText("")
    assert edit.value() == Decimal("0.00")
    edit.allow_empty = True
    assert edit.value() is None
    edit.setText("1,2,3")
    assert "Valor inválido" in edit.error()


def test_field_with_error_shows_message_and_border(qtbot):
    line = DocumentEdit()
    line.setObjectName("documentEdit")
    holder = FieldWithError(line)
    qtbot.addWidget(holder)
    holder.set_error("CPF inválido.")
    assert holder.label.objectName() == "documentEditError"
    assert not holder.label.isHidden() and holder.error() == "CPF inválido."
    assert "border" in line.styleSheet()
    holder.set_error(None)
    assert holder.label.isHidden() and holder.error() == "" and line.styleSheet() == ""


def test_date_edit_says_an_impossible_date_does_not_exist(qtbot):
    edit = DateEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit.line, "31021990")
    assert edit.text() == "31/02/1990"
    assert "não existe" in edit.error() and "fevereiro de 1990 tem 28 dias" in edit.error()
    assert "formato" not in edit.error()
