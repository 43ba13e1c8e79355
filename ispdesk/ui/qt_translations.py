"""Qt's own strings in Brazilian Portuguese: standard buttons, file dialogs, context menus.

`install(app)` loads ``qtbase_pt_BR.qm`` shipped with PySide6 (``QLibraryInfo`` translations path;
in the frozen build the copy bundled by ``build.spec`` under ``qt_translations/``) and, on top of
it, the few words Windows users expect in file dialogs ("Examinar:" where Qt says "Procurar em:")
and the two file-dialog labels qtbase_pt_BR misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

CATALOG = "qtbase_pt_BR"
BUNDLED_DIR = "qt_translations"

#: (context, source) → the word the Windows file dialog uses
OVERRIDES: dict[tuple[str, str], str] = {
    ("QFileDialog", "Look in:"): "Examinar:",
    ("QFileDialog", "&Look in:"): "&Examinar:",
    ("QFileDialog", "Files of &type:"): "Arquivos do &tipo:",
}


def search_dirs() -> list[Path]:
    """Where ``qtbase_pt_BR.qm`` may be: the frozen bundle first, then PySide6's own folder."""
    dirs: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(Path(frozen) / BUNDLED_DIR)
    dirs.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    return dirs


class OverridesTranslator(QTranslator):
    """Answers only the `OVERRIDES`; every other string falls through to qtbase_pt_BR."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                  n: int = -1) -> str | None:
        """The override for (`context`, `source`), else None (a null string: ask the next translator)."""
        return OVERRIDES.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        """Never empty (Qt skips empty translators)."""
        return False


def install(app: QCoreApplication) -> list[QTranslator]:
    """Install Qt's Portuguese catalogue and the overrides on `app`; the translators installed."""
    installed: list[QTranslator] = []
    base = QTranslator(app)
    for folder in search_dirs():
        if base.load(CATALOG, str(folder)):
            app.installTranslator(base)
            installed.append(base)
            break
    overrides = OverridesTranslator(app)
    app.installTranslator(overrides)
    installed.append(overrides)
    return installed


def uninstall(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Remove `translators` from `app` (tests)."""
    for translator in translators:
        app.removeTranslator(translator)
