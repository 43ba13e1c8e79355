"""Test fixtures: a fresh real database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``ISPDESK_TEST_PG_URL`` points at a server (the README's test command starts
one on loopback); every database-backed test then runs once per database. Set
``ISPDESK_TEST_DATABASES=sqlite`` (or ``postgresql``) to run one of them only.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ISPDESK_DATA_DIR", "/tmp/ispdesk-test-data")
os.environ.setdefault("ISPDESK_CONFIG_DIR", "/tmp/ispdesk-test-config")

import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ispdesk.db import migrate
from ispdesk.db.engine import make_engine
from ispdesk.db.models import Parameter
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.permissions import Role
from ispdesk.services.bootstrap import ensure_reference_data
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

TODAY = date(2026, 11, 27)
PG_URL = os.environ.get("ISPDESK_TEST_PG_URL", "")
_wanted = os.environ.get("ISPDESK_TEST_DATABASES", "sqlite,postgresql").split(",")
DATABASES = [d for d in ("sqlite", "postgresql") if d in _wanted and (d == "sqlite" or PG_URL)]


def _prepare(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, backup=False)
        ensure_reference_data(UnitOfWorkFactory(engine))
        # the ladder tests count from the notice's date (the rule before messages existed); the tests of
        # `aviso_exige_envio` (default sim) switch it back on
        with Session(engine) as session:
            session.add(Parameter(name="aviso_exige_envio", value="nao", updated_at=datetime.now(UTC),
                                  updated_by="testes"))
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ispdesk_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _prepare(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated and seeded database (one per test)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "ispdesk.sqlite3"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("_pg_template")
    name = f"ispdesk_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    """A clock stopped on 27/11/2026; set ``clock.day`` to move it."""
    return FixedClock(TODAY)


@pytest.fixture
def factory(db_url: str, clock: FixedClock) -> Iterator[UnitOfWorkFactory]:
    """Unit-of-work factory on the fresh database, with the test clock."""
    f = UnitOfWorkFactory.from_url(db_url, clock)
    yield f
    f.dispose()


@pytest.fixture
def admin() -> Actor:
    return Actor.for_role("admin", Role.ADMINISTRADOR, "Administradora Teste")


@pytest.fixture
def attendant() -> Actor:
    return Actor.for_role("atendente", Role.ATENDIMENTO, "Atendente Teste")


@pytest.fixture
def finance() -> Actor:
    return Actor.for_role("financeiro", Role.FINANCEIRO, "Financeiro Teste")


@pytest.fixture
def uow(factory: UnitOfWorkFactory, admin: Actor) -> Callable[..., UnitOfWork]:
    """``uow()`` → a new unit of work for the administrator; ``uow(actor)`` for another actor."""

    def make(actor: Actor | None = None) -> UnitOfWork:
        return factory(actor or admin)

    return make


@pytest.fixture
def real_company(uow: Callable[..., UnitOfWork]) -> None:
    """The provider's real data stored (contract PDFs are refused while it is the example one)."""
    from tests import factories

    with uow() as u:
        factories.set_real_company(u.session)
        u.commit()


@pytest.fixture
def admin_user(factory: UnitOfWorkFactory) -> str:
    """Create the login ``admin`` (password ``segredo123``) in the database; return the login."""
    from ispdesk.services import users

    users.create_first_admin(factory, "admin", "Administradora Teste", "segredo123")
    return "admin"
