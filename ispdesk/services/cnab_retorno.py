"""``import cnab``: a CNAB 240 retorno from the bank settles the boletos by nosso número.

Each title of the file is a segment T (nosso número, occurrence code) followed by its segment U
(amount paid, juros/multa charged by the bank, payment date). Occurrence ``06`` (liquidação) is a
payment of the charge with that nosso número, recorded through the same rule as any other payment
(principal first, then multa and juros as their own lines; paying the debt restores access at once)
with the amount and date the bank reports. Other occurrences (entrada confirmada, baixa, tarifas…)
settle nothing and are only counted.

The payment keeps the external id ``CNAB<banco>-<nosso número>-<data da ocorrência>``, unique: a file
imported again — or a title repeated — settles nothing twice (counted as "já importados"). Titles
that cannot be settled (unknown nosso número, charge paid or cancelled, amount above the balance,
bad date) are written, with the reason, to ``ARQUIVO.rejeitados.csv`` beside the file.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ispdesk.db.models import BoletoTitle, Carteira
from ispdesk.domain import cnab240
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import updated_amount
from ispdesk.domain.money import format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, PaymentSource
from ispdesk.domain.wording import agree, plural
from ispdesk.services.atomic_file import atomic_text_file
from ispdesk.services.payment_batch import ChargeState, PaymentBatch, PaymentRequest
from ispdesk.services.uow import UnitOfWork

_CHUNK = 500
REJECT_COLUMNS = ("linha", "nosso_numero", "ocorrencia", "valor_pago", "data_pagamento", "motivo")


@dataclass(frozen=True)
class ReturnTitle:
    """One title of a retorno: segment T with its segment U."""

    line: int
    bank: str
    nosso_numero: str
    movement: str
    paid: Decimal
    late: Decimal
    paid_on_text: str

    @property
    def external_id(self) -> str:
        """The payment's unique id: bank, nosso número and the occurrence date."""
        return f"CNAB{self.bank}-{self.nosso_numero}-{self.paid_on_text}"


@dataclass
class CnabReport:
    """What a retorno did; `summary` ends with ``cnab: N liquidados, N rejeitados, N já importados``."""

    source: str
    settled: int = 0
    already: int = 0
    other: int = 0
    rejected: list[tuple[ReturnTitle | None, int, str]] = field(default_factory=list)
    rejects_path: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when nothing was rejected, 1 otherwise."""
        return 1 if self.rejected else 0

    @property
    def summary(self) -> str:
        """Portuguese summary; the last line is the machine-readable count."""
        other = plural(self.other, "ocorrência sem pagamento", "ocorrências sem pagamento")
        read = agree(self.other, "apenas lida", "apenas lidas")
        lines = [f"Retorno CNAB {self.source}: {other} (entrada, baixa, tarifa…): {read}."]
        lines += [f"  linha {line}: {reason}" for _, line, reason in self.rejected[:20]]
        if self.rejects_path:
            lines.append(f"Títulos rejeitados gravados em {self.rejects_path} (coluna motivo); confira-os e lance "
                         "à parte o que for devido.")
        lines.append(f"cnab: {self.settled} liquidados, {len(self.rejected)} rejeitados, {self.already} já importados")
        return "\n".join(lines)


def read_titles(path: str | Path) -> tuple[list[ReturnTitle], list[tuple[int, str]]]:
    """The titles of a CNAB 240 retorno and the lines that cannot be read (line, reason).

    Raises:
        BusinessRuleError: not a CNAB 240 file (nothing imported).
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BusinessRuleError(f"Não foi possível ler {path}: {exc.strerror or exc}.") from None
    lines = raw.decode("latin-1").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise BusinessRuleError(f"{Path(path).name} está vazio: não é um retorno CNAB.")
    if len(lines[0]) == 400:
        raise BusinessRuleError(f"{Path(path).name} é um retorno CNAB 400; o ispdesk lê o CNAB 240. Peça ao banco o "
                                "retorno no layout FEBRABAN 240.")
    if len(lines[0]) != cnab240.LINE or lines[0][7] != "0" or lines[0][142] != "2":
        raise BusinessRuleError(f"{Path(path).name} não é um arquivo de retorno CNAB 240 (a 1ª linha deve ser o "
                                "header de arquivo de retorno, com 240 caracteres). Confira o arquivo baixado do "
                                "banco.")
    titles: list[ReturnTitle] = []
    bad: list[tuple[int, str]] = []
    pending: tuple[int, dict[str, str]] | None = None
    for number, line in enumerate(lines, start=1):
        if len(line) != cnab240.LINE:
            bad.append((number, f"linha com {len(line)} caracteres (o CNAB 240 tem 240)."))
            continue
        if line[7] != "3":
            continue
        segment = line[13]
        if segment == "T":
            if pending is not None:
                bad.append((pending[0], "segmento T sem o segmento U que o segue."))
            pending = (number, cnab240.parse("T", line))
        elif segment == "U":
            if pending is None:
                bad.append((number, "segmento U sem o segmento T antes dele."))
                continue
            t_line, t = pending
            pending = None
            u = cnab240.parse("U", line)
            try:
                paid, late = cnab240.money(u["valor_pago"]), cnab240.money(u["acrescimos"])
            except ArithmeticError:
                bad.append((t_line, "valor pago ilegível no segmento U."))
                continue
            titles.append(ReturnTitle(t_line, t["banco"], t["nosso_numero"],
                                      t["movimento"], paid, late, u["data_ocorrencia"]))
    if pending is not None:
        bad.append((pending[0], "segmento T sem o segmento U que o segue."))
    return titles, bad


