"""Login hardening on both databases: lockout after N wrong passwords, audit, uniform message and time."""

from __future__ import annotations

import threading
import time
from datetime import time as clock_time

import pytest
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, User
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied
from ispdesk.domain.permissions import Role
from ispdesk.services import parameters, users
from ispdesk.services.uow import Actor


def _refused(factory, login: str, password: str) -> str:
    with pytest.raises(BusinessRuleError) as info:
        users.authenticate(factory, login, password)
    return info.value.message


def _actions(factory, action: str) -> list[AuditEntry]:
    with factory(Actor.system()) as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                        .order_by(AuditEntry.at, AuditEntry.id)))


@pytest.fixture
def limits(factory, admin_user, uow):
    parameters.update(uow(), {"login_tentativas_maximas": 3, "login_bloqueio_minutos": 10})
    return 3, 10


def test_wrong_passwords_lock_the_login_even_for_the_right_password(factory, limits, clock) -> None:
    for _ in range(5):  # the probe's 200 wrong passwords, shortened: the lock comes after 3
        _refused(factory, "admin", "errada")
    message = _refused(factory, "admin", "segredo123")
    assert "bloqueado por 10 minutos" in message and "administrador pode desbloqueá-lo" in message
    locked = _actions(factory, "login_locked")
    assert len(locked) == 1 and "bloqueado por 10 minutos após 3 tentativas" in locked[0].summary
    failed = _actions(factory, "login_failed")
    assert [f.summary.split(": ", 1)[1] for f in failed] == [
        "senha incorreta (1 de 3)", "senha incorreta (2 de 3)", "senha incorreta (3 de 3)",
        "login bloqueado", "login bloqueado", "login bloqueado"]
    clock.at = clock_time(12, 9)
    _refused(factory, "admin", "segredo123")
    clock.at = clock_time(12, 11)  # M minutes later the lock is gone by itself
    assert users.authenticate(factory, "admin", "segredo123").login == "admin"


def test_an_administrator_unlocks(factory, limits, uow, attendant) -> None:
    for _ in range(3):
        _refused(factory, "admin", "errada")
    row = next(r for r in users.list_users(uow()) if r.login == "admin")
    assert row.locked_until is not None
    with pytest.raises(PermissionDenied):
        users.unlock_user(uow(attendant), "admin")
    unlocked = users.unlock_user(uow(), "admin")
    assert unlocked.was_locked and unlocked.user.locked_until is None and unlocked.user.failed_logins == 0
    assert not users.unlock_user(uow(), "admin").was_locked
    assert len(_actions(factory, "unlock")) == 1
    assert users.authenticate(factory, "admin", "segredo123").login == "admin"


def test_a_success_resets_the_count(factory, limits) -> None:
    for _ in range(2):
        _refused(factory, "admin", "errada")
        _refused(factory, "admin", "errada")
        users.authenticate(factory, "admin", "segredo123")
    assert _actions(factory, "login_locked") == []


def test_same_message_whatever_the_reason_and_unknown_logins_audited(factory, limits, uow) -> None:
    users.add_user(uow(), "inativo", "segredo123", Role.ATENDIMENTO.value)
    users.update_user(uow(), "inativo", active=False)
    messages = {_refused(factory, "ninguem", "segredo123"), _refused(factory, "admin", "errada"),
                _refused(factory, "inativo", "segredo123")}
    for _ in range(3):
        _refused(factory, "admin", "errada")
    messages.add(_refused(factory, "admin", "segredo123"))
    assert len(messages) == 1
    unknown = [a for a in _actions(factory, "login_failed") if a.entity_id is None]
    assert len(unknown) == 1 and "“ninguem”: login desconhecido" in unknown[0].summary


def test_unknown_and_known_logins_take_comparable_time(factory, admin_user, uow) -> None:
    parameters.update(uow(), {"login_tentativas_maximas": 100})
    _refused(factory, "ninguem", "x")  # warm-up (first connection, dummy hash)

    spent: dict[str, list[float]] = {"ninguem": [], "admin": []}
    for _ in range(5):  # interleaved, so both see the same machine load; the fastest of each compared
        for login, times in spent.items():
            start = time.perf_counter()
            _refused(factory, login, "errada")
            times.append(time.perf_counter() - start)
    unknown, known = min(spent["ninguem"]), min(spent["admin"])
    assert 0.5 < unknown / known < 2.0, (unknown, known)


def test_concurrent_wrong_passwords_lock_once(factory, limits) -> None:
    barrier = threading.Barrier(6)

    def attempt() -> None:
        barrier.wait()
        with pytest.raises(BusinessRuleError):
            users.authenticate(factory, "admin", "errada")

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(_actions(factory, "login_locked")) == 1
    _refused(factory, "admin", "segredo123")
    with factory(Actor.system()) as uow:
        user = uow.session.scalar(select(User).where(User.login == "admin"))
        assert user is not None and user.locked_until is not None
