"""``db use URL`` / ``db show``: the saved database choice of this workstation."""

from __future__ import annotations

import argparse
from typing import Any

from ispdesk.cli.context import EXIT_OK, CliContext, out
from ispdesk.config import save_database_choice
from ispdesk.services import database as database_service


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``db use`` and ``db show``."""
    p = groups["db"].add_parser("use", help="grava o banco que esta estação usa (URL SQLAlchemy ou 'local')")
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=_use)
    p = groups["db"].add_parser("show", help="mostra qual banco será usado e por quê")
    p.set_defaults(func=_show)


def _use(args: argparse.Namespace, ctx: CliContext) -> int:
    url = database_service.validate_url(args.url)
    save_database_choice(url)
    out(f"Esta estação passa a usar: {database_service.safe_url(url)}")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    source = database_service.choice_source(getattr(args, "db", None))
    out(f"{database_service.safe_url(ctx.db_url)}  ({source})")
    return EXIT_OK
