"""Every charge gets its sequential number and its vencimento útil, whatever path inserts it.

The ORM ``before_insert`` listener here fills `Charge.number` (sequence ``charge_number``, the row
locked until commit so two stations never share a number) and `Charge.effective_due_date` (the
provider's calendar) when the inserting code left them empty. It is registered when the first
`UnitOfWorkFactory` is built (`ispdesk.services.uow`), so no path can forget it; bulk inserts
(generation, demo) fill both themselves (`charges.stamp_rows`, the generation writer).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Mapper

from ispdesk.db.models import Charge
from ispdesk.services.business_days import calendar_on

#: The sequence of `Charge.number` (bootstrap.SEQUENCE_NAMES).
NUMBER_SEQUENCE = "charge_number"


def _reserve_numbers(connection: Connection, count: int) -> int:
    """Reserve `count` charge numbers on `connection` (the sequence row stays locked until commit)."""
    row = connection.execute(
        text("UPDATE sequences SET next_value = next_value + :n WHERE name = :name RETURNING next_value"),
        {"n": count, "name": NUMBER_SEQUENCE}).scalar()
    if row is None:
        connection.execute(text("INSERT INTO sequences (name, next_value) VALUES (:name, :v)"),
                           {"name": NUMBER_SEQUENCE, "v": 1 + count})
        return 1
    return int(row) - count


@event.listens_for(Charge, "before_insert")
def _stamp_charge(mapper: Mapper[Any], connection: Connection, target: Charge) -> None:
    """Every charge inserted through the ORM gets its number and its vencimento útil."""
    if target.number is None:
        target.number = _reserve_numbers(connection, 1)
    if target.effective_due_date is None and target.due_date is not None:
        target.effective_due_date = calendar_on(connection).effective_due(target.due_date)


