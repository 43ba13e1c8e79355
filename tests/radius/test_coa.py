"""CoA / Disconnect after the commit to the NAS of the open session; a silent NAS is retried and logged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from ispdesk.db.models import RadiusRequestLog
from ispdesk.domain.clock import FixedClock
from ispdesk.services import access, network, radius, radius_coa
from ispdesk.services import parameters as params_service
from tests.radius.fake_nas import FakeNas
from tests.radius.helpers import Uow, contract_with_login, with_tables


@pytest.fixture
def nas() -> Iterator[FakeNas]:
    server = FakeNas("segredo-do-bng")
    yield server
    server.close()


def open_session(uow: Uow, login: str, sid: str = "81a00001") -> None:
    with uow() as u:
        t = radius.tables(u.session)
        u.session.execute(insert(t.radacct).values(acctsessionid=sid, acctuniqueid=f"u-{sid}", username=login,
                                                   nasipaddress="127.0.0.1", acctstarttime=datetime.now(UTC)))
        u.commit()


def logs(uow: Uow) -> list[RadiusRequestLog]:
    with uow() as u:
        return list(u.session.scalars(select(RadiusRequestLog).order_by(RadiusRequestLog.at)))


def walk(uow: Uow, clock: FixedClock, *days: date) -> None:
    for day in days:
        clock.day = day
        access.run_suspension(uow(), day)
        assert radius_coa.wait_idle(30)


def test_reduction_sends_coa_with_the_rate_and_block_sends_disconnect(uow: Uow, clock: FixedClock,
                                                                       nas: FakeNas) -> None:
    with_tables(uow)
    network.add_nas(uow(), "bng-teste", "127.0.0.1", "segredo-do-bng", nas.port, "mikrotik")
    contract_with_login(uow, "coa.cliente")
    open_session(uow, "coa.cliente")
    walk(uow, clock, date(2026, 9, 11), date(2026, 9, 26))
    assert nas.received == [{"code": 43, "valid": True, "user": "coa.cliente", "session": "81a00001",
                             "vendor": {(14988, 8): b"1M/2M"}}]
    walk(uow, clock, date(2026, 10, 11))
    assert [(r["code"], r["valid"], r["user"]) for r in nas.received[1:]] == [(40, True, "coa.cliente")]
    assert [(r.kind, r.result, r.attempts) for r in logs(uow)] == [("coa", "ack", 1), ("disconnect", "ack", 1)]
    shown = network.identity(uow(), _number(uow, "coa.cliente"))
    assert shown is not None and shown.last_request.startswith("Disconnect aceito pelo NAS 127.0.0.1")


def _number(uow: Uow, login: str) -> int:
    from ispdesk.db.models import Contract, ContractNetwork

    with uow() as u:
        return int(u.session.scalar(select(Contract.number).join(ContractNetwork,
                                                                 ContractNetwork.contract_id == Contract.id)
                                    .where(ContractNetwork.login == login)))


def test_a_silent_nas_is_retried_and_logged_without_blocking_the_desk(uow: Uow, clock: FixedClock) -> None:
    silent = FakeNas("segredo-do-bng", answer=False)
    try:
        params_service.update(uow(), {"radius_coa_tentativas": 3, "radius_coa_espera_segundos": 1})
        with_tables(uow)
        network.add_nas(uow(), "bng-mudo", "127.0.0.1", "segredo-do-bng", silent.port, "mikrotik")
        contract_with_login(uow, "mudo.cliente")
        open_session(uow, "mudo.cliente")
        clock.day = date(2026, 9, 11)
        access.run_suspension(uow(), clock.day)
        clock.day = date(2026, 9, 26)
        started = time.monotonic()
        access.run_suspension(uow(), clock.day)
        assert time.monotonic() - started < 2.5  # the desk does not wait for the NAS (3 × 1 s)
        assert radius.status(uow(), "mudo.cliente").group == "reduzido"
        assert radius_coa.wait_idle(30)
        assert len(silent.received) == 3
        assert [(r.kind, r.result, r.attempts) for r in logs(uow)] == [("coa", "sem_resposta", 3)]
    finally:
        silent.close()


def test_a_wrong_secret_is_not_accepted(uow: Uow, clock: FixedClock, nas: FakeNas) -> None:
    params_service.update(uow(), {"radius_coa_tentativas": 1, "radius_coa_espera_segundos": 1})
    with_tables(uow)
    network.add_nas(uow(), "bng-teste", "127.0.0.1", "segredo-errado", nas.port, "mikrotik")
    contract_with_login(uow, "seg.cliente")
    open_session(uow, "seg.cliente")
    walk(uow, clock, date(2026, 9, 11), date(2026, 9, 26))
    assert [r["valid"] for r in nas.received] == [False]
    assert [(r.kind, r.result) for r in logs(uow)] == [("coa", "sem_resposta")]
