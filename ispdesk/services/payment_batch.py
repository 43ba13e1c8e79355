"""The bulk payment path: the thousands of payments of a bank return or PIX statement in one unit of work.

Same rule as one payment (`payments.record_payment_in`): every payment is checked and split by
`payments.checked_split` (principal first, then multa and juros with the `domain.late_fees`
functions) and audited by `payments.payment_audit`; only the writing is set-based:

* the charges are read in batches of ``_CHUNK`` ids and locked until commit (PostgreSQL ``FOR
  UPDATE``; SQLite's write lock), so nobody pays them meanwhile; payments of the same charge in one
  batch see each other, in the order they were added;
* payments, payment lines and audit rows are inserted with one multi-row INSERT each, the charges
  updated with one executemany, the contracts' ``paid_until`` recomputed once per contract;
* the debt hooks run once for all touched contracts (`hooks.debts_changed`): access control decides
  on the state after the whole batch and makes ONE call to `access.write_status_changes`, so
  restoring access, the customer messages and the RADIUS groups go through the single write path.

A payment whose ``external_id`` is already stored (the same bank title or PIX transfer imported
before, or repeated in the batch) is refused with `AlreadyRecorded`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, bindparam, false, insert, select, update

from ispdesk.db.models import Charge, Contract, Payment, PaymentLine
from ispdesk.domain import billing
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import ZERO, to_cents
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, PaymentPart, PaymentSource
from ispdesk.services import hooks, parameters
from ispdesk.services.late_fees import rates_on
from ispdesk.services.payments import PaymentResult, PaymentRow, charge_label, checked_split, payment_audit
from ispdesk.services.uow import UnitOfWork

_CHUNK = 500
_CH: Table = Charge.__table__  # type: ignore[assignment]
_C: Table = Contract.__table__  # type: ignore[assignment]
_P: Table = Payment.__table__  # type: ignore[assignment]
_PL: Table = PaymentLine.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class PaymentRequest:
    """One payment to record: charge, amount, date, origin and the bank's unique id (if any)."""

    charge_id: uuid.UUID
    amount: Decimal
    paid_on: date
    source: str = PaymentSource.MANUAL.value
    external_id: str | None = None


class AlreadyRecorded(BusinessRuleError):
    """The payment's ``external_id`` is already stored: it was imported before (nothing recorded)."""


