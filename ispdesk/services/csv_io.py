"""CSV and JSON files in and out, the way Brazilian offices use them (shared by every area).

Reading (`read_csv`): delimiter ``;`` or ``,`` (tab too) and encoding UTF-8 (with or without BOM) or
Windows-1252 are detected; header names are normalised (`normalize_header`: trimmed, lower-case,
accents folded, spaces/hyphens/slashes → ``_``). A cell that an ispdesk export guarded against
formula injection (``'=…``) is read back without the guard, so exports re-import unchanged.

Writing (`write_csv`): ``;`` delimiter, UTF-8 with BOM (Excel-BR opens it right), CRLF, cells
starting with ``= + - @`` get a leading ``'`` (`guard_formula`). Format values with `fmt_date`
(dd/mm/aaaa), `fmt_money` (``1234,56``), `fmt_document` (masked CPF/CNPJ). `write_json` writes the
same keys and values as a JSON array of objects.

Example (an export)::

    header = ["codigo", "nome", "valor"]
    rows = [[str(c.code), c.name, fmt_money(c.value)] for c in items]
    write_export(path_or_None, header, rows, fmt="csv")   # None → stdout
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents
from ispdesk.domain.text import fold
from ispdesk.services.atomic_file import atomic_text_file

FORMULA_STARTS = ("=", "+", "-", "@")
#: Longest cell an import accepts (UTF-8 bytes); a longer one rejects its row, not the file.
MAX_CELL_BYTES = 128 * 1024
_HEADER_SEPARATORS = re.compile(r"[\s\-/]+")


# ------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class CsvRow:
    """One data row.

    Attributes:
        line: the line number in the file (the header is line 1).
        cells: the cells exactly as read (after decoding), in file order.
    """

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read into memory.

    Attributes:
        raw_header: header cells as written in the file.
        header: normalised header names (`normalize_header`), same order.
        rows: data rows (blank lines skipped).
        delimiter: the detected delimiter.
        encoding: ``utf-8-sig`` (BOM), ``utf-8`` or ``cp1252``.
    """

    raw_header: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    delimiter: str
    encoding: str

    def as_dict(self, row: CsvRow) -> dict[str, str]:
        """The row as ``{normalised column: cell}`` (cells stripped, guard removed; missing = "")."""
        out: dict[str, str] = {}
        for i, name in enumerate(self.header):
            if name and name not in out:
                out[name] = unguard_formula(row.cells[i].strip()) if i < len(row.cells) else ""
        return out


def normalize_header(name: str) -> str:
    """``" Data de Nascimento "`` → ``data_de_nascimento``; ``"CPF/CNPJ"`` → ``cpf_cnpj``."""
    cleaned = name.replace("\ufeff", "").strip().strip('"').strip("'")
    return _HEADER_SEPARATORS.sub("_", fold(cleaned)).strip("_")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with/without BOM) or Windows-1252; return (text, encoding).

    Raises:
        BusinessRuleError: binary data or an encoding that is neither.
    """
    head = data[:4096]
    # UTF-16 (a NUL every other byte), binary, or a NUL in the header line; a stray NUL in a data cell
    # only rejects its row (`csv_import.screen_row`)
    if (data.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") * 8 > len(head)
            or b"\x00" in head.split(b"\n", 1)[0]):
        raise BusinessRuleError(
            "O arquivo não é texto (parece binário ou UTF-16). Salve como CSV (separado por ; ou ,) "
            "em UTF-8 ou Windows-1252.")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise BusinessRuleError(f"O arquivo diz ser UTF-8 mas tem bytes inválidos ({exc.reason}).") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise BusinessRuleError(
            "Não foi possível ler o arquivo: a codificação não é UTF-8 nem Windows-1252. "
            "Salve-o novamente como CSV UTF-8.") from None


def detect_delimiter(first_line: str) -> str:
    """``;``, ``,`` or tab: the one that appears most in the header line (outside quotes)."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def read_csv(path: str | Path) -> CsvTable:
    """Read a CSV file (see the module docstring for what is detected).

    Raises:
        BusinessRuleError: the file is missing, unreadable, empty or has no header.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise BusinessRuleError(f"Arquivo não encontrado: {p}. Confira o caminho.") from None
    except IsADirectoryError:
        raise BusinessRuleError(f"{p} é uma pasta, não um arquivo CSV.") from None
    except OSError as exc:
        raise BusinessRuleError(f"Não foi possível ler {p}: {exc.strerror or exc}.") from None
    return parse_csv_text(*decode_bytes(data), source=str(p))


def parse_csv_text(text: str, encoding: str = "utf-8", source: str = "arquivo") -> CsvTable:
    """Parse decoded CSV text (delimiter detected from the header line)."""
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        raise BusinessRuleError(f"O arquivo {source} está vazio: falta o cabeçalho com os nomes das colunas.")
    delimiter = detect_delimiter(first_line)
    # the size limit per cell is the import's business (a long cell rejects its row): read any size here
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # a C long on every platform
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header: list[str] | None = None
        rows: list[CsvRow] = []
        for cells in reader:
            if raw_header is None:
                if not any(c.strip() for c in cells):
                    continue
                raw_header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append(CsvRow(reader.line_num, tuple(cells)))
    except csv.Error as exc:
        raise BusinessRuleError(
            f"CSV malformado perto da linha {reader.line_num}: {exc}. Confira as aspas do arquivo.") from None
    if raw_header is None:
        raise BusinessRuleError(
            f"O arquivo {source} não tem cabeçalho: a primeira linha só tem separadores ou aspas vazias. "
            "A primeira linha deve trazer os nomes das colunas (ex.: nome;cpf_cnpj;celular).")
    header = tuple(normalize_header(h) for h in raw_header)
    return CsvTable(tuple(raw_header), header, tuple(rows), delimiter, encoding)


def unguard_formula(cell: str) -> str:
    """Undo `guard_formula`: ``'=SOMA`` → ``=SOMA`` (other cells unchanged)."""
    if len(cell) >= 2 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


