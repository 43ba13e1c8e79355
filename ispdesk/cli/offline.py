"""Offline entry: ``offline prepare``, ``sync`` (``status``, ``conflicts``, ``resubmit``, ``discard``).

``ispdesk --offline [--store FILE] …`` (see `main`) runs the entry commands on the offline store.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ispdesk.cli.context import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, CliContext, err, out
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import offline_store, offline_sync
from ispdesk.services.offline_journal import JournalFactory

#: The commands ``--offline`` runs (everything else needs the server).
OFFLINE_COMMANDS = frozenset({("import", "customers"), ("import", "contracts"), ("contracts", "pdf"),
                              ("export", "customers"), ("export", "contracts")})


def offline_context(args: argparse.Namespace) -> CliContext:
    """The context of an ``--offline`` command: the store, journalling every entry.

    Raises:
        BusinessRuleError: the command cannot run offline.
    """
    key = (getattr(args, "command", None), getattr(args, "subcommand", None))
    if key not in OFFLINE_COMMANDS:
        allowed = ", ".join(f"{a} {b}" for a, b in sorted(OFFLINE_COMMANDS))
        raise BusinessRuleError(f"“{' '.join(k for k in key if k)}” não funciona em modo offline. "
                                f"Offline só: {allowed}. Sem --offline o comando usa o servidor.")
    path = args.offline_store
    return CliContext(offline_store.store_url(path), _factory=offline_store.open_store(path, JournalFactory))


def register(top: Any, groups: dict[str, Any]) -> None:
    """Add ``offline prepare`` and ``sync``."""
    p = top.add_parser("offline", help="base local para trabalhar sem o servidor",
                       description="Base offline: cadastros feitos sem conexão com o servidor.")
    sub = p.add_subparsers(dest="subcommand", metavar="AÇÃO", required=True, parser_class=type(p))
    q = sub.add_parser("prepare", help="atualiza a base offline a partir do banco central",
                       description="Copia do banco central o que o cadastro offline precisa (planos, parâmetros, "
                                   "motivos, modelos, dados da empresa, usuários, CPF/CNPJ e logins já usados).")
    q.add_argument("--store", metavar="ARQUIVO", type=Path, help="arquivo da base offline (padrão: pasta de dados)")
    q.set_defaults(func=_prepare)

    p = top.add_parser("sync", help="envia ao servidor os lançamentos feitos offline",
                       description="Reenvia os lançamentos offline em ordem, cada um uma única vez. Saída: 0 nada "
                                   "pendente (pode haver conflitos), 1 servidor inacessível ou lançamentos "
                                   "aguardando. Última linha: pendentes=N aplicados=N conflitos=N.")
    p.add_argument("--store", metavar="ARQUIVO", type=Path, help="arquivo da base offline (padrão: pasta de dados)")
    p.set_defaults(func=_sync)
    sub = p.add_subparsers(dest="subcommand", metavar="AÇÃO", required=False, parser_class=type(p))
    q = sub.add_parser("status", help="mostra pendentes, aplicados e conflitos (sem o servidor)")
    q.add_argument("--store", metavar="ARQUIVO", type=Path, default=argparse.SUPPRESS)
    q.set_defaults(func=_status)
    q = sub.add_parser("conflicts", help="lista os conflitos com a mensagem de cada um")
    q.add_argument("--store", metavar="ARQUIVO", type=Path, default=argparse.SUPPRESS)
    q.set_defaults(func=_conflicts)
    q = sub.add_parser("resubmit", help="corrige um conflito e o devolve à fila",
                       description="Corrige campos do lançamento (--set campo=valor, nomes como em "
                                   "'sync conflicts') e o põe de novo na fila do próximo sync.")
    q.add_argument("op", metavar="LANCAMENTO", help="código do lançamento (ou o início dele)")
    q.add_argument("--set", dest="changes", action="append", default=[], metavar="CAMPO=VALOR")
    q.add_argument("--store", metavar="ARQUIVO", type=Path, default=argparse.SUPPRESS)
    q.set_defaults(func=_resubmit)
    q = sub.add_parser("discard", help="descarta um conflito (e o que depende dele), com motivo")
    q.add_argument("op", metavar="LANCAMENTO")
    q.add_argument("--reason", "--motivo", dest="reason", required=True, metavar="MOTIVO")
    q.add_argument("--store", metavar="ARQUIVO", type=Path, default=argparse.SUPPRESS)
    q.set_defaults(func=_discard)


def _prepare(args: argparse.Namespace, ctx: CliContext) -> int:
    info = offline_store.prepare(ctx.factory(), args.store)
    out(info.summary)
    out(f"Tempo: {info.seconds:.1f} s".replace(".", ","))
    return EXIT_OK


def _progress(done: int, total: int, text: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{text} ({done}/{total})\033[K", end="", file=sys.stderr, flush=True)


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    report = offline_sync.sync(ctx.db_url, args.store, _progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if report.error:
        err(f"erro: {report.error}")
        err("Os lançamentos continuam guardados; rode ispdesk sync de novo quando o servidor voltar.")
    for row in offline_sync.list_ops_of(args.store, offline_sync.CONFLICT) if report.conflicts_now else []:
        err(f"conflito {row.id}: {row.message}")
    out(report.counts.line)
    if report.error or report.counts.pending:
        return EXIT_PARTIAL
    return EXIT_OK


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    out(offline_sync.status(args.store).line)
    return EXIT_OK


def _conflicts(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = offline_sync.list_ops_of(args.store, offline_sync.CONFLICT)
    for row in rows:
        out(f"{row.id}  {row.kind_label} {row.number_text}  {row.summary}  — {row.message}")
    if not rows:
        out("Nenhum conflito.")
    return EXIT_OK


def _resubmit(args: argparse.Namespace, ctx: CliContext) -> int:
    changes: dict[str, str] = {}
    for item in args.changes:
        name, sep, value = item.partition("=")
        if not sep:
            err(f"erro: use --set campo=valor (recebido “{item}”).")
            return EXIT_ERROR
        changes[name.strip()] = value
    row = offline_sync.resubmit(args.store, args.op, changes)
    out(f"Lançamento {row.id} de volta na fila; rode ispdesk sync.")
    return EXIT_OK


def _discard(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = offline_sync.discard(args.store, args.op, args.reason, ctx.actor)
    for row in rows:
        out(f"Descartado: {row.id} {row.kind_label} {row.summary}")
    return EXIT_OK