class _Settler:
    """Checks each title and adds its payment to one `PaymentBatch` (written together at the end)."""

    def __init__(self, uow: UnitOfWork, titles: list[ReturnTitle]) -> None:
        self.charges: dict[tuple[str, str], uuid.UUID] = {}
        numbers = sorted({t.nosso_numero for t in titles})
        for start in range(0, len(numbers), _CHUNK):  # looked up in bulk, not once per title
            for nn, bank, charge_id in uow.session.execute(
                    select(BoletoTitle.nosso_numero, Carteira.bank, BoletoTitle.charge_id)
                    .join(Carteira, Carteira.id == BoletoTitle.carteira_id)
                    .where(BoletoTitle.nosso_numero.in_(numbers[start:start + _CHUNK]))):
                self.charges[(bank, nn)] = charge_id
        self.batch = PaymentBatch(uow, self.charges.values(), [t.external_id for t in titles])

    def charge(self, t: ReturnTitle) -> ChargeState:
        charge = self.batch.charge(self.charges.get((t.bank, t.nosso_numero)))
        if charge is None:
            raise BusinessRuleError(f"nosso número {t.nosso_numero} (banco {t.bank}) não é de nenhum boleto do "
                                    "ispdesk; confira se o retorno é desta empresa.")
        return charge

    def settle(self, t: ReturnTitle) -> bool:
        """Settle `t`; False when it was already imported. Raises BusinessRuleError to reject it."""
        if t.external_id in self.batch.seen:
            return False
        try:
            paid_on = cnab240.parse_day(t.paid_on_text)
        except ValueError:
            paid_on = None
        if paid_on is None:
            raise BusinessRuleError(f"data do pagamento “{t.paid_on_text}” inválida no segmento U.")
        if t.paid <= 0:
            raise BusinessRuleError("liquidação sem valor pago no segmento U.")
        charge = self.charge(t)
        if charge.status != ChargeStatus.ABERTA:
            raise BusinessRuleError(f"a cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”; o "
                                    "valor recebido deve ser devolvido ou lançado à parte.")
        updated = updated_amount(to_cents(charge.amount - charge.paid_amount), charge.fine_owed,
                                 charge.interest_owed, charge.effective_due_date, paid_on, self.batch.rates)
        balance = to_cents(updated.total)
        if t.paid > balance:
            raise BusinessRuleError(f"valor pago {format_brl(t.paid)} maior que o saldo da cobrança {charge.number} "
                                    f"({format_brl(balance)} em {format_date(paid_on)}); lance a diferença à parte.")
        self.batch.add(PaymentRequest(charge.id, t.paid, paid_on, PaymentSource.IMPORTACAO.value, t.external_id))
        return True


def _write_rejects(path: Path, report: CnabReport) -> None:
    with atomic_text_file(path, "utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(REJECT_COLUMNS)
        for t, line, reason in report.rejected:
            if t is None:
                writer.writerow([line, "", "", "", "", reason])
            else:
                writer.writerow([line, t.nosso_numero, t.movement, f"{t.paid:.2f}".replace(".", ","),
                                 t.paid_on_text, reason])


def _begin_write(uow: UnitOfWork) -> None:
    """Open the write transaction now on SQLite (its driver would defer it), so savepoints nest in it."""
    conn = uow.session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def rejects_path_for(path: str | Path) -> Path:
    """``RET.ret`` → ``RET.rejeitados.csv`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + ".rejeitados.csv")


def import_cnab(uow: UnitOfWork, path: str | Path, rejects: str | Path | None = None) -> CnabReport:
    """Import a CNAB 240 retorno (see the module docstring); one transaction for the whole file.

    Raises:
        PermissionDenied: the actor may not import payments.
        BusinessRuleError: not a CNAB 240 retorno (nothing imported).
    """
    uow.require(Permission.PAYMENTS_IMPORT)
    titles, bad = read_titles(path)
    report = CnabReport(source=Path(path).name)
    report.rejected.extend((None, line, reason) for line, reason in bad)
    with uow:
        _begin_write(uow)  # SQLite: the write lock first, so the look-ups below see what stays true
        settler = _Settler(uow, [t for t in titles if t.movement == cnab240.LIQUIDACAO])
        for t in titles:
            if t.movement != cnab240.LIQUIDACAO:
                report.other += 1
                continue
            try:
                done = settler.settle(t)
            except BusinessRuleError as exc:
                report.rejected.append((t, t.line, exc.message.replace("\n", " ")))
                continue
            if done:
                report.settled += 1
            else:
                report.already += 1
        settler.batch.finish()  # payments, lines, audit, paid-until; access restored in one write
        report.rejected.sort(key=lambda r: r[1])
        target = Path(rejects) if rejects is not None else rejects_path_for(path)
        if report.rejected:
            try:
                _write_rejects(target, report)
            except OSError as exc:
                raise BusinessRuleError(f"Não foi possível gravar os rejeitados em {target}: {exc.strerror or exc}. "
                                        "Nada foi importado.") from None
            report.rejects_path = str(target)
        uow.audit("payment", None, "import",
                  {"arquivo": report.source, "liquidados": report.settled, "rejeitados": len(report.rejected),
                   "ja_importados": report.already},
                  summary=f"Retorno CNAB {report.source}: {plural(report.settled, 'liquidado', 'liquidados')}, "
                          f"{plural(len(report.rejected), 'rejeitado', 'rejeitados')}, "
                          f"{plural(report.already, 'já importado', 'já importados')}")
        try:
            uow.commit()
        except BaseException:
            if report.rejects_path:
                Path(report.rejects_path).unlink(missing_ok=True)
            raise
    return report
