"""Customer search as you type: name, CPF/CNPJ, phone, e-mail or code — instant at a million rows.

Every branch is a range scan on an index (``name_folded >= p AND name_folded < prefix_upper_bound(p)``
and the like), so SQLite and PostgreSQL both answer from the index. Results are ordered by
``(name_folded, id)`` and paged with a keyset (`CustomerListRow.key`). Short digit inputs only
match the customer code exactly: a one-digit prefix would touch a tenth of the table.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from ispdesk.db.base import UUIDType
from ispdesk.db.models import Customer
from ispdesk.domain.documents import normalize_document
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import digits, fold, prefix_upper_bound
from ispdesk.services.uow import UnitOfWork

#: Keyset key of a list row: (name_folded, id).
ListKey = tuple[str, uuid.UUID]

#: Digits needed before a CPF/CNPJ prefix is searched (1M random documents / 10^4 ≈ 100 rows).
MIN_DOCUMENT_DIGITS = 4
#: Digits needed before a phone prefix is searched (DDD + 9 + 3 digits).
MIN_PHONE_DIGITS = 6
#: Longest number taken as a customer code.
MAX_CODE_DIGITS = 9

_NUMERIC = re.compile(r"^[\d\s.\-/()+]+$")
_DOCUMENT_LIKE = re.compile(r"^[0-9A-Za-z.\-/\s]+$")


@dataclass(frozen=True)
class CustomerListRow:
    """One line of the customers table (unmasked document/mobile; mask them to show).

    Attributes:
        key: keyset key; pass the last row's key as ``after`` to get the next page.
    """

    id: uuid.UUID
    code: int
    name: str
    document: str
    mobile: str
    email: str
    city: str
    status: str
    key: ListKey


@dataclass(frozen=True)
class SearchPlan:
    """How a search text is interpreted (for tests and the GUI's hint).

    Attributes:
        name_prefix: folded name prefix, or None.
        email_prefix: folded e-mail prefix, or None.
        document_prefix: normalised CPF/CNPJ prefix, or None.
        phone_prefix: digits of a mobile/landline prefix, or None.
        code: exact customer code, or None.
        match_nothing: the text cannot be any key (e.g. 15 digits): no customer matches.
    """

    name_prefix: str | None = None
    email_prefix: str | None = None
    document_prefix: str | None = None
    phone_prefix: str | None = None
    code: int | None = None
    match_nothing: bool = False

    @property
    def everything(self) -> bool:
        """True when the text is empty: list every customer."""
        return not self.match_nothing and not any(
            v is not None for v in (self.name_prefix, self.email_prefix, self.document_prefix,
                                    self.phone_prefix, self.code)
        )


def plan_search(text: str) -> SearchPlan:
    """Decide which keys a search text can be.

    * contains ``@`` → e-mail prefix;
    * only digits and mask characters → code (exact, up to 9 digits), CPF/CNPJ prefix (from 4 digits),
      phone prefix (from 6 digits, country code 55 dropped);
    * otherwise → name prefix (accent/case-insensitive), plus an alphanumeric CNPJ prefix when the
      text looks like one (has a digit, no spaces inside).
    """
    raw = (text or "").strip()
    if not raw:
        return SearchPlan()
    if "@" in raw:
        return SearchPlan(email_prefix=fold(raw))
    if _NUMERIC.match(raw):
        d = digits(raw)
        if not d:
            return SearchPlan(name_prefix=fold(raw))
        code = int(d) if len(d) <= MAX_CODE_DIGITS else None
        document = d if len(d) >= MIN_DOCUMENT_DIGITS and len(d) <= 14 else None
        phone_digits = d[2:] if len(d) in (12, 13) and d.startswith("55") else d
        phone = phone_digits if MIN_PHONE_DIGITS <= len(phone_digits) <= 11 else None
        plan = SearchPlan(code=code, document_prefix=document, phone_prefix=phone)
        return plan if not plan.everything else SearchPlan(match_nothing=True)
    document = None
    if _DOCUMENT_LIKE.match(raw) and " " not in raw and any(c.isdigit() for c in raw):
        doc = normalize_document(raw)
        if len(doc) >= MIN_DOCUMENT_DIGITS and len(doc) <= 14:
            document = doc
    return SearchPlan(name_prefix=fold(raw), document_prefix=document)


def _prefix(column: InstrumentedAttribute[Any], prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix_upper_bound(prefix))


def _branches(plan: SearchPlan) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if plan.name_prefix is not None:
        conditions.append(_prefix(Customer.name_folded, plan.name_prefix))
    if plan.email_prefix is not None:
        conditions.append(_prefix(Customer.email_folded, plan.email_prefix))
    if plan.document_prefix is not None:
        conditions.append(_prefix(Customer.document, plan.document_prefix))
    if plan.phone_prefix is not None:
        conditions.append(_prefix(Customer.mobile, plan.phone_prefix))
        conditions.append(_prefix(Customer.phone, plan.phone_prefix))
    if plan.code is not None:
        conditions.append(Customer.code == plan.code)
    return conditions


_COLUMNS = (Customer.id, Customer.code, Customer.name, Customer.name_folded, Customer.document, Customer.mobile,
            Customer.email, Customer.city, Customer.status)


def build_search_query(text: str, after: ListKey | None = None, limit: int = 200) -> Select[tuple]:
    """The SELECT for one page of a search (also used by the benchmark and EXPLAIN tests).

    A single key becomes one WHERE; several keys become a UNION of id lookups, each answered by its
    own index, joined back and ordered by ``(name_folded, id)``.
    """
    plan = plan_search(text)
    keyset: list[ColumnElement[bool]] = []
    if after is not None:
        last = tuple_(literal(after[0], Customer.name_folded.type), literal(after[1], UUIDType))
        keyset.append(tuple_(Customer.name_folded, Customer.id) > last)
    conditions = _branches(plan)
    stmt = select(*_COLUMNS)
    if plan.match_nothing:
        stmt = stmt.where(false())
    elif len(conditions) == 1:
        stmt = stmt.where(conditions[0], *keyset)
    elif conditions:
        parts = [select(Customer.id).where(c, *keyset) for c in conditions]
        ids = parts[0].union(*parts[1:]).subquery()
        stmt = stmt.join(ids, ids.c.id == Customer.id)
    else:
        stmt = stmt.where(*keyset)
    return stmt.order_by(Customer.name_folded, Customer.id).limit(limit)


def search_customers_in(
    uow: UnitOfWork, text: str, after: ListKey | None = None, limit: int = 200
) -> list[CustomerListRow]:
    """`search_customers` inside an open unit of work."""
    rows = uow.session.execute(build_search_query(text, after, limit)).all()
    return [
        CustomerListRow(
            id=r.id, code=r.code, name=r.name, document=r.document or "", mobile=r.mobile or "",
            email=r.email or "", city=r.city or "", status=r.status, key=(r.name_folded, r.id),
        )
        for r in rows
    ]


def search_customers(
    uow: UnitOfWork, text: str, after: ListKey | None = None, limit: int = 200
) -> list[CustomerListRow]:
    """Customers matching `text` (see `plan_search`), ordered by name; one page.

    Args:
        text: what the user typed: name, CPF/CNPJ (masked or not), phone, e-mail or code; empty = all.
        after: the `key` of the last row already shown (None for the first page).
        limit: page size.
    """
    uow.require(Permission.CUSTOMERS_VIEW)
    with uow:
        return search_customers_in(uow, text, after, limit)
