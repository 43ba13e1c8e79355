"""Where the database is: `--db URL`, else ``ISPDESK_DB_URL``, else the saved choice, else SQLite."""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "ispdesk"
ENV_DB_URL = "ISPDESK_DB_URL"


def data_dir() -> Path:
    """Per-user data directory (created on demand)."""
    path = Path(os.environ.get("ISPDESK_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_path() -> Path:
    """Per-user settings file (JSON)."""
    base = os.environ.get("ISPDESK_CONFIG_DIR") or user_config_dir(APP_NAME, appauthor=False)
    return Path(base) / "settings.json"


def default_sqlite_url() -> str:
    """The embedded database file in the user data directory."""
    return f"sqlite:///{(data_dir() / 'ispdesk.sqlite3').as_posix()}"


def load_settings() -> dict[str, str]:
    """Saved settings (empty when none or unreadable)."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def save_database_choice(url: str) -> None:
    """Remember the database URL chosen in the app."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = load_settings()
    settings["database_url"] = url
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")


def resolve_database_url(cli_url: str | None = None) -> str:
    """The database URL by precedence: CLI option, environment, saved choice, SQLite default."""
    return (
        cli_url
        or os.environ.get(ENV_DB_URL)
        or load_settings().get("database_url")
        or default_sqlite_url()
    )
