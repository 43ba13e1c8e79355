"""One vocabulary: every stored status/kind has a label, and every filter option selects what it names."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import CheckConstraint, select
from sqlalchemy.exc import IntegrityError

from ispdesk.db.base import Base
from ispdesk.db.models import Contract
from ispdesk.domain import statuses
from ispdesk.domain.access import AccessStatus, Cause
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.statuses import ChargeReportStatus, ContractStatus, LabeledEnum
from ispdesk.services import access, contract_list, reports
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer, make_plan

Uow = Callable[..., UnitOfWork]
VOCABULARIES: list[type[LabeledEnum]] = [
    AccessStatus, Cause,
    *(v for v in vars(statuses).values()
      if isinstance(v, type) and issubclass(v, LabeledEnum) and v is not LabeledEnum),
]
#: Columns that hold a code from a vocabulary: each must be CHECKed against one.
VOCABULARY_COLUMNS = {"status", "access_status", "kind", "source", "purpose", "from_status", "to_status", "cause"}


def test_every_vocabulary_has_a_distinct_portuguese_label_per_value() -> None:
    for vocabulary in VOCABULARIES:
        for member in vocabulary:
            assert member.label and member.label != member.value, (vocabulary, member)
        assert len({m.label for m in vocabulary}) == len(vocabulary), vocabulary


def _checked_values() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                m = re.fullmatch(r"(\w+) IN \((.*)\)", str(constraint.sqltext))
                if m:
                    found[(table.name, m.group(1))] = set(re.findall(r"'([^']*)'", m.group(2)))
    return found


def test_every_code_column_is_checked_against_a_labelled_vocabulary() -> None:
    checked = _checked_values()
    vocabularies = [set(v.values()) for v in VOCABULARIES]
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if column.name in VOCABULARY_COLUMNS and not str(column.type).startswith("UUID"):
                values = checked.get((table.name, column.name))
                assert values is not None, f"{table.name}.{column.name} has no CHECK against a vocabulary"
                assert values in vocabularies, (table.name, column.name, values)


def test_the_database_refuses_a_value_without_label(uow: Uow) -> None:
    with uow() as u:
        contract = make_contract(u.session)
        u.commit()
    with pytest.raises(IntegrityError), uow() as u:
        u.session.get(Contract, contract.id).access_status = "liberacao_manual"  # the old, wrong key
        u.commit()


@pytest.fixture
def every_combination(uow: Uow) -> dict[tuple[str, str], int]:
    """One contract per (contract status, access status)."""
    numbers = {}
    with uow() as u:
        plan = make_plan(u.session)
        customer = make_customer(u.session, city="São José")
        for status, access_status in itertools.product(ContractStatus, AccessStatus):
            c = make_contract(u.session, customer, plan, status=status, access_status=access_status,
                              activated_on=None if status == ContractStatus.PRE_CONTRATO else date(2026, 1, 10))
            numbers[(status.value, access_status.value)] = c.number
        u.commit()
    return numbers


def test_every_contract_filter_option_selects_what_it_names(uow: Uow, every_combination: dict) -> None:
    rows = contract_list.list_contracts(uow(), ContractFilter(), limit=1000)
    assert len(rows) == len(every_combination)
    for row in rows:
        assert row.status_label == ContractStatus(row.status).label
        assert row.access_status_label == AccessStatus(row.access_status).label
    for code, label in ContractStatus.choices():
        found = {r.number for r in contract_list.list_contracts(uow(), ContractFilter(statuses=(code,)), limit=1000)}
        assert found == {n for (s, _), n in every_combination.items() if s == code}, label
    for code, label in AccessStatus.choices():
        f = ContractFilter(access_statuses=(code,))
        found = {r.number for r in contract_list.list_contracts(uow(), f, limit=1000)}
        assert found == {n for (_, a), n in every_combination.items() if a == code}, label
        assert contract_list.count_contracts(uow(), f) == len(found)


def test_a_trust_unlock_shows_its_label_and_is_found_by_its_filter(uow: Uow, clock, attendant) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 9, 10))
        u.commit()
    for day in (date(2026, 9, 11), date(2026, 10, 11)):
        clock.day = day
        access.run_suspension(uow(), day)
    clock.day = date(2026, 10, 12)
    access.trust_unlock(uow(attendant), contract.number)
    f = ContractFilter(access_statuses=(AccessStatus.LIBERADO_CONFIANCA,))
    (row,) = contract_list.list_contracts(uow(), f)
    assert row.number == contract.number and row.access_status_label == "Desbloqueio de confiança"


def test_every_charge_report_option_selects_what_it_names(uow: Uow) -> None:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 3, 10), description="aberta")
        make_charge(u.session, contract, date(2026, 4, 10), description="parcial", paid_amount=Decimal("10.00"))
        make_charge(u.session, contract, date(2026, 5, 10), description="paga", status="paga",
                    paid_amount=Decimal("99.90"), paid_on=date(2026, 5, 10))
        make_charge(u.session, contract, date(2026, 6, 10), description="cancelada", status="cancelada")
        u.commit()
    expected = {"aberta": {"aberta", "parcial"}, "parcial": {"parcial"}, "paga": {"paga"}, "cancelada": {"cancelada"}}
    assert set(expected) == set(ChargeReportStatus.values())
    column = [c.key for c in reports.CHARGE_COLUMNS].index("descricao")
    for code, label in ChargeReportStatus.choices():
        report = reports.charges_report(uow(), status=code)
        assert {r[column] for r in report.csv_rows} == expected[code], label
        assert label.lower() in report.subtitle


def test_the_contract_list_never_shows_a_raw_code(uow: Uow, every_combination: dict) -> None:
    with uow() as u:
        stored = set(u.session.execute(select(Contract.status, Contract.access_status)).all())
    labels = {ContractStatus.label_of(s) for s, _ in stored} | {AccessStatus.label_of(a) for _, a in stored}
    assert not labels & (set(ContractStatus.values()) | set(AccessStatus.values()))
