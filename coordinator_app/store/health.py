"""What is at a database path, looked at without changing anything.

Every command, the window and a restore first look here: only a path with no file is a new
database; a file that exists must be a Coordinator App database (or be refused, saying what it
is). The look is read-only and, unless the file already has a `-wal` beside it (a database in
use), `immutable`, so SQLite creates no `-wal`/`-shm` files next to a file we may refuse.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"

MISSING = "missing"  # no file: a new database may be created here
NOT_A_FILE = "not-a-file"  # a folder, a device, a pipe: never read, never replaced
EMPTY = "empty"  # 0 bytes, or an SQLite file without any table
NOT_SQLITE = "not-sqlite"  # something else (or a database whose first page was overwritten)
FOREIGN = "foreign"  # an intact SQLite database of another application
TOO_NEW = "too-new"  # ours, written by a newer Coordinator App
DAMAGED = "damaged"  # ours (or was), but SQLite reports damage
OURS = "ours"  # a Coordinator App database this version can open

# What a restore may replace after the coordinator agreed (the file is kept aside, byte for byte).
REPLACEABLE = frozenset({EMPTY, NOT_SQLITE, DAMAGED})


@dataclass(frozen=True)
class FileState:
    kind: str
    revision: str | None = None
    detail: str = ""  # SQLite's words for the damage

    @property
    def replaceable(self) -> bool:
        return self.kind in REPLACEABLE


def read_only_uri(path: Path) -> str:
    """A URI that opens `path` for reading only and, if nobody has it open, leaves no files beside it."""
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return f"{path.resolve().as_uri()}?{flags}"


def look(path: Path, known_revisions: Collection[str], check: str | None = None) -> FileState:
    """The state of the file at `path`; `check` "quick" or "integrity" also runs that SQLite check.

    Problems that are not about the file's contents (no permission, a vanished drive) are raised
    as the DatabaseProblem that `store.errors.translate` makes of them.
    """
    from coordinator_app.store.errors import DatabaseCorrupt, translate

    path = Path(path)
    if not path.exists():
        return FileState(MISSING)
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # /dev/zero would read forever, a FIFO would block: look no further.
        return FileState(NOT_A_FILE, detail="a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file")
    if info.st_size == 0:
        return FileState(EMPTY, detail="0 bytes")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return FileState(NOT_SQLITE)
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return _damaged_or_raise(exc, path)
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        if revision is None:
            if tables - {"alembic_version"}:
                return FileState(FOREIGN)
            return FileState(EMPTY, detail="an SQLite file without any table")
        if revision not in known_revisions:
            return FileState(TOO_NEW, revision)
        if check is not None:
            pragma = "quick_check" if check == "quick" else "integrity_check"
            result = "; ".join(str(r[0]) for r in con.execute(f"PRAGMA {pragma}"))
            if result != "ok":
                return FileState(DAMAGED, revision, _short(result))
        return FileState(OURS, revision)
    except sqlite3.Error as exc:
        problem = translate(exc, path)
        if problem is None or isinstance(problem, DatabaseCorrupt):
            return FileState(DAMAGED, detail=_short(str(exc)))
        raise problem from exc
    finally:
        con.close()


def _damaged_or_raise(exc: sqlite3.Error, path: Path) -> FileState:
    from coordinator_app.store.errors import DatabaseCorrupt, translate

    problem = translate(exc, path)
    if problem is None or isinstance(problem, DatabaseCorrupt):
        return FileState(DAMAGED, detail=_short(str(exc)))
    raise problem from exc


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_user_version(path: Path) -> int | None:
    """The `user_version` field of the file's header (bytes 60-63), read without SQLite: also from a
    damaged file. In WAL mode the newest value may still be in the -wal; callers only need it to
    pick a different one."""
    try:
        with Path(path).open("rb") as handle:
            header = handle.read(64)
    except OSError:
        return None
    if len(header) < 64 or not header.startswith(SQLITE_HEADER):
        return None
    return int.from_bytes(header[60:64], "big", signed=True)
