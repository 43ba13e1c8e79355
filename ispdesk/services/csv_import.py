"""The import pipeline every CSV importer uses (customers, contracts, payments …).

An area writes a `RowImporter` (which columns, which are required, how to check one row, how to
write the accepted ones) and calls `run_import`. The pipeline guarantees the house rules:

* an unusable file — missing, unreadable, or without a required column — raises
  `BusinessRuleError` (CLI exit 2) and nothing is imported;
* unknown columns are reported (and ignored);
* a bad cell never stops the file: a row with a cell over 128 KB (`MAX_CELL_BYTES`), a NUL character
  or more cells than the header is rejected before the area sees it; every row is checked by the
  area (`RowImporter.check_row`, raising `BusinessRuleError` to reject) and ANY other exception the
  check raises rejects that row too, with a Portuguese reason naming the suspicious columns (never
  the values, never a traceback); values declared unique by `RowImporter.unique_keys` are unique
  inside the file: the first row wins, later ones are rejected as its duplicates;
* slow work on the accepted rows (password hashes) runs in `RowImporter.before_write`, with no
  transaction open; then the accepted rows are written in ONE short transaction
  (`RowImporter.write`), with one summary audit row. A row the database refuses (a value out of the
  column's range, a uniqueness index) is found by writing halves under savepoints and rejected
  alone; the others are written. So `ImportReport` is exact: every row read is either imported or
  rejected with its reason;
* each rejected row is written verbatim (original cells and column order — extra cells too —, the
  source's delimiter) to the rejects file, plus a ``motivo`` column after all of its cells;
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

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import exc as sa_exc

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import agree, plural
from ispdesk.services.csv_io import MAX_CELL_BYTES, CsvRow, CsvTable, read_csv, write_csv
from ispdesk.services.uow import UnitOfWork

T = TypeVar("T")

#: Columns blanked in the rejects file (a PPPoE password is kept only in FreeRADIUS's radcheck).
SECRET_COLUMNS = frozenset({"pppoe_senha"})
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

    def before_write(self, uow: UnitOfWork, items: Sequence[T]) -> Sequence[T]:
        """Optional: slow work on the accepted rows, outside any transaction; same items, same order.

        E.g. the customers import hashes the hotsite passwords here, so the write lock is short.
        """
        return items

    def write_reason(self, exc: Exception) -> str | None:
        """Optional: the Portuguese reason for a row the database refused (None: the generic one)."""
        return None

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
            f"Importação de {self.what} ({self.source}): {plural(self.total, 'linha lida', 'linhas lidas')}, "
            f"{plural(self.imported, 'importada', 'importadas')}"
            f", {plural(len(self.rejected), 'rejeitada', 'rejeitadas')}."
        ]
        if self.unknown_columns:
            lines.append("Colunas desconhecidas (ignoradas): " + ", ".join(self.unknown_columns) + ".")
        for rej in self.rejected[:SUMMARY_REJECTS_SHOWN]:
            lines.append(f"  linha {rej.line}: {rej.reason}")
        if len(self.rejected) > SUMMARY_REJECTS_SHOWN:
            extra = len(self.rejected) - SUMMARY_REJECTS_SHOWN
            lines.append(f"  … e mais {plural(extra, 'linha rejeitada', 'linhas rejeitadas')}.")
        if self.rejected:
            if self.rejects_path:
                lines.append(f"Linhas rejeitadas gravadas em {self.rejects_path} (coluna {REASON_COLUMN}); "
                             "corrija-as e importe esse arquivo de novo.")
            else:
                lines.append("Use --rejects ARQUIVO.csv para gravar as linhas rejeitadas com o motivo.")
        for warning in self.warnings[:SUMMARY_REJECTS_SHOWN]:
            lines.append(f"  aviso: {warning}")
        if len(self.warnings) > SUMMARY_REJECTS_SHOWN:
            lines.append(f"  … e mais {plural(len(self.warnings) - SUMMARY_REJECTS_SHOWN, 'aviso', 'avisos')}.")
        return "\n".join(lines)


def reason_of(exc: BusinessRuleError) -> str:
    """One line from a rule error (a `ValidationError`'s messages joined with spaces)."""
    if isinstance(exc, ValidationError):
        return " ".join(m.replace("\n", " ") for m in exc.errors.values())
    return exc.message.replace("\n", " ")


# --- what a cell can hold ------------------------------------------------------------------------

_LONG_NUMBER = re.compile(r"\d{19,}")
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}


def _odd(value: str) -> bool:
    """A cell a parser may choke on: non-ASCII digits (², ٣), invisible characters, 19+ digits."""
    if value.isascii():
        return bool(_LONG_NUMBER.search(value)) or any(ord(c) < 32 and c not in "\t\r\n" for c in value)
    return any((c.isdigit() and not c.isascii()) or unicodedata.category(c) in _INVISIBLE
               for c in value if c not in "\t\r\n") or bool(_LONG_NUMBER.search(value))


