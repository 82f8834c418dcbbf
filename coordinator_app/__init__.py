"""Coordinator App: progress tracking for (bio)medical master's programmes."""

from __future__ import annotations

APP_NAME = "Coordinator App"
ORGANISATION = "Coordinator App"
ORGANISATION_DOMAIN = "coordinator-app.local"

# The one place the version is written: pyproject.toml reads it from here
# ([tool.setuptools.dynamic]) and so does build.spec. A plain string, so the window's start-up
# reads no file for it (tomllib and pyproject.toml cost ~8 ms, importlib.metadata ~35 ms).
__version__ = "0.1.0"
