"""The customer's statement (extrato): every charge of every contract, with the valor atualizado as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import Charge, Contract, Customer
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.money import ZERO
from ispdesk.domain.permissions import Permission
from ispdesk.services.charges import ChargeRow, row_of
from ispdesk.services.late_fees import rates_on, updated_of
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class StatementLine:
    """One charge of the statement with its valor atualizado on the statement date."""

    charge: ChargeRow
    updated: Updated


@dataclass(frozen=True)
class Statement:
    """A customer's charges, oldest due date first, and the total owed (updated) on `on`."""

    customer_code: int
    customer_name: str
    on: date
    lines: tuple[StatementLine, ...]

    @property
    def total_updated(self) -> Decimal:
        """What settles every open charge on `on` (principal + multa + juros)."""
        return sum((line.updated.total for line in self.lines), ZERO)


def customer_statement(uow: UnitOfWork, code: int | str, on: date | None = None) -> Statement:
    """The statement of the customer with code `code` as of `on` (default today).

    Raises:
        PermissionDenied: the actor may not view contracts.
        NotFound: no customer with that code.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    text = str(code).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BusinessRuleError(f"Código de cliente inválido: “{text}”. Informe só os dígitos.", field="cliente")
    with uow:
        customer = uow.session.scalar(select(Customer).where(Customer.code == int(text)))
        if customer is None:
            raise NotFound(f"Cliente {text} não encontrado; confira o código no cadastro de clientes.")
        day = on or uow.today
        rates = rates_on(uow.session)
        rows = uow.session.execute(
            select(Charge, Contract.number).join(Contract, Contract.id == Charge.contract_id)
            .where(Contract.customer_id == customer.id)
            .order_by(Charge.due_date, Contract.number, Charge.number))
        lines = []
        for charge, number in rows.tuples():
            row = row_of(charge, number)
            lines.append(StatementLine(row, updated_of(row, day, rates)))
        return Statement(customer.code, customer.name, day, tuple(lines))
