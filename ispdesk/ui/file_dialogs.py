"""The one way the app asks for a file or a folder: opens in Documents, then in the last folder used.

Every file dialog of the app goes through `save_file_name`, `open_file_name` or `existing_directory`:
the first time it opens in the user's Documents folder (``QStandardPaths.DocumentsLocation``), and
afterwards in the last folder a file was saved to or opened from (kept in ``janelas.ini``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ispdesk.ui.window_state import ui_settings

KEY = "arquivos/ultima_pasta"


def documents_dir() -> str:
    """The user's Documents folder (home when the system has none)."""
    path = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return path if path and Path(path).is_dir() else str(Path.home())


def last_dir() -> str:
    """The last folder used in a file dialog, else Documents."""
    value = ui_settings().value(KEY)
    return value if isinstance(value, str) and value and Path(value).is_dir() else documents_dir()


def remember_dir(folder: str) -> None:
    """Remember `folder` for the next file dialog."""
    settings = ui_settings()
    settings.setValue(KEY, folder)
    settings.sync()


def start_path(suggested: str = "") -> str:
    """Where a dialog opens: `suggested` when it is already a full path, else the last folder + its name."""
    if suggested and Path(suggested).is_absolute():
        return suggested
    return str(Path(last_dir()) / suggested) if suggested else last_dir()


def save_file_name(parent: QWidget | None, title: str, suggested: str = "", filters: str = "") -> str:
    """Ask where to save a file ('' = cancelled); remembers its folder."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start_path(suggested), filters)
    if path:
        remember_dir(str(Path(path).parent))
    return path


def open_file_name(parent: QWidget | None, title: str, filters: str = "") -> str:
    """Ask for a file to open ('' = cancelled); remembers its folder."""
    path, _ = QFileDialog.getOpenFileName(parent, title, last_dir(), filters)
    if path:
        remember_dir(str(Path(path).parent))
    return path


def existing_directory(parent: QWidget | None, title: str, current: str = "") -> str:
    """Ask for a folder ('' = cancelled); remembers it."""
    start = current if current and Path(current).is_dir() else last_dir()
    folder = QFileDialog.getExistingDirectory(parent, title, start)
    if folder:
        remember_dir(folder)
    return folder
