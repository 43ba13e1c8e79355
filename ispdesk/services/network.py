"""Network identity of a contract (login, password, fixed IP, MAC) and the NAS catalogue.

The password goes only to the RADIUS ``radcheck`` table (``Cleartext-Password``): never to the audit
trail, an export or a log; `identity` shows it only to an actor with ``network.password_view``.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from ispdesk.db.models import ContractNetwork, RadiusRequestLog
from ispdesk.domain import radius as rules
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import RadiusRequestKind, RadiusRequestResult
from ispdesk.services import lookups, radius
from ispdesk.services.uow import UnitOfWork

KEEP = object()  #: "leave as it is" for `set_identity_in`'s optional fields
NAS_TYPES = ("mikrotik", "huawei", "cisco", "juniper", "other")


@dataclass(frozen=True)
class Identity:
    """A contract's network identity as shown (``password`` None when hidden or not set)."""

    contract_number: int
    login: str
    password: str | None
    password_set: bool
    fixed_ip: str | None
    mac: str | None
    last_request: str


def set_identity(uow: UnitOfWork, number: int | str, login: str, password: str | None = None,
                 fixed_ip: str | None | object = KEEP, mac: str | None | object = KEEP) -> Identity:
    """Give contract `number` its network login (and password, fixed IP, MAC), provisioned at once."""
    uow.require(Permission.NETWORK_EDIT)
    with uow:
        contract = lookups.contract_by_number(uow, number, lock=True)
        set_identity_in(uow, contract.id, login, password, fixed_ip, mac)
        uow.commit()
        row = identity_in(uow, contract.id)
        assert row is not None
        return row


def set_identity_in(uow: UnitOfWork, contract_id: uuid.UUID, login: str, password: str | None = None,
                    fixed_ip: str | None | object = KEEP, mac: str | None | object = KEEP) -> None:
    """`set_identity` inside an open unit of work (no commit, no permission check)."""
    session = uow.session
    login = rules.normalize_login(login)
    if password is not None:
        rules.check_password(password)
    taken = radius.logins_key_taken(session, login, contract_id)
    if taken:
        raise ValidationError({"pppoe_login": f"O login de rede “{login}” já é de outro contrato (“{taken}”). "
                                              "Escolha outro login."})
    row = session.scalar(select(ContractNetwork).where(ContractNetwork.contract_id == contract_id))
    ip = row.fixed_ip if row is not None and fixed_ip is KEEP else (None if fixed_ip is KEEP else
                                                                    rules.normalize_ip(str(fixed_ip or "")))
    new_mac = row.mac if row is not None and mac is KEEP else (None if mac is KEEP else
                                                               rules.normalize_mac(str(mac or "")))
    if ip is not None:
        other = session.scalar(select(ContractNetwork.login).where(ContractNetwork.fixed_ip == ip,
                                                                    ContractNetwork.contract_id != contract_id))
        if other:
            raise ValidationError({"ip_fixo": f"O IP fixo {ip} já é do login “{other}”. Use outro endereço."})
    if (row is None and password is None) and radius.available(session):
        raise ValidationError({"pppoe_senha": "Informe a senha de rede do novo login (o concentrador precisa dela)."})
    t = radius.tables(session) if radius.available(session) else None
    if password is not None and t is None:
        raise BusinessRuleError(radius.NO_TABLES)
    before = {"login": row.login if row else None, "ip_fixo": row.fixed_ip if row else None,
              "mac": row.mac if row else None}
    if row is None:
        row = ContractNetwork(contract_id=contract_id, login=login, login_key=rules.login_key(login), fixed_ip=ip,
                              mac=new_mac, updated_at=uow.now, updated_by=uow.actor.login)
        session.add(row)
    else:
        if row.login != login and t is not None:
            for table in (t.radcheck, t.radreply, t.radusergroup):
                session.execute(update(table).where(table.c.username == row.login).values(username=login))
        row.login, row.login_key, row.fixed_ip, row.mac = login, rules.login_key(login), ip, new_mac
        row.updated_at, row.updated_by = uow.now, uow.actor.login
    session.flush()
    if password is not None and t is not None:
        session.execute(delete(t.radcheck).where(t.radcheck.c.username == login,
                                                 t.radcheck.c.attribute == radius.PASSWORD))
        session.execute(insert(t.radcheck).values(username=login, attribute=radius.PASSWORD, op=":=", value=password))
    after = {"login": login, "ip_fixo": ip, "mac": new_mac}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if password is not None:
        changes["senha_rede"] = ["", "alterada"]
    uow.audit("contract", contract_id, "network", changes, f"Identidade de rede: login {login}")
    radius.provision_in(uow, [contract_id])


