"""Races between two stations become the documented conflict, never a raw exception (issue 11, item 6).

Two real threads load the same row, meet at a barrier right before their first flush (so both
decided on the same version) and write; one wins, the other gets `ConflictError` in Portuguese.
Both databases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ispdesk.db.models import Charge, Payment
from ispdesk.domain.errors import ConflictError
from ispdesk.services import contracts, payments, plans
from tests.factories import make_charge, make_contract
from tests.services.billing_helpers import arrange


@pytest.fixture
def meet_before_flush() -> Iterator[set[threading.Thread]]:
    """Threads added to the yielded set wait for each other before their first flush."""
    racers: set[threading.Thread] = set()
    barrier = threading.Barrier(2, timeout=20)
    flushed: set[threading.Thread] = set()

    def before_flush(session: Session, context: Any, instances: Any) -> None:
        me = threading.current_thread()
        if me in racers and me not in flushed:
            flushed.add(me)
            barrier.wait()

    event.listen(Session, "before_flush", before_flush)
    yield racers
    event.remove(Session, "before_flush", before_flush)


def _race(racers: set[threading.Thread], action: Callable[[int], Any]) -> list[Any]:
    outcomes: list[Any] = [None, None]

    def run(k: int) -> None:
        try:
            outcomes[k] = action(k)
        except Exception as exc:  # noqa: BLE001 - the test inspects what came out
            outcomes[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    racers.update(threads)
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _one_wins(outcomes: list[Any]) -> ConflictError:
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    others = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ConflictError)]
    assert not others, others
    assert len(conflicts) == 1, outcomes
    return conflicts[0]


def test_concurrent_contract_edits(uow, meet_before_flush) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s))
    version = contracts.get_contract(uow(), c.id).version
    outcomes = _race(meet_before_flush, lambda k: contracts.update_contract(
        uow(), c.id, {"notes": f"observação da estação {k}"}, version))
    conflict = _one_wins(outcomes)
    assert f"contrato {c.number} foi alterado por outra pessoa" in conflict.message
    assert any("observação" in line or "alterado" in line for line in conflict.changes)


def test_double_payment_of_one_charge(uow, meet_before_flush) -> None:  # noqa: ANN001
    def build(s):  # noqa: ANN001, ANN202
        contract = make_contract(s)
        return make_charge(s, contract, date(2026, 2, 10), period_start=date(2026, 1, 10),
                           period_end=date(2026, 2, 9))

    charge = arrange(uow, build)
    outcomes = _race(meet_before_flush, lambda k: payments.record_payment(
        uow(), charge.id, Decimal("99.90"), date(2026, 2, 10)))
    conflict = _one_wins(outcomes)
    assert "ao mesmo tempo" in conflict.message and "não foi gravado" in conflict.message
    with uow() as u:
        paid = u.session.scalar(select(Charge.paid_amount).where(Charge.id == charge.id))
        count = u.session.scalar(select(func.count()).select_from(Payment).where(Payment.charge_id == charge.id))
    assert (paid, count) == (Decimal("99.90"), 1)


def test_concurrent_plan_edits_get_the_generic_conflict(uow, meet_before_flush) -> None:  # noqa: ANN001
    c = arrange(uow, lambda s: make_contract(s))
    plan_id = c.plan_id
    with uow() as u:
        from ispdesk.db.models import Plan

        version = u.session.get(Plan, plan_id).version
    outcomes = _race(meet_before_flush, lambda k: plans.update_plan(uow(), plan_id, {"name": f"Fibra {k}"}, version))
    conflict = _one_wins(outcomes)
    assert "plano" in conflict.message and "refaça" in conflict.message
