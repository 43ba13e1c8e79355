"""Charge generation under bad data, concurrency and kills (issue 11, items 2, 4, 6 and 10), both databases.

Concurrency runs real threads (and a real killed process) against the real database; nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from ispdesk.cli.main import main
from ispdesk.db.models import Charge, Contract
from ispdesk.domain.clock import FixedClock
from ispdesk.services import cancellation, charges, customers
from ispdesk.services.uow import Actor, UnitOfWorkFactory
from tests.factories import make_contract, make_customer, make_plan
from tests.services.billing_helpers import arrange

UNTIL = date(2026, 3, 10)


def _many(uow, n: int) -> list[int]:  # noqa: ANN001
    """`n` active contracts activated on 10/01/2026 (two charges each up to `UNTIL`); their numbers."""

    def build(s):  # noqa: ANN001, ANN202
        plan = make_plan(s)
        customer = make_customer(s)
        return [make_contract(s, customer=customer, plan=plan, activated_on=date(2026, 1, 10)).number
                for _ in range(n)]

    return arrange(uow, build)


def _count(uow, number: int | None = None) -> int:  # noqa: ANN001
    with uow() as u:
        query = select(func.count()).select_from(Charge).join(Contract, Contract.id == Charge.contract_id)
        if number is not None:
            query = query.where(Contract.number == number)
        return int(u.session.scalar(query) or 0)


def _set_dates(db_url: str, number: int, day: date) -> None:
    """Write an impossible activation straight into the database (as an old import did)."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE contracts SET activated_on = :d, billing_base_date = :d WHERE number = :n"),
                     {"d": day, "n": number})
    engine.dispose()


# ------------------------------------------------------------------------------------ item 4: bad dates


def test_impossible_activation_is_skipped_and_reported_the_rest_is_billed(uow, db_url) -> None:  # noqa: ANN001
    good, year_one, year_1900 = _many(uow, 3)
    _set_dates(db_url, year_one, date(1, 1, 1))
    _set_dates(db_url, year_1900, date(1900, 1, 1))
    result = charges.generate_charges(uow(), UNTIL)
    assert (result.charges, result.contracts) == (2, 1)
    assert _count(uow, good) == 2 and _count(uow, year_one) == 0 and _count(uow, year_1900) == 0
    reasons = {s.number: s.reason for s in result.skipped}
    assert set(reasons) == {year_one, year_1900}
    assert "01/01/0001" in reasons[year_one] and "01/01/1900" in reasons[year_1900]
    assert "data de ativação" in reasons[year_1900] and "limite é 36" in reasons[year_1900]


def test_period_cap_per_run(uow) -> None:  # noqa: ANN001
    """36 cycles in one run is fine; 37 months of backlog is a data error, reported."""
    ok, too_old = arrange(uow, lambda s: (make_contract(s, activated_on=date(2023, 3, 10)),
                                          make_contract(s, activated_on=date(2023, 2, 10))))
    result = charges.generate_charges(uow(), UNTIL)
    assert _count(uow, ok.number) == 36 and _count(uow, too_old.number) == 0
    assert [s.number for s in result.skipped] == [too_old.number]


def test_cli_charges_reports_bad_contract_exit_1_and_fine_refuses(uow, db_url, capsys) -> None:  # noqa: ANN001
    good, bad = _many(uow, 2)
    _set_dates(db_url, bad, date(1, 1, 1))
    assert main(["--db", db_url, "tasks", "charges", "--until", "10/03/2026", "--date", "10/03/2026"]) == 1
    captured = capsys.readouterr()
    assert "2 cobranças geradas em 1 contrato" in captured.out
    assert f"contrato {bad}:" in captured.err and "01/01/0001" in captured.err
    assert main(["--db", db_url, "contracts", "fine", str(bad), "--date", "10/03/2026"]) == 2
    assert "01/01/0001" in capsys.readouterr().err
    assert main(["--db", db_url, "contracts", "fine", str(good), "--date", "10/03/2026"]) == 0


def test_cancellation_preview_of_bad_contract_is_a_message(uow, db_url) -> None:  # noqa: ANN001
    (bad,) = _many(uow, 1)
    _set_dates(db_url, bad, date(1, 1, 1))
    with uow() as u:
        contract_id = u.session.scalar(select(Contract.id).where(Contract.number == bad))
    with pytest.raises(charges.BusinessRuleError, match="01/01/0001"):
        cancellation.preview_cancellation(uow(), contract_id, None, UNTIL)


# ----------------------------------------------------------------- item 2: the state it decided on


