"""Customer search as you type: name, CPF/CNPJ, phone, e-mail or code — instant at a million rows.

Names are searched by word: every typed word must start some word of the name (accents and case
ignored, any order), answered from the word index ``customer_words`` (`customer_words` writes it).
The rarest typed word drives (its index rows come out in list order); when every word is common,
the customers are walked in name order and each word is a primary-key probe. The other keys are
range scans on their own index (``document >= p AND document < prefix_upper_bound(p)`` and the
like). Results are ordered by ``(name_folded, id)`` and paged with a keyset (`CustomerListRow.key`).
Short digit inputs only match the customer code exactly: a one-digit prefix would touch a tenth of
the table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, literal, select, text, tuple_, union
from sqlalchemy.orm import Session, aliased

from ispdesk.db.base import UUIDType
from ispdesk.db.models import Customer, CustomerWord
from ispdesk.domain.documents import normalize_document
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import digits, fold, prefix_upper_bound, search_words
from ispdesk.services.uow import UnitOfWork

#: Keyset key of a list row: (name_folded, id).
ListKey = tuple[str, uuid.UUID]

#: Digits needed before a CPF/CNPJ prefix is searched (1M random documents / 10^4 ≈ 100 rows).
MIN_DOCUMENT_DIGITS = 4
#: Digits needed before a phone prefix is searched (DDD + 9 + 3 digits).
MIN_PHONE_DIGITS = 6
#: Characters needed before a text without ``@`` is also taken as the start of an e-mail address.
MIN_EMAIL_CHARS = 3
#: Index rows from which a word (or e-mail prefix) counts as common: below it every row of the word
#: is read and sorted; from it a page merges the word's spellings (see `WordPlan`).
COMMON_ROWS = 2_000
#: A common word with more spellings than this in the index (a one- or two-letter start) walks the
#: customers in name order instead: such a start is in names all over the alphabet.
MAX_SPELLINGS = 10
#: Longest number taken as a customer code.
MAX_CODE_DIGITS = 9

_NUMERIC = re.compile(r"^[\d\s.\-/()+]+$")
_EMAIL_HINT = re.compile(r"[.\-_+0-9]")
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
        name_prefix: the folded text when it is searched as a name, or None.
        name_words: the typed words a name must have (each starts some word of the name).
        email_prefix: folded e-mail prefix (the text has ``@``), or None.
        email_start: a text without ``@`` also tried as the start of an e-mail address (it has a
            ``.``, ``_``, ``-``, ``+`` or a digit); searched only when it is not too common (fewer
            than `COMMON_ROWS` addresses start so).
        document_prefix: normalised CPF/CNPJ prefix, or None.
        phone_prefix: digits of a mobile/landline prefix, or None.
        code: exact customer code, or None.
        match_nothing: the text cannot be any key (e.g. 15 digits): no customer matches.
    """

    name_prefix: str | None = None
    name_words: tuple[str, ...] = ()
    email_prefix: str | None = None
    email_start: str | None = None
    document_prefix: str | None = None
    phone_prefix: str | None = None
    code: int | None = None
    match_nothing: bool = False

    @property
    def everything(self) -> bool:
        """True when the text is empty: list every customer."""
        return not self.match_nothing and not any(
            v is not None for v in (self.name_prefix, self.email_prefix, self.email_start, self.document_prefix,
                                    self.phone_prefix, self.code)
        )


