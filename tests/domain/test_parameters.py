from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain import parameters as p
from ispdesk.domain.errors import BusinessRuleError


@pytest.mark.parametrize("text", ["sim", "SIM", "s", "true", "Verdadeiro"])
def test_yes(text):
    assert p.parse_value("hotsite_obrigatorio", text) is True


@pytest.mark.parametrize("text", ["não", "NÃO", "nao", "n", "false", "Não"])
def test_no(text):
    assert p.parse_value("hotsite_obrigatorio", text) is False


def test_bad_values_and_names():
    with pytest.raises(BusinessRuleError, match="sim ou não"):
        p.parse_value("hotsite_obrigatorio", "talvez")
    with pytest.raises(BusinessRuleError, match="inteiro"):
        p.parse_value("dias_bloqueio", "trinta")
    with pytest.raises(BusinessRuleError, match="desconhecido"):
        p.parse_value("nao_existe", "1")


def test_defaults_are_the_seed_recommendations():
    d = p.defaults()
    assert d["aceitar_cpf_cnpj_duplicado"] is False
    assert d["cpf_cnpj_obrigatorio"] is True
    assert d["hotsite_obrigatorio"] is False
    assert d["celular_obrigatorio"] is True
    assert d["email_obrigatorio"] is True
    assert d["motivo_inclusao_obrigatorio"] is True
    assert p.validate_values(d) == {}


def test_legal_floors():
    values = p.defaults() | {"dias_rescisao": 30}
    assert "60" in p.validate_values(values)["dias_rescisao"]
    values = p.defaults() | {"dias_bloqueio": 10}
    assert "16" in p.validate_values(values)["dias_bloqueio"]
    values = p.defaults() | {"multa_atraso_percentual": Decimal("3")}
    assert "2" in p.validate_values(values)["multa_atraso_percentual"]


@given(st.integers(0, 40), st.integers(0, 90), st.integers(0, 90))
def test_ladder_floor_property(notice, reduction, block):
    values = p.defaults() | {"dias_aviso": notice, "dias_reducao": reduction, "dias_bloqueio": block,
                             "reducao_habilitada": False}
    errors = p.validate_values(values)
    assert ("dias_bloqueio" in errors) == (block < notice + 15 or block < 1)
