"""Why a database cannot be used, in Portuguese, with what to do: the CLI and the app show these.

`unusable_message(exc, url)` recognises the faults of the file or the server itself (not a database,
damaged, read-only, disk full, server unreachable, wrong password, missing database) and returns None
for anything else, which stays a bug. No message carries a password or a row's data.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from ispdesk.db import migrate, sqlite_files
from ispdesk.domain.errors import BusinessRuleError

#: Errno values that mean "no room to write".
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class DatabaseUnavailable(BusinessRuleError):
    """The database cannot be opened or written; the message says why and what to do."""


def _where(url: str) -> tuple[str, str]:
    """(backend, a description of the database without its password)."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - an unparsable URL is described as it is
        return "", "o banco"
    if parsed.get_backend_name() == "sqlite":
        return "sqlite", str(Path(parsed.database or ""))
    port = f":{parsed.port}" if parsed.port else ""
    return "postgresql", f"{parsed.database or ''} no servidor {parsed.host or 'local'}{port}"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return seen


def full_disk_message(where: str) -> str:
    """Disk full while writing `where`."""
    return (f"Disco cheio (ou limite de tamanho de arquivo) ao gravar {where}. A operação foi desfeita "
            "e os dados gravados antes continuam intactos. Libere espaço em disco e tente de novo.")


#: SQLite primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``) → the text the message matches.
_SQLITE_CODES = {26: "file is not a database", 11: "malformed", 8: "readonly", 13: "disk is full",
                 14: "unable to open database file"}
#: PostgreSQL SQLSTATEs → the text the message matches (a server in another language says the same code).
_PG_SQLSTATES = {"28P01": "password authentication failed", "28000": "password authentication failed",
                 "3D000": "database does not exist", "53100": "disk full", "25006": "read-only transaction",
                 "57P01": "terminating connection", "57P02": "terminating connection",
                 "57P03": "could not connect"}


def _coded_text(item: BaseException) -> str:
    """The driver's error code as the text the messages match, or '' when it has none we know."""
    code = getattr(item, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_CODES.get(code & 0xFF, "")
    state = getattr(item, "sqlstate", None)
    if isinstance(state, str):
        if state in _PG_SQLSTATES:
            return _PG_SQLSTATES[state]
        if state.startswith("08"):  # connection exception class
            return "could not connect"
    return ""


def _sqlite_message(text: str, path: str) -> str | None:
    if "file is not a database" in text or "file is encrypted" in text:
        return (f"O arquivo {path} não é um banco de dados SQLite. Ele não foi alterado. Confira o caminho "
                "(`ispdesk db show`), escolha outro banco (`ispdesk db use`) ou restaure uma cópia "
                "(`ispdesk db restore ARQUIVO`).")
    if "malformed" in text or "corrupt" in text:
        return (f"O banco {path} está danificado. Restaure a cópia de segurança mais recente "
                "(`ispdesk db restore ARQUIVO`); o arquivo danificado é guardado ao lado.")
    if "readonly" in text or "read-only" in text:
        return read_only_message(path)
    if "disk is full" in text or "disk i/o error" in text:
        return full_disk_message(f"o banco {path}")
    if "unable to open database file" in text:
        return (f"Não foi possível abrir o banco {path}: a pasta não existe ou não permite gravar. "
                "Crie a pasta ou dê permissão de gravação a ela, ou escolha outro banco (`ispdesk db use`).")
    return None


def read_only_message(path: str) -> str:
    """The SQLite file (or its folder) cannot be written."""
    return (f"O banco {path} está somente leitura (arquivo ou pasta sem permissão de gravação, ou disco "
            "protegido). O ispdesk precisa gravar no arquivo e criar os arquivos -wal e -shm ao lado dele: "
            "dê permissão de gravação ao arquivo e à pasta, ou copie o banco para uma pasta gravável. "
            "Nada foi alterado.")


def _postgres_message(text: str, where: str) -> str | None:
    if "password authentication failed" in text or "no password supplied" in text:
        return (f"O servidor recusou o usuário ou a senha do banco {where}. Confira-os em "
                "Arquivo › Banco de dados… ou `ispdesk db use URL`.")
    if "does not exist" in text and "database" in text:
        return (f"O banco {where} não existe. Crie-o no servidor (createdb) ou corrija o nome "
                "em Arquivo › Banco de dados… ou `ispdesk db use URL`.")
    if "no space left" in text or "could not extend file" in text or "disk full" in text:
        return full_disk_message(f"o banco {where}") + " (o disco cheio é o do servidor PostgreSQL.)"
    if "read-only transaction" in text or "read only" in text:
        return (f"O banco {where} aceita só leitura (servidor réplica ou em recuperação). "
                "Aponte para o servidor principal.")
    for marker in ("connection refused", "could not connect", "connection failed", "timeout expired",
                   "timed out", "could not translate host", "failed to resolve host", "name or service not known",
                   "server closed the connection", "no route to host", "network is unreachable",
                   "connection is bad", "terminating connection"):
        if marker in text:
            return (f"Não foi possível conectar ao banco {where}. Verifique se o servidor PostgreSQL está "
                    "ligado e acessível desta estação (endereço, porta, firewall) e tente de novo, ou "
                    "escolha outro banco em Arquivo › Banco de dados… / `ispdesk db use URL`.")
    return None


def unusable_message(exc: BaseException, url: str) -> str | None:
    """Portuguese message for a database fault behind `exc`, or None when `exc` is something else."""
    backend, where = _where(url)
    for item in _chain(exc):
        if isinstance(item, DatabaseUnavailable):
            return item.message
        if isinstance(item, OSError) and item.errno in _FULL_ERRNOS:
            return full_disk_message(f"o banco {where}" if backend else "o arquivo")
        name = type(item).__module__
        # the driver's code first (a server answering in Portuguese has other words), then its text
        text = f"{_coded_text(item)} {str(item).lower()}"
        if isinstance(item, sqlite3.Error) or (backend == "sqlite" and name.startswith("sqlalchemy")):
            message = _sqlite_message(text, where)
            if message:
                return message
        if name.startswith("psycopg") or (backend == "postgresql" and name.startswith("sqlalchemy")):
            message = _postgres_message(text, where)
            if message:
                return message
    return None


def check_sqlite_file(path: Path) -> None:
    """Refuse up front, without writing a byte, a file that cannot be the ispdesk database.

    That is: not a database, another program's SQLite database, or a file (or the folder of a new
    one) this user cannot write.

    Raises:
        DatabaseUnavailable: the file cannot be used; nothing was changed.
    """
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as stream:
            if stream.read(len(sqlite_files.SQLITE_HEADER)) != sqlite_files.SQLITE_HEADER:
                raise DatabaseUnavailable(_sqlite_message("file is not a database", str(path)) or "")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = sorted(row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        except sqlite3.Error:
            tables = []  # judged again when the engine opens it
        finally:
            conn.close()
        if tables and "alembic_version" not in tables:
            raise DatabaseUnavailable(migrate.foreign_database_message(tables))
    check_sqlite_writable(path)


def check_sqlite_writable(path: Path) -> None:
    """Refuse up front a SQLite file (or the folder of a new one) this user cannot write.

    Raises:
        DatabaseUnavailable: the file or its folder is read-only.
    """
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseUnavailable(read_only_message(str(path)))
    wal = path.with_name(path.name + "-wal")
    if path.parent.exists() and not wal.exists() and not os.access(path.parent, os.W_OK):
        raise DatabaseUnavailable(read_only_message(str(path)))
