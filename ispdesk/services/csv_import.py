"""The import pipeline every CSV importer uses (customers, contracts, payments …).

An area writes a `RowImporter` (which columns, which are required, how to check one row, how to
write the accepted ones) and calls `run_import`. The pipeline guarantees the house rules:

* an unusable file — missing, unreadable, or without a required column — raises
  `BusinessRuleError` (CLI exit 2) and nothing is imported;
* unknown columns are reported (and ignored);
* every row is checked by the area (`RowImporter.check_row`, raising `BusinessRuleError` to reject);
  values declared unique by `RowImporter.unique_keys` are unique inside the file: the first row
  wins, later ones are rejected as its duplicates;
* the accepted rows are written in ONE transaction (`RowImporter.write`), with one summary audit row;
* each rejected row is written verbatim (original cells and column order, the source's delimiter)
  to the rejects file, plus a ``motivo`` column;
* `ImportReport.summary` is the Portuguese summary and `ImportReport.exit_code` is 0 (all
  imported), 1 (some rejected) or 2 (unusable; raised as an exception instead).

Example::

    class PaymentImporter(RowImporter[PaymentItem]):
        what = "pagamentos"
        entity = "payment"
        columns = ("contrato", "valor", "data")
        permission = Permission.PAYMENTS_IMPORT

        def required_columns(self, uow): return ("contrato", "valor", "data")
        def check_row(self, uow, row): ...   # row = {"contrato": "12", "valor": "99,90", ...}
        def write(self, uow, items): ...

    report = run_import(factory(actor), path, PaymentImporter(), rejects="rej.csv")
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services.csv_io import CsvRow, CsvTable, read_csv, write_csv
from ispdesk.services.uow import UnitOfWork

T = TypeVar("T")

#: Column added to the rejects file.
REASON_COLUMN = "motivo"
#: How many rejection reasons the summary lists (the rejects file has all of them).
SUMMARY_REJECTS_SHOWN = 20

ProgressFn = Callable[[int, int, str], None]


class RowImporter(ABC, Generic[T]):
    """What an area provides to import its CSV files.

    Attributes:
        what: plural noun for messages, e.g. ``clientes``.
        entity: audit entity of the summary row, e.g. ``customer``.
        columns: every column the importer understands (normalised names).
        aliases: other header names (normalised) accepted for a column, e.g. ``{"e_mail": "email"}``.
        permission: checked before anything is read.
    """

    what: str = "registros"
    entity: str = "import"
    columns: tuple[str, ...] = ()
    aliases: Mapping[str, str] = {}
    permission: Permission | None = None

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        """Columns without which the file is unusable (may depend on the parameters)."""
        return ()

    def prepare(self, uow: UnitOfWork, rows: Sequence[Mapping[str, str]]) -> None:  # noqa: B027 - optional hook
        """Optional: look up in bulk what `check_row` will need (runs once, before the checks)."""

    @abstractmethod
    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> T:
        """Check one row and return what `write` needs.

        Args:
            row: normalised column → stripped cell ("" when the column is absent).

        Raises:
            BusinessRuleError: the row is rejected with this message.
        """

    def unique_keys(self, item: T) -> Iterable[tuple[str, str]]:
        """(label, value) pairs that must be unique inside the file, e.g. ``("CPF/CNPJ", "529…")``."""
        return ()

    def warnings(self, item: T) -> Iterable[str]:
        """Warnings about an accepted row (shown in the summary)."""
        return ()

    @abstractmethod
    def write(self, uow: UnitOfWork, items: Sequence[T]) -> None:
        """Write the accepted rows (inside the open transaction; the pipeline commits)."""


@dataclass(frozen=True)
class RejectedRow:
    """A rejected row: its line, its original cells and why."""

    line: int
    cells: tuple[str, ...]
    reason: str


@dataclass
class ImportReport:
    """What happened; `summary` is printed by the CLI and shown by the GUI.

    Attributes:
        source: the file read.
        total: data rows read.
        imported: rows written.
        rejected: the rejected rows, in file order.
        unknown_columns: header names the importer ignored (as written in the file).
        warnings: accepted rows' warnings (``linha N: …``).
        rejects_path: where the rejects were written, if anywhere.
    """

    source: str
    what: str
    total: int = 0
    imported: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejects_path: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when every row was imported, 1 when some were rejected."""
        return 1 if self.rejected else 0

    @property
    def summary(self) -> str:
        """Portuguese summary, several lines."""
        lines = [
            f"Importação de {self.what} ({self.source}): {self.total} linha(s) lida(s), "
            f"{self.imported} importada(s), {len(self.rejected)} rejeitada(s)."
        ]
        if self.unknown_columns:
            lines.append("Colunas desconhecidas (ignoradas): " + ", ".join(self.unknown_columns) + ".")
        for rej in self.rejected[:SUMMARY_REJECTS_SHOWN]:
            lines.append(f"  linha {rej.line}: {rej.reason}")
        if len(self.rejected) > SUMMARY_REJECTS_SHOWN:
            lines.append(f"  … e mais {len(self.rejected) - SUMMARY_REJECTS_SHOWN} linha(s) rejeitada(s).")
        if self.rejected:
            if self.rejects_path:
                lines.append(f"Linhas rejeitadas gravadas em {self.rejects_path} (coluna {REASON_COLUMN}); "
                             "corrija-as e importe esse arquivo de novo.")
            else:
                lines.append("Use --rejects ARQUIVO.csv para gravar as linhas rejeitadas com o motivo.")
        for warning in self.warnings[:SUMMARY_REJECTS_SHOWN]:
            lines.append(f"  aviso: {warning}")
        if len(self.warnings) > SUMMARY_REJECTS_SHOWN:
            lines.append(f"  … e mais {len(self.warnings) - SUMMARY_REJECTS_SHOWN} aviso(s).")
        return "\n".join(lines)


