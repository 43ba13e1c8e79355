"""Foundation on both databases: migrations, sequences, users, parameters, audit."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select

from ispdesk.db import migrate
from ispdesk.db.engine import make_engine
from ispdesk.db.models import AuditEntry, Parameter
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import audit, parameters, users


def test_alembic_check_finds_no_drift(db_url):
    engine = make_engine(db_url)
    cfg = migrate.alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises when autogenerate would produce operations
    assert migrate.upgrade(engine) is False  # idempotent
    engine.dispose()


def test_sequences_are_gapless_and_shared(uow):
    with uow() as u:
        first = u.next_numbers("customer_code", 3)
        u.commit()
    with uow() as u:
        second = u.next_numbers("customer_code")
        u.commit()
    assert (first, second) == (1, 4)


def test_first_admin_then_login(factory):
    assert not users.has_users(factory)
    users.create_first_admin(factory, "ana", "Ana Souza", "segredo123")
    assert users.has_users(factory)
    with pytest.raises(BusinessRuleError, match="Já existe"):
        users.create_first_admin(factory, "bia", "Bia", "segredo123")
    actor = users.authenticate(factory, "ana", "segredo123")
    assert actor.login == "ana" and actor.role.value == "administrador"
    with pytest.raises(BusinessRuleError, match="incorretos"):
        users.authenticate(factory, "ana", "errada")


def test_user_management_needs_permission(uow, attendant):
    with pytest.raises(PermissionDenied):
        users.add_user(uow(attendant), "joao", "segredo123", "atendimento")
    row = users.add_user(uow(), "joao", "segredo123", "atendimento", "João")
    assert row.role.value == "atendimento"
    with pytest.raises(ValidationError, match="Já existe"):
        users.add_user(uow(), "joao", "segredo123", "atendimento")
    with pytest.raises(ValidationError, match="6 caracteres"):
        users.add_user(uow(), "maria", "123", "atendimento")


def test_last_admin_protected(factory, uow):
    users.create_first_admin(factory, "admin", "Admin", "segredo123")
    with pytest.raises(BusinessRuleError, match="último administrador"):
        users.update_user(uow(), "admin", active=False)


def test_parameters_update_is_audited_and_floors_refused(uow, attendant):
    values = parameters.update(uow(), {"hotsite_obrigatorio": True})
    assert values["hotsite_obrigatorio"] is True
    assert parameters.get_all(uow())["hotsite_obrigatorio"] is True
    with pytest.raises(ValidationError, match="60"):
        parameters.update(uow(), {"dias_rescisao": 59})
    with pytest.raises(PermissionDenied):
        parameters.update(uow(attendant), {"hotsite_obrigatorio": False})
    with uow() as u:
        # (the test template stores aviso_exige_envio = não: see tests/conftest.py)
        stored = u.session.scalar(select(func.count()).select_from(Parameter)
                                  .where(Parameter.name != "aviso_exige_envio"))
        entries = u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "parameters")).all()
    assert stored == 1
    assert len(entries) == 1 and entries[0].actor == "admin"
    assert "hotsite_obrigatorio" in entries[0].changes


def test_user_history_is_viewable(uow):
    row = users.add_user(uow(), "carla", "segredo123", "financeiro")
    users.update_user(uow(), "carla", role="atendimento")
    history = audit.history(uow(), "user", row.id)
    assert [h.action for h in history] == ["update", "create"]
    assert "financeiro → atendimento" in history[0].describe_changes()
