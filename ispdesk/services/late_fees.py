"""Late amounts of charges as of a date: the "valor atualizado" every surface shows.

The rule lives in `ispdesk.domain.late_fees`; this module reads the rates from the general
parameters and applies them to stored charges (`Charge`) or their rows (`ChargeRow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Charge, Contract
from ispdesk.domain.late_fees import LateRates, Updated, updated_amount
from ispdesk.domain.money import ZERO, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.charges import ChargeRow, row_of
from ispdesk.services.uow import UnitOfWork


def rates_on(session: Session) -> LateRates:
    """The late-amount rates in force (parameters ``multa_atraso_percentual``, ``juros_mora_percentual_mes``)."""
    return LateRates.from_values(params_service.load(session))


def updated_of(row: ChargeRow, on: date, rates: LateRates) -> Updated:
    """The valor atualizado of a charge on `on` (all zero for a paid or cancelled charge)."""
    if row.status != ChargeStatus.ABERTA:
        return Updated(ZERO, ZERO, ZERO)
    principal = to_cents(row.amount - row.paid_amount)
    return updated_amount(principal, row.fine_owed, row.interest_owed, row.effective_due, on, rates)


def charge_updated(charge: Charge, on: date, rates: LateRates) -> Updated:
    """The valor atualizado of a stored open charge on `on` (what an import or a payment settles)."""
    return updated_amount(to_cents(charge.amount - charge.paid_amount), charge.fine_owed, charge.interest_owed,
                          charge.effective_due_date or charge.due_date, on, rates)


@dataclass(frozen=True)
class ChargeDetail:
    """A charge with its valor atualizado on `on`."""

    charge: ChargeRow
    on: date
    updated: Updated


def show_charge(uow: UnitOfWork, number: int | str, on: date | None = None) -> ChargeDetail:
    """The charge numbered `number` with principal, multa, juros and total as of `on` (default today).

    Raises:
        PermissionDenied: the actor may not view contracts.
        NotFound: no charge with that number.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        charge = lookups.charge_by_number(uow, number)
        contract_number = uow.session.scalar(select(Contract.number).where(Contract.id == charge.contract_id))
        row = row_of(charge, int(contract_number or 0))
        day = on or uow.today
        return ChargeDetail(row, day, updated_of(row, day, rates_on(uow.session)))


def late_rates(uow: UnitOfWork) -> LateRates:
    """The rates in force, for screens that compute the valor atualizado of rows they hold."""
    with uow:
        return rates_on(uow.session)