def plan_search(text: str) -> SearchPlan:
    """Decide which keys a search text can be.

    * contains ``@`` → e-mail prefix;
    * only digits and mask characters → code (exact, up to 9 digits), CPF/CNPJ prefix (from 4 digits),
      phone prefix (from 6 digits, country code 55 dropped);
    * otherwise → name words (each typed word starts some word of the name, accents and case
      ignored, any order), plus the start of the e-mail address when the text has no space, at
      least `MIN_EMAIL_CHARS` characters and a ``.``, ``_``, ``-``, ``+`` or digit, plus an
      alphanumeric CNPJ prefix when the text looks like one (has a digit, no spaces inside).
    """
    raw = (text or "").strip()
    if not raw:
        return SearchPlan()
    if "@" in raw:
        return SearchPlan(email_prefix=fold(raw))
    if _NUMERIC.match(raw):
        d = digits(raw)
        if not d:
            return SearchPlan(match_nothing=True)
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
    folded = fold(raw)
    email = (folded if " " not in folded and len(folded) >= MIN_EMAIL_CHARS and _EMAIL_HINT.search(folded)
             else None)
    words = tuple(search_words(raw))
    plan = SearchPlan(name_prefix=folded if words else None, name_words=words, email_start=email,
                      document_prefix=document)
    return plan if not plan.everything else SearchPlan(match_nothing=True)


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix_upper_bound(prefix))


def _no_index(column: Any) -> Any:
    """`column` wrapped so the planner cannot drive the query from its index (a residual check)."""
    return func.coalesce(column, column)


def _has_word(customer_id: Any, name_folded: Any, word: str) -> ColumnElement[bool]:
    """Some word of the customer's name starts with `word`.

    The cheap check first: the folded name (a column of the index being read) contains `word`
    (words hold only letters and digits, so no LIKE wildcard); only those rows are confirmed by a
    probe of the word index's primary key.
    """
    w = aliased(CustomerWord)
    return and_(name_folded.like(f"%{word}%"), exists().where(w.customer_id == customer_id, _prefix(w.word, word)))


def _bounded_count(session: Session, condition: ColumnElement[bool], cap: int) -> int:
    rows = select(literal(1).label("one")).where(condition).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(rows)) or 0)


@dataclass(frozen=True)
class WordPlan:
    """How the name words are answered.

    Attributes:
        driver: the typed word whose index rows are read (the rarest), or None: walk the customers
            in name order and check every word (each is common, so a page fills quickly).
        others: the words checked for each candidate.
        spellings: for a common driver, the distinct index words it starts (at most
            `MAX_SPELLINGS`): each one's rows are already in list order, so a page is the merge of
            one short index range per spelling. Empty: read every row of the driver and sort.
    """

    driver: str | None
    others: tuple[str, ...]
    spellings: tuple[str, ...] = ()


def plan_words(session: Session | None, words: Sequence[str]) -> WordPlan:
    """Choose the driving word by counting each word's index rows, at most `COMMON_ROWS` each.

    Without a session (e.g. compiling SQL for a test) the longest word drives.
    """
    if not words:
        return WordPlan(None, ())
    if session is None:
        driver = max(words, key=len)
    else:
        counts = {w: _bounded_count(session, _prefix(CustomerWord.word, w), COMMON_ROWS) for w in words}
        driver = min(words, key=lambda w: (counts[w], -len(w)))
        if counts[driver] >= COMMON_ROWS:
            # every word is common: the one with the fewest spellings drives (fewest ranges to merge)
            found = {w: spellings(session, w, MAX_SPELLINGS + 1) for w in words}
            driver = min(words, key=lambda w: (len(found[w]), -len(w)))
            if len(found[driver]) > MAX_SPELLINGS:
                return WordPlan(None, tuple(words))
            return WordPlan(driver, tuple(w for w in words if w != driver), tuple(found[driver]))
    return WordPlan(driver, tuple(w for w in words if w != driver))


_SPELLINGS = text(
    "WITH RECURSIVE s(word) AS ("
    " SELECT min(word) FROM customer_words WHERE word >= :lo AND word < :hi"
    " UNION ALL"
    " SELECT (SELECT min(c.word) FROM customer_words c WHERE c.word > s.word AND c.word < :hi)"
    " FROM s WHERE s.word IS NOT NULL"
    ") SELECT word FROM s WHERE word IS NOT NULL LIMIT :cap")


def spellings(session: Session, prefix: str, cap: int) -> list[str]:
    """The distinct index words starting with `prefix`, at most `cap`: one index seek each."""
    return list(session.scalars(_SPELLINGS, {"lo": prefix, "hi": prefix_upper_bound(prefix), "cap": cap}))


