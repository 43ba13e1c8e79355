"""Properties of the routine on real databases: a second run changes nothing; the SQL pre-filter misses nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import AccessEvent, Charge, Contract, Notice, SuspensionPeriod
from ispdesk.domain.access import AccessStatus, LadderParams
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import access
from ispdesk.services.uow import UnitOfWork
from tests.factories import NOW, make_charge, make_contract

BASE = date(2027, 1, 1)
_example = itertools.count()

offset = st.integers(-130, 10)
contract_st = st.fixed_dictionaries({
    "dues": st.lists(st.integers(-130, 5), max_size=3),
    "status": st.sampled_from(list(AccessStatus)),
    "until": st.none() | offset,
    "notice": st.none() | st.integers(-130, 0),
    "no_block": st.none() | offset,
    "exempt": st.booleans(),
    "blocked_since": st.none() | st.integers(-130, 0),
})


def _arrange(uow: Callable[..., UnitOfWork], on: date, specs: list[dict[str, Any]]) -> list[Any]:
    ids = []
    with uow() as u:
        s = u.session
        for spec in specs:
            day = lambda n: None if n is None else on + timedelta(days=n)  # noqa: E731
            contract = make_contract(
                s, activated_on=on - timedelta(days=400), access_status=spec["status"].value,
                access_until=day(spec["until"]), no_block_until=day(spec["no_block"]), block_exempt=spec["exempt"])
            charges = [make_charge(s, contract, on + timedelta(days=d), period_start=on + timedelta(days=d - 31 + i),
                                   period_end=on + timedelta(days=d - 1 + i))
                       for i, d in enumerate(sorted(set(spec["dues"])))]
            if spec["notice"] is not None and charges:
                s.add(Notice(contract_id=contract.id, charge_id=charges[0].id, notice_date=day(spec["notice"]),
                             amount=Decimal("99.90"), reference_month="01/2027", suspension_date=on,
                             rescission_date=on, text="aviso", created_at=NOW))
            if spec["blocked_since"] is not None and spec["status"] is AccessStatus.BLOQUEADO:
                s.add(SuspensionPeriod(contract_id=contract.id, start_date=day(spec["blocked_since"])))
            ids.append(contract.id)
        u.commit()
    return ids


def _snapshot(uow: Callable[..., UnitOfWork], ids: list[Any]) -> Any:
    with uow() as u:
        s = u.session
        return (
            sorted(s.execute(select(Contract.id, Contract.status, Contract.access_status, Contract.access_until,
                                    Contract.version, Contract.trust_restriction_lifted)
                             .where(Contract.id.in_(ids))).all()),
            sorted(s.execute(select(Notice.contract_id, Notice.notice_date).where(Notice.contract_id.in_(ids))).all()),
            sorted(s.execute(select(AccessEvent.contract_id, AccessEvent.on_date, AccessEvent.to_status,
                                    AccessEvent.cause).where(AccessEvent.contract_id.in_(ids))).all()),
            sorted(s.execute(select(SuspensionPeriod.contract_id, SuspensionPeriod.start_date,
                                    SuspensionPeriod.end_date).where(SuspensionPeriod.contract_id.in_(ids))).all(),
                   key=str),
            sorted(s.execute(select(Charge.id, Charge.status, Charge.amount).where(Charge.contract_id.in_(ids))).all()),
        )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(contract_st, min_size=1, max_size=5))
def test_second_run_for_the_same_date_changes_nothing(
    uow: Callable[..., UnitOfWork], clock: FixedClock, specs: list[dict[str, Any]]
) -> None:
    on = BASE + timedelta(days=400 * next(_example))
    clock.day = on
    ids = _arrange(uow, on, specs)
    first = access.run_suspension(uow(), on)
    before = _snapshot(uow, ids)
    second = access.run_suspension(uow(), on)
    # a rescission the rules refused (say, a contract of an earlier example with a backlog over the
    # 36-cycle cap) is refused again and reported again; nothing else happens
    done = {k: v for k, v in second.counts.items() if k != "falhas"}
    assert done == dict.fromkeys(done, 0), (first.counts, second.counts)
    assert set(second.failures) <= set(first.failures), (first.failures, second.failures)
    assert second.counts["falhas"] == len(second.failures)
    assert _snapshot(uow, ids) == before


ladder_st = st.builds(
    LadderParams, dias_aviso=st.integers(0, 20), reducao_habilitada=st.booleans(),
    dias_reducao=st.integers(0, 60), dias_bloqueio=st.integers(0, 90), dias_rescisao=st.integers(0, 150))
closed_st = st.lists(st.sampled_from([ContractStatus.ATIVO, ContractStatus.CANCELADO, ContractStatus.NEGATIVADO]),
                     min_size=5, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(contract_st, min_size=1, max_size=5), ladder_st, closed_st)
def test_the_sql_prefilter_selects_every_contract_the_ladder_acts_on(
    uow: Callable[..., UnitOfWork], clock: FixedClock, specs: list[dict[str, Any]], params: LadderParams,
    statuses: list[ContractStatus],
) -> None:
    """`_candidate_queries` is a superset of what `domain.access.next_step` decides, for any ladder."""
    on = BASE + timedelta(days=400 * next(_example))
    clock.day = on
    ids = _arrange(uow, on, specs)
    with uow() as u:
        for contract_id, status in zip(ids, statuses, strict=False):
            if status is not ContractStatus.ATIVO:
                contract = u.session.get(Contract, contract_id)
                contract.status, contract.cancelled_on = status, on - timedelta(days=3)
        u.commit()
    with uow() as u:
        candidates = {row[0] for query in access._candidate_queries(on, params)
                      for row in u.session.execute(query)}
        items = access._load_items(u.session, ids, on, lock=False)
        result = access.SuspensionResult(on)
        _, decided = access._plan_batch(items, on, params, {}, NOW, "", result, write=False)
    missed = {item.number for item, _ in decided if item.contract_id not in candidates}
    assert not missed, (params, missed, [(i.number, step) for i, step in decided])
