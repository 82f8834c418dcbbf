"""Problems with the database file itself, in words a coordinator can act on: `translate` turns an
sqlite3, OS or server error into one of the problems (store/problems.py; re-exported here, where
callers have always caught them)."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator_app.store.problems import (
    BUSY_MESSAGE,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseEmpty,
    DatabaseFull,
    DatabaseGone,
    DatabaseProblem,
    DatabaseReadOnly,
    DatabaseReplaced,
    DatabaseTooNew,
    ForeignDatabase,
    NotADatabase,
    NotAFile,
    RestoreNeedsConfirmation,
)
from coordinator_app.store.server_errors import is_server_error, translate_server_error

if TYPE_CHECKING:
    from coordinator_app.location import ServerAddress

__all__ = [
    "BUSY_MESSAGE",
    "FULL_BELOW_BYTES",
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseEmpty",
    "DatabaseFull",
    "DatabaseGone",
    "DatabaseProblem",
    "DatabaseReadOnly",
    "DatabaseReplaced",
    "DatabaseTooNew",
    "ForeignDatabase",
    "NotADatabase",
    "NotAFile",
    "RestoreNeedsConfirmation",
    "damaged",
    "translate",
]

# Less free space than this on the disk holding a file, when SQLite or the OS reports an I/O
# failure there, means the disk is full (SQLite often says "disk I/O error" or "unable to open"
# when it cannot create its journal on a full disk).
FULL_BELOW_BYTES = 1 << 20


def _name(path: Path | None) -> str:
    return f"The database file {path}" if path is not None else "The database file"


def translate(
    exc: BaseException, path: Path | None = None, server: ServerAddress | None = None
) -> DatabaseProblem | None:
    """The DatabaseProblem for an sqlite3/psycopg/SQLAlchemy/OS error about the database, or None.

    Only environment problems are translated; a bug (a constraint, a wrong query) returns None
    so it still reaches the exception hook as a bug. `server`: the server database it was about.
    """
    if isinstance(exc, DatabaseProblem):
        return exc
    original = getattr(exc, "orig", None) or exc
    if is_server_error(original):
        return translate_server_error(original, server)
    text = str(original).lower()
    if isinstance(original, OSError) and not _is_sqlite_error(original):
        return _translate_os_error(original, path)
    if not _is_sqlite_error(original):
        return None
    # SQLite's result code says what happened; its text is the fallback (errors made by hand have no code).
    code = getattr(original, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    gone = path is not None and not path.exists()
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or (primary is None and ("locked" in text or "busy" in text)):
        return DatabaseBusy(BUSY_MESSAGE)
    io_failure = primary in (SQLITE_IOERR, SQLITE_CANTOPEN) or "disk i/o error" in text or "unable to open" in text
    if primary == SQLITE_FULL or "disk is full" in text or (io_failure and _disk_full(path)):
        return _full_message()
    if code == SQLITE_READONLY_DBMOVED:  # the file was deleted or moved away under the connection
        gone = True
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) and not gone:
        return _corrupt(path, original)
    if gone or io_failure:
        return DatabaseGone(
            f"{_name(path)} can no longer be reached: was a USB stick or network drive disconnected, or the file "
            f"moved? This change was not saved; everything saved before is in the file. Reconnect the drive "
            f"(or put the file back) and open the database again."
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(
            f"{_name(path)} is read-only, so nothing can be saved; nothing was changed. Ask whoever manages that "
            f"folder for permission to write, or copy the database to a folder of your own and open that copy."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return _corrupt(path, original)
    return None


# SQLite result codes (https://sqlite.org/rescode.html)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)


def _full_message() -> DatabaseFull:
    return DatabaseFull(
        "The disk that holds the database is full, so this change was not saved. Everything saved before "
        "is safe. Free some space on that disk (or move the database to another one), then try again."
    )


def _corrupt(path: Path | None, original: BaseException) -> DatabaseCorrupt:
    return damaged(path, str(original))


def damaged(path: Path | None, detail: str) -> DatabaseCorrupt:
    reason = f"{_name(path)} is damaged (SQLite reports: {detail}). Stop working in it to avoid further damage."
    problem = DatabaseCorrupt(
        f"{reason} Use File > Restore from backup (or `coordinator-app restore`) to go back to the latest good copy."
    )
    problem.reason = reason  # without the way out, for the window's own words
    return problem


def _disk_full(path: Path | None) -> bool:
    """Whether the disk holding `path` (or its nearest existing folder) has next to no space left."""
    if path is None:
        return False
    where = Path(path)
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        return shutil.disk_usage(where).free < FULL_BELOW_BYTES
    except OSError:
        return False


def _is_sqlite_error(exc: BaseException) -> bool:
    import sqlite3

    return isinstance(exc, sqlite3.Error)


def _translate_os_error(exc: OSError, path: Path | None) -> DatabaseProblem | None:
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return DatabaseFull(f"The disk is full{where}; nothing was written. Free some space, then try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseReadOnly(
            f"No permission to write{where}; nothing was changed. Ask for write access to "
            f"that folder, or choose a folder of your own."
        )
    if exc.errno == errno.EIO and _disk_full(path or (Path(exc.filename) if exc.filename else None)):
        return DatabaseFull(f"The disk is full{where}; nothing was written. Free some space, then try again.")
    if exc.errno in (
        errno.ENOENT,
        errno.ENODEV,
        errno.ENXIO,
        errno.EIO,
        errno.ESTALE if hasattr(errno, "ESTALE") else -1,
    ):
        return DatabaseGone(
            f"{_name(path)} or its folder can no longer be reached{where}: was a drive "
            f"disconnected? Reconnect it and try again."
        )
    return None