def reason_of(exc: BusinessRuleError) -> str:
    """One line from a rule error (a `ValidationError`'s messages joined with spaces)."""
    if isinstance(exc, ValidationError):
        return " ".join(m.replace("\n", " ") for m in exc.errors.values())
    return exc.message.replace("\n", " ")


def _check_columns(table: CsvTable, importer: RowImporter[T], required: Sequence[str], source: str) -> list[str]:
    present = set(table.header)
    missing = [c for c in required if c not in present]
    if missing:
        raise BusinessRuleError(
            f"O arquivo {source} não tem a(s) coluna(s) obrigatória(s): {', '.join(missing)}. "
            f"Colunas encontradas: {', '.join(table.raw_header)}. Nada foi importado."
        )
    known = set(importer.columns)
    return [raw for raw, norm in zip(table.raw_header, table.header, strict=True)
            if norm not in known and norm != REASON_COLUMN and raw.strip()]


def _apply_aliases(table: CsvTable, importer: RowImporter[T]) -> CsvTable:
    """Rename alias columns to the importer's names (never over a column the file already has)."""
    if not importer.aliases:
        return table
    present = set(table.header)
    header = tuple(
        importer.aliases[h] if h in importer.aliases and importer.aliases[h] not in present else h
        for h in table.header
    )
    return replace(table, header=header)


def write_rejects(path: str | Path, table: CsvTable, rejected: Sequence[RejectedRow]) -> None:
    """The rejected rows verbatim (source delimiter, original cells/order) + ``motivo``, UTF-8 with BOM.

    A ``motivo`` column already in the file (a rejects file imported again) is overwritten.
    """
    header = list(table.raw_header)
    try:
        reason_at = table.header.index(REASON_COLUMN)
    except ValueError:
        reason_at = len(header)
        header.append(REASON_COLUMN)
    rows = []
    for rej in rejected:
        cells = list(rej.cells) + [""] * max(0, len(header) - len(rej.cells))
        cells[reason_at] = rej.reason
        rows.append(cells)
    try:
        write_csv(path, header, rows, guard=False, delimiter=table.delimiter)
    except OSError as exc:
        raise BusinessRuleError(
            f"Não foi possível gravar o arquivo de rejeitados {path}: {exc.strerror or exc}. Nada foi importado."
        ) from None


