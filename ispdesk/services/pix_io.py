"""``import pix``: a PIX statement from the bank settles the charges by txid.

Columns (CSV ``;``, UTF-8, order free): ``txid`` (``ISPD<número da cobrança>``, as `charges pix`
writes it), ``valor`` (the amount received), ``data_pagamento`` (dd/mm/aaaa) and ``e2eid`` (the
PIX end-to-end id the bank gives every transfer). Each line is a payment of its charge through the
same rule as any other (principal first, then multa and juros as their own lines; paying the debt
restores access at once), written by the bulk payment path (`payment_batch`). The e2eid is stored
with the payment and is unique: a statement imported again — or a line repeated — settles nothing
twice. Same pipeline as every import: rejects with
``motivo``, one transaction, exit 0/1/2.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ispdesk.db.models import Payment
from ispdesk.domain.date_windows import check_payment
from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError, NotFound
from ispdesk.domain.late_fees import LateRates
from ispdesk.domain.money import format_brl, parse_money, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, PaymentSource
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.csv_import import ImportReport, RowImporter, run_import
from ispdesk.services.late_fees import charge_updated, rates_on
from ispdesk.services.payment_batch import PaymentRequest, record_payments_in
from ispdesk.services.uow import UnitOfWork

PIX_COLUMNS = ("txid", "valor", "data_pagamento", "e2eid")
_TXID = re.compile(r"^ISPD(\d{1,18})$")
_E2E = re.compile(r"^[A-Za-z0-9]{1,64}$")


@dataclass(frozen=True)
class PixItem:
    """An accepted line of a PIX statement."""

    charge_id: uuid.UUID
    amount: Decimal
    paid_on: date
    e2eid: str


class PixImporter(RowImporter[PixItem]):
    """One PIX transfer per line, matched to its charge by txid."""

    what = "pagamentos PIX"
    entity = "payment"
    columns = PIX_COLUMNS
    permission = Permission.PAYMENTS_IMPORT

    def __init__(self) -> None:
        self._pending: dict[uuid.UUID, Decimal] = {}
        self._rates: LateRates | None = None

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        """Every column is required."""
        return PIX_COLUMNS

    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> PixItem:
        """Find the charge by txid, refuse an e2eid already settled and an amount above the balance."""
        txid = row["txid"].strip().upper()
        found = _TXID.match(txid)
        if found is None:
            raise BusinessRuleError(f"txid “{row['txid'].strip()}” não é de uma cobrança do ispdesk (formato "
                                    "ISPD + número da cobrança); confira o extrato.")
        e2eid = row["e2eid"].strip()
        if not _E2E.match(e2eid):
            raise BusinessRuleError("e2eid vazio ou inválido: cada linha do extrato PIX tem o identificador da "
                                    "transação (letras e dígitos, até 64).")
        if uow.session.scalar(select(Payment.id).where(Payment.external_id == e2eid)) is not None:
            raise BusinessRuleError(f"o PIX {e2eid} já foi importado; nada foi recebido de novo.")
        amount = parse_money(row["valor"], field="valor")
        paid_on = parse_date(row["data_pagamento"], field="data_pagamento")
        if amount <= 0:
            raise BusinessRuleError("valor deve ser maior que zero.")
        try:
            charge = lookups.charge_by_number(uow, found.group(1))
        except NotFound:
            raise BusinessRuleError(f"txid {txid}: cobrança {found.group(1)} não encontrada.") from None
        check_payment(paid_on, uow.today, charge.period_start, params_service.founding_date(uow.session))
        if charge.status != ChargeStatus.ABERTA:
            raise BusinessRuleError(f"a cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”; "
                                    "o valor recebido deve ser devolvido ou lançado à parte.")
        if self._rates is None:  # read once per file, not per line
            self._rates = rates_on(uow.session)
        updated = charge_updated(charge, paid_on, self._rates)
        balance = to_cents(updated.total - self._pending.get(charge.id, Decimal(0)))
        if amount > balance:
            raise BusinessRuleError(f"valor {format_brl(amount)} maior que o saldo da cobrança {charge.number} "
                                    f"({format_brl(balance)} em {format_date(paid_on)}).")
        self._pending[charge.id] = self._pending.get(charge.id, Decimal(0)) + amount
        return PixItem(charge.id, amount, paid_on, e2eid)

    def unique_keys(self, item: PixItem) -> Iterable[tuple[str, str]]:
        """The same transfer twice in one file: only the first counts."""
        return [("e2eid", item.e2eid)]

    def write_reason(self, exc: Exception) -> str | None:
        """Another station imported the same transfer meanwhile."""
        if isinstance(exc, IntegrityError) and "external_id" in str(getattr(exc, "orig", exc)):
            return "este PIX foi importado agora há pouco por outra estação; nada foi recebido de novo."
        return None

    def write(self, uow: UnitOfWork, items: Sequence[PixItem]) -> None:
        """Record the payments with their e2eid through the bulk path (one debt-hook run for all).

        A payment the rule refuses raises, so the pipeline isolates its line (by halves, under savepoints).
        """
        outcomes = record_payments_in(uow, [PaymentRequest(i.charge_id, i.amount, i.paid_on, PaymentSource.PIX.value,
                                                           i.e2eid) for i in items])
        for outcome in outcomes:
            if isinstance(outcome, BusinessRuleError):
                raise outcome


def import_pix(uow: UnitOfWork, path: str | Path, rejects: str | Path | None = None) -> ImportReport:
    """Import a PIX statement (see the module docstring)."""
    return run_import(uow, path, PixImporter(), rejects=rejects)