def name_condition(session: Session | None, words: Sequence[str], customer_id: Any) -> ColumnElement[bool]:
    """A predicate on a customer id column: every typed word starts some word of the name.

    For other services (the contracts list) that join customers; rare words become an ``IN`` over
    the word index, common ones a probe per word.
    """
    plan = plan_words(session, words)
    if plan.driver is None:
        return and_(*(_has_word(customer_id, Customer.name_folded, w) for w in plan.others))
    w = aliased(CustomerWord)
    ids = select(w.customer_id).where(
        _prefix(w.word, plan.driver), *(_has_word(w.customer_id, w.name_folded, o) for o in plan.others))
    return customer_id.in_(ids)


def _email_common(session: Session | None, prefix: str) -> bool:
    if session is None:
        return False
    return _bounded_count(session, _prefix(Customer.email_folded, prefix), COMMON_ROWS) >= COMMON_ROWS


def _keyset(name_col: Any, id_col: Any, after: ListKey | None) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    last = tuple_(literal(after[0], Customer.name_folded.type), literal(after[1], UUIDType))
    return [tuple_(name_col, id_col) > last]


def _parts(session: Session | None, plan: SearchPlan, after: ListKey | None, limit: int) -> list[Select[Any]]:
    """One ``(name_folded, id)`` SELECT per key the text can be, each ordered and limited to a page."""
    keyset = _keyset(Customer.name_folded, Customer.id, after)
    order = (Customer.name_folded, Customer.id)
    parts: list[Select[Any]] = []

    def on_customers(*conditions: ColumnElement[bool], walk: bool = False) -> None:
        """Customers meeting `conditions`: a walk in name order (first page only), or from their own index."""
        part = select(Customer.name_folded, Customer.id).where(*conditions, *keyset)
        # a rare key (CPF/CNPJ, phone, code, a rare e-mail start) is answered by its own index: an
        # ORDER BY here would tempt SQLite into walking every name to honour it
        parts.append(part.order_by(*order).limit(limit) if walk else part)

    if plan.name_words:
        words = plan_words(session, plan.name_words)
        if words.driver is None:
            on_customers(*(_has_word(Customer.id, Customer.name_folded, w) for w in words.others), walk=True)
        elif words.spellings:
            pages = []
            for spelling in words.spellings:
                w = aliased(CustomerWord)
                pages.append(
                    select(w.name_folded, w.customer_id.label("id"))
                    .where(w.word == spelling, *_keyset(w.name_folded, w.customer_id, after),
                           *(_has_word(w.customer_id, w.name_folded, o) for o in words.others))
                    .order_by(w.name_folded, w.customer_id).limit(limit).subquery())
            merged = union(*(select(p.c.name_folded, p.c.id) for p in pages)).subquery()
            parts.append(select(merged.c.name_folded, merged.c.id).order_by(merged.c.name_folded, merged.c.id)
                         .limit(limit))
        else:
            w = aliased(CustomerWord)
            parts.append(
                select(w.name_folded, w.customer_id.label("id"))
                .where(_prefix(w.word, words.driver), *_keyset(w.name_folded, w.customer_id, after),
                       *(_has_word(w.customer_id, w.name_folded, o) for o in words.others))
                .distinct().order_by(w.name_folded, w.customer_id).limit(limit))
    if plan.email_prefix is not None:
        if _email_common(session, plan.email_prefix):
            on_customers(_prefix(_no_index(Customer.email_folded), plan.email_prefix), walk=True)
        else:
            on_customers(_prefix(Customer.email_folded, plan.email_prefix))
    if plan.email_start is not None and not _email_common(session, plan.email_start):
        on_customers(_prefix(Customer.email_folded, plan.email_start))
    if plan.document_prefix is not None:
        on_customers(_prefix(Customer.document, plan.document_prefix))
    if plan.phone_prefix is not None:
        on_customers(_prefix(Customer.mobile, plan.phone_prefix))
        on_customers(_prefix(Customer.phone, plan.phone_prefix))
    if plan.code is not None:
        on_customers(Customer.code == plan.code)
    return parts


