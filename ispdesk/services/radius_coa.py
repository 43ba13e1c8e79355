"""Changes apply now: after the commit, a CoA or Disconnect request to the NAS of each open session.

`after_commit(session, changed)` queues the logins whose RADIUS answer changed; when that session
commits, a background thread (never the desk's) reads each login's open session in ``radacct``
(``acctstoptime`` null, the newest), finds its NAS in ``nas`` (secret, CoA port in ``ports``,
3799 when empty), and sends:

- a **Disconnect-Request** when the user is now rejected, enters or leaves the blocked group (the
  pool and address list are given at login, so the session must start again), or the NAS type is not
  ``mikrotik``;
- a **CoA-Request** with the new ``Mikrotik-Rate-Limit`` otherwise (plan change, reduction, restore).

Each request is retried (``radius_coa_tentativas`` × ``radius_coa_espera_segundos``) and its
outcome stored in ``radius_requests`` and logged (never the secret). A rollback drops the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from ispdesk.adapters.radius import packet
from ispdesk.adapters.radius import tables as rt
from ispdesk.db.models import RadiusRequestLog
from ispdesk.domain.ids import uuid7
from ispdesk.domain.statuses import RadiusRequestKind, RadiusRequestResult
from ispdesk.domain.wording import plural
from ispdesk.services import parameters as params_service

log = logging.getLogger("ispdesk.radius")
_KEY = "radius_coa_queue"
_threads: list[threading.Thread] = []
_lock = threading.Lock()


@dataclass(frozen=True)
class _Job:
    login: str
    before: str
    after: str


@dataclass(frozen=True)
class _Config:
    attempts: int
    timeout: float
    rate_attribute: str
    blocked_group: str
    cancelled_group: str


def after_commit(session: Session, changed: Sequence[tuple[str, str, str]]) -> None:
    """Queue CoA/Disconnect for `changed` (login, group before, group after) until `session` commits."""
    queue: list[_Job] | None = session.info.get(_KEY)
    if queue is None:
        queue = session.info[_KEY] = []
        p = params_service.load(session)
        session.info[_KEY + "_config"] = _Config(p["radius_coa_tentativas"], float(p["radius_coa_espera_segundos"]),
                                                 p["radius_atributo_velocidade"], p["radius_grupo_bloqueio"],
                                                 p["radius_grupo_cancelado"])
        event.listen(session, "after_commit", _on_commit)
        event.listen(session, "after_rollback", _on_rollback)
    queue.extend(_Job(*c) for c in changed)


def _on_rollback(session: Session) -> None:
    session.info.get(_KEY, []).clear()


def _on_commit(session: Session) -> None:
    jobs: list[_Job] = list(session.info.get(_KEY, []))
    session.info.get(_KEY, []).clear()
    if not jobs:
        return
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    config: _Config = session.info[_KEY + "_config"]
    thread = threading.Thread(target=_run, args=(engine, config, jobs), name="radius-coa")
    with _lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait for the requests in flight (tests, and the CLI before it exits); True when none is left."""
    with _lock:
        pending = list(_threads)
    for t in pending:
        t.join(timeout)
    return not any(t.is_alive() for t in pending)


def _run(engine: Engine, config: _Config, jobs: list[_Job]) -> None:
    try:
        _send_all(engine, config, jobs)
    except Exception:  # a lost NAS or database must never reach the desk
        log.exception("radius: falha ao enviar CoA/Disconnect")


def _send_all(engine: Engine, config: _Config, jobs: list[_Job]) -> None:
    t = rt.tables_for(engine.dialect.name)
    by_login = {j.login: j for j in jobs}
    with engine.connect() as conn:
        sessions = {}
        for i in range(0, len(jobs), 1000):
            chunk = [j.login for j in jobs[i:i + 1000]]
            rows = conn.execute(select(t.radacct.c.username, t.radacct.c.acctsessionid, t.radacct.c.nasipaddress,
                                       t.radacct.c.framedipaddress)
                                .where(t.radacct.c.username.in_(chunk), t.radacct.c.acctstoptime.is_(None))
                                .order_by(t.radacct.c.acctstarttime)).tuples()
            for user, sid, nas_ip, framed in rows:
                sessions[user] = (sid, str(nas_ip), str(framed) if framed else None)
        if not sessions:
            return
        nases = {str(n): (secret, port or 3799, (kind or "").lower()) for n, secret, port, kind in conn.execute(
            select(t.nas.c.nasname, t.nas.c.secret, t.nas.c.ports, t.nas.c.type)).tuples()}
        rates = {g: v for g, a, v in conn.execute(select(t.radgroupreply.c.groupname, t.radgroupreply.c.attribute,
                                                          t.radgroupreply.c.value)
                                                   .where(t.radgroupreply.c.attribute == config.rate_attribute))}
        conn.rollback()
    logs = []
    for login, (sid, nas_ip, _framed) in sessions.items():
        job = by_login[login]
        nas = nases.get(nas_ip)
        at = datetime.now(UTC)
        if nas is None:
            log.warning("radius: %s está em sessão no NAS %s, que não está cadastrado; CoA não enviado", login, nas_ip)
            logs.append(_log(login, RadiusRequestKind.COA, nas_ip, at,
                             packet.Outcome(RadiusRequestResult.SEM_NAS, 0, "NAS não cadastrado")))
            continue
        secret, port, kind = nas
        attrs = packet.attribute(packet.USER_NAME, login.encode()) + packet.attribute(
            packet.ACCT_SESSION_ID, (sid or "").encode())
        disconnect = (kind != "mikrotik" or job.after in (config.blocked_group, config.cancelled_group)
                      or job.before == config.blocked_group or job.after not in rates)
        if disconnect:
            code, kind_name = packet.DISCONNECT_REQUEST, RadiusRequestKind.DISCONNECT
        else:
            code, kind_name = packet.COA_REQUEST, RadiusRequestKind.COA
            attrs += packet.vendor_attribute(packet.MIKROTIK, packet.MIKROTIK_ATTRS["Mikrotik-Rate-Limit"],
                                             rates[job.after].encode())
        outcome = packet.send(nas_ip, int(port), secret, code, attrs, config.attempts, config.timeout)
        level = logging.INFO if outcome.result == RadiusRequestResult.ACK else logging.WARNING
        log.log(level, "radius: %s para %s no NAS %s:%s: %s após %s %s", kind_name, login, nas_ip, port,
                outcome.result, plural(outcome.attempts, "tentativa", "tentativas"), outcome.detail)
        logs.append(_log(login, kind_name, nas_ip, at, outcome))
    with engine.begin() as conn:
        conn.execute(insert(RadiusRequestLog), logs)


def _log(login: str, kind: str, nas_ip: str, at: datetime, outcome: packet.Outcome) -> dict[str, object]:
    return {"id": uuid7(), "login": login, "kind": kind, "nas_ip": nas_ip, "at": at, "attempts": outcome.attempts,
            "result": outcome.result, "detail": outcome.detail[:300]}
