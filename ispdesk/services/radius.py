"""FreeRADIUS provisioning: what each network login gets in the rlm_sql tables, written with its cause.

`provision_in(uow, contract_ids)` is the one writer of a user's group and managed attributes. It reads
the contract as it stands in the transaction (status, access status, plan, fixed IP, MAC) and makes
the RADIUS rows say the same; it is idempotent. It runs in the caller's transaction (the tables share
the ispdesk database: the ``radius`` schema on PostgreSQL, the same file on SQLite), called by the
``ACCESS_CHANGED`` hook of `access.write_status_changes`, by the plan-change and contract-edit paths
and by a cancellation. Nothing is written while the tables do not exist (`ispdesk radius schema`).

After the commit the logins whose answer changed get a CoA-Request (Disconnect-Request for a
reject) to the NAS of their open session (`ispdesk.services.radius_coa`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from ispdesk.adapters.radius import tables as rt
from ispdesk.db.models import Contract, ContractNetwork, Plan
from ispdesk.domain.access import AccessStatus
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.permissions import Permission
from ispdesk.domain.radius import login_key, rate_limit
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork

Attr = tuple[str, str, str]
#: user-level attributes ispdesk owns (others an ISP added by hand are left alone)
MANAGED_CHECK = ("Auth-Type", "Calling-Station-Id")
MANAGED_REPLY = ("Framed-IP-Address",)
PASSWORD = "Cleartext-Password"
CLOSED = (ContractStatus.CANCELADO.value, ContractStatus.NEGATIVADO.value)
BATCH = 10000
NO_TABLES = ("As tabelas do FreeRADIUS ainda não existem neste banco. Crie-as com `ispdesk radius schema` "
             "(ou peça ao administrador) e tente de novo.")


@dataclass(frozen=True)
class Settings:
    """Group names and attributes (the ``Rede`` parameters)."""

    plan_prefix: str
    rate_attribute: str
    reduced_group: str
    reduced_rate: str
    blocked_group: str
    blocked_pool: str
    list_attribute: str
    blocked_list: str
    blocked_message: str
    cancelled_group: str

    @classmethod
    def load(cls, session: Session) -> Settings:
        """The settings in force."""
        p = params_service.load(session)
        return cls(p["radius_grupo_plano_prefixo"], p["radius_atributo_velocidade"], p["radius_grupo_reducao"],
                   p["velocidade_reducao"], p["radius_grupo_bloqueio"], p["radius_pool_bloqueio"],
                   p["radius_atributo_lista"], p["radius_lista_bloqueio"], p["radius_mensagem_bloqueio"],
                   p["radius_grupo_cancelado"])


@dataclass(frozen=True)
class GroupDef:
    """A group's check and reply attributes."""

    check: tuple[Attr, ...]
    reply: tuple[Attr, ...]


@dataclass(frozen=True)
class UserState:
    """What one login gets: its group and its own managed check / reply attributes."""

    group: str
    check: tuple[Attr, ...]
    reply: tuple[Attr, ...]


@dataclass(frozen=True)
class _Row:
    contract_id: uuid.UUID
    login: str
    fixed_ip: str | None
    mac: str | None
    status: str
    access_status: str
    plan_code: str
    down: int
    up: int


def plan_group(s: Settings, plan_code: str) -> str:
    """The group of a plan (prefix + code)."""
    return f"{s.plan_prefix}{plan_code}"


