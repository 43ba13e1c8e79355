"""Issue 11 items 4 and 12: impossible dates and doubtful data are refused on every path
(service/form, CSV import, CLI-facing services), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import Contract, Customer, Payment
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.services import contracts, payments
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params_service
from ispdesk.services.charge_io import import_payments
from ispdesk.services.contract_io import import_contracts
from ispdesk.services.contracts import ContractDraft
from ispdesk.services.customer_io import import_customers
from tests.factories import make_charge, make_contract, make_customer, make_plan

CPF = "529.982.247-25"


def draft(**kw: object) -> cs.CustomerDraft:
    values: dict[str, object] = dict(name="Maria da Conceição", document=CPF, email="maria@example.com",
                                     mobile="(11) 98765-4321")
    values.update(kw)
    return cs.CustomerDraft(**values)  # type: ignore[arg-type]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def count(uow, model: type) -> int:  # type: ignore[no-untyped-def]
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def setup(uow):  # type: ignore[no-untyped-def]
    with uow() as u:
        customer = make_customer(u.session, "João da Silva")
        plan = make_plan(u.session, "FIBRA-300", "99.90", loyalty_months=12, loyalty_benefit=Decimal("600.00"))
        contract = make_contract(u.session, customer, plan, activated_on=date(2026, 1, 10))
        charge = make_charge(u.session, contract, date(2026, 11, 10), period_start=date(2026, 10, 10),
                             period_end=date(2026, 11, 9))
        u.commit()
        return {"customer": customer.id, "document": customer.document, "plan": plan.id,
                "contract": contract.id, "number": contract.number, "charge": charge.id}


# ------------------------------------------------------------------------------------ dates (item 4)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1900, 1, 1), date(1989, 12, 31)])
def test_activation_before_the_founding_is_refused(uow, setup, day: date) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"], activated_on=day,
                                                       inclusion_reason="NOVO"))
    assert info.value.field == "data_ativacao"
    assert "fundação do provedor (01/01/1990, parâmetro data_fundacao_provedor)" in info.value.message


def test_the_founding_parameter_moves_the_window(uow, setup) -> None:  # type: ignore[no-untyped-def]
    params_service.update(uow(), {"data_fundacao_provedor": params_service.registry.parse_value(
        "data_fundacao_provedor", "01/03/2015")})
    assert params_service.get_all(uow())["data_fundacao_provedor"] == date(2015, 3, 1)
    with pytest.raises(ValidationError, match="01/03/2015"):
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       activated_on=date(2015, 2, 28), inclusion_reason="NOVO"))
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         activated_on=date(2015, 3, 1), inclusion_reason="NOVO"))
    assert row.activated_on == date(2015, 3, 1)


def test_activation_of_a_pre_contract_is_checked_too(uow, setup) -> None:  # type: ignore[no-untyped-def]
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                         inclusion_reason="NOVO"))
    with pytest.raises(ValidationError, match="anterior à fundação"):
        contracts.activate_contract(uow(), row.id, date(1, 1, 1))


def test_base_date_more_than_a_year_ahead_is_refused(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       activated_on=date(2026, 11, 1),
                                                       billing_base_date=date(2028, 1, 1), inclusion_reason="NOVO"))
    assert info.value.field == "data_base_financeira" and "mais de um ano" in info.value.message


def test_contract_import_rejects_the_row_with_activation_0001(uow, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = count(uow, Contract)
    path = write_csv(tmp_path / "contratos.csv", ["cpf_cnpj", "plano", "data_ativacao", "motivo_inclusao"], [
        [setup["document"], "FIBRA-300", "01/01/0001", "NOVO"],
        [setup["document"], "FIBRA-300", "01/01/1900", "NOVO"],
        [setup["document"], "FIBRA-300", "01/06/2026", "NOVO"],
    ])
    report = import_contracts(uow(), path)
    assert report.imported == 1 and len(report.rejected) == 2
    assert all("fundação do provedor" in r.reason for r in report.rejected)
    assert count(uow, Contract) == before + 1


def test_payment_dated_0001_is_refused_on_the_form_and_in_the_import(uow, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        payments.record_payment(uow(), setup["charge"], Decimal("99.90"), date(1, 1, 1))
    assert info.value.field == "data_pagamento" and "01/01/0001" in info.value.message
    with pytest.raises(ValidationError, match="anterior ao período da cobrança"):
        payments.record_payment(uow(), setup["charge"], Decimal("99.90"), date(2025, 1, 5))
    path = write_csv(tmp_path / "pagamentos.csv", ["contrato", "vencimento", "valor_pago", "data_pagamento"], [
        [str(setup["number"]), "10/11/2026", "99,90", "01/01/0001"],
    ])
    report = import_payments(uow(), path)
    assert report.imported == 0 and "01/01/0001" in report.rejected[0].reason
    assert count(uow, Payment) == 0
    ok = payments.record_payment(uow(), setup["charge"], Decimal("99.90"), date(2026, 11, 5))
    assert ok.payment.paid_on == date(2026, 11, 5)


def test_payment_with_three_decimals_is_refused(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BusinessRuleError, match="mais de duas casas decimais"):
        payments.record_payment(uow(), setup["charge"], Decimal("9.905"), date(2026, 11, 5))


def test_renewal_window(uow, setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="posterior à ativação"):
        contracts.renew_contract(uow(), setup["contract"], date(1, 1, 1))
    with pytest.raises(ValidationError, match="não pode ser futura"):
        contracts.renew_contract(uow(), setup["contract"], date(2027, 1, 1))


@pytest.mark.parametrize(("birth", "text"), [(date(1, 1, 1), "muito antiga"), (date(1899, 12, 31), "muito antiga"),
                                             (date(2027, 1, 1), "no futuro")])
def test_birth_window_on_the_form_and_in_the_import(uow, tmp_path: Path, birth: date, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        cs.create_customer(uow(), draft(birth_date=birth))
    assert text in info.value.errors["data_nascimento"]
    typed = f"{birth.day:02d}/{birth.month:02d}/{birth.year:04d}"
    path = write_csv(tmp_path / "c.csv", ["nome", "cpf_cnpj", "celular", "email", "data_nascimento"],
                     [["Maria", CPF, "11987654321", "m@example.com", typed]])
    report = import_customers(uow(), path)
    assert report.imported == 0 and text in report.rejected[0].reason


# ----------------------------------------------------------------------------- doubtful data (item 12)


def test_nul_byte_past_4kb_in_notes_is_refused_everywhere(uow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = "x" * 5000 + "\x00" + "fim"
    with pytest.raises(ValidationError) as info:
        cs.create_customer(uow(), draft(notes=notes))
    assert "caractere nulo" in info.value.errors["observacao"]
    path = write_csv(tmp_path / "c.csv", ["nome", "cpf_cnpj", "celular", "email", "observacao"],
                     [["Maria", CPF, "11987654321", "m@example.com", notes]])
    report = import_customers(uow(), path)
    assert report.imported == 0 and "caractere nulo" in report.rejected[0].reason
    assert count(uow, Customer) == 0


@pytest.mark.parametrize("name", ["Maria\u202eavlis", "Maria\u2066Silva", "Maria\x07Silva", "Maria\x1bSilva",
                                  "Maria\u200bSilva"])
def test_control_and_bidi_characters_in_names_are_refused(uow, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        cs.create_customer(uow(), draft(name=name))
    assert "não pode ser gravado" in info.value.errors["nome"]


def test_notes_may_have_line_breaks_but_no_bidi_override(uow) -> None:  # type: ignore[no-untyped-def]
    row = cs.create_customer(uow(), draft(notes="linha 1\nlinha 2\tcom tab")).customer
    assert row.notes == "linha 1\nlinha 2\tcom tab"
    with pytest.raises(ValidationError) as info:
        cs.update_customer(uow(), row.id, draft(notes="pago\u202e0001"), row.version)
    assert "direção de texto" in info.value.errors["observacao"]


@pytest.mark.parametrize(("key", "value"), [("mobile", "(١١) ٩٨٧٦٥-٤٣٢١"), ("phone", "(11) 3456-789٠"),
                                            ("cep", "٠١٣١٠-١٠٠"), ("mobile", "²¹987654321")])
def test_non_ascii_digits_in_phone_and_cep_are_refused(uow, tmp_path: Path, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    field = {"mobile": "celular", "phone": "telefone", "cep": "cep"}[key]
    with pytest.raises(ValidationError) as info:
        cs.create_customer(uow(), draft(**{key: value}))
    assert "não é um algarismo 0–9" in info.value.errors[field]
    path = write_csv(tmp_path / "c.csv", ["nome", "cpf_cnpj", "celular", "email", field if field != "celular" else "x"],
                     [["Maria", CPF, value if field == "celular" else "11987654321", "m@example.com",
                       value if field != "celular" else ""]])
    report = import_customers(uow(), path)
    assert report.imported == 0 and "algarismo" in report.rejected[0].reason


def test_contract_amount_with_three_decimals_is_refused_in_the_import(uow, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "contratos.csv", ["cpf_cnpj", "plano", "valor", "motivo_inclusao"], [
        [setup["document"], "FIBRA-300", "1.234,567", "NOVO"],
    ])
    report = import_contracts(uow(), path)
    assert report.imported == 0 and "mais de duas casas decimais" in report.rejected[0].reason
    with pytest.raises(ValidationError, match="mais de duas casas decimais"):
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"],
                                                       value=Decimal("1234.567"), inclusion_reason="NOVO"))


def test_benefit_without_loyalty_is_refused_on_contracts(uow, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"], loyalty_months=0,
                                                       loyalty_benefit=Decimal("500"), inclusion_reason="NOVO"))
    assert info.value.field == "beneficio_fidelidade" and "Benefício sem fidelidade" in info.value.message
    path = write_csv(tmp_path / "contratos.csv",
                     ["cpf_cnpj", "plano", "fidelidade_meses", "beneficio_fidelidade", "motivo_inclusao"],
                     [[setup["document"], "FIBRA-300", "0", "500,00", "NOVO"]])
    report = import_contracts(uow(), path)
    assert report.imported == 0 and "Benefício sem fidelidade" in report.rejected[0].reason
    # no loyalty typed and no benefit typed: no benefit (not the plan's R$ 600)
    row = contracts.create_contract(uow(), ContractDraft(setup["customer"], plan_id=setup["plan"], loyalty_months=0,
                                                         inclusion_reason="NOVO"))
    assert (row.loyalty_months, row.loyalty_benefit) == (0, Decimal("0.00"))
    current = contracts.get_contract(uow(), setup["contract"])
    with pytest.raises(ValidationError, match="Benefício sem fidelidade"):
        contracts.update_contract(uow(), current.id, {"loyalty_months": 0}, current.version)
    updated = contracts.update_contract(uow(), current.id, {"loyalty_months": 0, "loyalty_benefit": Decimal("0")},
                                        current.version)
    assert (updated.loyalty_months, updated.loyalty_benefit) == (0, Decimal("0.00"))


def test_nul_in_the_key_columns_rejects_the_row_not_the_file(uow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "c.csv", ["nome", "cpf_cnpj", "celular", "email", "hotsite_login", "observacao"], [
        ["Ana", "390.533.447-05", "11987654321", "a@example.com", "ana", "x" * 5000],  # NULs past 4 KB
        ["Maria", "529.982.247-25\x00", "11987654321", "m@example.com", "", ""],
        ["Maria", "111.444.777-35", "11987654321", "n@example.com", "ma\x00ria", ""],
    ])
    report = import_customers(uow(), path)
    assert report.imported == 1 and len(report.rejected) == 2
    assert all("caractere nulo" in r.reason for r in report.rejected)


def test_nul_in_contract_import_cells_rejects_the_row(uow, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "contratos.csv", ["cpf_cnpj", "plano", "motivo_inclusao", "observacao"], [
        [setup["document"], "FIBRA-300", "NOVO", "x" * 5000],
        [setup["document"] + "\x00", "FIBRA-300", "NOVO", ""],
        [setup["document"], "FIBRA\x00-300", "NOVO", ""],
        [setup["document"], "FIBRA-300", "NO\x00VO", ""],
        [setup["document"], "FIBRA-300", "NOVO", "obs \x00"],
    ])
    report = import_contracts(uow(), path)
    assert report.imported == 1 and len(report.rejected) == 4


def test_plans_follow_the_same_amount_and_text_rules(uow) -> None:  # type: ignore[no-untyped-def]
    from ispdesk.services import plans

    def errors(**kw: object) -> dict[str, str]:
        values: dict[str, object] = dict(code="FIBRA-500", name="Fibra 500", price=Decimal("129.90"),
                                         download_mbps=500, upload_mbps=250)
        values.update(kw)
        with pytest.raises(ValidationError) as info:
            plans.create_plan(uow(), plans.PlanDraft(**values))  # type: ignore[arg-type]
        return info.value.errors

    assert "mais de duas casas decimais" in errors(price=Decimal("129.905"))["valor"]
    assert "mais de duas casas decimais" in errors(loyalty_months=12, loyalty_benefit=Decimal("1.234"))[
        "beneficio_fidelidade"]
    assert "Benefício sem fidelidade" in errors(loyalty_benefit=Decimal("500"))["beneficio_fidelidade"]
    assert "direção de texto" in errors(name="Fibra\u202e005")["nome"]
    assert plans.create_plan(uow(), plans.PlanDraft("FIBRA-500", "Fibra 500", Decimal("129.90"), 500, 250)).code \
        == "FIBRA-500"