def run_import(
    uow: UnitOfWork,
    path: str | Path,
    importer: RowImporter[T],
    rejects: str | Path | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import a CSV file with `importer` (see the module docstring).

    Args:
        uow: a fresh unit of work (opened and committed here).
        rejects: where to write the rejected rows (+ ``motivo``); nothing written when None or none rejected.
        progress: ``progress(done, total, text)`` while checking rows.
        cancelled: polled between rows; when it returns True the import stops and nothing is written.

    Raises:
        BusinessRuleError: unusable file, missing permission, or cancelled — nothing imported.
    """
    if importer.permission is not None:
        uow.require(importer.permission)
    source = str(path)
    table = _apply_aliases(read_csv(path), importer)
    report = ImportReport(source=Path(source).name, what=importer.what, total=len(table.rows))
    with uow:
        report.unknown_columns = _check_columns(table, importer, importer.required_columns(uow), source)
        width = len(table.raw_header)
        dicts = [table.as_dict(r) for r in table.rows]
        importer.prepare(uow, dicts)
        accepted: list[T] = []
        first_line: dict[tuple[str, str], int] = {}
        for n, (row, values) in enumerate(zip(table.rows, dicts, strict=True)):
            if cancelled is not None and n % 500 == 0 and cancelled():
                raise BusinessRuleError("Importação cancelada; nada foi importado.")
            if progress is not None and n % 1000 == 0:
                progress(n, report.total, f"Conferindo linha {row.line}")
            reason = _check_one(uow, importer, table, row, values, width, first_line, accepted, report)
            if reason is not None:
                report.rejected.append(RejectedRow(row.line, row.cells, reason))
        if rejects is not None and report.rejected:
            write_rejects(rejects, table, report.rejected)
            report.rejects_path = str(rejects)
        try:
            if progress is not None:
                progress(report.total, report.total, f"Gravando {len(accepted)} {importer.what}")
            if accepted:
                importer.write(uow, accepted)
            report.imported = len(accepted)
            uow.audit(importer.entity, None, "import",
                      {"arquivo": report.source, "linhas": report.total, "importadas": report.imported,
                       "rejeitadas": len(report.rejected)},
                      summary=f"Importação de {importer.what} ({report.source}): {report.imported} importada(s), "
                              f"{len(report.rejected)} rejeitada(s)")
            uow.commit()
        except BaseException:
            # nothing was imported: a rejects file would describe an import that never happened
            if report.rejects_path:
                Path(report.rejects_path).unlink(missing_ok=True)
                report.rejects_path = None
            raise
    return report


def _check_one(
    uow: UnitOfWork,
    importer: RowImporter[T],
    table: CsvTable,
    row: CsvRow,
    values: Mapping[str, str],
    width: int,
    first_line: dict[tuple[str, str], int],
    accepted: list[T],
    report: ImportReport,
) -> str | None:
    if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
        return (f"a linha tem {len(row.cells)} colunas e o cabeçalho {width}; confira o separador "
                f"“{table.delimiter}” e as aspas.")
    try:
        item = importer.check_row(uow, values)
    except BusinessRuleError as exc:
        return reason_of(exc)
    keys = list(importer.unique_keys(item))
    for key in keys:
        if key in first_line:
            return (f"{key[0]} {key[1]} repetido no arquivo: já aparece na linha {first_line[key]} "
                    "(só a primeira é importada).")
    for key in keys:
        first_line[key] = row.line
    accepted.append(item)
    report.warnings.extend(f"linha {row.line}: {w}" for w in importer.warnings(item))
    return None
