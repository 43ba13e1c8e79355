"""Text normalisation used for search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: ``"  João  da SILVA"`` → ``"joao da silva"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def digits(text: str) -> str:
    """Only the digits of `text`."""
    return "".join(c for c in (text or "") if c.isdigit())


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix` (for range scans)."""
    return prefix + "\U0010ffff"