def _columns_named(names: Iterable[str]) -> str:
    shown = [f"“{n}”" for n in names]
    return ", ".join(shown[:5]) + (" …" if len(shown) > 5 else "")


def unexpected_reason(values: Mapping[str, str], exc: BaseException) -> str:
    """The reason for a row whose check raised something other than a rule error (no values shown)."""
    suspects = [name for name, value in values.items() if value and _odd(value)]
    where = (' na coluna ' if len(suspects) == 1 else ' nas colunas ') + _columns_named(suspects) if suspects else ""
    return (f"valor que o sistema não consegue interpretar{where}: confira dígitos sobrescritos ou de outros "
            "alfabetos (como ² ou ٣), números longos demais e caracteres invisíveis, corrija e importe de novo "
            f"(erro interno {type(exc).__name__}).")


def _column_label(table: CsvTable, index: int) -> str:
    if index < len(table.raw_header) and table.raw_header[index].strip():
        return f"“{table.raw_header[index].strip()}”"
    return f"{index + 1}ª (sem nome no cabeçalho)"


def screen_row(table: CsvTable, row: CsvRow) -> str | None:
    """Why `row` cannot be imported whatever its columns mean (too many cells, NUL, a huge cell), or None."""
    width = len(table.raw_header)
    if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
        return (f"a linha tem {len(row.cells)} colunas e o cabeçalho {width}; confira o separador "
                f"“{table.delimiter}” e as aspas.")
    for i, cell in enumerate(row.cells):
        if "\x00" in cell:
            return (f"a coluna {_column_label(table, i)} tem o caractere nulo (NUL, código 0), que não é texto; "
                    "apague-o (o arquivo pode ter sido salvo como UTF-16 ou estar corrompido).")
        if len(cell) > MAX_CELL_BYTES // 4 and len(cell.encode("utf-8", "surrogatepass")) > MAX_CELL_BYTES:
            size = len(cell.encode("utf-8", "surrogatepass")) // 1024
            return (f"a coluna {_column_label(table, i)} tem {size} KB; cada campo aceita até "
                    f"{MAX_CELL_BYTES // 1024} KB. Encurte-o ou confira as aspas (uma aspa sem par junta "
                    "várias linhas num campo só).")
    return None


