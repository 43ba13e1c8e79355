"""Header sort of a partial customer list runs in the database (issue 12), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

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
