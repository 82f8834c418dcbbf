"""Problems with the database file itself, in words a coordinator can act on."""

from __future__ import annotations

import errno
from pathlib import Path


class DatabaseProblem(Exception):
    """The database cannot be used as it is: not a database, too new, locked, read-only, ..."""


class NotADatabase(DatabaseProblem):
    pass


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


BUSY_MESSAGE = ("The database is busy: another window or a colleague is saving right now. "
                "Nothing was saved and what you typed is kept; try again in a moment.")


def _name(path: Path | None) -> str:
    return f"The database file {path}" if path is not None else "The database file"


def translate(exc: BaseException, path: Path | None = None) -> DatabaseProblem | None:
    """The DatabaseProblem for an sqlite3/SQLAlchemy/OS error about the database file, or None.

    Only environment problems are translated; a bug (a constraint, a wrong query) returns None
    so it still reaches the exception hook as a bug.
    """
    if isinstance(exc, DatabaseProblem):
        return exc
    original = getattr(exc, "orig", None) or exc
    text = str(original).lower()
    if isinstance(original, OSError) and not _is_sqlite_error(original):
        return _translate_os_error(original, path)
    if not _is_sqlite_error(original):
        return None
    gone = path is not None and not path.exists()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(BUSY_MESSAGE)
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseFull(
            f"The disk that holds the database is full, so this change was not saved. Everything saved before "
            f"is safe. Free some space on that disk (or move the database to another one), then try again.")
    if gone or "unable to open database file" in text or "disk i/o error" in text:
        return DatabaseGone(
            f"{_name(path)} can no longer be reached: was a USB stick or network drive disconnected, or the file "
            f"moved? This change was not saved; everything saved before is in the file. Reconnect the drive "
            f"(or put the file back) and open the database again.")
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(
            f"{_name(path)} is read-only, so nothing can be saved; nothing was changed. Ask whoever manages that "
            f"folder for permission to write, or copy the database to a folder of your own and open that copy.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DatabaseCorrupt(
            f"{_name(path)} is damaged (SQLite reports: {original}). Stop working in it to avoid further damage: "
            f"use File > Restore from backup (or `coordinator-app restore`) to go back to the latest good copy.")
    return None


def _is_sqlite_error(exc: BaseException) -> bool:
    import sqlite3

    return isinstance(exc, sqlite3.Error)


def _translate_os_error(exc: OSError, path: Path | None) -> DatabaseProblem | None:
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return DatabaseFull(f"The disk is full{where}; nothing was written. Free some space, then try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseReadOnly(f"No permission to write{where}; nothing was changed. Ask for write access to "
                                f"that folder, or choose a folder of your own.")
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO, errno.ESTALE if hasattr(errno, "ESTALE") else -1):
        return DatabaseGone(f"{_name(path)} or its folder can no longer be reached{where}: was a drive "
                            f"disconnected? Reconnect it and try again.")
    return None
