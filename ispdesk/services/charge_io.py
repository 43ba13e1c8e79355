"""Charges and payments in files: ``import payments`` (CSV) and ``export charges`` (CSV/JSON).

The import uses the shared pipeline (`ispdesk.services.csv_import`): per-row rejects with
``motivo``, one transaction, summary, exit 0/1/2. The export streams every charge with the exact
public columns, dates dd/mm/aaaa and money with a decimal comma (`ispdesk.services.csv_io`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ispdesk.db.models import BoletoTitle, Charge, Contract
from ispdesk.domain.date_windows import check_payment
from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import LateRates
from ispdesk.domain.money import format_brl, parse_money, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.services import parameters as params_service
from ispdesk.services.charges import OPEN
from ispdesk.services.csv_import import ImportReport, RowImporter, run_import
from ispdesk.services.csv_io import fmt_date, fmt_money, write_export
from ispdesk.services.late_fees import charge_updated, rates_on
from ispdesk.services.payments import find_charge_in, record_payment_in
from ispdesk.services.uow import UnitOfWork

PAYMENT_COLUMNS = ("contrato", "vencimento", "valor_pago", "data_pagamento")
CHARGE_EXPORT_COLUMNS = (
    "contrato", "tipo", "inicio_periodo", "fim_periodo", "vencimento", "valor", "pago_em", "valor_pago", "situacao",
    "numero", "vencimento_util", "nosso_numero",
)


@dataclass(frozen=True)
class PaymentItem:
    """An accepted line of a payments file."""

    charge_id: uuid.UUID
    amount: Decimal
    paid_on: date


class PaymentImporter(RowImporter[PaymentItem]):
    """``contrato, vencimento, valor_pago, data_pagamento``: one payment (or part payment) per line."""

    what = "pagamentos"
    entity = "payment"
    columns = PAYMENT_COLUMNS
    permission = Permission.PAYMENTS_IMPORT

    def __init__(self) -> None:
        self._pending: dict[uuid.UUID, Decimal] = {}
        self._rates_cache: LateRates | None = None

    def _rates(self, uow: UnitOfWork) -> LateRates:
        if self._rates_cache is None:
            self._rates_cache = rates_on(uow.session)
        return self._rates_cache

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        """Every column is required."""
        return PAYMENT_COLUMNS

    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> PaymentItem:
        """Find the charge and check the amount against its balance (earlier lines included)."""
        number_text = row["contrato"].strip()
        if not (number_text.isascii() and number_text.isdigit()) or len(number_text) > 18:
            raise BusinessRuleError(f"contrato “{number_text}” inválido: informe o número do contrato (só dígitos).")
        due = parse_date(row["vencimento"], field="vencimento")
        amount = parse_money(row["valor_pago"], field="valor_pago")
        paid_on = parse_date(row["data_pagamento"], field="data_pagamento")
        if amount <= 0:
            raise BusinessRuleError("valor_pago deve ser maior que zero.")
        charge = find_charge_in(uow, int(number_text), due)
        check_payment(paid_on, uow.today, charge.period_start, params_service.founding_date(uow.session))
        if charge.status != OPEN:
            situation = "já está paga" if charge.status == ChargeStatus.PAGA else "foi cancelada"
            raise BusinessRuleError(
                f"a cobrança de {format_date(due)} do contrato {number_text} {situation}; nada a receber.")
        updated = charge_updated(charge, paid_on, self._rates(uow))
        balance = to_cents(updated.total - self._pending.get(charge.id, Decimal(0)))
        if amount > balance:
            late = (f", com multa {format_brl(updated.fine)} e juros {format_brl(updated.interest)} em "
                    f"{format_date(paid_on)}" if updated.fine or updated.interest else "")
            raise BusinessRuleError(
                f"valor_pago {format_brl(amount)} maior que o saldo da cobrança de {format_date(due)} do contrato "
                f"{number_text} ({format_brl(balance)}{late}).")
        self._pending[charge.id] = self._pending.get(charge.id, Decimal(0)) + amount
        return PaymentItem(charge.id, amount, paid_on)

    def write(self, uow: UnitOfWork, items: Sequence[PaymentItem]) -> None:
        """Record each payment (paid-until and debt hooks run per payment)."""
        for item in items:
            record_payment_in(uow, item.charge_id, item.amount, item.paid_on, source="importacao")


def import_payments(uow: UnitOfWork, path: str | Path, rejects: str | Path | None = None) -> ImportReport:
    """Import a payments CSV (see `PaymentImporter`)."""
    return run_import(uow, path, PaymentImporter(), rejects=rejects)


def charge_export_rows(uow: UnitOfWork) -> Iterator[list[str]]:
    """Every charge as export cells, by contract number and due date (streamed)."""
    query = (
        select(Contract.number, Charge.kind, Charge.period_start, Charge.period_end, Charge.due_date, Charge.amount,
               Charge.paid_on, Charge.paid_amount, Charge.status, Charge.number, Charge.effective_due_date,
               BoletoTitle.nosso_numero)
        .join(Contract, Contract.id == Charge.contract_id)
        .outerjoin(BoletoTitle, BoletoTitle.charge_id == Charge.id)
        .order_by(Contract.number, Charge.due_date, Charge.kind, Charge.period_start)
        .execution_options(yield_per=5000)
    )
    for number, kind, start, end, due, amount, paid_on, paid_amount, status, charge_number, effective, nosso in (
            uow.session.execute(query)):
        # nosso_numero: empty until the charge's first boleto (or remessa) gives it one
        yield [str(number), kind, fmt_date(start), fmt_date(end), fmt_date(due), fmt_money(amount),
               fmt_date(paid_on), fmt_money(paid_amount), status, str(charge_number), fmt_date(effective), nosso or ""]


def export_charges(uow: UnitOfWork, output: str | Path | None, fmt: str = "csv") -> int:
    """Write every charge (CSV ``;`` UTF-8 with BOM, or JSON) to `output` (None → stdout)."""
    uow.require(Permission.CONTRACTS_EXPORT)
    with uow:
        return write_export(output, CHARGE_EXPORT_COLUMNS, charge_export_rows(uow), fmt)
