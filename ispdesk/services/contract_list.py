"""The contract list: search as you type and filters, one keyset page at a time — instant at 1M rows.

Search text (`ContractFilter.text`) is read with the customers' `plan_search`:

* customer name words (each typed word starts some word of the name, accent/case-insensitive, any
  order; see `customer_search.name_condition`) → rows ordered by ``(customer name, customer id,
  contract number)``, answered from the word index, ``ix_customers_name_folded`` and
  ``ix_contracts_customer``;
* digits (masked or not) → the contract number and the customer code (exact) and a CPF/CNPJ prefix
  (from 4 digits); an alphanumeric CNPJ is matched as a document prefix. These become a UNION of
  id lookups, each answered by its own index, ordered by contract number (newest first).

Without text the list is every contract, newest number first, read backwards from the unique index
on ``contracts.number`` (or from the ``(column, number)`` index of an equality filter); with
"expiring within N days" it is ordered by the loyalty expiration, soonest first, from
``(loyalty_expires_on, number)``. Filters (status, access status, plan, due day, loyalty expiring within N
days, in loyalty, city, branch, cancellation and activation ranges) are added to the WHERE clause;
plan, branch and city are resolved to ids/values first so every predicate is on an indexed column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, or_, select, tuple_, union_all

from ispdesk.db.models import Contract, Customer
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import prefix_upper_bound
from ispdesk.services import lookups
from ispdesk.services.contracts import ContractRow, row_select
from ispdesk.services.customer_search import SearchPlan, name_condition, plan_search
from ispdesk.services.uow import UnitOfWork
from ispdesk.services.values import rows_in_force

#: Keyset key: ``("n", number)`` in number order, ``("a", name_folded, customer_id, number)`` by name,
#: ``("e", loyalty_expires_on, number)`` by loyalty expiration.
ListKey = tuple[Any, ...]

PAGE_SIZE = 200

#: Ordering modes (first element of a `ListKey`).
BY_NUMBER, BY_NAME, BY_EXPIRATION = "n", "a", "e"


@dataclass(frozen=True)
class ContractListRow(ContractRow):
    """A `ContractRow` with its keyset key (pass the last row's `key` as ``after``)."""

    key: ListKey = ()


def _by_name(plan: SearchPlan) -> bool:
    return bool(plan.name_words) and plan.document_prefix is None and plan.code is None


def _text_ids(uow: UnitOfWork, plan: SearchPlan) -> Any:
    """Contract ids matching a digits / document search, as a UNION of index lookups."""
    parts: list[Select[Any]] = []
    if plan.code is not None:
        parts.append(select(Contract.id).where(Contract.number == plan.code))
        parts.append(select(Contract.id).join(Customer, Customer.id == Contract.customer_id)
                     .where(Customer.code == plan.code))
    if plan.document_prefix is not None:
        p = plan.document_prefix
        parts.append(select(Contract.id).join(Customer, Customer.id == Contract.customer_id)
                     .where(Customer.document >= p, Customer.document < prefix_upper_bound(p)))
    if plan.name_words and parts:
        parts.append(select(Contract.id).join(Customer, Customer.id == Contract.customer_id)
                     .where(name_condition(uow.session, plan.name_words, Customer.id)))
    if not parts:
        return None
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def _no_index(column: Any) -> Any:
    """`column` wrapped so the planner cannot drive the query from its index (a residual check).

    Used when another index must drive (the customer name range, the expiration range): SQLite has
    no statistics and would otherwise scan, e.g., every active contract to find a name.
    """
    return func.coalesce(column, column)


def filter_conditions(
    uow: UnitOfWork, f: ContractFilter, *, split_in: bool = False, driver: str | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE predicates of every filter except the search text.

    Args:
        split_in: leave out the status / access-status lists (the caller splits them per value).
        driver: `BY_NAME` or `BY_EXPIRATION` when that index must drive the query: the other
            predicates are then written so they cannot use an index.
    """
    as_of = f.as_of or uow.today

    def col(column: Any, drives: bool = False) -> Any:
        return column if driver is None or drives else _no_index(column)

    expiring_drives = driver == BY_EXPIRATION
    conds: list[ColumnElement[bool]] = []
    if f.statuses and not split_in:
        conds.append(col(Contract.status).in_(list(f.statuses)))
    if f.access_statuses and not split_in:
        conds.append(col(Contract.access_status).in_(list(f.access_statuses)))
    if f.plan_code:
        plan_id = lookups.plan_id_by_code(uow, f.plan_code)
        conds.append(col(Contract.plan_id) == plan_id if plan_id is not None else false())
    if f.branch_code:
        branch_id = lookups.branch_id_by_code(uow, f.branch_code)
        conds.append(col(Contract.branch_id) == branch_id if branch_id is not None else false())
    if f.due_day is not None:
        conds.append(col(Contract.due_day) == f.due_day)
    expires = col(Contract.loyalty_expires_on, expiring_drives)
    if f.expiring_within_days is not None:
        conds.append(expires > as_of)
        conds.append(expires <= as_of + timedelta(days=max(0, f.expiring_within_days)))
    if f.in_loyalty is True:
        conds.append(expires > as_of)
    elif f.in_loyalty is False:
        conds.append(or_(Contract.loyalty_expires_on.is_(None), col(Contract.loyalty_expires_on) <= as_of))
    if f.city:
        conds.append(lookups.city_condition(uow, f.city, col(Customer.city)))
    if f.cancelled_from is not None:
        conds.append(col(Contract.cancelled_on) >= f.cancelled_from)
    if f.cancelled_to is not None:
        conds.append(col(Contract.cancelled_on) <= f.cancelled_to)
    if f.activated_from is not None:
        conds.append(col(Contract.activated_on) >= f.activated_from)
    if f.activated_to is not None:
        conds.append(col(Contract.activated_on) <= f.activated_to)
    return conds


def list_mode(f: ContractFilter) -> str:
    """How the rows of `f` are ordered.

    By customer name (name search), by loyalty expiration (expiring within N days, soonest first),
    else by contract number (newest first).
    """
    if _by_name(plan_search(f.text)):
        return BY_NAME
    if f.expiring_within_days is not None:
        return BY_EXPIRATION
    return BY_NUMBER


def build_list_query(
    uow: UnitOfWork, f: ContractFilter, after: ListKey | None = None, limit: int = PAGE_SIZE
) -> tuple[Select[Any], str]:
    """The SELECT for one page (used by the tab, the exports, the benchmark and EXPLAIN tests).

    Several statuses (or access statuses) in number order become one index range per value, each
    limited to a page, merged: a plain ``IN`` would make SQLite sort every matching row.

    Returns:
        (statement, mode): `mode` is `BY_NUMBER`, `BY_NAME` or `BY_EXPIRATION`.
    """
    plan = plan_search(f.text)
    mode = list_mode(f)
    stmt = row_select().add_columns(Customer.name_folded)
    if mode == BY_NAME:
        conds = filter_conditions(uow, f, driver=BY_NAME)
        conds.append(name_condition(uow.session, plan.name_words, Customer.id))
        if after is not None:
            conds.append(Customer.name_folded >= after[1])
            conds.append(tuple_(Customer.name_folded, Contract.customer_id, Contract.number)
                         > tuple_(after[1], after[2], after[3]))
        stmt = stmt.where(and_(*conds))
        return stmt.order_by(Customer.name_folded, Contract.customer_id, Contract.number).limit(limit), mode
    ids = _text_ids(uow, plan)
    if ids is not None:
        sub = ids.subquery()
        stmt = stmt.join(sub, sub.c.id == Contract.id)
    if mode == BY_EXPIRATION:
        conds = filter_conditions(uow, f, driver=BY_EXPIRATION)
        if after is not None:
            conds.append(Contract.loyalty_expires_on >= after[1])
            conds.append(tuple_(Contract.loyalty_expires_on, Contract.number) > tuple_(after[1], after[2]))
        stmt = stmt.where(and_(*conds))
        return stmt.order_by(Contract.loyalty_expires_on, Contract.number).limit(limit), mode
    split = len(f.statuses) > 1 or len(f.access_statuses) > 1
    conds = filter_conditions(uow, f, split_in=split)
    if after is not None:
        conds.append(Contract.number < after[1])
    if not split:
        if conds:
            stmt = stmt.where(and_(*conds))
        return stmt.order_by(Contract.number.desc()).limit(limit), mode
    needs_customer = bool(f.city)
    branches = []
    for status in f.statuses or (None,):
        for access in f.access_statuses or (None,):
            q = select(Contract.number)
            if needs_customer:
                q = q.join(Customer, Customer.id == Contract.customer_id)
            if ids is not None:
                q = q.join(sub, sub.c.id == Contract.id)
            extra = [c for c in (Contract.status == status if status else None,
                                 Contract.access_status == access if access else None) if c is not None]
            q = q.where(and_(*conds, *extra)).order_by(Contract.number.desc()).limit(limit)
            branches.append(select(q.subquery().c.number))
    merged = union_all(*branches).subquery()
    numbers = select(merged.c.number).order_by(merged.c.number.desc()).limit(limit)
    stmt = stmt.where(Contract.number.in_(numbers))
    return stmt.order_by(Contract.number.desc()).limit(limit), mode


def list_contracts_in(
    uow: UnitOfWork, f: ContractFilter, after: ListKey | None = None, limit: int = PAGE_SIZE
) -> list[ContractListRow]:
    """`list_contracts` inside an open unit of work (no permission check)."""
    stmt, mode = build_list_query(uow, f, after, limit)
    rows = []
    for values in uow.session.execute(stmt):
        *cols, name_folded = values
        number = cols[1]
        key: ListKey
        if mode == BY_NAME:
            key = (BY_NAME, name_folded, cols[2], number)
        elif mode == BY_EXPIRATION:
            key = (BY_EXPIRATION, cols[19], number)
        else:
            key = (BY_NUMBER, number)
        rows.append(ContractListRow(*cols, key=key))  # type: ignore[misc]
    return rows_in_force(uow, rows, f.as_of or uow.today)


def list_contracts(
    uow: UnitOfWork, f: ContractFilter, after: ListKey | None = None, limit: int = PAGE_SIZE
) -> list[ContractListRow]:
    """One page of contracts matching `f` (CONTRACTS_VIEW).

    Args:
        f: the filter (text and criteria).
        after: the `key` of the last row already shown (None for the first page).
        limit: page size.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return list_contracts_in(uow, f, after, limit)


def count_contracts(uow: UnitOfWork, f: ContractFilter, limit: int | None = None) -> int:
    """How many contracts match `f` (CONTRACTS_VIEW).

    Args:
        limit: stop counting past this many (returns ``limit + 1`` then: "more than `limit`"), so a
            count on a million contracts stays cheap.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return count_contracts_in(uow, f, limit)


def count_contracts_in(uow: UnitOfWork, f: ContractFilter, limit: int | None = None) -> int:
    """`count_contracts` inside an open unit of work."""
    plan = plan_search(f.text)
    mode = list_mode(f)
    conds = filter_conditions(uow, f, driver=mode if mode != BY_NUMBER else None)
    needs_customer = bool(f.city) or _by_name(plan)
    stmt: Select[Any] = select(literal_column("1").label("one")).select_from(Contract)
    if needs_customer:
        stmt = stmt.join(Customer, Customer.id == Contract.customer_id)
    if _by_name(plan):
        conds.append(name_condition(uow.session, plan.name_words, Customer.id))
    else:
        ids = _text_ids(uow, plan)
        if ids is not None:
            sub = ids.subquery()
            stmt = stmt.join(sub, sub.c.id == Contract.id)
    if conds:
        stmt = stmt.where(and_(*conds))
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    return int(uow.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def iter_contracts_in(uow: UnitOfWork, f: ContractFilter, batch: int = 1000) -> Iterator[ContractListRow]:
    """Every contract matching `f`, page by page (keyset), inside an open unit of work."""
    after: ListKey | None = None
    while True:
        page = list_contracts_in(uow, f, after, batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1].key


def iter_contracts(uow: UnitOfWork, f: ContractFilter | None = None, batch: int = 1000) -> Iterator[ContractListRow]:
    """Every contract matching `f` (all when None), for exports (CONTRACTS_VIEW); one session throughout."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        yield from iter_contracts_in(uow, f or ContractFilter(), batch)