@dataclass
class ChargeState:
    """The batch's working copy of a charge (what `payments.checked_split` reads, kept current)."""

    id: uuid.UUID
    contract_id: uuid.UUID
    contract_number: int
    number: int
    kind: str
    status: str
    amount: Decimal
    paid_amount: Decimal
    fine_owed: Decimal
    interest_owed: Decimal
    due_date: date
    effective_due_date: date
    period_start: date | None
    paid_on: date | None
    version: int
    payments: int = 0

    @property
    def label(self) -> str:
        """``a cobrança de dd/mm/aaaa do contrato N`` (as in every payment message)."""
        return charge_label(self.due_date, self.contract_number)


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class PaymentBatch:
    """Payments checked one by one in memory, written together by `finish` (see the module docstring)."""

    def __init__(self, uow: UnitOfWork, charge_ids: Iterable[uuid.UUID], external_ids: Iterable[str] = ()) -> None:
        self.uow = uow
        session = uow.session
        session.flush()
        postgres = session.get_bind().dialect.name == "postgresql"
        if not postgres:  # SQLite: the write lock first, so what is read below stays true until commit
            session.execute(update(_CH).where(false()).values(version=_CH.c.version),
                            execution_options={"synchronize_session": False})
        self.charges: dict[uuid.UUID, ChargeState] = {}
        ids = sorted(set(charge_ids))
        for chunk in _chunks(ids):
            query = (select(_CH.c.id, _CH.c.contract_id, _C.c.number, _CH.c.number, _CH.c.kind, _CH.c.status,
                            _CH.c.amount, _CH.c.paid_amount, _CH.c.fine_owed, _CH.c.interest_owed, _CH.c.due_date,
                            _CH.c.effective_due_date, _CH.c.period_start, _CH.c.paid_on, _CH.c.version)
                     .join(_C, _C.c.id == _CH.c.contract_id).where(_CH.c.id.in_(chunk)))
            if postgres:
                query = query.with_for_update(of=_CH)
            for row in session.execute(query):
                self.charges[row[0]] = ChargeState(*row)
        wanted = sorted({e for e in external_ids if e})
        self.seen: set[str] = set()
        for chunk in _chunks(wanted):  # read after the locks: a payment committed meanwhile is seen
            self.seen.update(session.scalars(select(_P.c.external_id).where(_P.c.external_id.in_(chunk))))
        self.rates = rates_on(session)
        self.founding = parameters.founding_date(session)
        self._payments: list[dict[str, Any]] = []
        self._lines: list[dict[str, Any]] = []
        self._audits: list[tuple[str, Any, str, dict[str, Any] | None, str]] = []
        self.results: list[PaymentResult] = []
        self.paid_until: dict[uuid.UUID, date | None] = {}

    def charge(self, charge_id: uuid.UUID | None) -> ChargeState | None:
        """The current state of a charge of the batch (with the payments added so far)."""
        return None if charge_id is None else self.charges.get(charge_id)

    def add(self, request: PaymentRequest) -> PaymentResult:
        """Check and record `request` in memory (written by `finish`).

        Raises:
            AlreadyRecorded: its external id is already stored or was added before in this batch.
            NotFound: the charge is not one of the batch's.
            BusinessRuleError: refused by the payment rule (`payments.checked_split`); nothing recorded.
        """
        if request.external_id is not None and request.external_id in self.seen:
            raise AlreadyRecorded(f"o pagamento {request.external_id} já foi importado; nada foi recebido de novo.")
        state = self.charge(request.charge_id)
        if state is None:
            raise NotFound("Cobrança não encontrada; atualize a lista e tente de novo.")
        uow = self.uow
        split = checked_split(state, state.label, request.amount, request.paid_on, uow.today, self.founding,
                              self.rates)
        amount = to_cents(request.amount)
        payment_id = uuid7()
        self._payments.append({
            "id": payment_id, "charge_id": state.id, "amount": amount, "paid_on": request.paid_on,
            "source": request.source, "external_id": request.external_id, "created_at": uow.now,
            "created_by": uow.actor.login, "reversed_at": None, "reversed_by": None, "reversal_reason": None,
            "fine_accrued": split.fine_accrued, "interest_accrued": split.interest_accrued})
        for part, value in ((PaymentPart.PRINCIPAL, split.principal), (PaymentPart.MULTA, split.fine),
                            (PaymentPart.JUROS, split.interest)):
            if value > 0:
                self._lines.append({"id": uuid7(), "payment_id": payment_id, "charge_id": state.id,
                                    "part": part.value, "amount": value, "paid_on": request.paid_on})
        before = (state.status, state.paid_amount)
        state.paid_amount = to_cents(state.paid_amount + split.principal)
        state.fine_owed, state.interest_owed = split.fine_owed, split.interest_owed
        if state.paid_amount >= state.amount and split.fine_owed == 0 and split.interest_owed == 0:
            state.status, state.paid_on = ChargeStatus.PAGA.value, request.paid_on
        state.payments += 1
        self._audits.append(payment_audit(state.id, before, (state.status, state.paid_amount), payment_id, amount,
                                          request.paid_on, request.source, split, state.label))
        if request.external_id is not None:
            self.seen.add(request.external_id)
        left = (to_cents(state.amount - state.paid_amount + state.fine_owed + state.interest_owed)
                if state.status == ChargeStatus.ABERTA else ZERO)
        row = PaymentRow(payment_id, state.id, amount, request.paid_on, request.source, uow.actor.login, None, None)
        result = PaymentResult(row, state.status, left, None, split.principal, split.fine, split.interest)
        self.results.append(result)
        return result

    def finish(self) -> list[PaymentResult]:
        """Write what was added, recompute paid-until, run the debt hooks once; the results with paid-until."""
        session = self.uow.session
        if not self._payments:
            return []
        session.execute(insert(_P), self._payments)
        if self._lines:
            session.execute(insert(_PL), self._lines)
        touched = [s for s in self.charges.values() if s.payments]
        session.execute(
            update(_CH).where(_CH.c.id == bindparam("cid")).values(
                paid_amount=bindparam("pa"), fine_owed=bindparam("fo"), interest_owed=bindparam("io"),
                status=bindparam("st"), paid_on=bindparam("po"), version=bindparam("v")),
            [{"cid": s.id, "pa": s.paid_amount, "fo": s.fine_owed, "io": s.interest_owed, "st": s.status,
              "po": s.paid_on, "v": s.version + s.payments} for s in touched],
            execution_options={"synchronize_session": False})
        contracts = sorted({s.contract_id for s in touched})
        self._refresh_paid_until(contracts)
        self.uow.audit_many(self._audits)
        charge_ids = {s.id for s in touched}
        for obj in list(session.identity_map.values()):
            if (isinstance(obj, Charge) and obj.id in charge_ids) or (
                    isinstance(obj, Contract) and obj.id in self.paid_until):
                session.expire(obj)
        hooks.debts_changed(self.uow, contracts)
        by_charge = {s.id: s.contract_id for s in touched}
        results = [replace(r, paid_until=self.paid_until.get(by_charge[r.payment.charge_id]))
                   for r in self.results]
        self._payments, self._lines, self._audits, self.results = [], [], [], []
        return results

    def _refresh_paid_until(self, contract_ids: Sequence[uuid.UUID]) -> None:
        """`charges.refresh_paid_until` for many contracts: one read per chunk, changed ones written."""
        session = self.uow.session
        states: dict[uuid.UUID, list[billing.ChargeState]] = {cid: [] for cid in contract_ids}
        current: dict[uuid.UUID, tuple[date | None, int]] = {}
        for chunk in _chunks(contract_ids):
            for cid, start, end, status in session.execute(
                    select(_CH.c.contract_id, _CH.c.period_start, _CH.c.period_end, _CH.c.status)
                    .where(_CH.c.contract_id.in_(chunk), _CH.c.kind == ChargeKind.MENSALIDADE.value,
                           and_(_CH.c.period_start.is_not(None), _CH.c.period_end.is_not(None)))):
                states[cid].append(billing.ChargeState(start, end, status))
            current.update((cid, (pu, v)) for cid, pu, v in session.execute(
                select(_C.c.id, _C.c.paid_until, _C.c.version).where(_C.c.id.in_(chunk))))
        changed = []
        for cid in contract_ids:
            value = billing.paid_until(states[cid])
            self.paid_until[cid] = value
            if current[cid][0] != value:
                changed.append({"cid": cid, "pu": value, "v": current[cid][1] + 1})
        if changed:
            session.execute(update(_C).where(_C.c.id == bindparam("cid"))
                            .values(paid_until=bindparam("pu"), version=bindparam("v")), changed,
                            execution_options={"synchronize_session": False})


def record_payments_in(uow: UnitOfWork, requests: Sequence[PaymentRequest]) -> list[PaymentResult | BusinessRuleError]:
    """Record many payments in the open unit of work (no commit): one outcome per request, in order.

    Each outcome is the `PaymentResult` (as `payments.record_payment_in` returns it) or the
    `BusinessRuleError` that refused that request alone (`AlreadyRecorded` for a known external id).
    """
    batch = PaymentBatch(uow, [r.charge_id for r in requests], [r.external_id for r in requests if r.external_id])
    outcomes: list[PaymentResult | BusinessRuleError] = []
    for request in requests:
        try:
            outcomes.append(batch.add(request))
        except BusinessRuleError as exc:
            outcomes.append(exc)
    done = iter(batch.finish())
    return [o if isinstance(o, BusinessRuleError) else next(done) for o in outcomes]
