"""The coordinator's name the attendance certificate is signed with: a setting of the person
(QSettings, like the window's), so the window and `coordinator-app certificate` share it."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from coordinator_app import APP_NAME, ORGANISATION

KEY = "documents/coordinator_name"


def _settings() -> QSettings:
    # Named explicitly: the command line has no QApplication to name them. In the default format,
    # as the window's QSettings() are (the registry on Windows; an ini file where tests put them).
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANISATION, APP_NAME)


def coordinator_name() -> str:
    value = _settings().value(KEY, "", type=str)
    return str(value).strip() if value else ""


def set_coordinator_name(name: str) -> None:
    _settings().setValue(KEY, " ".join(name.split()))