# ------------------------------------------------------------------------------------------ writing


def guard_formula(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (``= + - @``)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def fmt_date(value: date | None) -> str:
    """``05/01/2026``; empty for None."""
    return format_date(value)


def fmt_money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` → ``1234,50`` (decimal comma, no thousands separator); empty for None."""
    if value is None:
        return ""
    return f"{to_cents(value):.2f}".replace(".", ",")


def fmt_document(value: str | None) -> str:
    """Masked CPF/CNPJ (``529.982.247-25``); empty for None."""
    return mask_document(value) if value else ""


def write_csv(
    target: str | Path | IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    guard: bool = True,
    delimiter: str = ";",
) -> int:
    """Write a CSV (UTF-8 with BOM when `target` is a path); return the number of data rows.

    Args:
        target: a path, or an open text stream (then no BOM is written, e.g. stdout).
        guard: apply the formula-injection guard to every data cell.
        delimiter: ``;`` for every export; the rejects file keeps the source's delimiter.
    """
    def emit(stream: IO[str]) -> int:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(list(header))
        count = 0
        for row in rows:
            cells = ["" if v is None else str(v) for v in row]
            writer.writerow([guard_formula(c) for c in cells] if guard else cells)
            count += 1
        return count

    if isinstance(target, str | Path):
        with atomic_text_file(target, "utf-8-sig", "") as stream:  # no partial file on failure
            return emit(stream)
    return emit(target)


def write_json(target: str | Path | IO[str], header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write the same keys and values as the CSV export, as a JSON array of objects (UTF-8).

    Rows are streamed one object at a time, so a million-row export does not sit in memory.
    """
    def emit(stream: IO[str]) -> int:
        count = 0
        stream.write("[")
        for row in rows:
            item = dict(zip(header, ("" if v is None else str(v) for v in row), strict=True))
            stream.write(("\n  " if count == 0 else ",\n  ") + json.dumps(item, ensure_ascii=False))
            count += 1
        stream.write("\n]\n" if count else "]\n")
        return count

    if isinstance(target, str | Path):
        with atomic_text_file(target, "utf-8", "\n") as stream:  # no partial file on failure
            return emit(stream)
    return emit(target)


def write_export(
    output: str | Path | None, header: Sequence[str], rows: Iterable[Sequence[str]], fmt: str = "csv"
) -> int:
    """Write an export as CSV or JSON to `output` (None → stdout); return the row count.

    Raises:
        BusinessRuleError: unknown format, or the file cannot be written.
    """
    if fmt not in ("csv", "json"):
        raise BusinessRuleError(f"Formato “{fmt}” desconhecido. Use csv ou json.")
    target: str | Path | IO[str] = output if output is not None else sys.stdout
    try:
        if fmt == "json":
            return write_json(target, header, rows)
        return write_csv(target, header, rows)
    except BrokenPipeError:
        # stdout closed early (``| head``): stop quietly, and keep Python from complaining at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = output if output is not None else "a saída padrão"
        raise BusinessRuleError(f"Não foi possível gravar {where}: {exc.strerror or exc}.") from None