def identity(uow: UnitOfWork, number: int | str) -> Identity | None:
    """The network identity of contract `number` (None when it has no login)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return identity_in(uow, lookups.contract_id_by_number(uow, number))


def identity_in(uow: UnitOfWork, contract_id: uuid.UUID) -> Identity | None:
    """`identity` inside an open unit of work; the password only for ``network.password_view``."""
    session = uow.session
    row = session.scalar(select(ContractNetwork).where(ContractNetwork.contract_id == contract_id))
    if row is None:
        return None
    from ispdesk.db.models import Contract

    number = session.scalar(select(Contract.number).where(Contract.id == contract_id))
    password = None
    if radius.available(session):
        t = radius.tables(session)
        password = session.scalar(select(t.radcheck.c.value).where(t.radcheck.c.username == row.login,
                                                                   t.radcheck.c.attribute == radius.PASSWORD))
    last = session.execute(select(RadiusRequestLog.kind, RadiusRequestLog.result, RadiusRequestLog.at,
                                  RadiusRequestLog.nas_ip, RadiusRequestLog.detail)
                           .where(RadiusRequestLog.login == row.login)
                           .order_by(RadiusRequestLog.at.desc()).limit(1)).first()
    last_text = _request_text(*last) if last else ""
    shown = password if uow.actor.can(Permission.NETWORK_PASSWORD_VIEW) else None
    return Identity(int(number or 0), row.login, shown, password is not None, row.fixed_ip, row.mac, last_text)


def _request_text(kind: str, result: str, at: datetime, nas_ip: str, detail: str) -> str:
    what = RadiusRequestKind.label_of(kind)
    extra = f" ({detail})" if detail and result != RadiusRequestResult.ACK else ""
    return f"{what} {RadiusRequestResult.label_of(result)} pelo NAS {nas_ip} em {at:%d/%m/%Y %H:%M}{extra}"


# --- NAS catalogue (the standard `nas` table) ------------------------------------------------

@dataclass(frozen=True)
class NasRow:
    """One NAS: name, IP (``nasname``), type, CoA port (``ports``); the secret is never listed."""

    id: int
    name: str
    ip: str
    type: str
    coa_port: int
    description: str


def add_nas(uow: UnitOfWork, name: str, ip: str, secret: str, coa_port: int = 3799, nas_type: str = "mikrotik",
            description: str = "") -> NasRow:
    """Register a NAS (concentrator) that FreeRADIUS answers and ispdesk sends CoA to."""
    uow.require(Permission.NETWORK_ADMIN)
    name, nas_type = (name or "").strip(), (nas_type or "").strip().lower()
    errors = {}
    if not name or len(name) > 32:
        errors["nome"] = "Informe o nome do concentrador (até 32 caracteres), ex.: bng-centro."
    try:
        ip = str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        errors["ip"] = f"IP do concentrador inválido: “{ip}”. Use o endereço de onde ele envia os pedidos RADIUS."
    if len(secret or "") < 6 or any(c.isspace() for c in secret or ""):
        errors["segredo"] = "O segredo RADIUS precisa de ao menos 6 caracteres, sem espaços (o mesmo do concentrador)."
    if not 1 <= int(coa_port) <= 65535:
        errors["porta_coa"] = "Porta de CoA inválida: use de 1 a 65535 (padrão 3799)."
    if nas_type not in NAS_TYPES:
        errors["tipo"] = f"Tipo de concentrador inválido: “{nas_type}”. Use um destes: {', '.join(NAS_TYPES)}."
    if errors:
        raise ValidationError(errors)
    with uow:
        t = radius.require_tables(uow.session)
        if uow.session.scalar(select(t.nas.c.id).where(t.nas.c.nasname == ip)) is not None:
            raise ValidationError({"ip": f"Já existe um concentrador com o IP {ip}. Remova-o antes ou use outro IP."})
        new_id = uow.session.execute(insert(t.nas).values(nasname=ip, shortname=name, type=nas_type,
                                                          ports=int(coa_port), secret=secret,
                                                          description=description or "")
                                     .returning(t.nas.c.id)).scalar_one()
        uow.audit("nas", new_id, "create", {"nome": [None, name], "ip": [None, ip], "tipo": [None, nas_type],
                                            "porta_coa": [None, coa_port]}, f"Concentrador {name} ({ip})")
        uow.commit()
    return NasRow(int(new_id), name, ip, nas_type, int(coa_port), description or "")


def list_nas(uow: UnitOfWork) -> list[NasRow]:
    """Every NAS, by name."""
    uow.require(Permission.NETWORK_ADMIN)
    with uow:
        t = radius.require_tables(uow.session)
        rows = uow.session.execute(select(t.nas.c.id, t.nas.c.shortname, t.nas.c.nasname, t.nas.c.type,
                                          t.nas.c.ports, t.nas.c.description).order_by(t.nas.c.shortname)).tuples()
        return [NasRow(int(i), n, str(ip), k, int(p or 3799), d or "") for i, n, ip, k, p, d in rows]


def remove_nas(uow: UnitOfWork, name_or_ip: str) -> NasRow:
    """Remove the NAS named (or with the IP) `name_or_ip`."""
    uow.require(Permission.NETWORK_ADMIN)
    key = (name_or_ip or "").strip()
    with uow:
        t = radius.require_tables(uow.session)
        row = uow.session.execute(select(t.nas.c.id, t.nas.c.shortname, t.nas.c.nasname, t.nas.c.type,
                                         t.nas.c.ports, t.nas.c.description)
                                  .where((t.nas.c.shortname == key) | (t.nas.c.nasname == key))).first()
        if row is None:
            raise NotFound(f"Concentrador “{key}” não encontrado. Veja os cadastrados com `ispdesk radius nas list`.")
        uow.session.execute(delete(t.nas).where(t.nas.c.id == row[0]))
        uow.audit("nas", row[0], "delete", {"nome": [row[1], None], "ip": [str(row[2]), None]},
                  f"Concentrador {row[1]} removido")
        uow.commit()
    return NasRow(int(row[0]), row[1], str(row[2]), row[3], int(row[4] or 3799), row[5] or "")


@dataclass(frozen=True)
class NetworkView:
    """The contract form's Rede panel: identity, what FreeRADIUS answers, last session, last CoA."""

    identity: Identity | None
    tables: bool
    answer: list[str]
    last_session: str


def network_view(uow: UnitOfWork, contract_id: uuid.UUID) -> NetworkView:
    """Everything the Rede panel shows for `contract_id`."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        ident = identity_in(uow, contract_id)
        if not radius.available(uow.session):
            return NetworkView(ident, False, [], "")
        if ident is None:
            return NetworkView(None, True, [], "")
        try:
            answer = radius.status_in(uow, ident.login).lines()
        except NotFound:
            answer = []
        t = radius.tables(uow.session)
        row = uow.session.execute(select(t.radacct.c.acctstarttime, t.radacct.c.acctstoptime,
                                         t.radacct.c.nasipaddress, t.radacct.c.framedipaddress)
                                  .where(t.radacct.c.username == ident.login)
                                  .order_by(t.radacct.c.acctstarttime.desc()).limit(1)).first()
        session_text = ""
        if row is not None:
            start, stop, nas_ip, framed = row
            when = f"{start:%d/%m/%Y %H:%M}" if start else "?"
            state = "aberta" if stop is None else f"encerrada em {stop:%d/%m/%Y %H:%M}"
            session_text = f"Início {when}, {state}, NAS {nas_ip}" + (f", IP {framed}" if framed else "")
        return NetworkView(ident, True, answer, session_text)
