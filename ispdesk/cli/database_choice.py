"""``db use URL`` / ``db show``: the saved database choice of this workstation."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.config import ENV_DB_URL, default_sqlite_url, load_settings, save_database_choice
from ispdesk.domain.errors import BusinessRuleError


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``db use`` and ``db show``."""
    p = groups["db"].add_parser("use", help="grava o banco que esta estação usa (URL SQLAlchemy ou 'local')")
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=_use)
    p = groups["db"].add_parser("show", help="mostra qual banco será usado e por quê")
    p.set_defaults(func=_show)


def validate_url(url: str) -> str:
    """Accept a SQLAlchemy URL for SQLite or PostgreSQL; ``local`` means the embedded default.

    Raises:
        BusinessRuleError: not a URL ispdesk can use.
    """
    if url.strip().lower() == "local":
        return default_sqlite_url()
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise BusinessRuleError(
            f"URL de banco inválida: “{url}”. Exemplos: sqlite:///C:/ispdesk/dados.sqlite3 ou "
            "postgresql+psycopg://usuario:senha@servidor:5432/ispdesk"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BusinessRuleError("O ispdesk usa SQLite (uma estação) ou PostgreSQL (várias estações).")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _use(args: argparse.Namespace, ctx: CliContext) -> int:
    url = validate_url(args.url)
    save_database_choice(url)
    out(f"Esta estação passa a usar: {make_url(url).render_as_string(hide_password=True)}")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    import os

    if getattr(args, "db", None):
        source = "opção --db"
    elif os.environ.get(ENV_DB_URL):
        source = f"variável {ENV_DB_URL}"
    elif load_settings().get("database_url"):
        source = "escolha gravada (ispdesk db use)"
    else:
        source = "padrão (SQLite local)"
    out(f"{make_url(ctx.db_url).render_as_string(hide_password=True)}  ({source})")
    return EXIT_OK
