"""SQLite files: verified backups written through a temporary file, and restores under an exclusive lock.

A backup never touches the live file: the target may not be the database (or its ``-wal``/``-shm``/
``-journal``) after resolving links, the copy is made with SQLite's online backup API into a temporary
file beside the target, checked with ``PRAGMA integrity_check`` and only then renamed over the target;
any failure removes the temporary file.

A restore takes the live database for itself first: switching it out of WAL mode fails while any other
connection is open (every WAL connection holds a shared lock on the file), and ``locking_mode=EXCLUSIVE``
keeps the lock until the restore ends. The replaced content is kept beside the database, then the
verified copy is written into the live file through the backup API (one journaled transaction: a crash
leaves the old content).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from ispdesk.domain.errors import BusinessRuleError

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
#: How long a restore waits for the database to be free before refusing.
RESTORE_LOCK_SECONDS = 2.0


def same_file(a: Path, b: Path) -> bool:
    """True when `a` and `b` name the same file (links and ``..`` resolved; hard links too)."""
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return os.path.normcase(a.resolve()) == os.path.normcase(b.resolve())


def is_live_file(database: Path, other: Path) -> bool:
    """True when `other` is the database file itself or one of its ``-wal``/``-shm``/``-journal`` files."""
    if same_file(database, other):
        return True
    return any(same_file(database.with_name(database.name + side), other) for side in SIDE_FILES)


def looks_like_sqlite(path: Path) -> bool:
    """True for an empty file or one starting with the SQLite header."""
    with path.open("rb") as stream:
        head = stream.read(len(SQLITE_HEADER))
    return head in (b"", SQLITE_HEADER)


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first complaint."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    return str(rows[0][0]) if rows else "sem resposta"


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def _remove_with_sides(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


@contextlib.contextmanager
def temporary_beside(target: Path, label: str = "tmp") -> Iterator[Path]:
    """A fresh temporary file name in `target`'s folder; removed (with SQLite side files) on the way out."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{label}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        _remove_with_sides(tmp)


def copy_verified(source: sqlite3.Connection, target: Path) -> Path:
    """Online-backup `source` into `target` through a temporary file; checked before the rename.

    The copy is a single self-contained file (rollback journal, no ``-wal``).

    Raises:
        BusinessRuleError: the copy failed the integrity check (nothing is left behind).
        sqlite3.Error, OSError: the copy could not be written (nothing is left behind).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with temporary_beside(target) as tmp:
        dst = sqlite3.connect(tmp)
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            problem = integrity_problem(dst)
        finally:
            dst.close()
        if problem is not None:
            raise BusinessRuleError(
                f"A cópia não passou na verificação de integridade ({problem}); nada foi gravado em {target}. "
                "Verifique o banco de origem e tente de novo."
            )
        _fsync_file(tmp)
        os.replace(tmp, target)
    _fsync_dir(target.parent)
    return target


def check_backup_target(database: Path, target: Path) -> None:
    """Refuse a backup/restore file that is the live database (or its side files) or a folder.

    Raises:
        BusinessRuleError: `target` cannot be used.
    """
    if is_live_file(database, target):
        raise BusinessRuleError(
            f"{target} é o próprio banco em uso ({database}). Escolha outro arquivo para a cópia, "
            "por exemplo em outra pasta ou outro disco."
        )
    if target.is_dir():
        raise BusinessRuleError(f"{target} é uma pasta. Informe o nome do arquivo, "
                                f"por exemplo {target / 'ispdesk.bak'}.")


def backup_file(database: Path, target: Path) -> Path:
    """Verified consistent copy of the live SQLite `database` into `target` (see the module notes).

    Raises:
        BusinessRuleError: `target` is the database itself, a folder, or the database does not exist.
    """
    check_backup_target(database, target)
    if not database.is_file():
        raise BusinessRuleError(f"O banco {database} não existe; não há o que copiar.")
    src = sqlite3.connect(database, timeout=15)
    try:
        return copy_verified(src, target)
    finally:
        src.close()


def stage_copy(backup: Path, database: Path) -> Path:
    """A verified copy of `backup` in the database's folder (the caller removes it)."""
    if not backup.is_file():
        raise BusinessRuleError(f"O arquivo {backup} não existe.")
    if not looks_like_sqlite(backup):
        raise BusinessRuleError(f"{backup} não é um arquivo de banco SQLite. "
                                "Informe uma cópia feita com `ispdesk db backup`.")
    fd, name = tempfile.mkstemp(prefix=f".{database.name}.", suffix=".restaurar", dir=database.parent)
    os.close(fd)
    staged = Path(name)
    try:
        src = sqlite3.connect(backup, timeout=15)
        try:
            copy_verified(src, staged)
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        _remove_with_sides(staged)
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            raise
        raise BusinessRuleError(
            f"A cópia {backup} está danificada ou incompleta ({exc}): não passou na verificação de "
            "integridade. O banco em uso não foi alterado; use outra cópia."
        ) from None
    except BaseException:
        _remove_with_sides(staged)
        raise
    return staged


