"""The shared lookups, written once: plan by code, branch by code, contract by number, city match.

Every service that finds one of these goes through here, so the same input finds the same row (or
gives the same Portuguese message) from the GUI, the CLI, a CSV import or the sync. Functions take
an open `UnitOfWork` (or, for the few set-based readers that run on a bare session, its `Session`),
never check permissions and never commit (the caller's use case does).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from ispdesk.db.models import Branch, Charge, Contract, Customer, Plan
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.text import fold, prefix_upper_bound
from ispdesk.services.uow import UnitOfWork

_SPACES = re.compile(r"\s+")
Source = UnitOfWork | Session


def session_of(source: Source) -> Session:
    """The session of a unit of work, or the session itself."""
    return source.session if isinstance(source, UnitOfWork) else source


def code_key(code: str | None) -> str:
    """A plan or branch code as stored: upper case, no spaces (`` fibra 300 `` → ``FIBRA300``)."""
    return _SPACES.sub("", code or "").upper()


# --- plans -------------------------------------------------------------------------------------

def plan_not_found(code: object) -> BusinessRuleError:
    """The one message for a plan code that matches no plan."""
    return BusinessRuleError(
        f"Plano “{code}” não encontrado. Confira o código em Cadastros › Planos.", field="plano")


def find_plan(uow: Source, code: str | None) -> Plan | None:
    """The plan with `code` (case- and space-insensitive), or None."""
    key = code_key(code)
    return session_of(uow).scalar(select(Plan).where(Plan.code == key)) if key else None


def plan_by_code(uow: Source, code: str | None) -> Plan:
    """The plan with `code`; `BusinessRuleError` (field ``plano``) when there is none."""
    plan = find_plan(uow, code)
    if plan is None:
        raise plan_not_found((code or "").strip())
    return plan


def plan_id_by_code(uow: Source, code: str | None) -> uuid.UUID | None:
    """The id of the plan with `code`, or None (for filters: no such plan selects nothing)."""
    key = code_key(code)
    return session_of(uow).scalar(select(Plan.id).where(Plan.code == key)) if key else None


# --- branches ----------------------------------------------------------------------------------

def branch_id_by_code(uow: Source, code: str | None) -> uuid.UUID | None:
    """The id of the branch (filial) with `code` (case- and space-insensitive), or None."""
    key = code_key(code)
    return session_of(uow).scalar(select(Branch.id).where(Branch.code == key)) if key else None


def active_branch_by_code(uow: Source, code: str) -> Branch:
    """The active branch with `code`; `BusinessRuleError` (field ``filial``) otherwise."""
    branch = session_of(uow).scalar(select(Branch).where(Branch.code == code_key(code)))
    if branch is None or not branch.active:
        raise BusinessRuleError(f"Filial “{code.strip()}” não encontrada ou inativa. Confira o código em "
                                "Cadastros › Filiais.", field="filial")
    return branch


# --- contracts ---------------------------------------------------------------------------------

def contract_number(ref: int | str) -> int:
    """A typed contract number as an int; `NotFound` with how to type it when it is not one."""
    text = str(ref).strip()
    if not text.isdigit():
        raise NotFound(f"Número de contrato inválido: “{ref}”. Informe só os dígitos, por exemplo 1234.")
    return int(text)


def contract_not_found(number: object) -> NotFound:
    """The one message for a contract number that matches no contract."""
    return NotFound(f"Contrato {number} não encontrado. Confira o número na aba Contratos.")


def contract_by_number(uow: Source, ref: int | str, lock: bool = False) -> Contract:
    """The contract with number `ref` (``lock``: ``SELECT … FOR UPDATE`` on PostgreSQL)."""
    number = contract_number(ref)
    query = select(Contract).where(Contract.number == number)
    if lock and session_of(uow).get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    contract = session_of(uow).scalar(query)
    if contract is None:
        raise contract_not_found(number)
    return contract


def contract_id_by_number(uow: Source, ref: int | str) -> uuid.UUID:
    """The id of the contract with number `ref` (`NotFound` when missing)."""
    number = contract_number(ref)
    found = session_of(uow).scalar(select(Contract.id).where(Contract.number == number))
    if found is None:
        raise contract_not_found(number)
    return found


# --- customers ---------------------------------------------------------------------------------

def customer_by_code(uow: Source, ref: int | str) -> Customer:
    """The customer with code `ref` (`NotFound`, saying how to type it, when it is not one or missing)."""
    text = str(ref).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound(f"Código de cliente inválido: “{ref}”. Informe só os dígitos, por exemplo 1042.")
    customer = session_of(uow).scalar(select(Customer).where(Customer.code == int(text)))
    if customer is None:
        raise NotFound(f"Cliente {text} não encontrado; confira o código no cadastro de clientes.")
    return customer


# --- cities ------------------------------------------------------------------------------------

# --- charges ------------------------------------------------------------------------------------

def charge_by_number(uow: Source, ref: int | str) -> Charge:
    """The charge with sequential number `ref` (``123`` or `` 123 ``); `NotFound` with one message."""
    text = str(ref).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BusinessRuleError(f"Número de cobrança inválido: “{text}”. Informe só os dígitos, por exemplo 123.",
                                field="numero")
    charge = session_of(uow).scalar(select(Charge).where(Charge.number == int(text)))
    if charge is None:
        raise NotFound(f"Cobrança {text} não encontrada; confira o número na lista de cobranças do contrato.")
    return charge


def _first_letter_variants() -> dict[str, list[str]]:
    variants: dict[str, list[str]] = {}
    for code in range(0x20, 0x250):
        ch = chr(code)
        key = fold(ch)[:1]
        if key:
            variants.setdefault(key, []).append(ch)
    return variants


_VARIANTS = _first_letter_variants()


def city_spellings(uow: Source, city: str) -> list[str]:
    """The stored spellings of `city`, accent-, case- and space-insensitive, read from the city index.

    A skip scan (``min(city) WHERE city > previous``, one index seek per distinct value) inside the
    ranges of the first letter's spellings (``s``, ``S``, ``ś`` …): milliseconds at a million customers.
    """
    wanted = fold(city).strip()
    if not wanted:
        return []
    found = [city] if city.strip() else []
    for first in _VARIANTS.get(wanted[0], [wanted[0]]):
        upper = prefix_upper_bound(first)
        current = session_of(uow).scalar(select(func.min(Customer.city)).where(Customer.city >= first,
                                                                           Customer.city < upper))
        while current is not None:
            if fold(current).strip() == wanted and current not in found:
                found.append(current)
            current = session_of(uow).scalar(select(func.min(Customer.city)).where(Customer.city > current,
                                                                               Customer.city < upper))
    return found


def city_condition(uow: Source, city: str, column: Any = Customer.city) -> ColumnElement[bool]:
    """WHERE `column` is `city` in any spelling (false when no customer lives there)."""
    spellings = city_spellings(uow, city)
    return column.in_(spellings) if spellings else false()


def customers_in_city(uow: Source, city: str) -> Any:
    """Subquery of the ids of the customers living in `city` (any spelling), for ``IN (…)``."""
    return select(Customer.id).where(city_condition(uow, city))
