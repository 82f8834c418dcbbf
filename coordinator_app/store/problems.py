"""The problems a database can have, as the exceptions callers catch: one family for a file and a
server (store/errors.py and store/server_errors.py turn a driver's error into one of them)."""

from __future__ import annotations

from pathlib import Path


class DatabaseProblem(Exception):
    """The database cannot be used as it is: not a database, too new, locked, read-only, ...

    `newest_backup`, when set, is the newest copy that passed its check: what the message offers
    to restore."""

    newest_backup: Path | None = None
    # Said without the way out (the command to restore), for the window's own words.
    reason: str | None = None
    newest_backup_label: str | None = None


class NotADatabase(DatabaseProblem):
    pass


class DatabaseEmpty(NotADatabase):
    """A file where the database should be that holds nothing: 0 bytes, or SQLite without tables."""


class ForeignDatabase(NotADatabase):
    """An intact SQLite database of another application."""


class NotAFile(NotADatabase):
    """A folder, a device or a pipe where the database file should be."""


class DatabaseReplaced(DatabaseProblem):
    """The database was restored from a backup after this workspace opened it: its edit is refused."""


class RestoreNeedsConfirmation(DatabaseProblem):
    """Restoring over this file replaces a damaged or empty file: only after the coordinator agreed.
    `what` says what is wrong with the file, `aside` where it is kept."""

    what: str = ""
    aside: Path | None = None


class DatabaseTooNew(DatabaseProblem):
    pass


class DatabaseBusy(DatabaseProblem):
    """Another window or colleague holds the write lock longer than the busy timeout."""


class DatabaseReadOnly(DatabaseProblem):
    """The file (or its folder) cannot be written: permissions, a read-only share or medium."""


class DatabaseFull(DatabaseProblem):
    """The disk (or quota) holding the database is full."""


class DatabaseGone(DatabaseProblem):
    """The file or its drive disappeared while the app had it open (USB stick, network share)."""


class DatabaseCorrupt(NotADatabase):
    """SQLite reports a damaged file; a NotADatabase so older `except` clauses still catch it."""


BUSY_MESSAGE = (
    "The database is busy: another window or a colleague is saving right now. "
    "Nothing was saved and what you typed is kept; try again in a moment."
)
