"""The last active administrator never vanishes: two administrators deactivating each other at once.

Real threads on real SQLite and PostgreSQL. A ``before_flush`` pause (test instrumentation only, the
database is real) widens the window between the check and the write, where the race used to live.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from ispdesk.db.models import User
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Role
from ispdesk.services import users
from ispdesk.services.uow import Actor, UnitOfWorkFactory


def _active_admins(factory: UnitOfWorkFactory) -> int:
    with factory(Actor.system()) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(User).where(
            User.role == Role.ADMINISTRADOR.value, User.active.is_(True))) or 0)


def _race(factory: UnitOfWorkFactory, pairs: list[tuple[str, dict[str, object]]]) -> list[object]:
    """Run one ``update_user`` per thread, all released by a barrier; return each result or error."""
    barrier = threading.Barrier(len(pairs))
    results: list[object] = [None] * len(pairs)

    def work(i: int, login: str, changes: dict[str, object]) -> None:
        actor = Actor.for_role(f"adm{1 - i}", Role.ADMINISTRADOR)
        barrier.wait()
        try:
            results[i] = users.update_user(factory(actor), login, **changes)  # type: ignore[arg-type]
        except BusinessRuleError as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i, login, ch)) for i, (login, ch) in enumerate(pairs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def slow_flush(factory: UnitOfWorkFactory):
    """Pause every flush 50 ms so the two transactions overlap."""

    def pause(*_args: object) -> None:
        time.sleep(0.05)

    event.listen(factory.session_factory, "before_flush", pause)
    yield
    event.remove(factory.session_factory, "before_flush", pause)


@pytest.mark.parametrize("change", [{"active": False}, {"role": Role.ATENDIMENTO.value}],
                         ids=["deactivate", "demote"])
def test_two_admins_removing_each_other_leave_one(factory, uow, slow_flush, change) -> None:
    users.create_first_admin(factory, "adm0", "Adm 0", "segredo123")
    users.add_user(uow(), "adm1", "segredo123", Role.ADMINISTRADOR.value)
    for _round in range(5):
        results = _race(factory, [("adm1", change), ("adm0", change)])
        assert _active_admins(factory) == 1, results
        refused = [r for r in results if isinstance(r, BusinessRuleError)]
        assert len(refused) == 1 and "último administrador" in refused[0].message
        # put both back for the next round
        survivor = "adm0" if _is_admin(factory, "adm0") else "adm1"
        other = "adm1" if survivor == "adm0" else "adm0"
        users.update_user(factory(Actor.for_role(survivor, Role.ADMINISTRADOR)), other,
                          active=True, role=Role.ADMINISTRADOR.value)
        assert _active_admins(factory) == 2


def _is_admin(factory: UnitOfWorkFactory, login: str) -> bool:
    with factory(Actor.system()) as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        assert user is not None
        return user.active and user.role == Role.ADMINISTRADOR.value


def test_three_admins_two_removed_at_once_both_succeed(factory, uow, slow_flush) -> None:
    """The lock serialises, it does not refuse what is allowed: with three, two may go at once."""
    users.create_first_admin(factory, "adm0", "Adm 0", "segredo123")
    users.add_user(uow(), "adm1", "segredo123", Role.ADMINISTRADOR.value)
    users.add_user(uow(), "adm2", "segredo123", Role.ADMINISTRADOR.value)
    results = _race(factory, [("adm1", {"active": False}), ("adm2", {"active": False})])
    assert all(not isinstance(r, Exception) for r in results), results
    assert _active_admins(factory) == 1
