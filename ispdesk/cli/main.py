"""Entry point of the `ispdesk` command: builds the parser from every area's `register`.

Every module of `ispdesk.cli` with a ``register(top, groups)`` function adds its commands.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from ispdesk import __version__
from ispdesk.cli import _argparse_pt  # noqa: F401  (Portuguese argparse messages, before any parser)
from ispdesk.cli.context import EXIT_ERROR, CliContext, err
from ispdesk.discovery import area_modules
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database_errors
from ispdesk.services.bug_report import configure_logging, describe

#: Command groups; each area module adds its commands to these with `register(top, groups)`.
GROUPS: dict[str, str] = {
    "db": "Banco de dados: upgrade, backup, restore",
    "users": "Usuários do sistema",
    "params": "Parâmetros gerais",
    "import": "Importar dados de arquivos CSV",
    "export": "Exportar dados (CSV ou JSON)",
    "contracts": "Ações sobre contratos",
    "reasons": "Motivos de inclusão e cancelamento",
    "tasks": "Tarefas agendadas (cobranças, bloqueios)",
    "report": "Relatórios",
}



class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # noqa: D102 - Portuguese usage errors, exit 2
        self.print_usage(sys.stderr)
        err(f"erro: {message}")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The full parser."""
    parser = _Parser(prog="ispdesk", description="ispdesk — back office do provedor. Sem comando abre a janela.")
    parser.add_argument("--db", metavar="URL", help="URL do banco (SQLAlchemy); padrão: ISPDESK_DB_URL ou SQLite local")
    parser.add_argument("--offline", action="store_true",
                        help="roda o comando na base offline (import/export customers|contracts, contracts pdf)")
    parser.add_argument("--store", dest="offline_store", metavar="ARQUIVO",
                        help="arquivo da base offline (padrão: pasta de dados)")
    parser.add_argument("--version", action="version", version=f"ispdesk {__version__}")
    top = parser.add_subparsers(dest="command", metavar="COMANDO", parser_class=_Parser)
    groups = {}
    for name, help_text in GROUPS.items():
        group_parser = top.add_parser(name, help=help_text, description=help_text)
        groups[name] = group_parser.add_subparsers(dest="subcommand", metavar="AÇÃO", required=True,
                                                   parser_class=_Parser)
    for module in area_modules("ispdesk.cli"):
        register = getattr(module, "register", None)
        if register is not None:
            register(top, groups)
    return parser


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):  # stdout without a file descriptor
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; with no command, open the GUI."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    configure_logging()
    args = build_parser().parse_args(argv)
    if not getattr(args, "command", None):
        from ispdesk.app import run_gui

        return run_gui(getattr(args, "db", None))
    if getattr(args, "offline", False):
        from ispdesk.cli.offline import offline_context

        try:
            ctx = offline_context(args)
        except BusinessRuleError as exc:
            err(f"erro: {exc.message}")
            return EXIT_ERROR
    else:
        ctx = CliContext.from_args(args)
    try:
        return int(args.func(args, ctx) or 0)
    except BusinessRuleError as exc:
        err(f"erro: {exc.message}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err("interrompido.")
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        _silence_stdout()
        return 0
    except Exception as exc:
        message = database_errors.unusable_message(exc, ctx.db_url)
        if message is not None:  # the database itself failed (disk full, server gone …): no traceback
            err(f"erro: {message}")
            return EXIT_ERROR
        # never the exception's text: a database error carries the row's values (names, CPFs, e-mails)
        err(describe(exc))
        err("erro inesperado (bug); detalhes acima, sem dados pessoais. Informe o suporte.")
        return 3
    finally:
        ctx.close()
