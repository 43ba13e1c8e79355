"""Device tokens per customer for push notifications: add, list, remove, move, audit, rules (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ispdesk.db.models import AuditEntry, PushDevice
from ispdesk.domain.errors import BusinessRuleError, NotFound, PermissionDenied
from ispdesk.domain.push import TOKEN_MAX, normalize_token
from ispdesk.services import push_devices
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import NOW, make_customer

Uow = Callable[..., UnitOfWork]
TOKEN = "fGx3kP0aQ2e:APA91bH" + "x" * 120


def customer(uow: Uow, **kw: object) -> int:
    with uow() as u:
        code = make_customer(u.session, **kw).code
        u.commit()
        return code


def test_add_list_remove_with_audit(uow: Uow) -> None:
    code = customer(uow)
    row = push_devices.add_device(uow(), str(code), f"  {TOKEN}\n", "ios", "  App  Cliente ")
    assert (row.customer_code, row.token, row.platform, row.app, row.active) == (code, TOKEN, "ios", "App Cliente",
                                                                                True)
    second = push_devices.add_device(uow(), code, TOKEN.replace("x", "y"))
    assert second.platform == "android" and second.app == ""
    listed = push_devices.list_devices(uow(), code)
    assert [d.token for d in listed] == [second.token, TOKEN]  # the newest first: push goes there
    removed = push_devices.remove_device(uow(), TOKEN)
    assert removed.customer_code == code
    assert [d.token for d in push_devices.list_devices(uow(), code)] == [second.token]
    with uow() as u:
        actions = [a.action for a in u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "customer")
                                                         .order_by(AuditEntry.at, AuditEntry.id))]
    assert actions.count("push_device_added") == 2 and actions.count("push_device_removed") == 1
    with pytest.raises(NotFound, match="Nenhum dispositivo"):
        push_devices.remove_device(uow(), TOKEN)


def test_a_token_registered_again_by_another_customer_moves_and_reactivates(uow: Uow) -> None:
    first, second = customer(uow), customer(uow, name="João Souza")
    push_devices.add_device(uow(), first, TOKEN)
    with uow() as u:
        device = u.session.scalars(select(PushDevice)).one()
        push_devices.deactivate_in(u, device.id, "FCM: token não registrado (UNREGISTERED)")
        u.commit()
    [old] = push_devices.list_devices(uow(), first)
    assert not old.active and "UNREGISTERED" in old.last_error and old.deactivated_at is not None
    push_devices.add_device(uow(), second, TOKEN, "android", "App")
    assert push_devices.list_devices(uow(), first) == []
    [moved] = push_devices.list_devices(uow(), second)
    assert moved.active and moved.last_error == "" and moved.app == "App"
    with uow() as u:
        assert u.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "push_device_moved"))
        assert u.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "push_device_deactivated"))


def test_token_unique_in_the_database(uow: Uow) -> None:
    code = customer(uow)
    push_devices.add_device(uow(), code, TOKEN)
    with uow() as u, pytest.raises(IntegrityError):
        customer_id = u.session.scalar(select(PushDevice.customer_id))
        u.session.add(PushDevice(customer_id=customer_id, token=TOKEN, platform="android", created_at=NOW,
                                 created_by="teste", active=True))
        u.session.flush()


def test_platform_check_in_the_database(uow: Uow) -> None:
    code = customer(uow)
    push_devices.add_device(uow(), code, TOKEN)
    with uow() as u, pytest.raises(IntegrityError):
        u.session.execute(PushDevice.__table__.update().values(platform="windows"))  # type: ignore[attr-defined]
        u.session.flush()


def test_rules_and_permissions(uow: Uow, finance: Actor) -> None:
    code = customer(uow)
    with pytest.raises(NotFound, match="Cliente 999999 não encontrado"):
        push_devices.add_device(uow(), 999999, TOKEN)
    with pytest.raises(NotFound, match="Código de cliente inválido"):
        push_devices.list_devices(uow(), "abc")
    with pytest.raises(BusinessRuleError, match="Plataforma inválida"):
        push_devices.add_device(uow(), code, TOKEN, "windows")
    with pytest.raises(BusinessRuleError, match="Token inválido"):
        push_devices.add_device(uow(), code, "tem espaço no meio")
    with pytest.raises(BusinessRuleError, match="Informe o token"):
        push_devices.add_device(uow(), code, "   ")
    with pytest.raises(PermissionDenied):
        push_devices.add_device(uow(finance), code, TOKEN)
    assert push_devices.list_devices(uow(), code) == []


@given(st.text(alphabet="abcXYZ019_:-.", min_size=1, max_size=TOKEN_MAX), st.sampled_from(["", " ", "\n", "\t "]))
def test_normalize_token_keeps_a_valid_token_and_strips_around(token: str, pad: str) -> None:
    assert normalize_token(pad + token + pad) == token


@given(st.text(min_size=1, max_size=40).filter(lambda t: any(c.isspace() or c in "\"'{}/+=?&%" for c in t.strip())))
def test_normalize_token_refuses_what_no_token_has(text: str) -> None:
    with pytest.raises(BusinessRuleError):
        normalize_token(text)


def test_normalize_token_refuses_too_long() -> None:
    with pytest.raises(BusinessRuleError, match="longo demais"):
        normalize_token("a" * (TOKEN_MAX + 1))


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_device_add_list_remove(db_url: str, uow: Uow) -> None:
    code = str(customer(uow))
    done = _cli(db_url, "messages", "device", "add", code, TOKEN, "--plataforma", "ios", "--app", "Meu Provedor")
    assert done.returncode == 0, done.stderr
    assert "cadastrado" in done.stdout and "iOS · Meu Provedor" in done.stdout
    listing = _cli(db_url, "messages", "device", "list", code)
    assert listing.returncode == 0 and TOKEN in listing.stdout and "ios\tMeu Provedor\tativo" in listing.stdout
    assert listing.stdout.strip().splitlines()[-1] == "1 dispositivo, 1 ativo."
    bad = _cli(db_url, "messages", "device", "add", code, TOKEN, "--plataforma", "windows")
    assert bad.returncode == 2
    missing = _cli(db_url, "messages", "device", "add", "987654", TOKEN)
    assert missing.returncode != 0 and "Cliente 987654 não encontrado" in missing.stderr
    gone = _cli(db_url, "messages", "device", "remove", TOKEN)
    assert gone.returncode == 0 and "removido" in gone.stdout
    assert _cli(db_url, "messages", "device", "list", code).stdout.strip() == "0 dispositivos, 0 ativos."
