"""What the window remembers between sessions (QSettings): geometry, splitter, columns, databases."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from coordinator_app.location import Location, NotALocation, is_server_url

RECENT_LIMIT = 8


def settings() -> QSettings:
    """The app's settings (organisation and name come from the QApplication, set in app.run)."""
    return QSettings()


# "database/chosen", not the "database/last" of earlier versions: those saved every database the
# window opened (a --db demo too), so a plain start could land in the demo.
CHOSEN_KEY = "database/chosen"


# A database as the settings keep it: a file's resolved path, or a server's URL without any password
# (the password is in the OS keyring or libpq's pgpass file, never here: ui/connect_dialog.py).
Database = Path | Location


def _read(value: str) -> Database | None:
    """A saved database: a Path for a file, a Location for a server database."""
    if not value:
        return None
    if is_server_url(value):
        try:
            return Location.parse(value)
        except NotALocation:
            return None
    return Path(value)


def saved_text(database: Database) -> str:
    if isinstance(database, Location):
        return database.saved_text() if database.server is not None else str(database.file_path.resolve())
    return str(Path(database).resolve())


def chosen_database() -> Database | None:
    """The database the coordinator last opened in the window (File > Open, Open recent, Connect to
    server): what a plain `coordinator-app` opens. A database given with --db never becomes this one."""
    return _read(str(settings().value(CHOSEN_KEY, "", type=str)))


def database_for_plain_start() -> Database:
    """What `coordinator-app` without --db opens: the chosen database if it still exists (a server one
    is tried: only the server can say), else the default one."""
    from coordinator_app.paths import default_database_path

    chosen = chosen_database()
    if isinstance(chosen, Location):
        return chosen
    return chosen if chosen is not None and chosen.exists() else default_database_path()


def recent_databases() -> list[Database]:
    values = settings().value("database/recent", [], type=list)
    found = [_read(str(v)) for v in values or [] if v] if isinstance(values, list) else []
    return [d for d in found if d is not None]


def add_recent_database(database: Database) -> None:
    """Listed first under File > Open recent (any database opened, a --db one included)."""
    text = saved_text(database)
    recent = [saved_text(d) for d in recent_databases() if saved_text(d) != text]
    settings().setValue("database/recent", [text, *recent][:RECENT_LIMIT])


def remember_database(database: Database) -> None:
    """The coordinator chose this database in the window: the next plain start opens it."""
    settings().setValue(CHOSEN_KEY, saved_text(database))
    add_recent_database(database)


def save_state(key: str, value: QByteArray) -> None:
    settings().setValue(f"window/{key}", value)


def load_state(key: str) -> QByteArray | None:
    value = settings().value(f"window/{key}")
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def within_days() -> int:
    value = settings().value("attention/within", 14, type=int)
    return value if isinstance(value, int) else 14


def set_within_days(days: int) -> None:
    settings().setValue("attention/within", int(days))


# -- reminders: the coordinator's own name, address and signature (Edit > Settings) --------------------------
def signature() -> str:
    """How the coordinator signs a reminder (several lines: name, function, office)."""
    return str(settings().value("reminders/signature", "", type=str) or "")


def sender() -> tuple[str, str]:
    """The coordinator's name and e-mail address, put in a written draft's From (empty: the mail program's own).
    The name is the one setting that also signs the attendance certificate (pdf/settings.py)."""
    from coordinator_app.pdf.settings import coordinator_name

    return coordinator_name(), str(settings().value("reminders/email", "", type=str) or "")


def reminder_language() -> str:
    return str(settings().value("reminders/language", "en", type=str) or "en")


def save_reminder_settings(signature_text: str, name: str, email: str, language: str) -> None:
    from coordinator_app.pdf.settings import set_coordinator_name

    s = settings()
    s.setValue("reminders/signature", signature_text)
    set_coordinator_name(name)
    s.setValue("reminders/email", email)
    s.setValue("reminders/language", language)


def not_reminded_days() -> int:
    value = settings().value("attention/not_reminded_days", 7, type=int)
    return value if isinstance(value, int) and value > 0 else 7


def set_not_reminded_days(days: int) -> None:
    settings().setValue("attention/not_reminded_days", int(days))


def reminders_folder() -> str:
    """Where .eml drafts were last written (the folder dialog starts there)."""
    return str(settings().value("reminders/folder", "", type=str) or "")


def set_reminders_folder(folder: str) -> None:
    settings().setValue("reminders/folder", folder)


# -- saved views of the student list (ui/saved_views.py) ----------------------------------------------------
def saved_views() -> dict[str, str]:
    """Name -> the view as JSON, in the order they were saved."""
    raw = settings().value("views/saved", "", type=str)
    import json

    try:
        data = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return {str(k): json.dumps(v) for k, v in data.items()} if isinstance(data, dict) else {}


def set_saved_views(views: dict[str, str]) -> None:
    import json

    settings().setValue("views/saved", json.dumps({k: json.loads(v) for k, v in views.items()}))
