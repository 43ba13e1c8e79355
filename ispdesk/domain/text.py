"""Text normalisation used for search keys."""

from __future__ import annotations

import re
import unicodedata

from ispdesk.domain.errors import BusinessRuleError

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: ``"  João  da SILVA"`` → ``"joao da silva"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


_WORD = re.compile(r"[^\W_]+")


def name_words(folded: str) -> list[str]:
    """The distinct words of a folded name, in order: ``"maria-jose d'avila"`` → maria, jose, d, avila.

    A word is a run of letters and digits; everything else (spaces, hyphens, apostrophes, dots)
    separates words. The search index stores these words and the search splits what is typed the
    same way, so both sides always agree.
    """
    seen: dict[str, None] = {}
    for word in _WORD.findall(folded or ""):
        seen.setdefault(word, None)
    return list(seen)


def search_words(text: str) -> list[str]:
    """The words of a typed name search, folded; a word that starts another typed word is dropped.

    ``"Silva  jo"`` → silva, jo; ``"s silva"`` → silva (any name word starting with "silva" also
    starts with "s", so "s" adds nothing). Order follows the text.
    """
    words = name_words(fold(text))
    return [w for w in words if not any(o != w and o.startswith(w) for o in words)]


def digits(text: str) -> str:
    """Only the digits of `text`."""
    return "".join(c for c in (text or "") if c.isdigit())


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix` (for range scans)."""
    return prefix + "\U0010ffff"


# --------------------------------------------------------------------------- doubtful characters

#: Bidirectional controls (embeddings, overrides, isolates, marks): they reorder what a person reads
#: (“Trojan Source”) and never belong in a name, an address or a note.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def doubtful_character(text: str, multiline: bool = False) -> str | None:
    """A description of the first character that has no place in stored text, or None.

    NUL and other control characters (tab, line feeds allowed only when `multiline`), bidi
    overrides/isolates/marks, and other invisible format characters (zero width joiners aside).
    """
    allowed = "\t\n\r" if multiline else ""
    for char in text or "":
        code = ord(char)
        if char in allowed:
            continue
        if char == "\x00":
            return "um caractere nulo (NUL, \\x00)"
        if char in BIDI_CONTROLS:
            return f"um caractere invisível de direção de texto (U+{code:04X})"
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or (category == "Zl" or category == "Zp"):
            return f"um caractere de controle invisível (U+{code:04X})"
        if category == "Cf" and char not in "\u200c\u200d":
            return f"um caractere de formatação invisível (U+{code:04X})"
    return None


def check_text(text: str, label: str, field: str, multiline: bool = False) -> str:
    """`text` unchanged when it holds no doubtful character (see `doubtful_character`).

    Raises:
        BusinessRuleError: with what was found and how to fix it (retype or paste as plain text).
    """
    found = doubtful_character(text, multiline)
    if found is not None:
        raise BusinessRuleError(
            f"{label} contém {found}, que não pode ser gravado. Digite o texto de novo ou cole-o como "
            "texto simples.", field=field)
    return text


def non_ascii_digit(text: str) -> str | None:
    """The first digit of `text` that is not 0–9 (Arabic-Indic, superscript, full-width …), or None."""
    for char in text or "":
        if char.isdigit() and not ("0" <= char <= "9"):
            return char
    return None


def check_ascii_digits(text: str, label: str, field: str) -> str:
    """`text` unchanged when every digit in it is 0–9.

    Raises:
        BusinessRuleError: a digit of another script (``٣``, ``²``, ``３`` …) was typed or pasted.
    """
    found = non_ascii_digit(text)
    if found is not None:
        raise BusinessRuleError(
            f"{label} contém o dígito “{found}” (U+{ord(found):04X}), que não é um algarismo 0–9. "
            "Digite o número só com os algarismos 0 a 9.", field=field)
    return text
