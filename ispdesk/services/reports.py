"""Reports in PDF and CSV from one definition: contracts (by `ContractFilter`), cancellations by reason, charges.

Each report function reads the data once into a `Report` (the CSV cells and the display cells of
every row); `write_report` writes it as CSV (the shared `csv_io` conventions: ``;``, UTF-8 with BOM,
dd/mm/aaaa, ``1234,56``) or as a PDF (`ispdesk.reports.report_pdf`: masks, ``R$ 1.234,56``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ispdesk.db.models import CancellationReason, Charge, Contract, Customer, Payment, PaymentLine
from ispdesk.domain.access import AccessStatus
from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeKind, ChargeReportStatus, ChargeStatus, ContractStatus, PaymentPart
from ispdesk.domain.wording import plural
from ispdesk.reports.report_pdf import PdfColumn, render_report_pdf
from ispdesk.services import parameters as parameters_service
from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.services.contract_list import iter_contracts_in
from ispdesk.services.csv_io import fmt_date, fmt_document, fmt_money, write_csv
from ispdesk.services.uow import UnitOfWork

#: Report names of the CLI and the menu.
REPORT_KINDS: dict[str, str] = {
    "contracts": "Contratos",
    "cancellations": "Cancelamentos por motivo",
    "charges": "Cobranças",
}
FORMATS = ("pdf", "csv")


@dataclass(frozen=True)
class ReportColumn:
    """A report column: CSV header (public name), PDF title, relative width, alignment."""

    key: str
    title: str
    width: float = 1.0
    align: str = "left"
    wrap: bool = True


@dataclass(frozen=True)
class Report:
    """A report read once, ready for CSV and PDF.

    Attributes:
        title / subtitle: printed on top of the PDF (the subtitle says the period and filters).
        columns: the columns, in order.
        csv_rows: per row, the CSV cells (unmasked numbers ``1234,56``, dates dd/mm/aaaa).
        pdf_rows: per row, the display cells (``R$ 1.234,56``, masked documents).
        totals: closing lines (Portuguese), printed under the PDF table.
        company_name: printed in the PDF header.
        generated_on: the date of the report.
    """

    title: str
    subtitle: str
    columns: tuple[ReportColumn, ...]
    csv_rows: list[tuple[str, ...]] = field(default_factory=list)
    pdf_rows: list[tuple[str, ...]] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    company_name: str = ""
    generated_on: date | None = None


def _period(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"de {format_date(date_from)} a {format_date(date_to)}"
    if date_from:
        return f"a partir de {format_date(date_from)}"
    if date_to:
        return f"até {format_date(date_to)}"
    return "todo o período"


def _check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise BusinessRuleError(
            f"Período inválido: a data inicial {format_date(date_from)} é posterior à final {format_date(date_to)}.",
            field="periodo")


def _company(uow: UnitOfWork) -> str:
    return str(parameters_service.load(uow.session)["empresa_razao_social"])


CONTRACT_COLUMNS = (  # codes, documents, money and dates never wrap; names and cities share the rest
    ReportColumn("numero", "Contrato", 1.6, "right", wrap=False),
    ReportColumn("cliente_codigo", "Código", 1.4, "right", wrap=False),
    ReportColumn("cliente", "Cliente", 3.3),
    ReportColumn("cpf_cnpj", "CPF/CNPJ", 2.7, wrap=False),
    ReportColumn("cidade", "Cidade", 1.6),
    ReportColumn("plano", "Oferta", 1.9, wrap=False),
    ReportColumn("valor", "Valor", 2.1, "right", wrap=False),
    ReportColumn("vencimento", "Venc.", 1.2, "center", wrap=False),
    ReportColumn("situacao", "Situação", 1.3),
    ReportColumn("acesso", "Acesso", 1.2),
    ReportColumn("ativacao", "Ativação", 1.9, "center", wrap=False),
    ReportColumn("fim_fidelidade", "Fim da fidelidade", 1.9, "center", wrap=False),
    ReportColumn("cancelamento", "Cancelado em", 1.9, "center", wrap=False),
)


def _filter_text(f: ContractFilter) -> str:
    parts = []
    if f.text:
        parts.append(f"busca “{f.text}”")
    if f.statuses:
        parts.append("situação " + ", ".join(ContractStatus.label_of(s) for s in f.statuses))
    if f.access_statuses:
        parts.append("acesso " + ", ".join(AccessStatus.label_of(s) for s in f.access_statuses))
    if f.plan_code:
        parts.append(f"oferta {f.plan_code}")
    if f.due_day:
        parts.append(f"vencimento dia {f.due_day}")
    if f.city:
        parts.append(f"cidade {f.city}")
    if f.branch_code:
        parts.append(f"filial {f.branch_code}")
    if f.expiring_within_days is not None:
        parts.append(f"fidelidade vencendo em até {f.expiring_within_days} dias")
    if f.in_loyalty is not None:
        parts.append("em fidelidade" if f.in_loyalty else "fora da fidelidade")
    if f.activated_from or f.activated_to:
        parts.append("ativados " + _period(f.activated_from, f.activated_to))
    if f.cancelled_from or f.cancelled_to:
        parts.append("cancelados " + _period(f.cancelled_from, f.cancelled_to))
    return "; ".join(parts) if parts else "todos os contratos"


def contracts_report(uow: UnitOfWork, f: ContractFilter | None = None) -> Report:
    """The contracts list selected by `f` (the same filter as the contracts tab)."""
    f = f or ContractFilter()
    uow.require(Permission.REPORTS_VIEW)
    with uow:
        report = Report("Relatório de contratos", f"Filtro: {_filter_text(f)}.", CONTRACT_COLUMNS,
                        company_name=_company(uow), generated_on=uow.today)
        total = Decimal("0")
        count = 0
        by_status: dict[str, int] = {}
        for row in iter_contracts_in(uow, f):
            count += 1
            total += row.value
            by_status[row.status] = by_status.get(row.status, 0) + 1
            common = (str(row.number), str(row.customer_code), row.customer_name)
            report.csv_rows.append(common + (
                fmt_document(row.customer_document), row.customer_city or "", row.plan_code, fmt_money(row.value),
                str(row.due_day), row.status, row.access_status, fmt_date(row.activated_on),
                fmt_date(row.loyalty_expires_on), fmt_date(row.cancelled_on)))
            report.pdf_rows.append(common + (
                fmt_document(row.customer_document), row.customer_city or "", row.plan_code, format_brl(row.value),
                str(row.due_day), row.status_label, row.access_status_label, format_date(row.activated_on),
                format_date(row.loyalty_expires_on), format_date(row.cancelled_on)))
        statuses = ", ".join(f"{ContractStatus.label_of(s)}: {n}" for s, n in sorted(by_status.items()))
        report.totals.append(f"Total: {plural(count, 'contrato', 'contratos')}"
                             f"; soma dos valores mensais {format_brl(total)}.")
        if statuses:
            report.totals.append(f"Por situação — {statuses}.")
        return report


CANCELLATION_COLUMNS = (
    ReportColumn("motivo_codigo", "Código", 1.2),
    ReportColumn("motivo", "Motivo de cancelamento", 3.5),
    ReportColumn("isenta_multa", "Isenta multa", 1.0, "center"),
    ReportColumn("conta_churn", "Conta no churn", 1.0, "center"),
    ReportColumn("contratos", "Contratos", 1.0, "right"),
    ReportColumn("percentual", "% do total", 1.0, "right"),
    ReportColumn("valor_mensal", "Receita mensal perdida", 1.6, "right"),
)


def cancellations_report(uow: UnitOfWork, date_from: date | None = None, date_to: date | None = None) -> Report:
    """Contracts cancelled in the period, grouped by cancellation reason (count and monthly value)."""
    uow.require(Permission.REPORTS_VIEW)
    _check_period(date_from, date_to)
    with uow:
        stmt = (
            select(CancellationReason.code, CancellationReason.description, CancellationReason.waives_fine,
                   CancellationReason.counts_as_churn, func.count(Contract.id), func.sum(Contract.value))
            .select_from(Contract)
            .outerjoin(CancellationReason, CancellationReason.id == Contract.cancellation_reason_id)
            .where(Contract.cancelled_on.is_not(None))
            .group_by(CancellationReason.code, CancellationReason.description, CancellationReason.waives_fine,
                      CancellationReason.counts_as_churn)
        )
        if date_from:
            stmt = stmt.where(Contract.cancelled_on >= date_from)
        if date_to:
            stmt = stmt.where(Contract.cancelled_on <= date_to)
        rows = uow.session.execute(stmt).all()
        report = Report("Cancelamentos por motivo", f"Cancelamentos {_period(date_from, date_to)}.",
                        CANCELLATION_COLUMNS, company_name=_company(uow), generated_on=uow.today)
        total_count = sum(int(r[4]) for r in rows)
        total_value = Decimal("0")
        for code, description, waives, churn, count, value in sorted(rows, key=lambda r: (-int(r[4]), r[0] or "")):
            amount = to_cents(Decimal(value or 0))
            total_value += amount
            share = to_cents(Decimal(int(count)) * 100 / total_count) if total_count else Decimal("0")
            share_text = f"{share:.2f}".replace(".", ",")
            yes_no = ("sim" if waives else "não", "sim" if churn else "não")
            label = description or "Sem motivo informado"
            report.csv_rows.append((code or "", label, *yes_no, str(count), share_text, fmt_money(amount)))
            report.pdf_rows.append((code or "—", label, *yes_no, str(count), f"{share_text} %", format_brl(amount)))
        report.totals.append(f"Total: {plural(total_count, 'cancelamento', 'cancelamentos')}"
                             f"; receita mensal perdida {format_brl(total_value)}.")
        return report


CHARGE_COLUMNS = (  # widths in centimetres
    ReportColumn("contrato", "Contrato", 1.6, "right"),
    ReportColumn("cliente", "Cliente", 3.6),
    ReportColumn("cpf_cnpj", "CPF/CNPJ", 2.7),
    ReportColumn("tipo", "Tipo", 2.0),
    ReportColumn("descricao", "Descrição", 3.8),
    ReportColumn("oferta", "Oferta", 1.9),
    ReportColumn("vencimento", "Vencimento", 1.9, "center"),
    ReportColumn("valor", "Valor", 2.1, "right"),
    ReportColumn("pago", "Pago", 2.1, "right"),
    ReportColumn("pago_em", "Pago em", 1.9, "center"),
    ReportColumn("situacao", "Situação", 1.7),
    ReportColumn("numero", "Nº", 1.3, "right"),
)


def charges_report(uow: UnitOfWork, date_from: date | None = None, date_to: date | None = None,
                   status: str | None = None) -> Report:
    """Charges falling due in the period (optionally of one status), with totals billed, paid and open."""
    uow.require(Permission.REPORTS_VIEW)
    _check_period(date_from, date_to)
    with uow:
        stmt = (
            select(Charge, Contract.number, Customer.name, Customer.document)
            .join(Contract, Contract.id == Charge.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .order_by(Charge.due_date, Contract.number, Charge.id)
        )
        if date_from:
            stmt = stmt.where(Charge.due_date >= date_from)
        if date_to:
            stmt = stmt.where(Charge.due_date <= date_to)
        if status == ChargeReportStatus.PARCIAL:
            stmt = stmt.where(Charge.status == ChargeStatus.ABERTA, Charge.paid_amount > 0)
        elif status:
            stmt = stmt.where(Charge.status == status)
        subtitle = f"Cobranças com vencimento {_period(date_from, date_to)}"
        if status:
            subtitle += f", situação {ChargeReportStatus.label_of(status).lower()}"
        report = Report("Relatório de cobranças", subtitle + ".", CHARGE_COLUMNS, company_name=_company(uow),
                        generated_on=uow.today)
        billed = paid = Decimal("0")
        count = 0
        ids = []
        for charge, number, name, document in uow.session.execute(stmt):
            count += 1
            ids.append(charge.id)
            if charge.status != ChargeStatus.CANCELADA:
                billed += charge.amount
                paid += charge.paid_amount
            common = (str(number), name)
            report.csv_rows.append(common + (
                fmt_document(document), charge.kind, charge.description, charge.plan_code or "",
                fmt_date(charge.due_date), fmt_money(charge.amount), fmt_money(charge.paid_amount),
                fmt_date(charge.paid_on), charge.status, str(charge.number)))
            report.pdf_rows.append(common + (
                fmt_document(document), ChargeKind.label_of(charge.kind), charge.description, charge.plan_code or "",
                format_date(charge.due_date), format_brl(charge.amount), format_brl(charge.paid_amount),
                format_date(charge.paid_on), ChargeStatus.label_of(charge.status), str(charge.number)))
        report.totals.append(f"Total: {plural(count, 'cobrança', 'cobranças')}; emitido {format_brl(billed)}"
                             f"; recebido {format_brl(paid)}; "
                             f"em aberto {format_brl(billed - paid)} (sem as canceladas).")
        fine, interest = late_revenue_in(uow, ids)
        if fine or interest:
            report.totals.append(f"Recebido por atraso (fora do principal): multa {format_brl(fine)}; juros "
                                 f"{format_brl(interest)}.")
        return report


def late_revenue_in(uow: UnitOfWork, charge_ids: Sequence[Any]) -> tuple[Decimal, Decimal]:
    """Multa and juros received (payment lines of payments not reversed) on the charges `charge_ids`."""
    fine = interest = Decimal("0")
    for start in range(0, len(charge_ids), 500):
        rows = uow.session.execute(
            select(PaymentLine.part, func.sum(PaymentLine.amount))
            .join(Payment, Payment.id == PaymentLine.payment_id)
            .where(PaymentLine.charge_id.in_(charge_ids[start:start + 500]), Payment.reversed_at.is_(None),
                   PaymentLine.part.in_([PaymentPart.MULTA, PaymentPart.JUROS]))
            .group_by(PaymentLine.part))
        for part, total in rows:
            value = Decimal(total or 0)  # func.sum keeps the Money type: reais, not centavos
            if part == PaymentPart.MULTA:
                fine += value
            else:
                interest += value
    return to_cents(fine), to_cents(interest)


def write_report(report: Report, output: str | Path, fmt: str) -> int:
    """Write `report` as ``pdf`` or ``csv`` to `output`; return the number of rows.

    Raises:
        BusinessRuleError: unknown format or the file cannot be written.
    """
    if fmt not in FORMATS:
        raise BusinessRuleError(f"Formato “{fmt}” desconhecido. Use pdf ou csv.", field="formato")
    try:
        if fmt == "csv":
            return write_csv(output, [c.key for c in report.columns], report.csv_rows)
        write_bytes_atomic(output, report_pdf_bytes(report))
    except OSError as exc:
        raise BusinessRuleError(f"Não foi possível gravar {output}: {exc.strerror or exc}. Escolha outra pasta.",
                                field="output") from None
    return len(report.pdf_rows)


def report_pdf_bytes(report: Report, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The PDF of `report`; `progress(pages drawn, pages expected)` as it goes (a determinate bar)."""
    generated = format_date(report.generated_on) if report.generated_on else ""
    columns: Sequence[PdfColumn] = [PdfColumn(c.title, c.width, c.align, c.wrap) for c in report.columns]
    return render_report_pdf(report.title, report.subtitle, columns, report.pdf_rows, report.totals,
                             report.company_name, generated, progress)
