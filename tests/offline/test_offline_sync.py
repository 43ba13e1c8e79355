"""Offline store, journal and sync on a real central database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from ispdesk.db.models import Charge, Customer, Plan, User
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import customers, offline_store, offline_sync
from ispdesk.services.offline_store import ops, taken
from ispdesk.services.uow import UnitOfWorkFactory
from tests import factories
from tests.offline.helpers import (
    ATTENDANT,
    central_counts,
    create_audits,
    draft,
    enter_contract,
    enter_customer,
    entry_time,
    store_factory,
)


@pytest.fixture
def central(factory: UnitOfWorkFactory, uow, admin_user: str) -> UnitOfWorkFactory:  # type: ignore[no-untyped-def]
    """Central database with a plan, a customer (CPF + hotsite login) and the user ``atendente``."""
    from ispdesk.services import users

    with uow() as u:
        factories.make_plan(u.session)
        factories.make_customer(u.session, document="52998224725", unique_document="52998224725",
                                portal_login="maria.central")
        u.commit()
    users.add_user(uow(), "atendente", "segredo123", ATTENDANT.role.value, "Atendente Teste")
    return factory


@pytest.fixture
def store_path(tmp_path: Path, central: UnitOfWorkFactory) -> Path:
    path = tmp_path / "offline.sqlite3"
    offline_store.prepare(central, path)
    return path


def test_prepare_copies_what_entry_needs_and_nothing_else(store_path: Path, central: UnitOfWorkFactory) -> None:
    info = offline_store.store_info(store_path)
    assert info.documents == 1 and info.prepared_at is not None and "atualizado agora" in info.summary
    store = store_factory(store_path)
    try:
        with store(ATTENDANT) as u:
            assert u.session.scalars(select(Plan.code)).all() == ["FIBRA-300"]
            assert {x.login: x.active for x in u.session.scalars(select(User))} == {"admin": True, "atendente": True}
            assert u.session.scalars(select(Customer)).all() == []  # no customer data, only the documents
            assert u.session.scalars(select(Charge)).all() == []
            assert set(u.session.execute(select(taken.c.kind, taken.c.value)).all()) == {
                ("d", "52998224725"), ("l", "maria.central")}
    finally:
        store.dispose()


def test_offline_entry_refuses_a_cpf_or_login_of_the_snapshot(store_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match="já cadastrado no banco central"):
        enter_customer(store_path, draft(document="529.982.247-25"))
    d = draft()
    with pytest.raises(BusinessRuleError, match="hotsite .*banco central"):
        enter_customer(store_path, customers.CustomerDraft(**{**d.__dict__, "portal_login": "maria.central"}))
    assert offline_sync.status(store_path).line == "pendentes=0 aplicados=0 conflitos=0"


def test_sync_applies_each_entry_once_under_the_original_actor_and_time(
        store_path: Path, central: UnitOfWorkFactory, db_url: str) -> None:
    row = enter_customer(store_path, draft(), minute=5)
    assert row.code > 900_000_000  # provisional
    provisional = enter_contract(store_path, row.id, minute=6)
    assert offline_sync.status(store_path).line == "pendentes=2 aplicados=0 conflitos=0"

    report = offline_sync.sync(db_url, store_path)
    assert report.error is None and report.applied_now == 2
    assert report.counts.line == "pendentes=0 aplicados=2 conflitos=0"
    assert central_counts(central) == (2, 1)
    audit = [a for a in create_audits(central, "customer") if a.actor == "atendente"]
    assert len(audit) == 1 and audit[0].at == entry_time(5)
    contract_audit = create_audits(central, "contract")
    assert [(a.actor, a.at) for a in contract_audit] == [("atendente", entry_time(6))]
    done = offline_sync.list_ops_of(store_path)
    assert [r.status for r in done] == ["aplicado", "aplicado"]
    assert done[0].central_number is not None and done[0].central_number < 900_000_000
    assert done[1].number_text != f"{provisional} (provisório)"

    again = offline_sync.sync(db_url, store_path)  # nothing changes
    assert again.applied_now == 0 and central_counts(central) == (2, 1)


def test_a_replay_after_a_lost_reply_applies_nothing_twice(
        store_path: Path, central: UnitOfWorkFactory, db_url: str) -> None:
    enter_customer(store_path, draft())
    offline_sync.sync(db_url, store_path)
    first = offline_sync.list_ops_of(store_path)[0]
    store = store_factory(store_path)
    with store.engine.begin() as conn:  # the reply never reached the workstation
        conn.execute(update(ops).values(status="pendente", central_id=None, central_number=None))
    store.dispose()
    report = offline_sync.sync(db_url, store_path)
    assert report.counts.line == "pendentes=0 aplicados=1 conflitos=0"
    assert central_counts(central) == (2, 0)
    assert offline_sync.list_ops_of(store_path)[0].central_number == first.central_number


def test_a_cpf_registered_centrally_meanwhile_is_a_conflict_and_its_contract_waits(
        store_path: Path, central: UnitOfWorkFactory, db_url: str, uow) -> None:  # type: ignore[no-untyped-def]
    d = draft(document="111.444.777-35")
    row = enter_customer(store_path, d)
    enter_contract(store_path, row.id)
    customers.create_customer(uow(), draft(name="Maria Central", document="11144477735", n=9))

    report = offline_sync.sync(db_url, store_path)
    assert report.counts.line == "pendentes=1 aplicados=0 conflitos=1"
    conflict = offline_sync.list_ops_of(store_path, "conflito")
    assert len(conflict) == 1 and "111.444.777-35" in (conflict[0].message or "")
    assert central_counts(central) == (2, 0)

    offline_sync.resubmit(store_path, str(conflict[0].id), {"document": "39053344705"})
    report = offline_sync.sync(db_url, store_path)
    assert report.counts.line == "pendentes=0 aplicados=2 conflitos=0"
    assert central_counts(central) == (3, 1)


def test_discarding_a_conflict_takes_its_dependants_and_is_audited(
        store_path: Path, central: UnitOfWorkFactory, db_url: str, uow) -> None:  # type: ignore[no-untyped-def]
    row = enter_customer(store_path, draft(document="111.444.777-35"))
    enter_contract(store_path, row.id)
    customers.create_customer(uow(), draft(name="Maria Central", document="11144477735", n=9))
    offline_sync.sync(db_url, store_path)
    conflict = offline_sync.list_ops_of(store_path, "conflito")[0]
    with pytest.raises(BusinessRuleError, match="motivo"):
        offline_sync.discard(store_path, str(conflict.id), "", ATTENDANT)
    gone = offline_sync.discard(store_path, str(conflict.id)[:13], "cliente já tinha cadastro", ATTENDANT)
    assert {r.kind for r in gone} == {"customer", "contract"}
    assert offline_sync.status(store_path).line == "pendentes=0 aplicados=0 conflitos=0"
    store = store_factory(store_path)
    try:
        from ispdesk.db.models import AuditEntry

        with store(ATTENDANT) as u:
            audits = u.session.scalars(select(AuditEntry).where(AuditEntry.action == "discard")).all()
        assert len(audits) == 2 and all(a.actor == "atendente" for a in audits)
    finally:
        store.dispose()
    assert offline_sync.sync(db_url, store_path).counts.line == "pendentes=0 aplicados=0 conflitos=0"


def test_a_retired_plan_is_a_conflict(store_path: Path, central: UnitOfWorkFactory, db_url: str, uow) -> None:  # type: ignore[no-untyped-def]
    row = enter_customer(store_path, draft())
    enter_contract(store_path, row.id)
    with uow() as u:
        u.session.execute(update(Plan).values(active=False))
        u.commit()
    report = offline_sync.sync(db_url, store_path)
    assert report.counts.line == "pendentes=0 aplicados=1 conflitos=1"
    assert "plano" in (offline_sync.list_ops_of(store_path, "conflito")[0].message or "").lower()


def test_the_gui_start_refreshes_the_snapshot_in_the_background(central: UnitOfWorkFactory, db_url: str,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "bg.sqlite3"
    thread = offline_store.refresh_in_background(central, path)
    if db_url.startswith("sqlite"):
        assert thread is None and not path.exists()  # a local database needs no offline copy
        return
    assert thread is not None
    thread.join(60)
    assert offline_store.store_info(path).documents == 1
