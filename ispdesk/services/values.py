"""The monthly value in force on a date, read from the dated value changes — no task in between.

`Contract.value` is the value last put in force by a write (an applied adjustment, a plan change).
A change decided for a later date (a reajuste with vigência 03/03, a plan change dated ahead) is a
`ContractValueChange` row, and every read asks for the value *on a date*:

- a change not yet applied, not undone and effective on or before the date is in force: the latest
  such one (by effective date, then id) gives the value;
- otherwise an applied change effective *after* the date (a plan change dated ahead, or a past day
  asked about) means the date still had that change's old value;
- otherwise `Contract.value`.

Undoing a batch marks its changes undone, so every surface falls back at once. The charge task
still applies due changes (`adjustments.apply_scheduled_values_in`), which changes nothing any
read shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, select, type_coerce
from sqlalchemy.orm import aliased

from ispdesk.db.base import Money
from ispdesk.db.models import Contract, ContractValueChange
from ispdesk.services.lookups import Source, session_of

_R = TypeVar("_R")


def value_in_force(on: date, contract_id: Any = Contract.id, stored: Any = Contract.value) -> ColumnElement[Decimal]:
    """SQL expression: the monthly value of the contract `contract_id` in force on `on`.

    Use it wherever a query reads `Contract.value` as "the value" (lists, sums, simulations).
    """
    pending = aliased(ContractValueChange)
    ahead = aliased(ContractValueChange)
    scheduled = (
        select(pending.new_value)
        .where(pending.contract_id == contract_id, pending.applied.is_(False), pending.undone_at.is_(None),
               pending.effective_on <= on)
        .order_by(pending.effective_on.desc(), pending.id.desc()).limit(1).scalar_subquery()
    )
    before_ahead = (
        select(ahead.old_value)
        .where(ahead.contract_id == contract_id, ahead.applied.is_(True), ahead.undone_at.is_(None),
               ahead.effective_on > on)
        .order_by(ahead.effective_on, ahead.id).limit(1).scalar_subquery()
    )
    return type_coerce(func.coalesce(scheduled, before_ahead, stored), Money())


def _differing(on: date) -> ColumnElement[bool]:
    """Contracts whose value on `on` may differ from `Contract.value` (they have such a change)."""
    cvc = ContractValueChange
    return and_(cvc.undone_at.is_(None), (cvc.applied.is_(False) & (cvc.effective_on <= on))
                | (cvc.applied.is_(True) & (cvc.effective_on > on)))


def values_differ_on(uow: Source, on: date) -> bool:
    """Whether any contract's value on `on` may differ from its stored `Contract.value`."""
    cvc = ContractValueChange
    return session_of(uow).scalar(select(cvc.id).where(_differing(on)).limit(1)) is not None


def values_on(uow: Source, contract_ids: Iterable[uuid.UUID], on: date) -> dict[uuid.UUID, Decimal]:
    """The value in force on `on` of each of `contract_ids` whose value differs from the stored one."""
    ids = list(dict.fromkeys(contract_ids))
    found: dict[uuid.UUID, Decimal] = {}
    cvc = ContractValueChange
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        candidates = select(cvc.contract_id).where(cvc.contract_id.in_(chunk), _differing(on)).distinct()
        rows = session_of(uow).execute(
            select(Contract.id, Contract.value, value_in_force(on)).where(Contract.id.in_(candidates)))
        for contract_id, stored, in_force in rows:
            if in_force != stored:
                found[contract_id] = in_force
    return found


def value_on(uow: Source, contract: Contract, on: date) -> Decimal:
    """The monthly value of `contract` in force on `on`."""
    return values_on(uow, [contract.id], on).get(contract.id, contract.value)


def rows_in_force(uow: Source, rows: Sequence[_R], on: date) -> list[_R]:
    """`rows` (dataclasses with ``id`` and ``value``) with ``value`` as in force on `on`."""
    in_force = values_on(uow, (r.id for r in rows), on)  # type: ignore[attr-defined]
    if not in_force:
        return list(rows)
    return [replace(r, value=in_force[r.id]) if r.id in in_force else r for r in rows]  # type: ignore[attr-defined,type-var]
