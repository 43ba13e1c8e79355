"""ispdesk — back office desktop para provedores de internet."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ispdesk")
except PackageNotFoundError:  # pragma: no cover - running from a source tree or frozen app
    __version__ = "0.1.0"
