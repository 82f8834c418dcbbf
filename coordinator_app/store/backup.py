"""Consistent copies through SQLite's online backup API (never a plain copy of a live file).

Copies live in a `backups` folder next to the database, named
`<db name>-<YYYYmmdd-HHMMSS>[.<n>]-<kind>.sqlite`, kind being `daily`, `manual`, `before-restore`
or `before-migration-<schema>`. A copy is written to a private temporary file in that folder
and renamed into place only when complete, so a crash never leaves a half copy under a
backup's name (and the listing ignores temporary files).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

DAILY_KEEP = 14
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 3600   # an unfinished copy this old belongs to a process that died
KINDS = ("daily", "manual", "before-restore", "before-migration")
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupFile:
    """One copy in a backups folder, as its name describes it."""

    path: Path
    taken_at: datetime
    kind: str             # daily, manual, before-restore, before-migration
    detail: str = ""      # the schema it was migrated from, for before-migration copies

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def private_folder(folder: Path) -> Path:
    """Create `folder` (owner-only on POSIX when we create it) and return it."""
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _owner_only(folder, 0o700)
    return folder


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` consistently; the copy appears whole or not at all."""
    source, target = Path(source), Path(target)
    if not source.exists():
        # Without this check sqlite3 would report the same as for a locked file.
        raise FileNotFoundError(2, "No such database", str(source))
    private_folder(target.parent)
    # mkstemp: a unique name per process (two instances backing up at once never share a
    # partial file) created 0o600 from the start.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            dst = sqlite3.connect(partial)
            try:
                # One step (pages=-1): WAL readers do not block writers, and a stepwise copy
                # restarts whenever another connection writes.
                copy_database(src, dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _owner_only(target)
    return target


def pre_migration_backup(database: Path, from_revision: str | None, folder: Path) -> Path:
    return backup_to(database, new_backup_path(database, "before-migration", folder, detail=from_revision or "none"))


def new_backup_path(database: Path, kind: str, folder: Path, detail: str = "", now: datetime | None = None) -> Path:
    """A name for a new copy of `database` in `folder` that no existing copy has."""
    now = now or datetime.now()
    label = f"{kind}-{detail}" if detail else kind
    stamp = now.strftime(_STAMP)
    candidate = folder / f"{database.stem}-{stamp}-{label}.sqlite"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{database.stem}-{stamp}.{n}-{label}.sqlite"
    return candidate


def _pattern(database: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(database.stem)}-(\d{{8}}-\d{{6}})(?:\.(\d+))?-"
        r"(daily|manual|before-restore|before-migration)(?:-(.+))?\.sqlite$")


def backup_files(database: Path, folder: Path) -> list[BackupFile]:
    """The copies of `database` in `folder`, newest first; temporary and foreign files are ignored."""
    if not folder.is_dir():
        return []
    pattern = _pattern(database)
    found: list[tuple[datetime, int, BackupFile]] = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            taken = datetime.strptime(match.group(1), _STAMP)
        except ValueError:
            continue
        kind, detail = match.group(3), match.group(4) or ""
        if kind != "before-migration" and detail:
            continue   # e.g. "daily-something": not a name we write
        found.append((taken, int(match.group(2) or 1), BackupFile(entry, taken, kind, detail)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [f for _, _, f in found]


def has_daily_backup(database: Path, folder: Path, day: date) -> bool:
    return any(f.kind == "daily" and f.taken_at.date() == day for f in backup_files(database, folder))


def prune_daily(database: Path, folder: Path, keep: int = DAILY_KEEP) -> list[Path]:
    """Delete all but the newest `keep` daily copies; other kinds are never deleted."""
    daily = [f for f in backup_files(database, folder) if f.kind == "daily"]
    removed = []
    for old in daily[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def remove_stale_partials(folder: Path, older_than_s: float = STALE_PARTIAL_SECONDS) -> list[Path]:
    """Remove unfinished copies left by a process that was killed mid-backup."""
    if not folder.is_dir():
        return []
    limit = time.time() - older_than_s
    removed = []
    for entry in folder.glob(f".*{PARTIAL_SUFFIX}"):
        try:
            if entry.stat().st_mtime < limit:
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _owner_only(path: Path, mode: int = 0o600) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


class BackupTimeout(Exception):
    """The database stayed locked longer than the busy timeout while copying."""


def copy_database(source: sqlite3.Connection, target: sqlite3.Connection, timeout_s: float = 5.0) -> None:
    """`source.backup(target)` in one step, giving up when either side stays locked past `timeout_s`.

    Python's backup() retries a locked database forever; the progress callback is our way out.
    """
    deadline = time.monotonic() + timeout_s

    def _progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupTimeout("database is locked")

    source.backup(target, progress=_progress)


def daily_backup(database: Path, folder: Path | None = None, today: date | None = None,
                 keep: int = DAILY_KEEP) -> Path | None:
    """The first open of a day copies the database to `backups/`; later opens that day do nothing.

    Keeps the newest `keep` daily copies; manual, before-restore and before-migration copies stay.
    Returns the new copy, or None when today's copy already exists.
    """
    from coordinator_app.paths import backups_dir_for

    database = Path(database)
    folder = folder or backups_dir_for(database)
    day = today or date.today()
    remove_stale_partials(folder)
    if has_daily_backup(database, folder, day):
        return None
    now = datetime.combine(day, datetime.now().time())
    copy = backup_to(database, new_backup_path(database, "daily", folder, now=now))
    prune_daily(database, folder, keep)
    return copy
