"""The word index of the customer name search (table ``customer_words``): the one writer.

Every path that stores a customer's name calls this module in the same transaction: the form's
create/update (`customers`), the import (`customer_io`) and the demo generator (`demo`). Each row is
one distinct word of the folded name (`ispdesk.domain.text.name_words`) with a copy of the folded
name, so the search reads a word's customers already in list order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from ispdesk.db.models import Customer, CustomerWord
from ispdesk.domain.text import name_words

_TABLE = cast(Table, CustomerWord.__table__)
_BATCH = 5000


def word_tuples(customer_id: Any, name_folded: str) -> Iterator[tuple[Any, str, str]]:
    """``(customer_id, word, name_folded)`` for each word of the name (id passed through as given)."""
    for word in name_words(name_folded):
        yield customer_id, word[:200], name_folded


def insert_sql() -> str:
    """The plain INSERT for `word_tuples` (the demo sends it straight to the SQLite driver)."""
    return f"INSERT INTO {_TABLE.name} (customer_id, word, name_folded) VALUES (?, ?, ?)"


def add_words(session: Session, customers: Iterable[tuple[uuid.UUID, str]]) -> None:
    """Index the names of new customers: ``(id, name_folded)`` pairs."""
    rows = [t for customer_id, folded in customers for t in word_tuples(customer_id, folded)]
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        proc = _TABLE.c.customer_id.type._cached_bind_processor(conn.dialect)
        encode = proc if proc is not None else (lambda v: v)
        data = [(encode(c), w, n) for c, w, n in rows]
        for i in range(0, len(data), _BATCH):
            conn.exec_driver_sql(insert_sql(), data[i:i + _BATCH])  # type: ignore[arg-type]
        return
    for i in range(0, len(rows), _BATCH):
        session.execute(insert(_TABLE), [dict(customer_id=c, word=w, name_folded=n) for c, w, n in rows[i:i + _BATCH]])


def replace_words(session: Session, customer_id: uuid.UUID, name_folded: str) -> None:
    """Index a customer's name again after it changed."""
    session.execute(delete(_TABLE).where(_TABLE.c.customer_id == customer_id))
    add_words(session, [(customer_id, name_folded)])


def rebuild_words(session: Session) -> int:
    """Rebuild the whole index from ``customers`` (e.g. rows written by a benchmark); how many customers."""
    session.execute(delete(_TABLE))
    pairs = list(session.execute(select(Customer.id, Customer.name_folded)).tuples())
    add_words(session, pairs)
    return len(pairs)


__all__ = ["add_words", "insert_sql", "rebuild_words", "replace_words", "word_tuples"]