def desired(s: Settings, r: _Row) -> tuple[UserState, str, GroupDef]:
    """The user's state, and its group's name and definition."""
    check: list[Attr] = []
    reply: list[Attr] = []
    if r.mac:
        check.append(("Calling-Station-Id", "==", r.mac))
    if r.status in CLOSED:
        check.append(("Auth-Type", ":=", "Reject"))
        group, gdef = s.cancelled_group, GroupDef((), ())
    elif r.access_status == AccessStatus.BLOQUEADO.value:
        group = s.blocked_group
        gdef = GroupDef((), ((s.list_attribute, ":=", s.blocked_list), ("Framed-Pool", ":=", s.blocked_pool),
                             ("Reply-Message", ":=", s.blocked_message)))
    elif r.access_status == AccessStatus.REDUZIDO.value:
        group, gdef = s.reduced_group, GroupDef((), ((s.rate_attribute, ":=", s.reduced_rate),))
        if r.fixed_ip:
            reply.append(("Framed-IP-Address", ":=", r.fixed_ip))
    else:
        group, gdef = plan_group(s, r.plan_code), GroupDef((), ((s.rate_attribute, ":=", rate_limit(r.down, r.up)),))
        if r.fixed_ip:
            reply.append(("Framed-IP-Address", ":=", r.fixed_ip))
    return UserState(group, tuple(sorted(check)), tuple(sorted(reply))), group, gdef


def available(session: Session) -> bool:
    """True when the rlm_sql tables exist in this database (checked once per transaction)."""
    key = "radius_tables_present"
    if key not in session.info:
        session.info[key] = rt.present(session.connection())
    return bool(session.info[key])


def tables(session: Session) -> rt.RadiusTables:
    """The Core tables of this session's database."""
    return rt.tables_for(session.get_bind().dialect.name)


def require_tables(session: Session) -> rt.RadiusTables:
    """The tables, or a `BusinessRuleError` saying how to create them."""
    if not available(session):
        raise BusinessRuleError(NO_TABLES)
    return tables(session)


def _rows(session: Session, where: Any, order_limit: int | None = None) -> list[_Row]:
    n = ContractNetwork
    stmt = (select(Contract.id, n.login, n.fixed_ip, n.mac, Contract.status, Contract.access_status, Plan.code,
                   Plan.download_mbps, Plan.upload_mbps)
            .select_from(n).join(Contract, Contract.id == n.contract_id).join(Plan, Plan.id == Contract.plan_id)
            .where(where))
    if order_limit is not None:
        stmt = stmt.order_by(n.login).limit(order_limit)
    return [_Row(*row) for row in session.execute(stmt).tuples()]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def provision_in(uow: UnitOfWork, contract_ids: Iterable[uuid.UUID]) -> list[str]:
    """Make the RADIUS rows of `contract_ids` match the contracts (no commit); the logins changed.

    Nothing happens when the tables are absent or a contract has no network login. The changed logins
    are queued for a CoA after the commit.
    """
    session = uow.session
    ids = list(dict.fromkeys(contract_ids))
    if not ids or not available(session):
        return []
    session.flush()
    s = Settings.load(session)
    changed: list[tuple[str, str, str]] = []
    for chunk in _chunks(ids, 1000):
        changed += _apply(session, s, _rows(session, ContractNetwork.contract_id.in_(chunk)))
    if changed:
        from ispdesk.services import radius_coa

        radius_coa.after_commit(session, changed)
    return [login for login, _, _ in changed]


