"""What the window remembers between sessions (QSettings): geometry, splitter, columns, databases."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

RECENT_LIMIT = 8


def settings() -> QSettings:
    """The app's settings (organisation and name come from the QApplication, set in app.run)."""
    return QSettings()


def last_database() -> Path | None:
    value = settings().value("database/last", "", type=str)
    return Path(value) if value else None


def recent_databases() -> list[Path]:
    values = settings().value("database/recent", [], type=list) or []
    return [Path(v) for v in values if v]


def remember_database(path: Path) -> None:
    resolved = str(Path(path).resolve())
    s = settings()
    s.setValue("database/last", resolved)
    recent = [str(p) for p in recent_databases() if str(p) != resolved]
    s.setValue("database/recent", [resolved, *recent][:RECENT_LIMIT])


def save_state(key: str, value: QByteArray) -> None:
    settings().setValue(f"window/{key}", value)


def load_state(key: str) -> QByteArray | None:
    value = settings().value(f"window/{key}")
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def within_days() -> int:
    return int(settings().value("attention/within", 14, type=int))


def set_within_days(days: int) -> None:
    settings().setValue("attention/within", int(days))