def previous_name(database: Path, now: datetime | None = None) -> Path:
    """Where a restore keeps the content it replaces: ``<banco>.substituido-AAAAMMDD-HHMMSS``."""
    stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
    candidate = database.with_name(f"{database.name}.substituido-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = database.with_name(f"{database.name}.substituido-{stamp}-{n}")
    return candidate


@contextlib.contextmanager
def exclusive(database: Path) -> Iterator[sqlite3.Connection]:
    """A connection holding the database for itself until the block ends.

    Raises:
        BusinessRuleError: another program (the app, a command, another station) has it open.
    """
    conn = sqlite3.connect(database, timeout=RESTORE_LOCK_SECONDS, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            mode = "locked"
        if mode != "delete":
            raise BusinessRuleError(
                f"O banco {database} está aberto em outro programa (o ispdesk nesta ou em outra estação, "
                "ou um comando em andamento). Feche o ispdesk em todas as estações e tente de novo."
            )
        yield conn
    finally:
        conn.close()


def restore_file(database: Path, backup: Path, check: Callable[[Path], None] | None = None) -> Path | None:
    """Replace the content of `database` with the verified copy `backup`; return where the old content is.

    `check(staged)` may refuse the staged copy (raising) before the database is touched.

    Returns:
        The file keeping the replaced content (None when there was no database yet).

    Raises:
        BusinessRuleError: `backup` is the database itself, missing, not a good SQLite copy, or the
            database is open elsewhere.
    """
    check_backup_target(database, backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = stage_copy(backup, database)
    try:
        if check is not None:
            check(staged)
        if not database.exists() or not looks_like_sqlite(database):
            kept = previous_name(database) if database.exists() else None
            if kept is not None:  # not a database at all: nobody can have it open as one
                os.replace(database, kept)
            os.replace(staged, database)
            _fsync_dir(database.parent)
            return kept
        with exclusive(database) as live:
            kept = copy_verified_raw(live, previous_name(database))
            src = sqlite3.connect(staged)
            try:
                src.backup(live)
            finally:
                src.close()
            problem = integrity_problem(live)
            if problem is not None:  # pragma: no cover - the staged copy was checked
                raise BusinessRuleError(f"O banco restaurado não passou na verificação ({problem}); "
                                        f"o conteúdo anterior está em {kept}.")
            return kept
    finally:
        _remove_with_sides(staged)


def copy_verified_raw(source: sqlite3.Connection, target: Path) -> Path:
    """Copy `source` page by page into `target` (through a temporary file), damaged or not."""
    with temporary_beside(target) as tmp:
        dst = sqlite3.connect(tmp)
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        _fsync_file(tmp)
        os.replace(tmp, target)
    _fsync_dir(target.parent)
    return target
