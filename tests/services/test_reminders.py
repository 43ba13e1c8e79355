"""Date-driven messages: cobrança vencendo / vencida, aniversário, fidelidade vencendo (issue 14).

Real SQLite and PostgreSQL; each event once per contract (or customer) × reference, whatever the reruns.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from ispdesk.db.models import Charge, OutboxMessage
from ispdesk.domain.messages import MessageEvent
from ispdesk.services import parameters as params_service
from ispdesk.services import reminders
from ispdesk.services.messages import enqueue_rows_in, message_row
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer

Uow = Callable[..., UnitOfWork]


def rows(uow: Uow, event: str) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def test_cobranca_vencendo_once_per_charge_within_the_days_before(uow: Uow) -> None:
    due = date(2026, 12, 15)
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, due, amount="120.50")
        paid = make_contract(u.session)
        make_charge(u.session, paid, due, status="paga", paid_amount=Decimal("99.90"))
        u.commit()
    assert reminders.run_reminders(uow(), due - timedelta(days=4)).counts["cobranca_vencendo"] == 0
    assert reminders.run_reminders(uow(), due - timedelta(days=3)).counts["cobranca_vencendo"] == 1
    assert reminders.run_reminders(uow(), due - timedelta(days=3)).counts["cobranca_vencendo"] == 0
    assert reminders.run_reminders(uow(), due - timedelta(days=1)).counts["cobranca_vencendo"] == 0
    [message] = rows(uow, "cobranca_vencendo")
    assert message.contract_id == contract.id and not message.legal
    assert "R$ 120,50" in message.body and "15/12/2026" in message.body and str(contract.number) in message.subject


def test_cobranca_vencida_counts_from_the_effective_due_date(uow: Uow) -> None:
    due = date(2026, 10, 10)  # Saturday; Monday 12/10 is a national holiday → vencimento útil 13/10
    with uow() as u:
        contract = make_contract(u.session)
        charge = make_charge(u.session, contract, due)
        u.commit()
        effective = u.session.scalar(select(Charge.effective_due_date).where(Charge.id == charge.id))
    assert effective == date(2026, 10, 13)
    assert reminders.run_reminders(uow(), date(2026, 10, 11)).counts["cobranca_vencida"] == 0
    assert reminders.run_reminders(uow(), date(2026, 10, 13)).counts["cobranca_vencida"] == 0
    assert reminders.run_reminders(uow(), date(2026, 10, 14)).counts["cobranca_vencida"] == 1
    assert reminders.run_reminders(uow(), date(2026, 10, 16)).counts["cobranca_vencida"] == 0
    [message] = rows(uow, "cobranca_vencida")
    assert "13/10/2026" in message.body


def test_a_missed_day_is_caught_up_but_an_old_charge_is_not(uow: Uow) -> None:
    with uow() as u:
        contract = make_contract(u.session)
        make_charge(u.session, contract, date(2026, 11, 3))  # Tuesday, business day
        make_charge(u.session, contract, date(2026, 9, 3))
        u.commit()
    assert reminders.run_reminders(uow(), date(2026, 11, 7)).counts["cobranca_vencida"] == 1


def test_aniversario_once_a_year_with_no_contract_the_database_refuses_a_second(uow: Uow) -> None:
    with uow() as u:
        customer = make_customer(u.session, birth_date=date(1990, 12, 3))
        make_contract(u.session, customer=customer)
        make_contract(u.session, customer=customer)  # two contracts: still one greeting
        other = make_customer(u.session, name="João Souza", birth_date=date(1985, 12, 3))
        make_contract(u.session, customer=other, status="cancelado")  # former customer: no marketing
        u.commit()
    day = date(2026, 12, 3)
    assert reminders.run_reminders(uow(), day).counts["aniversario"] == 1
    assert reminders.run_reminders(uow(), day).counts["aniversario"] == 0
    with uow() as u:  # the same row again, straight into the outbox: the key itself holds
        row = message_row(MessageEvent.ANIVERSARIO, None, customer.id, "aniversario:2026", customer.email,
                          "x", "y", u.now)
        enqueue_rows_in(u, [row])
        u.commit()
    [message] = rows(uow, "aniversario")
    assert message.contract_id is None and message.reference == "aniversario:2026"
    assert "Maria da Silva" in message.subject
    assert reminders.run_reminders(uow(), date(2027, 12, 3)).counts["aniversario"] == 1


def test_born_on_29_february_is_greeted_on_28_february_of_a_common_year(uow: Uow) -> None:
    with uow() as u:
        make_contract(u.session, customer=make_customer(u.session, birth_date=date(2000, 2, 29)))
        u.commit()
    assert reminders.run_reminders(uow(), date(2027, 2, 28)).counts["aniversario"] == 1
    assert reminders.run_reminders(uow(), date(2028, 2, 28)).counts["aniversario"] == 0
    assert reminders.run_reminders(uow(), date(2028, 2, 29)).counts["aniversario"] == 1


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2100, 12, 31)))
def test_every_birthday_falls_on_exactly_one_day_of_each_year(birth: date) -> None:
    for year in (2026, 2027, 2028):
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(366 if year == 2028 else 365)]
        hits = [d for d in days if (birth.month, birth.day) in reminders.birthdays_on(d)]
        assert len(hits) == 1


def test_fidelidade_vencendo_and_its_switch(uow: Uow) -> None:
    day = date(2026, 12, 3)
    with uow() as u:
        contract = make_contract(u.session, loyalty_expires_on=day + timedelta(days=30))
        make_contract(u.session, loyalty_expires_on=day + timedelta(days=31))
        u.commit()
    params_service.update(uow(), {"mensagem_fidelidade_vencendo_ativa": False})
    assert reminders.run_reminders(uow(), day).counts.get("fidelidade_vencendo", 0) == 0
    params_service.update(uow(), {"mensagem_fidelidade_vencendo_ativa": True})
    assert reminders.run_reminders(uow(), day).counts["fidelidade_vencendo"] == 1
    assert reminders.run_reminders(uow(), day + timedelta(days=1)).counts["fidelidade_vencendo"] == 1
    assert reminders.run_reminders(uow(), day + timedelta(days=2)).counts["fidelidade_vencendo"] == 0
    assert {m.reference for m in rows(uow, "fidelidade_vencendo") if m.contract_id == contract.id} == {
        f"fidelidade:{(day + timedelta(days=30)).isoformat()}"}


def test_tasks_reminders_cli_and_tasks_messages_runs_it(db_url: str, uow: Uow) -> None:
    with uow() as u:
        contract = make_contract(u.session, loyalty_expires_on=None)
        make_charge(u.session, contract, date(2026, 12, 15))
        u.commit()

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, (done.stdout, done.stderr)
        return done.stdout

    first = cli("tasks", "reminders", "--date", "2026-12-13")
    assert first.strip().splitlines()[-1].startswith("lembretes: cobranca_vencendo=1 ")
    assert "cobranca_vencendo=0" in cli("tasks", "reminders", "--date", "2026-12-13")
    sent = cli("tasks", "messages", "--at", "2026-12-14 03:00").strip().splitlines()
    assert sent[0].startswith("lembretes: cobranca_vencendo=0")
    assert sent[-1].startswith("mensagens: ")
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