def _apply(session: Session, s: Settings, rows: Sequence[_Row],
           bounds: tuple[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Write the differences for `rows`; return (login, group before, group after) of the changed ones.

    `bounds` (first, last login of a sorted batch): read the current rows by range instead of by list.
    """
    if not rows:
        return []
    t = tables(session)
    want: dict[str, UserState] = {}
    groups: dict[str, GroupDef] = {}
    for r in rows:
        state, group, gdef = desired(s, r)
        want[r.login] = state
        groups[group] = gdef
    _ensure_groups(session, t, groups)
    have = _current(session, t, list(want), bounds)
    changed = [login for login, state in want.items() if have.get(login) != state]
    if not changed:
        return []
    for chunk in _chunks([u for u in changed if u in have], 1000):  # a new user has nothing to delete
        session.execute(delete(t.radusergroup).where(t.radusergroup.c.username.in_(chunk)))
        session.execute(delete(t.radcheck).where(t.radcheck.c.username.in_(chunk),
                                                 t.radcheck.c.attribute.in_(MANAGED_CHECK)))
        session.execute(delete(t.radreply).where(t.radreply.c.username.in_(chunk),
                                                 t.radreply.c.attribute.in_(MANAGED_REPLY)))
    session.execute(insert(t.radusergroup), [{"username": u, "groupname": want[u].group, "priority": 1}
                                             for u in changed])
    checks = [{"username": u, "attribute": a, "op": o, "value": v} for u in changed for a, o, v in want[u].check]
    replies = [{"username": u, "attribute": a, "op": o, "value": v} for u in changed for a, o, v in want[u].reply]
    if checks:
        session.execute(insert(t.radcheck), checks)
    if replies:
        session.execute(insert(t.radreply), replies)
    return [(u, have[u].group if u in have else "", want[u].group) for u in changed]


def _current(session: Session, t: rt.RadiusTables, logins: Sequence[str],
             bounds: tuple[str, str] | None = None) -> dict[str, UserState]:
    groups: dict[str, str] = {}
    check: dict[str, list[Attr]] = {}
    reply: dict[str, list[Attr]] = {}
    wanted = set(logins)

    def who(column: Any, chunk: Sequence[str]) -> Any:
        return column.between(*bounds) if bounds is not None else column.in_(chunk)

    for chunk in ([logins] if bounds is not None else list(_chunks(logins, 1000))):
        for user, group in session.execute(select(t.radusergroup.c.username, t.radusergroup.c.groupname)
                                           .where(who(t.radusergroup.c.username, chunk))).tuples():
            if user in wanted:
                groups[user] = group if user not in groups else groups[user] + "\n" + group  # two groups: differs
        for table, attrs, into in ((t.radcheck, MANAGED_CHECK, check), (t.radreply, MANAGED_REPLY, reply)):
            for user, a, o, v in session.execute(
                    select(table.c.username, table.c.attribute, table.c.op, table.c.value)
                    .where(who(table.c.username, chunk), table.c.attribute.in_(attrs))).tuples():
                if user in wanted:
                    into.setdefault(user, []).append((a, o, v))
    return {u: UserState(groups.get(u, ""), tuple(sorted(check.get(u, []))), tuple(sorted(reply.get(u, []))))
            for u in (groups.keys() | check.keys() | reply.keys())}


def _ensure_groups(session: Session, t: rt.RadiusTables, groups: dict[str, GroupDef]) -> None:
    """Write the definition of `groups` where it differs (cached per transaction)."""
    cache: dict[str, GroupDef] = session.info.setdefault("radius_groups_ok", {})
    todo = {g: d for g, d in groups.items() if cache.get(g) != d}
    if not todo:
        return
    have: dict[str, tuple[list[Attr], list[Attr]]] = {g: ([], []) for g in todo}
    for index, table in ((0, t.radgroupcheck), (1, t.radgroupreply)):
        for g, a, o, v in session.execute(select(table.c.groupname, table.c.attribute, table.c.op, table.c.value)
                                          .where(table.c.groupname.in_(list(todo)))).tuples():
            have[g][index].append((a, o, v))
    for g, d in todo.items():
        check, reply = have[g]
        if (tuple(sorted(check)), tuple(sorted(reply))) != (tuple(sorted(d.check)), tuple(sorted(d.reply))):
            _write_group(session, t, g, d)
        cache[g] = d


def _write_group(session: Session, t: rt.RadiusTables, group: str, d: GroupDef) -> None:
    for table, attrs in ((t.radgroupcheck, d.check), (t.radgroupreply, d.reply)):
        session.execute(delete(table).where(table.c.groupname == group))
        if attrs:
            session.execute(insert(table), [{"groupname": group, "attribute": a, "op": o, "value": v}
                                            for a, o, v in attrs])


# --- reconcile and inspect ------------------------------------------------------------------

@dataclass(frozen=True)
class SyncResult:
    """What `sync` did: users looked at, and the (login, group before, group after) it changed."""

    users: int
    changed: list[tuple[str, str, str]]

    def lines(self, shown: int | None = None) -> list[str]:
        """One line per change, then ``radius: N usuários, N alterados``."""
        items = self.changed if shown is None else self.changed[:shown]
        out = [f"{login}: {before or '(sem grupo)'} → {after}" for login, before, after in items]
        if shown is not None and len(self.changed) > shown:
            out.append(f"… e mais {len(self.changed) - shown} alterados")
        out.append(f"radius: {self.users} usuários, {len(self.changed)} alterados")
        return out


def sync(uow: UnitOfWork) -> SyncResult:
    """Reconcile every contract with a network login (idempotent); commit per batch."""
    uow.require(Permission.NETWORK_ADMIN)
    users, changed = 0, []
    last = ""
    with uow:
        require_tables(uow.session)
        s = Settings.load(uow.session)
        while True:
            rows = _rows(uow.session, ContractNetwork.login > last, order_limit=BATCH)
            if not rows:
                break
            first, last = rows[0].login, rows[-1].login
            users += len(rows)
            done = _apply(uow.session, s, rows, (first, last))
            changed += done
            if done:
                from ispdesk.services import radius_coa

                radius_coa.after_commit(uow.session, done)
            uow.commit()
    return SyncResult(users, changed)


@dataclass(frozen=True)
class StatusView:
    """What FreeRADIUS will answer for a login: its group and the attributes that apply."""

    login: str
    group: str
    check: list[Attr]
    reply: list[Attr]

    def lines(self) -> list[str]:
        """``grupo: G``, then one ``Attribute op value`` line per check and reply attribute."""
        return [f"grupo: {self.group or '(nenhum)'}", *(f"{a} {o} {v}" for a, o, v in (*self.check, *self.reply))]


def status(uow: UnitOfWork, login: str) -> StatusView:
    """The RADIUS view of `login` (the password shown as ``••••••`` unless the actor may see it)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return status_in(uow, login)


def status_in(uow: UnitOfWork, login: str) -> StatusView:
    """`status` inside an open unit of work."""
    session = uow.session
    t = require_tables(session)
    groups = list(session.scalars(select(t.radusergroup.c.groupname).where(t.radusergroup.c.username == login)
                                  .order_by(t.radusergroup.c.priority)))
    if not groups and session.scalar(select(t.radcheck.c.id).where(t.radcheck.c.username == login).limit(1)) is None:
        raise NotFound(f"O login de rede “{login}” não está no FreeRADIUS. Confira o login no contrato ou rode "
                       "`ispdesk radius sync`.")
    show = uow.actor.can(Permission.NETWORK_PASSWORD_VIEW)

    def attrs(table: Table, key: str, values: list[str]) -> list[Attr]:
        rows = session.execute(select(table.c.attribute, table.c.op, table.c.value)
                               .where(getattr(table.c, key).in_(values)).order_by(table.c.id)).tuples()
        return [(a, o, v if a != PASSWORD or show else "••••••") for a, o, v in rows]

    check = attrs(t.radcheck, "username", [login]) + attrs(t.radgroupcheck, "groupname", groups)
    reply = attrs(t.radreply, "username", [login]) + attrs(t.radgroupreply, "groupname", groups)
    return StatusView(login, ", ".join(groups), check, reply)


def create_schema(uow: UnitOfWork) -> list[str]:
    """``ispdesk radius schema``: create the missing rlm_sql tables; the names created (empty: all there)."""
    uow.require(Permission.NETWORK_ADMIN)
    with uow:
        created = rt.create(uow.session.connection())
        uow.commit()
    return created


def logins_key_taken(session: Session, key: str, except_contract: uuid.UUID | None) -> str | None:
    """The login already using `key` (case-insensitive) on another contract, else None."""
    row = session.execute(select(ContractNetwork.login, ContractNetwork.contract_id)
                          .where(ContractNetwork.login_key == login_key(key))).first()
    if row is None or row[1] == except_contract:
        return None
    return str(row[0])


__all__ = ["Settings", "StatusView", "SyncResult", "available", "create_schema", "provision_in", "status",
           "sync"]