def _hold_lock_then_change_value(db_url: str, number: int, started: threading.Event) -> threading.Thread:
    """Another station changes the contract's value and holds its lock 0.8 s before committing."""
    engine = create_engine(db_url)

    def run() -> None:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.execute(text("UPDATE contracts SET value = 15000, version = version + 1 WHERE number = :n"),
                         {"n": number})
            started.set()
            time.sleep(0.8)
            conn.commit()
        engine.dispose()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_generation_bills_the_value_it_read_under_the_lock(uow, db_url) -> None:  # noqa: ANN001
    """A value changed while the generation runs: the charge carries the committed value, never a stale one."""
    (number,) = _many(uow, 1)
    started = threading.Event()
    other = _hold_lock_then_change_value(db_url, number, started)
    assert started.wait(10)
    charges.generate_charges(uow(), date(2026, 2, 10))
    other.join()
    with uow() as u:
        amounts = list(u.session.scalars(select(Charge.amount).join(Contract, Contract.id == Charge.contract_id)
                                         .where(Contract.number == number)))
    assert amounts == [Decimal("150.00")]


def test_two_generations_at_once_both_succeed_without_duplicates(uow, monkeypatch) -> None:  # noqa: ANN001
    numbers = _many(uow, 240)
    monkeypatch.setattr(charges, "BATCH", 40)
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(charges.generate_charges(uow(), UNTIL))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(o, charges.GenerationResult) for o in outcomes), outcomes
    assert sum(o.charges for o in outcomes if isinstance(o, charges.GenerationResult)) == 2 * len(numbers)
    assert _count(uow) == 2 * len(numbers)


# ------------------------------------------------------------------ item 10: batches release the lock


def test_customer_created_by_another_station_during_a_charge_run(uow, factory, monkeypatch) -> None:  # noqa: ANN001
    numbers = _many(uow, 200)
    monkeypatch.setattr(charges, "BATCH", 25)
    monkeypatch.setattr(charges, "LOCK_WINDOW", 0.0, raising=False)
    created: dict[str, float] = {}
    errors: list[BaseException] = []

    def create() -> None:
        try:
            draft = customers.CustomerDraft(name="Cliente Concorrente", document="52998224725",
                                            email="concorrente@example.com", mobile="11987654321")
            customers.create_customer(factory(Actor.system()), draft)
            created["at"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    station = threading.Thread(target=create)

    def progress(done: int, total: int) -> bool:
        if not station.is_alive() and "at" not in created and not errors:
            station.start()
        time.sleep(0.15)  # each batch takes a while: the other station is waiting meanwhile
        return True

    result = charges.generate_charges(uow(), UNTIL, progress=progress)
    finished = time.monotonic()
    station.join()
    assert not errors, errors
    assert created["at"] < finished - 0.5, "the customer waited for the whole run"
    assert result.charges == 2 * len(numbers)


def test_killed_run_keeps_whole_batches_and_a_rerun_completes(uow, db_url) -> None:  # noqa: ANN001
    numbers = _many(uow, 120)
    script = (
        "import os, signal, sys\n"
        "from datetime import date\n"
        "from ispdesk.services import charges\n"
        "from ispdesk.services.bootstrap import open_database\n"
        "from ispdesk.services.uow import Actor\n"
        "charges.BATCH = 20\n"
        "seen = []\n"
        "def progress(done, total):\n"
        "    seen.append(done)\n"
        "    if len(seen) == 4:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return True\n"
        "charges.generate_charges(open_database(sys.argv[1])(Actor.system()), date(2026, 3, 10), progress)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", script, db_url], env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == -9, proc.stderr
    kept = _count(uow)
    assert kept == 3 * 20 * 2, "three whole batches stay (the fourth was killed before its commit)"
    result = charges.generate_charges(uow(), UNTIL)
    assert result.charges == 2 * len(numbers) - kept
    assert _count(uow) == 2 * len(numbers)
    assert charges.generate_charges(uow(), UNTIL).charges == 0


def test_lock_timeout_becomes_try_again(db_url, monkeypatch) -> None:  # noqa: ANN001
    """A write that cannot get the lock in time says "tente de novo" (service and command line)."""
    monkeypatch.setenv("ISPDESK_LOCK_TIMEOUT_S", "0.5")
    holder = create_engine(db_url)
    factory = UnitOfWorkFactory.from_url(db_url, FixedClock(date(2026, 11, 27)))
    try:
        with holder.connect() as conn:
            if holder.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.execute(text("UPDATE sequences SET next_value = next_value WHERE name = 'customer_code'"))
            draft = customers.CustomerDraft(name="Cliente Bloqueado", document="52998224725",
                                            email="bloqueado@example.com", mobile="11987654321")
            with pytest.raises(customers.BusinessRuleError, match="tente de novo") as caught:
                customers.create_customer(factory(Actor.system()), draft)
            assert type(caught.value).__name__ == "TryAgainError"
            conn.rollback()
    finally:
        factory.dispose()
        holder.dispose()
