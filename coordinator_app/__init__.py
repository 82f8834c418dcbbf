"""Coordinator App: progress tracking for (bio)medical master's programmes."""

from __future__ import annotations

APP_NAME = "Coordinator App"
ORGANISATION = "Coordinator App"
ORGANISATION_DOMAIN = "coordinator-app.local"


def _read_version() -> str:
    """The version comes from pyproject.toml: the file itself when it sits beside the package
    (a source checkout or the frozen bundle), else the installed metadata.

    The file is read first because importlib.metadata scans every installed distribution,
    ~35 ms of the window's start-up.
    """
    import tomllib

    from coordinator_app.paths import resource_root

    pyproject = resource_root() / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    from importlib import metadata

    try:
        return metadata.version("coordinator-app")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _read_version()
