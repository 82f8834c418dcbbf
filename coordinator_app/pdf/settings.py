"""The coordinator's own name, one setting for everything signed with it: the attendance certificate
and the reminders (their signature's From). Set in Edit > Settings; kept per person on this computer
(QSettings, like the window's), so the window and `coordinator-app certificate` share it."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from coordinator_app import APP_NAME, ORGANISATION

KEY = "coordinator/name"
# Where earlier versions kept it: the certificate asked for its own name, Edit > Settings kept the
# reminders' one. Read when the one setting has never been saved, so nobody has to type it again.
EARLIER_KEYS = ("documents/coordinator_name", "reminders/name")


def _settings() -> QSettings:
    # Named explicitly: the command line has no QApplication to name them. In the default format,
    # as the window's QSettings() are (the registry on Windows; an ini file where tests put them).
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANISATION, APP_NAME)


def coordinator_name() -> str:
    s = _settings()
    for key in (KEY,) if s.contains(KEY) else EARLIER_KEYS:
        value = s.value(key, "", type=str)
        if value and str(value).strip():
            return " ".join(str(value).split())
    return ""


def set_coordinator_name(name: str) -> None:
    _settings().setValue(KEY, " ".join(name.split()))
