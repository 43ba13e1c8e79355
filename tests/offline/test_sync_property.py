"""Hypothesis: offline entries, central entries, interrupted syncs and lost replies in any order keep
every operation applied once or in the conflict queue — never both, never lost."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from ispdesk.db.models import Customer, SyncInbox
from ispdesk.domain.documents import generate_cpf
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import customers, offline_store, offline_sync
from ispdesk.services.offline_store import ops
from ispdesk.services.uow import UnitOfWorkFactory
from tests import factories
from tests.offline.helpers import draft, enter_contract, enter_customer, store_factory


class Interrupted(Exception):
    """The sync stopped in the middle (the link fell)."""


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("offline"), st.integers(0, 3)),
    st.tuples(st.just("central"), st.integers(0, 3)),
    st.tuples(st.just("sync"), st.integers(0, 4)),
    st.tuples(st.just("lose"), st.integers(0, 5)),
), min_size=1, max_size=12)


def _sync(url: str, store: Path, stop_after: int | None) -> None:
    def progress(done: int, total: int, text: str) -> None:
        if stop_after is not None and done > stop_after:
            raise Interrupted

    with contextlib.suppress(Interrupted):
        offline_sync.sync(url, store, progress)


def _check(central: UnitOfWorkFactory, store: Path) -> None:
    rows = offline_sync.list_ops_of(store)
    with central.engine.connect() as conn:
        inbox = {r.op_id: r for r in conn.execute(select(SyncInbox))}
        for row in rows:
            assert row.status in ("pendente", "aplicado", "conflito")
            if row.status == "aplicado":
                assert row.id in inbox  # applied ⇒ really there, once (primary key)
                assert conn.scalar(select(func.count()).select_from(Customer)
                                   .where(Customer.id == inbox[row.id].entity_id)) == (1 if row.kind == "customer"
                                                                                       else 0)
            if row.status == "conflito":
                assert row.id not in inbox  # never both


@pytest.fixture
def central(factory: UnitOfWorkFactory, uow) -> UnitOfWorkFactory:  # type: ignore[no-untyped-def]
    with uow() as u:
        factories.make_plan(u.session)
        u.commit()
    return factory


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
@example(actions=[("offline", 0), ("sync", 4), ("lose", 0), ("central", 1), ("offline", 1), ("sync", 1)])
def test_each_operation_applied_once_or_in_conflict(central: UnitOfWorkFactory, db_url: str, uow,  # type: ignore[no-untyped-def]
                                                    actions: list[tuple[str, int]]) -> None:
    pool = [generate_cpf() for _ in range(4)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "offline.sqlite3"
        offline_store.prepare(central, store)
        entered = 0
        for kind, k in actions:
            if kind == "offline":
                try:
                    row = enter_customer(store, draft(name=f"Cliente {k}", document=pool[k], n=k))
                except BusinessRuleError:
                    continue  # already typed offline: refused at once, nothing journaled
                enter_contract(store, row.id)
                entered += 2
            elif kind == "central":
                with contextlib.suppress(BusinessRuleError):
                    customers.create_customer(uow(), draft(name=f"Central {k}", document=pool[k], n=k))
            elif kind == "sync":
                _sync(db_url, store, k)
            else:
                applied = [r for r in offline_sync.list_ops_of(store) if r.status == "aplicado"]
                if applied:
                    target = applied[k % len(applied)]
                    s = store_factory(store)
                    with s.engine.begin() as conn:  # the reply of this one never arrived
                        conn.execute(update(ops).where(ops.c.id == target.id).values(status="pendente"))
                    s.dispose()
            _check(central, store)
        _sync(db_url, store, None)
        _check(central, store)
        rows = offline_sync.list_ops_of(store)
        assert len(rows) == entered  # never lost
        conflicts = {r.id for r in rows if r.status == "conflito"}
        for r in rows:  # what is still pending waits on a conflict
            assert r.status != "pendente" or r.depends_on in conflicts
        before = offline_sync.status(store)
        _sync(db_url, store, None)
        assert offline_sync.status(store) == before
        with central.engine.connect() as conn:
            for doc in pool:
                assert conn.scalar(select(func.count()).select_from(Customer).where(Customer.document == doc)) <= 1
