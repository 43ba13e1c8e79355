"""The bulk payment path (`record_payments_in`) gives the per-row path's results, on SQLite and PostgreSQL.

Each hypothesis example records the same random payments twice on one scenario — one by one with
`record_payment_in` (each under a savepoint, as the imports did) and in bulk — each in a transaction
that is rolled back, and compares amounts, payment lines, charge states, paid-until, access
statuses and events, suspension periods, messages and audit rows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import (
    AccessEvent,
    AuditEntry,
    Charge,
    Contract,
    OutboxMessage,
    Payment,
    PaymentLine,
    SuspensionPeriod,
)
from ispdesk.domain import cnab240
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import updated_amount
from ispdesk.services import access, carteiras, hooks
from ispdesk.services.cnab_remessa import export_remessa
from ispdesk.services.cnab_retorno import _begin_write, import_cnab
from ispdesk.services.late_fees import rates_on
from ispdesk.services.payment_batch import AlreadyRecorded, PaymentRequest
from ispdesk.services.payments import record_payment_in, record_payments_in
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_customer, make_plan

Uow = Callable[..., UnitOfWork]
TODAY = date(2026, 11, 27)


@pytest.fixture
def scenario(uow: Uow, clock: FixedClock) -> list[dict[str, Any]]:
    """Contracts the ladder noticed, reduced and blocked, a cancelled one; their open charges."""
    with uow() as u:
        plan = make_plan(u.session, code="BATCH", price="100.00")
        dues = [[date(2026, 9, 10), date(2026, 10, 10), date(2026, 11, 10)], [date(2026, 10, 10), date(2026, 11, 10)],
                [date(2026, 11, 16), date(2026, 11, 20)], [date(2026, 10, 20), date(2026, 11, 10)]]
        for n, days in enumerate(dues):
            contract = make_contract(u.session, customer=make_customer(u.session, name=f"Cliente {n}"), plan=plan)
            for day in days:
                make_charge(u.session, contract, day, "100.00" if n != 2 else "59.90")
        u.commit()
    for day in (date(2026, 9, 25), date(2026, 10, 14), date(2026, 10, 30), date(2026, 11, 14), date(2026, 11, 25)):
        clock.day = day
        access.run_suspension(uow(), day)
    with uow() as u:  # the last contract is cancelled while blocked, with an open residual charge
        last = u.session.scalars(select(Contract).order_by(Contract.number)).all()[-1]
        last.status, last.cancelled_on = "cancelado", date(2026, 11, 20)
        u.commit()
    clock.day = TODAY
    with uow() as u:
        rates = rates_on(u.session)
        return [{"id": c.id, "due": c.effective_due_date, "principal": c.amount, "rates": rates}
                for c in u.session.scalars(select(Charge).order_by(Charge.number))]


_requests = st.lists(st.tuples(
    st.integers(0, 8),  # charge (index into the scenario)
    st.sampled_from(["full", "partial", "over", "zero", "principal"]),
    st.integers(-40, 75),  # paid on: days after the effective due date (some in the future)
    st.one_of(st.none(), st.integers(0, 4)),  # external id (repeats: "already imported")
), min_size=1, max_size=14)


def _build(scenario: list[dict[str, Any]], drawn: Sequence[tuple[int, str, int, int | None]]) -> list[PaymentRequest]:
    out = []
    for index, kind, offset, ext in drawn:
        c = scenario[index % len(scenario)]
        paid_on = c["due"] + timedelta(days=offset)
        total = updated_amount(c["principal"], Decimal(0), Decimal(0), c["due"], paid_on, c["rates"]).total
        amount = {"full": total, "partial": (total / 3).quantize(Decimal("0.01")), "over": total + Decimal("0.01"),
                  "zero": Decimal(0), "principal": c["principal"]}[kind]
        out.append(PaymentRequest(c["id"], amount, paid_on, "importacao", None if ext is None else f"E{ext}"))
    return out


def _snapshot(u: UnitOfWork) -> dict[str, Any]:
    s = u.session
    s.flush()
    number = {c.id: c.number for c in s.scalars(select(Charge))}
    contract = {c.id: c.number for c in s.scalars(select(Contract))}
    payment_charge = {p.id: number[p.charge_id] for p in s.scalars(select(Payment))}
    audits = []
    for a in s.scalars(select(AuditEntry).where(AuditEntry.entity == "charge", AuditEntry.action == "payment")):
        changes = json.loads(a.changes)
        changes.pop("pagamento")
        audits.append((a.entity_id, a.summary, a.actor, json.dumps(changes, sort_keys=True)))
    return {
        "charges": sorted((c.number, c.status, c.paid_amount, c.fine_owed, c.interest_owed, c.paid_on)
                          for c in s.scalars(select(Charge))),
        "payments": Counter((payment_charge[p.id], p.amount, p.paid_on, p.source, p.external_id, p.fine_accrued,
                             p.interest_accrued) for p in s.scalars(select(Payment))),
        "lines": Counter((payment_charge[ln.payment_id], ln.part, ln.amount, ln.paid_on)
                         for ln in s.scalars(select(PaymentLine))),
        "contracts": sorted((c.number, c.access_status, c.paid_until) for c in s.scalars(select(Contract))),
        "events": Counter((contract[e.contract_id], e.from_status, e.to_status, e.on_date)
                          for e in s.scalars(select(AccessEvent))),
        "periods": sorted((contract[p.contract_id], p.start_date, p.end_date)
                          for p in s.scalars(select(SuspensionPeriod))),
        "messages": Counter((contract.get(m.contract_id), m.event) for m in s.scalars(select(OutboxMessage))),
        "audit": Counter(audits),
    }


def _one_by_one(u: UnitOfWork, requests: list[PaymentRequest]) -> list[Any]:
    outcomes: list[Any] = []
    used: set[str] = set()
    for r in requests:
        if r.external_id is not None and r.external_id in used:
            outcomes.append("já importado")
            continue
        try:
            with u.session.begin_nested():
                result = record_payment_in(u, r.charge_id, r.amount, r.paid_on, r.source, r.external_id)
        except BusinessRuleError as exc:
            outcomes.append(exc.message)
            continue
        if r.external_id is not None:
            used.add(r.external_id)
        outcomes.append((result.charge_status, result.balance, result.principal, result.fine, result.interest,
                         result.payment.amount))
    return outcomes


def _bulk(u: UnitOfWork, requests: list[PaymentRequest]) -> list[Any]:
    outcomes: list[Any] = []
    for o in record_payments_in(u, requests):
        if isinstance(o, AlreadyRecorded):
            outcomes.append("já importado")
        elif isinstance(o, BusinessRuleError):
            outcomes.append(o.message)
        else:
            outcomes.append((o.charge_status, o.balance, o.principal, o.fine, o.interest, o.payment.amount))
    return outcomes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=_requests)
def test_bulk_path_gives_the_per_row_results(uow: Uow, scenario: list[dict[str, Any]],
                                              drawn: list[tuple[int, str, int, int | None]]) -> None:
    requests = _build(scenario, drawn)
    results = []
    for run in (_one_by_one, _bulk):
        u = uow()
        with u:
            _begin_write(u)
            outcomes = run(u, requests)
            results.append((outcomes, _snapshot(u)))
            u.rollback()  # the scenario stays as it was for the other run and the next example
    (row_outcomes, row_state), (bulk_outcomes, bulk_state) = results
    assert bulk_outcomes == row_outcomes
    for key in row_state:
        assert bulk_state[key] == row_state[key], key


def test_bank_return_restores_every_contract_with_one_status_write(
        uow: Uow, clock: FixedClock, scenario: list[dict[str, Any]], tmp_path: Path) -> None:
    """The retorno pays the overdue debt of several blocked contracts: one `write_status_changes` call."""
    carteiras.add_carteira(uow(), "BB1", "001", "1234", "56789", "17", "7654321")
    export_remessa(uow(), "BB1", date(2026, 9, 1), tmp_path / "r.rem")
    lines = (tmp_path / "r.rem").read_bytes().decode("ascii").split("\r\n")
    records = []
    with uow() as u:
        rates = rates_on(u.session)
        due = {c.number: c.effective_due_date for c in u.session.scalars(select(Charge))}
        blocked = {c.id for c in u.session.scalars(select(Contract).where(Contract.status == "ativo",
                                                                          Contract.access_status != "normal"))}
    assert len(blocked) >= 2
    for p in (cnab240.parse("P", ln) for ln in lines if len(ln) == 240 and ln[13] == "P"):
        number = int(p["numero_documento"])
        if due[number] >= TODAY:
            continue
        total = updated_amount(cnab240.money(p["valor"]), Decimal(0), Decimal(0), due[number], TODAY, rates).total
        face = cnab240.money(p["valor"])
        records.append(cnab240.return_records("001", 1 + 2 * len(records), p["nosso_numero"], "06", face, total,
                                              total - face, TODAY))
    ret = tmp_path / "RET.ret"
    ret.write_bytes(cnab240.return_file("001", records, TODAY).encode("ascii"))
    calls: list[int] = []

    def count(_u: UnitOfWork, changes: Sequence[hooks.AccessStatusChange]) -> None:
        calls.append(len(changes))

    hooks._load()  # the providers first, so the counter runs after them
    hooks.ACCESS_CHANGED.append(count)
    try:
        report = import_cnab(uow(), ret)
    finally:
        hooks.ACCESS_CHANGED.remove(count)
    assert report.settled == len(records) and not report.rejected
    assert len(calls) == 1 and calls[0] >= len(blocked)
    with uow() as u:
        assert {c.access_status for c in u.session.scalars(select(Contract).where(Contract.id.in_(blocked)))} == {
            "normal"}
        messages = Counter(m.event for m in u.session.scalars(select(OutboxMessage)))
    assert messages  # the customers were told (status messages ran through the one writer)
