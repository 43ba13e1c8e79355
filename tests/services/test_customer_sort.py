"""Header sort of a partial customer list runs in the database (issue 12), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ispdesk.domain.text import fold
from ispdesk.services.customer_sort import sorted_customers
from tests.factories import make_customer

NAMES = ["Ágata Souza", "Bruno Silva", "álvaro Silva", "Zélia Silva", "Carla Silva", "Éder Silva", "Ana Silva",
         "Otávio Souza", "Beatriz Silva", "Ícaro Silva", "Denis Silva", "Úrsula Silva"]


@pytest.fixture
def people(uow):  # noqa: ANN001, ANN201
    with uow() as u:
        for i, name in enumerate(NAMES):
            make_customer(u.session, name, code=900 + (i * 7) % 12, city=["Óleo", "araras", "Bauru"][i % 3])
        u.commit()


def _all(uow, text: str, column: str, descending: bool, page: int) -> list:  # noqa: ANN001
    rows: list = []
    while True:
        more = sorted_customers(uow(), text, column, descending, len(rows), page)
        rows += more
        if len(more) < page:
            return rows


@pytest.mark.parametrize("descending", [False, True])
def test_pages_follow_the_code_over_every_match(uow, people, descending) -> None:  # noqa: ANN001
    rows = _all(uow, "silva", "code", descending, 3)
    matching = [n for n in NAMES if "Silva" in n]
    assert sorted(r.name for r in rows) == sorted(matching)  # each match once, across pages
    codes = [r.code for r in rows]
    assert codes == sorted(codes, reverse=descending)


def test_names_sort_without_accents_or_case(uow, people) -> None:  # noqa: ANN001
    rows = _all(uow, "", "name", False, 5)
    assert [r.name for r in rows] == sorted(NAMES, key=fold)
    first = sorted_customers(uow(), "", "name", True, 0, 2)
    assert [r.name for r in first] == ["Zélia Silva", "Úrsula Silva"]


def test_city_sorts_ignoring_case(uow, people) -> None:  # noqa: ANN001
    cities = [r.city for r in _all(uow, "silva", "city", False, 4)]
    assert cities == sorted(cities, key=str.lower)


CITIES = ["São Paulo", "Santos", "Álvares Machado", "araras", "Bauru", "Óleo", "Évora", "SÃO CARLOS", "Santo André",
          "Itú", "itapeva", "Ubá", "Uberaba", "Águas de Lindóia", "Agudos", "Cândido Mota", "Campinas"]


def _sorted_cities(uow, text: str, descending: bool = False, page: int = 4) -> list[str]:  # noqa: ANN001
    return [r.city for r in _all(uow, text, "city", descending, page)]


@pytest.mark.parametrize("descending", [False, True])
def test_city_sorts_ignoring_accents_and_case(uow, descending) -> None:  # noqa: ANN001
    with uow() as u:
        for i, city in enumerate(CITIES):
            make_customer(u.session, f"Morador {i} Costa", code=700 + i, city=city)
        u.commit()
    cities = _sorted_cities(uow, "costa", descending)
    assert cities == sorted(CITIES, key=fold, reverse=descending)
    if not descending:
        assert cities.index("Álvares Machado") < cities.index("Bauru")  # with the A's, not after the Z's
        assert cities.index("Santos") < cities.index("São Paulo") < cities.index("Ubá")


_LETTERS = "abcosuzáàâãéêíóôõúüçÁÂÃÉÍÓÔÚÇABSZ"
_words = st.text(alphabet=_LETTERS, min_size=1, max_size=6)
_examples = itertools.count(1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cities=st.lists(st.lists(_words, min_size=1, max_size=3).map(" ".join), min_size=2, max_size=9))
def test_city_order_is_the_order_of_fold(uow, cities) -> None:  # noqa: ANN001
    """The database orders cities exactly as `fold` does (the name sort's folding), on both databases."""
    marker = f"zq{next(_examples):05d}x"
    with uow() as u:
        for i, city in enumerate(cities):
            make_customer(u.session, f"{marker} {i}", city=city)
        u.commit()
    keys = [fold(c) for c in _sorted_cities(uow, marker, page=3)]
    assert keys == sorted(fold(c) for c in cities)
