"""Network identity and provisioning into the FreeRADIUS rlm_sql tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select

from ispdesk.adapters.radius import tables as rt
from ispdesk.db.models import AuditEntry
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import access, network, radius
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import Actor
from tests.radius.helpers import Uow, contract_id, contract_with_login, with_tables


def status_lines(uow: Uow, login: str) -> list[str]:
    return radius.status(uow(), login).lines()


def test_schema_creates_the_freeradius_tables_once(uow: Uow, db_url: str) -> None:
    created = radius.create_schema(uow())
    assert set(rt.TABLE_NAMES) <= set(created)
    assert radius.create_schema(uow()) == []
    with uow() as u:
        schema = "radius" if u.session.get_bind().dialect.name == "postgresql" else None
        names = set(inspect(u.session.connection()).get_table_names(schema=schema))
    assert {"radcheck", "radreply", "radgroupcheck", "radgroupreply", "radusergroup", "nas", "radacct",
            "radpostauth", "nasreload"} <= names


def test_an_active_contract_gets_its_plan_group_and_rate_upload_first(uow: Uow) -> None:
    with_tables(uow)
    contract_with_login(uow, "joao.silva", overdue=False)
    assert status_lines(uow, "joao.silva") == [
        "grupo: plano_FIBRA-100", "Cleartext-Password := s3nh@Forte", "Mikrotik-Rate-Limit := 50M/100M"]


def test_the_ladder_and_the_payment_move_the_group(uow: Uow, clock: FixedClock) -> None:
    with_tables(uow)
    number = contract_with_login(uow, "cliente1")
    seen = {}
    day = date(2026, 9, 10)
    while day <= date(2026, 10, 12):
        clock.day = day
        access.run_suspension(uow(), day)
        seen.setdefault(radius.status(uow(), "cliente1").group, day)
        day += timedelta(days=1)
    assert seen == {"plano_FIBRA-100": date(2026, 9, 10), "reduzido": date(2026, 9, 26),
                    "bloqueado": date(2026, 10, 11)}
    assert status_lines(uow, "cliente1")[2:] == [
        "Mikrotik-Address-List := bloqueados", "Framed-Pool := bloqueio",
        "Reply-Message := Acesso bloqueado por falta de pagamento. Regularize pela central do assinante."]
    from ispdesk.services import payments
    from tests.services.test_access import updated_total

    with uow() as u:
        from ispdesk.db.models import Charge, Contract

        charge_id = u.session.scalar(select(Charge.id).join(Contract).where(Contract.number == number))
    payments.record_payment(uow(), charge_id, updated_total(uow, charge_id, clock.day), clock.day)
    assert status_lines(uow, "cliente1")[0] == "grupo: plano_FIBRA-100"


def test_reduced_rate_and_group_names_are_parameters(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"velocidade_reducao": "2M/4M", "radius_grupo_reducao": "lento"})
    with_tables(uow)
    contract_with_login(uow, "cliente2")
    for day in (date(2026, 9, 11), date(2026, 9, 26)):
        clock.day = day
        access.run_suspension(uow(), day)
    assert status_lines(uow, "cliente2")[0] == "grupo: lento"
    assert status_lines(uow, "cliente2")[-1] == "Mikrotik-Rate-Limit := 2M/4M"
    with pytest.raises(BusinessRuleError, match="formato Mikrotik"):
        params_service.update(uow(), {"velocidade_reducao": "rápido"})


def test_a_cancelled_contract_is_rejected(uow: Uow) -> None:
    from ispdesk.services import cancellation

    with_tables(uow)
    number = contract_with_login(uow, "cliente3", overdue=False)
    cancellation.cancel_contract(uow(), contract_id(uow, number), "PEDIDO", "mudou de cidade")
    lines = status_lines(uow, "cliente3")
    assert lines[0] == "grupo: cancelado" and "Auth-Type := Reject" in lines


def test_a_plan_change_moves_the_user_to_the_new_plan_group_in_the_same_transaction(uow: Uow) -> None:
    from tests.factories import make_plan

    with_tables(uow)
    number = contract_with_login(uow, "cliente4", overdue=False)
    with uow() as u:
        make_plan(u.session, "FIBRA-500", price="149.90", download_mbps=500, upload_mbps=250)
        u.commit()
    from ispdesk.services import plan_changes

    draft = plan_changes.preview_plan_change(uow(), contract_id(uow, number), "FIBRA-500")
    plan_changes.apply_plan_change(uow(), draft)
    assert status_lines(uow, "cliente4")[0] == "grupo: plano_FIBRA-500"
    assert status_lines(uow, "cliente4")[-1] == "Mikrotik-Rate-Limit := 250M/500M"


def test_sync_is_idempotent_and_repairs_hand_edits(uow: Uow) -> None:
    with_tables(uow)
    contract_with_login(uow, "cliente5", overdue=False)
    contract_with_login(uow, "cliente6", overdue=False)
    assert radius.sync(uow()).lines()[-1] == "radius: 2 usuários, 0 alterados"
    with uow() as u:
        t = radius.tables(u.session)
        u.session.execute(t.radusergroup.update().where(t.radusergroup.c.username == "cliente6")
                          .values(groupname="outro"))
        u.commit()
    result = radius.sync(uow())
    assert result.lines() == ["cliente6: outro → plano_FIBRA-100", "radius: 2 usuários, 1 alterados"]
    assert radius.sync(uow()).lines() == ["radius: 2 usuários, 0 alterados"]


def test_login_rules_and_uniqueness_in_portuguese(uow: Uow) -> None:
    with_tables(uow)
    contract_with_login(uow, "Maria.Souza", overdue=False)
    other = contract_with_login(uow, "outro.login", overdue=False)
    with pytest.raises(ValidationError, match="já é de outro contrato"):
        network.set_identity(uow(), other, "maria.souza")
    with pytest.raises(ValidationError, match="Login de rede inválido"):
        network.set_identity(uow(), other, "joão silva")
    with pytest.raises(ValidationError, match="IP fixo inválido"):
        network.set_identity(uow(), other, "outro.login", fixed_ip="300.1.1.1")
    with pytest.raises(ValidationError, match="MAC inválido"):
        network.set_identity(uow(), other, "outro.login", mac="zz:11")
    row = network.set_identity(uow(), other, "outro.login", fixed_ip="100.64.0.9", mac="aa-bb-cc-dd-ee-ff")
    assert (row.fixed_ip, row.mac) == ("100.64.0.9", "AA:BB:CC:DD:EE:FF")
    lines = status_lines(uow, "outro.login")
    assert "Calling-Station-Id == AA:BB:CC:DD:EE:FF" in lines and "Framed-IP-Address := 100.64.0.9" in lines


def test_password_is_only_in_radcheck_never_in_the_audit_and_hidden_without_permission(
        uow: Uow, attendant: Actor) -> None:
    with_tables(uow)
    number = contract_with_login(uow, "cliente7", password="SegredoXYZ9", overdue=False)
    with uow() as u:
        texts = [a.changes + a.summary for a in u.session.scalars(select(AuditEntry))]
    assert texts and not any("SegredoXYZ9" in t for t in texts)
    assert network.identity(uow(), number).password == "SegredoXYZ9"
    hidden = network.identity(uow(attendant), number)
    assert hidden.password is None and hidden.password_set
    assert "Cleartext-Password := ••••••" in radius.status(uow(attendant), "cliente7").lines()
    with pytest.raises(PermissionDenied):
        radius.sync(uow(attendant))


def test_without_tables_a_password_asks_for_the_schema_and_the_ladder_still_runs(uow: Uow, clock: FixedClock) -> None:
    from tests.factories import make_contract

    with uow() as u:
        number = make_contract(u.session).number
        u.commit()
    with pytest.raises(BusinessRuleError, match="ispdesk radius schema"):
        network.set_identity(uow(), number, "semtabela", "senha123")
    network.set_identity(uow(), number, "semtabela")
    access.run_suspension(uow(), clock.day)


def test_nas_catalogue(uow: Uow) -> None:
    with_tables(uow)
    row = network.add_nas(uow(), "bng-centro", "10.0.0.1", "segredo-nas", 3799, "mikrotik")
    assert [n.name for n in network.list_nas(uow())] == ["bng-centro"] and row.coa_port == 3799
    with pytest.raises(ValidationError) as caught:
        network.add_nas(uow(), "", "10.0.0.x", "curto", 0, "modem")
    assert set(caught.value.errors) == {"nome", "ip", "segredo", "porta_coa", "tipo"}
    with pytest.raises(ValidationError, match="Já existe"):
        network.add_nas(uow(), "outro", "10.0.0.1", "segredo-nas")
    network.remove_nas(uow(), "bng-centro")
    assert network.list_nas(uow()) == []
