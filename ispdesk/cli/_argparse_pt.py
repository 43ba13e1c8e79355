"""argparse speaks Portuguese: its built-in messages and headings translated (imported first by main)."""

from __future__ import annotations

import argparse

_ARGPARSE_PT = {
    "usage: ": "uso: ",
    "positional arguments": "argumentos",
    "options": "opções",
    "optional arguments": "opções",
    "show this help message and exit": "mostra esta ajuda e sai",
    "show program's version number and exit": "mostra a versão do programa e sai",
    "the following arguments are required: %s": "faltam os argumentos obrigatórios: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "opção inválida: %(value)r (escolha entre %(choices)s)",
    "unrecognized arguments: %s": "argumentos não reconhecidos: %s",
    "expected one argument": "esperava um valor",
    "expected at most one argument": "esperava no máximo um valor",
    "expected at least one argument": "esperava pelo menos um valor",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "valor inválido (%(type)s): %(value)r",
    "one of the arguments %s is required": "um dos argumentos %s é obrigatório",
    "not allowed with argument %s": "não pode ser usado junto com %s",
    "ambiguous option: %(option)s could match %(matches)s": "opção ambígua: %(option)s pode ser %(matches)s",
}


def portuguese_argparse(message: str) -> str:
    """Translate one of argparse's English messages (unchanged when unknown)."""
    return _ARGPARSE_PT.get(message, message)


argparse._ = portuguese_argparse  # type: ignore[attr-defined]  # argparse looks its messages up here