_COLUMNS = (Customer.id, Customer.code, Customer.name, Customer.name_folded, Customer.document, Customer.mobile,
            Customer.email, Customer.city, Customer.status)


def build_search_query(
    text: str, after: ListKey | None = None, limit: int = 200, session: Session | None = None
) -> Select[tuple]:
    """The SELECT for one page of a search (also used by the benchmark and EXPLAIN tests).

    Each key the text can be is one page of ``(name_folded, id)`` read from its own index; several
    become a UNION of those pages, joined back to the customers and ordered by ``(name_folded, id)``.

    Args:
        session: lets the name words be counted to pick the driving word (see `plan_words`); without
            it the longest word drives.
    """
    plan = plan_search(text)
    stmt = select(*_COLUMNS)
    if plan.match_nothing:
        return stmt.where(false()).limit(limit)
    if plan.everything:
        return stmt.where(*_keyset(Customer.name_folded, Customer.id, after)).order_by(
            Customer.name_folded, Customer.id).limit(limit)
    parts = [p.subquery() for p in _parts(session, plan, after, limit)]
    pages = [select(p.c.id) for p in parts]
    ids = (pages[0] if len(pages) == 1 else union(*pages)).subquery()
    return stmt.select_from(ids).join(Customer, Customer.id == ids.c.id).order_by(
        Customer.name_folded, Customer.id).limit(limit)


def search_customers_in(
    uow: UnitOfWork, text: str, after: ListKey | None = None, limit: int = 200
) -> list[CustomerListRow]:
    """`search_customers` inside an open unit of work."""
    rows = uow.session.execute(build_search_query(text, after, limit, uow.session)).all()
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


def _quoted(words: Sequence[str]) -> str:
    items = [f"“{w}”" for w in words]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " e " + items[-1]


def describe_search(text: str) -> str:
    """How a search text is read, in Portuguese (the list shows it when nothing was found)."""
    plan = plan_search(text)
    raw = (text or "").strip()
    if plan.everything:
        return "Sem texto de busca, a lista mostra todos os clientes em ordem de nome."
    if plan.match_nothing:
        return (f"“{raw}” não pode ser um código (até {MAX_CODE_DIGITS} algarismos), um CPF/CNPJ (11 ou 14), "
                "um celular ou telefone (10 ou 11 com DDD) nem um nome. Confira o número digitado.")
    ways: list[str] = []
    if plan.name_words:
        each = "a palavra" if len(plan.name_words) == 1 else "cada palavra"
        ways.append(f"nome com {each} {_quoted(plan.name_words)} no início de alguma palavra do nome "
                    "(em qualquer ordem, sem diferenciar acentos e maiúsculas)")
    if plan.email_prefix is not None:
        ways.append(f"e-mail começando por “{plan.email_prefix}”")
    if plan.email_start is not None:
        ways.append(f"e-mail começando por “{plan.email_start}” (quando poucos começam assim)")
    if plan.code is not None:
        ways.append(f"código {plan.code}")
    if plan.document_prefix is not None:
        ways.append(f"CPF/CNPJ começando por {plan.document_prefix}")
    if plan.phone_prefix is not None:
        ways.append(f"celular ou telefone começando por {plan.phone_prefix}")
    hint = ("Confira a grafia ou digite só o começo das palavras (ex.: “silva” ou “jo sil”)."
            if plan.name_words else
            f"Um número de até {MIN_DOCUMENT_DIGITS - 1} algarismos só procura o código; "
            f"CPF/CNPJ a partir de {MIN_DOCUMENT_DIGITS} algarismos, telefone a partir de {MIN_PHONE_DIGITS}.")
    return "A busca procurou: " + "; ou ".join(ways) + ". " + hint
