"""Where things live: bundled resources (source tree or PyInstaller bundle) and per-user data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATABASE_FILENAME = "coordinator.sqlite"


def resource_root() -> Path:
    """The folder holding `resources/` and `db/`.

    From source that is the repository top level; in a PyInstaller bundle it is the
    bundle's data folder (`sys._MEIPASS`).
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return resource_root() / "resources"


def programmes_dir() -> Path:
    return resources_dir() / "programmes"


def reminders_dir() -> Path:
    """Who a reminder goes to, per programme, and its templates per language (see its README.md)."""
    return resources_dir() / "reminders"


def migrations_dir() -> Path:
    return resource_root() / "db" / "migrations"


def user_data_dir() -> Path:
    """Per-user data folder; COORDINATOR_APP_DATA overrides it (tests, portable use)."""
    override = os.environ.get("COORDINATOR_APP_DATA")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("CoordinatorApp", "CoordinatorApp", roaming=False))


def private_dir(folder: Path) -> Path:
    """`folder`, created if needed; one this call creates is the owner's only (0700 whatever the umask)."""
    folder = Path(folder)
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    return folder


def ensure_data_folder() -> Path:
    """The per-user data folder (databases, backups, logs), created owner-only; an existing one that
    others may read is tightened to 0700 (it holds student records). A folder given with --db is the
    coordinator's choice and is left as it is."""
    folder = private_dir(user_data_dir())
    if os.name == "posix":
        info = folder.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            os.chmod(folder, 0o700)
    return folder


def is_data_folder(folder: Path) -> bool:
    try:
        return Path(folder).resolve() == user_data_dir().resolve()
    except OSError:
        return False


def default_database_path() -> Path:
    return user_data_dir() / DATABASE_FILENAME


def log_dir() -> Path:
    return user_data_dir() / "logs"


def backups_dir_for(database: Path) -> Path:
    """Backups sit in a `backups` folder next to the database they copy."""
    return database.resolve().parent / "backups"


def server_backups_dir(database: str, server: str) -> Path:
    """Portable copies of a server database, on this computer: `server-backups/<database>@<server>`."""
    import re

    name = re.sub(r"[^A-Za-z0-9_.@-]", "_", f"{database}@{server}")
    return user_data_dir() / "server-backups" / name


def server_documents_dir(database: str, server: str) -> Path:
    """Where documents of a server database are opened on this computer (the bytes live in the
    server's own table): `server-documents/<database>@<server>`."""
    return (
        server_backups_dir(database, server).parent.parent
        / "server-documents"
        / server_backups_dir(database, server).name
    )


DEMO_FILENAME = "demo.sqlite"


def default_demo_path() -> Path:
    """The demo's own file next to the default database: made-up students never go into the real one."""
    return user_data_dir() / DEMO_FILENAME
