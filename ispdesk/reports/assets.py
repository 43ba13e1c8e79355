"""Files shipped in `resources/` (fonts, logo, default templates), found in a checkout or a frozen app."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

#: Font family names registered with reportlab.
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"


def resources_dir() -> Path:
    """The `resources/` folder: next to the executable when frozen, else at the repository root."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """A file under `resources/`."""
    return resources_dir().joinpath(*parts)


@cache
def register_fonts() -> str:
    """Register DejaVu Sans (regular, bold, italics) with reportlab once; return the family name.

    Also turns off reportlab's ASCII85 wrapping of streams (process-wide): binary zlib streams are
    valid PDF, smaller, and skip a pure-Python encoder that costs milliseconds per document.
    """
    from reportlab import rl_config  # here, not at import: opening the app needs `resource_path` only
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    rl_config.useA85 = 0
    for name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", f"{name}.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
    return FONT


@cache
def default_logo_png() -> bytes:
    """The ispdesk logo printed when the branch has none."""
    return resource_path("icons", "ispdesk-logo.png").read_bytes()
