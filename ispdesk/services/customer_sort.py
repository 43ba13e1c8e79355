"""The customers list sorted by any column in the database, when only part of it is loaded.

Clicking a header of a partial list (more matches than the first page) must sort every match, not
the rows on screen: `sorted_customers` reads the matches of the same search (`build_search_query`,
every page) ordered by the column — names and e-mails by their folded spelling (accents and case
ignored), cities folded in SQL the same way (`folded_city`), the rest by value, ties by id — and
pages them with OFFSET/LIMIT.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from ispdesk.db.models import Customer
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import fold
from ispdesk.services.customer_search import _COLUMNS, CustomerListRow, build_search_query, plan_search
from ispdesk.services.uow import UnitOfWork

#: Sortable columns of the customers table, in the table's order (`sorted_customers` takes the name).
SORT_COLUMNS: tuple[str, ...] = ("code", "name", "document", "mobile", "email", "city", "status")
#: Every match of a search (a page of `build_search_query` this long is the whole result).
_ALL = 2**62


#: Accented letters (both cases) PostgreSQL folds with ``translate``, each to what `fold` makes of it
_ACCENTED = "áàâãäåéèêëíìîïóòôõöúùûüçñýÿ"
_ACCENTED_BOTH = _ACCENTED + _ACCENTED.upper()
_PLAIN_BOTH = "".join(fold(c) for c in _ACCENTED_BOTH)


def folded_city(dialect: str) -> ColumnElement[Any]:
    """``Customer.city`` folded in SQL as `fold` folds it (accents and case ignored), in byte order.

    SQLite calls `fold` itself (``ispdesk_fold``, registered on every connection by `db.engine`);
    PostgreSQL removes the accents of Portuguese (and Spanish/French) letters with ``translate`` and
    lowers the rest, compared with ``COLLATE "C"`` — the byte order Python and the name sort use.
    No stored column: cities sort right on the data as it is.
    """
    if dialect != "postgresql":
        return func.ispdesk_fold(Customer.city)
    plain = func.translate(func.coalesce(Customer.city, ""), _ACCENTED_BOTH, _PLAIN_BOTH)
    return func.lower(plain).collate("C")


def _sort_key(column: str, dialect: str) -> Any:
    if column == "city":
        return folded_city(dialect)
    keys: dict[str, Any] = {
        "code": Customer.code, "name": Customer.name_folded, "document": Customer.document,
        "mobile": Customer.mobile, "email": Customer.email_folded, "status": Customer.status,
    }
    if column not in keys:
        raise ValueError(f"coluna de ordenação desconhecida: {column}")
    return keys[column]


def build_sorted_query(text: str, column: str, descending: bool, offset: int, limit: int,
                       session: Any = None) -> Select[Any]:
    """The SELECT of one page of the matches of `text` ordered by `column`."""
    key = _sort_key(column, session.get_bind().dialect.name if session is not None else "sqlite")
    order = (key.desc(), Customer.id.desc()) if descending else (key.asc(), Customer.id.asc())
    stmt = select(*_COLUMNS)
    if not plan_search(text).everything:
        matches = build_search_query(text, None, _ALL, session).subquery()
        stmt = stmt.join(matches, matches.c.id == Customer.id)
    return stmt.order_by(*order).offset(offset).limit(limit)


def sorted_customers(uow: UnitOfWork, text: str, column: str, descending: bool = False, offset: int = 0,
                     limit: int = 100) -> list[CustomerListRow]:
    """Customers matching `text` (as `search_customers` reads it) ordered by `column`; one page.

    Args:
        column: one of `SORT_COLUMNS` (``name`` ignores accents and case).
        offset: rows already shown (0 for the first page).
    """
    uow.require(Permission.CUSTOMERS_VIEW)
    with uow:
        rows = uow.session.execute(build_sorted_query(text, column, descending, offset, limit,
                                                      uow.session)).all()
    return [
        CustomerListRow(id=r.id, code=r.code, name=r.name, document=r.document or "", mobile=r.mobile or "",
                        email=r.email or "", city=r.city or "", status=r.status, key=(r.name_folded, r.id))
        for r in rows
    ]
