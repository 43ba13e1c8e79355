"""Type-ahead customer search: every key type, keyset paging, and index use (EXPLAIN)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from ispdesk.services import customers as cs
from ispdesk.services.customer_search import build_search_query, plan_search
from tests.factories import make_customer


@pytest.fixture
def people(uow) -> dict[str, int]:
    with uow() as u:
        rows = [
            make_customer(u.session, "João Araújo", code=7, document="52998224725", mobile="11987654321",
                          email="joao.araujo@example.com", email_folded="joao.araujo@example.com"),
            make_customer(u.session, "JOANA d'Arc", code=8, document="11144477735", mobile="21998765432",
                          phone="2134567890", email="Joana@Provedor.com.br", email_folded="joana@provedor.com.br"),
            make_customer(u.session, "Empresa Ábaco Ltda", code=17, document="12ABC34501DE35", person_type="J",
                          mobile="31991234567", email="contato@abaco.com", email_folded="contato@abaco.com"),
            make_customer(u.session, "Zuleica Souza", code=1234, document="39053344705", mobile="11976543210",
                          email="zu@example.com", email_folded="zu@example.com"),
        ]
        codes = {c.name: c.code for c in rows}
        u.commit()
    return codes


def names(uow, text: str, **kw: object) -> list[str]:
    return [r.name for r in cs.search_customers(uow(), text, **kw)]


def test_empty_text_lists_everyone_by_name(uow, people) -> None:
    assert names(uow, "") == ["Empresa Ábaco Ltda", "JOANA d'Arc", "João Araújo", "Zuleica Souza"]


@pytest.mark.parametrize("typed", ["joa", "JOÃO", "  Joao ar", "joão araújo"])
def test_name_prefix_ignores_accents_and_case(uow, people, typed: str) -> None:
    result = names(uow, typed)
    assert "João Araújo" in result
    assert "Zuleica Souza" not in result


def test_name_words_match_the_start_of_any_word(uow, people) -> None:
    assert names(uow, "abaco") == ["Empresa Ábaco Ltda"]
    assert names(uow, "ltda emp") == ["Empresa Ábaco Ltda"]
    assert names(uow, "empresa ab") == ["Empresa Ábaco Ltda"]
    assert names(uow, "baco") == []  # the start of a word, never its middle
    assert names(uow, "arc") == ["JOANA d'Arc"]  # an apostrophe separates words


@pytest.mark.parametrize("typed", ["529.982.247-25", "52998224725", "529.98", "5299"])
def test_cpf_with_or_without_mask(uow, people, typed: str) -> None:
    assert names(uow, typed) == ["João Araújo"]


def test_alphanumeric_cnpj_prefix(uow, people) -> None:
    assert names(uow, "12.ABC.345") == ["Empresa Ábaco Ltda"]
    assert names(uow, "12abc34501de35") == ["Empresa Ábaco Ltda"]


@pytest.mark.parametrize("typed", ["(11) 98765-4321", "11987654321", "119876", "+55 11 98765-4321"])
def test_mobile_digits(uow, people, typed: str) -> None:
    assert names(uow, typed) == ["João Araújo"]


def test_landline(uow, people) -> None:
    assert names(uow, "(21) 3456-7890") == ["JOANA d'Arc"]


@pytest.mark.parametrize("typed", ["joana@provedor.com.br", "JOANA@", "joana@prov"])
def test_email_prefix_case_insensitive(uow, people, typed: str) -> None:
    assert names(uow, typed) == ["JOANA d'Arc"]


def test_code_exact_and_short_digits_only_match_codes(uow, people) -> None:
    assert names(uow, "7") == ["João Araújo"]
    assert names(uow, "17") == ["Empresa Ábaco Ltda"]
    assert names(uow, "1") == []  # no customer 1; "1" never scans documents or phones
    assert names(uow, "1234") == ["Zuleica Souza"]  # code 1234 (4 digits also tries a document prefix)


def test_plan_of_short_digits() -> None:
    plan = plan_search("11")
    assert plan.code == 11 and plan.document_prefix is None and plan.phone_prefix is None
    plan = plan_search("(11) 9")
    assert plan.code == 119 and plan.phone_prefix is None
    assert plan_search("").everything
    assert plan_search("123456789012345").match_nothing


def test_a_number_that_cannot_be_any_key_finds_nothing(uow, people) -> None:
    assert names(uow, "5299822472500001") == []


def test_keyset_paging_walks_everything_once(uow) -> None:
    with uow() as u:
        for i in range(23):
            make_customer(u.session, f"Cliente {i % 5} Álvares", code=500 + i)
        u.commit()
    seen: list[int] = []
    after = None
    while True:
        page = cs.search_customers(uow(), "cliente", after=after, limit=5)
        seen.extend(r.code for r in page)
        if len(page) < 5:
            break
        after = page[-1].key
    assert sorted(seen) == list(range(500, 523))
    assert len(seen) == len(set(seen))
    full = [r.code for r in cs.search_customers(uow(), "cliente", limit=100)]
    assert seen == full


def test_list_row_fields(uow, people) -> None:
    row = cs.search_customers(uow(), "zuleica")[0]
    assert (row.code, row.document, row.mobile, row.city, row.status) == (
        1234, "39053344705", "11976543210", "São Paulo", "ativo")
    assert row.key[0] == "zuleica souza"


SEARCHES = ["", "joa", "joa@", "529.982", "12.ABC.3", "119876543", "7", "(21) 3456-7890"]


def _plan(uow, sql: str) -> str:
    with uow() as u:
        conn = u.session.connection()
        if conn.dialect.name == "sqlite":
            return "\n".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))


@pytest.mark.parametrize("typed", SEARCHES)
def test_every_branch_uses_an_index(uow, people, typed: str) -> None:
    with uow() as u:
        dialect = u.session.get_bind().dialect
    stmt = build_search_query(typed, None, 200)
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    plan = _plan(uow, sql)
    if dialect.name == "sqlite":
        assert not re.search(r"SCAN customers(?! USING (COVERING )?INDEX)", plan), plan
        assert "INDEX" in plan
    else:
        assert "Seq Scan on customers" not in plan, plan
        assert "Index" in plan


@given(st.text(max_size=30))
def test_plan_never_fails(typed: str) -> None:
    plan = plan_search(typed)
    if plan.code is not None:
        assert plan.code >= 0
    if plan.document_prefix is not None:
        assert plan.document_prefix == plan.document_prefix.upper()
    build_search_query(typed, None, 10)


@pytest.fixture
def surnames(uow) -> None:
    with uow() as u:
        for code, name in enumerate(("José da Silva", "Maria Silveira Santos", "Silvano Pereira", "Josué Lima",
                                     "Ana Júlia Sá"), start=900):
            make_customer(u.session, name, code=code, email=f"c{code}@example.com", email_folded=f"c{code}@example.com")
        make_customer(u.session, "Ágatha Albuquerque", code=950, email="Agatha.Alb@Example.com",
                      email_folded="agatha.alb@example.com")
        u.commit()


@pytest.mark.parametrize("typed", ["silva", "jose silva", "SILVA JOSÉ", "da silva", "jo si", "silva da jose"])
def test_attendants_search_by_surname(uow, surnames, typed: str) -> None:
    assert "José da Silva" in names(uow, typed)


def test_every_typed_word_must_match(uow, surnames) -> None:
    assert names(uow, "silv") == ["José da Silva", "Maria Silveira Santos", "Silvano Pereira"]
    assert names(uow, "jose silva") == ["José da Silva"]
    assert names(uow, "jos") == ["José da Silva", "Josué Lima"]
    assert names(uow, "sa") == ["Ana Júlia Sá", "Maria Silveira Santos"]
    assert names(uow, "silva xavier") == []


def test_email_start_without_at(uow, surnames) -> None:
    assert names(uow, "agatha.alb") == ["Ágatha Albuquerque"]
    assert names(uow, "AGATHA.ALB") == ["Ágatha Albuquerque"]
    assert names(uow, "c901") == ["Maria Silveira Santos"]  # e-mail c901@…


def test_renaming_reindexes_the_words(uow, factory, surnames) -> None:
    from ispdesk.domain.permissions import Role
    from ispdesk.services.uow import Actor

    admin = Actor.for_role("admin", Role.ADMINISTRADOR)
    row = cs.search_customers(uow(), "silvano")[0]
    full = cs.get_customer(factory(admin), row.id)
    draft = full.to_draft()
    cs.update_customer(factory(admin), row.id, cs.draft_with(draft, name="Silvano Ferreira Gomes"), full.version)
    assert names(uow, "gomes") == ["Silvano Ferreira Gomes"]
    assert names(uow, "pereira") == []


WORDS = st.sampled_from(["jose", "josé", "maria", "silva", "sá", "santos", "da", "ana", "júlia", "d'avila",
                         "souza-lima", "pereira"])


@given(st.lists(st.lists(WORDS, min_size=1, max_size=4), min_size=1, max_size=8),
       st.lists(st.sampled_from(["j", "jo", "jos", "s", "si", "sa", "sil", "ma", "d", "da", "av", "lim", "x"]),
                min_size=1, max_size=3),
       st.sampled_from([(2000, 100), (1, 100), (1, 1)]), st.integers(1, 3))
@settings(deadline=None)
def test_word_search_equals_the_rule(names_words: list[list[str]], typed: list[str], strategy: tuple[int, int],
                                     page: int) -> None:
    """The SQL answer equals the rule read literally: each typed word starts some word of the name.

    Every way of answering is exercised (`strategy` lowers the thresholds): read-and-sort a rare
    word, merge a common word's spellings, walk the names in order; paged by keyset `page` rows at a time.
    """
    import ispdesk.services.customer_search as search

    saved = search.COMMON_ROWS, search.MAX_SPELLINGS
    search.COMMON_ROWS, search.MAX_SPELLINGS = strategy
    try:
        _check_rule(names_words, typed, page)
    finally:
        search.COMMON_ROWS, search.MAX_SPELLINGS = saved


def _check_rule(names_words: list[list[str]], typed: list[str], page: int) -> None:
    import re as _re

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from ispdesk.db.base import Base
    from ispdesk.domain.text import fold
    from ispdesk.services.customer_search import search_customers_in

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        wanted = set()
        for i, parts in enumerate(names_words):
            name = " ".join(parts)
            make_customer(session, name, code=i + 1)
            words = _re.findall(r"[^\W_]+", fold(name))
            if all(any(w.startswith(t) for w in words) for t in typed):
                wanted.add(i + 1)

        class _U:
            pass

        u = _U()
        u.session = session  # type: ignore[attr-defined]
        found: list[int] = []
        after = None
        while True:
            rows = search_customers_in(u, " ".join(typed), after, page)  # type: ignore[arg-type]
            found += [r.code for r in rows]
            if len(rows) < page:
                break
            after = rows[-1].key
    assert len(found) == len(set(found))
    assert set(found) == wanted


@pytest.mark.parametrize("strategy", [(1, 100), (1, 1)], ids=["merge-spellings", "walk-names"])
def test_every_strategy_gives_the_same_pages(uow, surnames, monkeypatch, strategy: tuple[int, int]) -> None:
    """Common-word strategies (lowered thresholds) answer like the rare-word one, on both databases."""
    import ispdesk.services.customer_search as search

    texts = ["silva", "jose silva", "s", "sa ma", "jo", "ana julia", "xavier", "agatha.alb"]
    expected = {t: names(uow, t) for t in texts}
    monkeypatch.setattr(search, "COMMON_ROWS", strategy[0])
    monkeypatch.setattr(search, "MAX_SPELLINGS", strategy[1])
    for t in texts:
        paged: list[str] = []
        after = None
        while True:
            rows = cs.search_customers(uow(), t, after=after, limit=1)
            paged += [r.name for r in rows]
            if not rows:
                break
            after = rows[-1].key
        assert paged == expected[t], t
