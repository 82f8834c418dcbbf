"""Coordinator App: progress tracking for (bio)medical master's programmes."""

from __future__ import annotations

from importlib import metadata as _metadata

APP_NAME = "Coordinator App"
ORGANISATION = "Coordinator App"
ORGANISATION_DOMAIN = "coordinator-app.local"


def _read_version() -> str:
    """The version comes from pyproject.toml (installed metadata, or the file when frozen)."""
    try:
        return _metadata.version("coordinator-app")
    except _metadata.PackageNotFoundError:
        from coordinator_app.paths import resource_root
        import tomllib

        pyproject = resource_root() / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


__version__ = _read_version()
