"""Issue 11 item 2: the suspension routine never overwrites what happens while it runs.

Real threads, each unit of work its own connection, on SQLite and PostgreSQL. The routine is held
inside its batch (after writing its status changes, before committing) while other threads pay the
overdue charges of some contracts and exempt others from blocking. Afterwards every contract's
access status agrees with its debt, its access history is an unbroken chain ending in the stored
status, and its suspension periods agree with that history.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import AccessEvent, Charge, Contract, SuspensionPeriod
from ispdesk.domain.access import AccessStatus, Cause
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import LateRates, updated_amount
from ispdesk.services import access, hooks
from ispdesk.services.payments import record_payment
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract

Uow = Callable[..., UnitOfWork]
V = date(2026, 9, 10)
BLOCK_DAY = date(2026, 10, 11)
CONTRACTS = 30
#: What settles a R$ 99,90 charge due 10/09 (a Thursday) on 11/10: principal + 2 % multa + 31 days of 1 %/month juros.
SETTLES = updated_amount(Decimal("99.90"), Decimal(0), Decimal(0), V, BLOCK_DAY, LateRates()).total


def _refused(exc: BaseException) -> bool:
    """A concurrent write refused cleanly (no partial effect): a conflict or a lock wait that gave up."""
    text = f"{type(exc).__name__} {exc}"
    return isinstance(exc, BusinessRuleError) or any(
        s in text for s in ("StaleData", "database is locked", "could not serialize", "deadlock"))


def _setup(uow: Uow, clock: FixedClock) -> list[int]:
    with uow() as u:
        numbers = []
        for _ in range(CONTRACTS):
            contract = make_contract(u.session)
            make_charge(u.session, contract, V, kind="avulsa", description="Instalação")
            numbers.append(contract.number)
        u.commit()
    for day in (date(2026, 9, 11), date(2026, 9, 26)):  # notice, then reduction
        clock.day = day
        access.run_suspension(uow(), day)
    clock.day = BLOCK_DAY
    return numbers


def _check(uow: Uow) -> dict[int, tuple[str, bool, bool]]:
    """Per contract: (access status, debt paid, exempt); asserts the invariants."""
    out: dict[int, tuple[str, bool, bool]] = {}
    with uow() as u:
        s = u.session
        for contract in s.scalars(select(Contract)):
            open_debt = s.scalar(select(Charge.id).where(
                Charge.contract_id == contract.id, Charge.status == "aberta", Charge.due_date < BLOCK_DAY))
            chain = list(s.scalars(select(AccessEvent).where(AccessEvent.contract_id == contract.id)
                                   .order_by(AccessEvent.id)))
            status = AccessStatus.NORMAL.value
            for event in chain:
                assert event.from_status == status, (contract.number, [(e.from_status, e.to_status) for e in chain])
                status = event.to_status
            assert status == contract.access_status, (contract.number, status, contract.access_status)
            periods = s.execute(select(SuspensionPeriod.start_date, SuspensionPeriod.end_date)
                                .where(SuspensionPeriod.contract_id == contract.id)).all()
            still_open = [p for p in periods if p[1] is None]
            assert len(still_open) == (1 if contract.access_status == AccessStatus.BLOQUEADO else 0), (
                contract.number, contract.access_status, periods)
            if open_debt is None or contract.block_exempt:
                assert contract.access_status == AccessStatus.NORMAL, (contract.number, "sem débito ou isento",
                                                                       contract.access_status)
            else:
                assert contract.access_status == AccessStatus.BLOQUEADO, (contract.number, contract.access_status)
            out[contract.number] = (contract.access_status, open_debt is None, contract.block_exempt)
    return out


def test_routine_with_concurrent_payments_and_exemptions(uow: Uow, clock: FixedClock, attendant: Actor,
                                                         finance: Actor, db_url: str) -> None:
    numbers = _setup(uow, clock)
    with uow() as u:
        charge_of = dict(u.session.execute(select(Contract.number, Charge.id).join(
            Charge, Charge.contract_id == Contract.id)).tuples().all())
    routine = threading.current_thread
    holding = threading.Event()
    runner: list[threading.Thread] = []

    def hold(uow_: UnitOfWork, changes: list[Any]) -> None:
        if runner and routine() is runner[0] and any(c.cause == Cause.BLOQUEIO.value for c in changes):
            holding.set()
            threading.Event().wait(1.5)  # written, not committed: the others run now

    results: list[access.SuspensionResult] = []
    errors: list[BaseException] = []
    done: dict[int, str] = {}

    def run() -> None:
        try:
            results.append(access.run_suspension(uow(), BLOCK_DAY))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def pay(part: list[int]) -> None:
        holding.wait(10)
        for number in part:
            try:
                record_payment(uow(attendant), charge_of[number], SETTLES, BLOCK_DAY)
                done[number] = "pago"
            except Exception as exc:  # noqa: BLE001
                done[number] = "recusado" if _refused(exc) else "erro"
                if not _refused(exc):
                    errors.append(exc)

    def exempt(part: list[int]) -> None:
        holding.wait(10)
        for number in part:
            try:
                access.set_block_exemption(uow(finance), number, None, True, "cliente em negociação")
                done[number] = "isento"
            except Exception as exc:  # noqa: BLE001
                done[number] = "recusado" if _refused(exc) else "erro"
                if not _refused(exc):
                    errors.append(exc)

    hooks.ACCESS_CHANGED.append(hold)
    try:
        runner.append(threading.Thread(target=run))
        threads = [runner[0], threading.Thread(target=pay, args=(numbers[0::3],)),
                   threading.Thread(target=exempt, args=(numbers[1::3],))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
    finally:
        hooks.ACCESS_CHANGED.remove(hold)
    assert not errors, errors
    assert results and not results[0].interrupted
    final = _check(uow)
    for number in numbers:
        status, paid, exempt_ = final[number]
        if done.get(number) == "pago":
            assert paid and status == AccessStatus.NORMAL, (number, final[number])
        if done.get(number) == "isento":
            assert exempt_ and status == AccessStatus.NORMAL, (number, final[number])
    if db_url.startswith("postgresql"):  # the others waited for the routine's row locks, then went through
        assert {done[n] for n in numbers[0::3]} == {"pago"}
        assert {done[n] for n in numbers[1::3]} == {"isento"}


def test_writer_applies_only_to_the_status_it_was_given(uow: Uow, clock: FixedClock) -> None:
    """A status change decided on a state that is no longer stored is skipped and returned, not written."""
    numbers = _setup(uow, clock)
    with uow() as u:
        ids = dict(u.session.execute(select(Contract.number, Contract.id)).tuples().all())
        stale = access.StatusWrite(ids[numbers[0]], AccessStatus.NORMAL.value, AccessStatus.BLOQUEADO,
                                   Cause.BLOQUEIO, active=True)
        fresh = access.StatusWrite(ids[numbers[1]], AccessStatus.REDUZIDO.value, AccessStatus.BLOQUEADO,
                                   Cause.BLOQUEIO, active=True)
        skipped = access.write_status_changes(u, [stale, fresh], BLOCK_DAY)
        u.commit()
    assert skipped == [stale]
    with uow() as u:
        stored = dict(u.session.execute(select(Contract.number, Contract.access_status)).tuples().all())
        assert stored[numbers[0]] == AccessStatus.REDUZIDO and stored[numbers[1]] == AccessStatus.BLOQUEADO
        opened = u.session.scalars(select(SuspensionPeriod.contract_id).where(SuspensionPeriod.end_date.is_(None)))
        assert list(opened) == [ids[numbers[1]]]


def test_routine_batch_reports_a_skipped_change(uow: Uow, clock: FixedClock) -> None:
    """The routine's batch writer drops a stale change from its counts and names the contract."""
    numbers = _setup(uow, clock)
    result = access.SuspensionResult(BLOCK_DAY)
    with uow() as u:
        items = access._load_items(u.session, list(dict(u.session.execute(
            select(Contract.id, Contract.number)).tuples().all())), BLOCK_DAY, lock=True)
        by_number = {item.number: item for item in items}
        writes = access._Writes(statuses=[
            access.StatusWrite(by_number[n].contract_id, AccessStatus.NORMAL.value if n == numbers[0]
                               else AccessStatus.REDUZIDO.value, AccessStatus.BLOQUEADO, Cause.BLOQUEIO, active=True)
            for n in numbers[:3]])
        result.counts["bloqueio"] = 3
        access._flush_writes(u, writes, BLOCK_DAY, items, result)
        u.commit()
    assert result.counts["bloqueio"] == 2 and result.changed_meanwhile == [numbers[0]]
    assert f"1 contrato teve o acesso alterado por outra pessoa durante a rotina e ficou como estava: " \
           f"{numbers[0]}." in result.changed_meanwhile_text()