def _check_columns(table: CsvTable, importer: RowImporter[T], required: Sequence[str], source: str) -> list[str]:
    present = set(table.header)
    missing = [c for c in required if c not in present]
    if missing:
        raise BusinessRuleError(
            f"O arquivo {source} não tem {agree(len(missing), 'a coluna obrigatória', 'as colunas obrigatórias')}"
            f": {', '.join(missing)}. "
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

    ``motivo`` comes after every cell of every rejected row (extra cells beyond the header included),
    so no original cell is overwritten. Only a rejects file imported again — whose last header column
    is already ``motivo`` and whose rejected rows have no cells past it — gets its old reason replaced
    instead of a second ``motivo`` column.
    """
    header = list(table.raw_header)
    widest = max((len(r.cells) for r in rejected), default=0)
    if table.header and table.header[-1] == REASON_COLUMN and widest <= len(header):
        reason_at = len(header) - 1
    else:
        reason_at = max(len(header), widest)
        header += [""] * (reason_at - len(header)) + [REASON_COLUMN]
    secret_at = [i for i, name in enumerate(table.header) if name in SECRET_COLUMNS]
    rows = []
    for rej in rejected:
        cells = list(rej.cells) + [""] * max(0, len(header) - len(rej.cells))
        cells[reason_at] = rej.reason
        for i in secret_at:  # a network password never leaves the RADIUS tables
            cells[i] = ""
        rows.append(cells)
    try:
        write_csv(path, header, rows, guard=False, delimiter=table.delimiter)
    except OSError as exc:
        raise BusinessRuleError(
            f"Não foi possível gravar o arquivo de rejeitados {path}: {exc.strerror or exc}. Nada foi importado."
        ) from None


# --- the pipeline --------------------------------------------------------------------------------


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
        screened: list[tuple[CsvRow, dict[str, str]]] = []
        for row in table.rows:
            reason = screen_row(table, row)
            if reason is None:
                screened.append((row, table.as_dict(row)))
            else:
                report.rejected.append(RejectedRow(row.line, row.cells, reason))
        importer.prepare(uow, [values for _, values in screened])
        accepted: list[tuple[CsvRow, T]] = []
        first_line: dict[tuple[str, str], int] = {}
        for n, (row, values) in enumerate(screened):
            if cancelled is not None and n % 500 == 0 and cancelled():
                raise BusinessRuleError("Importação cancelada; nada foi importado.")
            if progress is not None and n % 1000 == 0:
                progress(n, report.total, f"Conferindo linha {row.line}")
            reason = _check_one(uow, importer, row, values, first_line, accepted, report)
            if reason is not None:
                report.rejected.append(RejectedRow(row.line, row.cells, reason))
        # the checks only read: end that transaction before the slow part, so nothing is held meanwhile
        uow.session.rollback()
        if accepted:
            if progress is not None:
                progress(report.total, report.total, f"Preparando {len(accepted)} {importer.what}")
            items = importer.before_write(uow, [item for _, item in accepted])
            accepted = [(row, item) for (row, _), item in zip(accepted, items, strict=True)]
        if cancelled is not None and cancelled():
            raise BusinessRuleError("Importação cancelada; nada foi importado.")
        try:
            if progress is not None:
                progress(report.total, report.total, f"Gravando {len(accepted)} {importer.what}")
            if accepted:
                _begin_write(uow)
                refused = _write_isolated(uow, importer, accepted)
                report.rejected.extend(refused)
                report.imported = len(accepted) - len(refused)
            report.rejected.sort(key=lambda r: r.line)
            if rejects is not None and report.rejected:
                write_rejects(rejects, table, report.rejected)
                report.rejects_path = str(rejects)
            uow.audit(importer.entity, None, "import",
                      {"arquivo": report.source, "linhas": report.total, "importadas": report.imported,
                       "rejeitadas": len(report.rejected)},
                      summary=f"Importação de {importer.what} ({report.source}): "
                              f"{plural(report.imported, 'importada', 'importadas')}, "
                              f"{plural(len(report.rejected), 'rejeitada', 'rejeitadas')}")
            uow.commit()
        except BaseException:
            # nothing was imported: a rejects file would describe an import that never happened
            if report.rejects_path:
                Path(report.rejects_path).unlink(missing_ok=True)
                report.rejects_path = None
            report.imported = 0
            raise
    return report


def _check_one(
    uow: UnitOfWork,
    importer: RowImporter[T],
    row: CsvRow,
    values: Mapping[str, str],
    first_line: dict[tuple[str, str], int],
    accepted: list[tuple[CsvRow, T]],
    report: ImportReport,
) -> str | None:
    """None when the row is accepted (appended to `accepted`), else why it is rejected."""
    try:
        item = importer.check_row(uow, values)
        keys = list(importer.unique_keys(item))
        warnings = list(importer.warnings(item))
    except BusinessRuleError as exc:
        return reason_of(exc)
    except Exception as exc:  # any cell the rules did not foresee: this row only, never the file
        # a failed query leaves PostgreSQL's transaction aborted; the checks wrote nothing, so start over
        uow.session.rollback()
        return unexpected_reason(values, exc)
    for key in keys:
        if key in first_line:
            return (f"{key[0]} {key[1]} repetido no arquivo: já aparece na linha {first_line[key]} "
                    "(só a primeira é importada).")
    for key in keys:
        first_line[key] = row.line
    accepted.append((row, item))
    report.warnings.extend(f"linha {row.line}: {w}" for w in warnings)
    return None


def _begin_write(uow: UnitOfWork) -> None:
    """Open the write transaction explicitly on SQLite (its driver would defer it), so savepoints nest in it."""
    conn = uow.session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


#: Faults of the database or the machine, not of a row: they stop the import (nothing written).
_ENVIRONMENT = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError,
                MemoryError, RecursionError)


def _write_isolated(uow: UnitOfWork, importer: RowImporter[T], rows: Sequence[tuple[CsvRow, T]]) -> list[RejectedRow]:
    """Write `rows`; rows the database refuses are found by halves under savepoints and returned."""
    refused: list[RejectedRow] = []

    def attempt(chunk: Sequence[tuple[CsvRow, T]]) -> None:
        try:
            with uow.session.begin_nested():
                importer.write(uow, [item for _, item in chunk])
                uow.session.flush()
        except _ENVIRONMENT:
            raise
        except Exception as exc:
            if len(chunk) == 1:
                row = chunk[0][0]
                refused.append(RejectedRow(row.line, row.cells, _write_reason(importer, exc)))
                return
            middle = len(chunk) // 2
            attempt(chunk[:middle])
            attempt(chunk[middle:])

    attempt(rows)
    return refused


def _write_reason(importer: RowImporter[T], exc: Exception) -> str:
    specific = importer.write_reason(exc)
    if specific:
        return specific
    if isinstance(exc, BusinessRuleError):
        return reason_of(exc)
    if isinstance(exc, sa_exc.IntegrityError):
        return ("a linha conflita com um registro já gravado (por exemplo, um documento, login ou número que "
                "outra estação cadastrou durante a importação); confira e importe esta linha de novo.")
    cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    return ("o banco de dados recusou a linha: algum valor passa do limite que ele grava (confira números "
            "longos demais e caracteres especiais); corrija e importe de novo "
            f"(erro interno {type(cause).__name__}).")
