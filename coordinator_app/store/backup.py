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

from coordinator_app.durable import fsync_file, fsync_folder
from coordinator_app.store.health import read_only_uri

DAILY_KEEP = 14
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 3600  # an unfinished copy this old belongs to a process that died
KINDS = ("daily", "manual", "before-restore", "before-migration")
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupFile:
    """One copy in a backups folder, as its name describes it."""

    path: Path
    taken_at: datetime
    kind: str  # daily, manual, before-restore, before-migration
    detail: str = ""  # the schema it was migrated from, for before-migration copies

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def private_folder(folder: Path) -> Path:
    """Create `folder` (owner-only on POSIX when we create it, whatever the umask) and return it."""
    from coordinator_app.paths import ensure_data_folder, is_data_folder, private_dir

    if is_data_folder(folder):
        return ensure_data_folder()
    return private_dir(folder)


class CopyFailedCheck(Exception):
    """The copy did not pass SQLite's quick_check; it was not kept. `detail` is SQLite's verdict."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the copy failed SQLite's quick check: {detail}")
        self.detail = detail


def backup_to(source: Path, target: Path, verify: bool = False, look_only: bool = False) -> Path:
    """Copy the live database `source` to `target` consistently; the copy appears whole or not at all.

    With `verify` the copy must pass `PRAGMA quick_check` before it gets its name (CopyFailedCheck).
    `look_only`: `source` is a file the coordinator chose (a copy to restore), opened so that no
    -wal/-shm files are left beside it (store.health.read_only_uri)."""
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
        uri = read_only_uri(source) if look_only else f"{source.resolve().as_uri()}?mode=ro"
        src = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            dst = sqlite3.connect(partial)
            try:
                # One step (pages=-1): WAL readers do not block writers, and a stepwise copy
                # restarts whenever another connection writes.
                copy_database(src, dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
                if verify:
                    try:
                        verdict = "; ".join(str(r[0]) for r in dst.execute("PRAGMA quick_check"))
                    except sqlite3.DatabaseError as exc:  # damage bad enough that the check itself stops
                        verdict = str(exc)
                    if verdict != "ok":
                        raise CopyFailedCheck(verdict[:300])
            finally:
                dst.close()
        finally:
            src.close()
        fsync_file(partial)
        os.replace(partial, target)
        fsync_folder(target.parent)
    except BaseException:
        _remove_with_journal(partial)
        raise
    _owner_only(target)
    if not look_only:
        # The attached documents it refers to go next to the copy (store/documents.py).
        from coordinator_app.store.documents import with_backup

        with_backup(source, target)
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
        r"(daily|manual|before-restore|before-migration)(?:-(.+))?\.sqlite$"
    )


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
            continue  # e.g. "daily-something": not a name we write
        found.append((taken, int(match.group(2) or 1), BackupFile(entry, taken, kind, detail)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [f for _, _, f in found]


def has_daily_backup(database: Path, folder: Path, day: date) -> bool:
    return any(f.kind == "daily" and f.taken_at.date() == day for f in backup_files(database, folder))


def passes_quick_check(path: Path) -> bool:
    """Whether the copy at `path` passes SQLite's quick_check (read-only; leaves no files beside it)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        return [tuple(r) for r in con.execute("PRAGMA quick_check")] == [("ok",)]
    except sqlite3.Error:
        return False
    finally:
        con.close()


def prune_daily(database: Path, folder: Path, keep: int = DAILY_KEEP, known_good: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` daily copies; other kinds are never deleted.

    The newest daily copy that passes quick_check is never deleted, even when it is older than the
    newest `keep` (those may all be copies of a database that was already damaged). `known_good`:
    a copy just checked, so the newest ones need not be checked again.
    """
    daily = [f for f in backup_files(database, folder) if f.kind == "daily"]
    if len(daily) <= keep:
        return []
    last_good: Path | None = None
    for copy in daily:
        if copy.path == known_good or passes_quick_check(copy.path):
            last_good = copy.path
            break
    removed = []
    for old in daily[keep:]:
        if old.path == last_good:
            continue
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def remove_stale_partials(folder: Path, older_than_s: float = STALE_PARTIAL_SECONDS) -> list[Path]:
    """Remove unfinished copies left by a process that was killed mid-backup, with the rollback
    journal (`.partial-journal`) SQLite keeps beside such a copy while writing it."""
    if not folder.is_dir():
        return []
    limit = time.time() - older_than_s
    removed = []
    for entry in folder.glob(f".*{PARTIAL_SUFFIX}*"):
        if not entry.name.endswith((PARTIAL_SUFFIX, *(PARTIAL_SUFFIX + s for s in SIDE_FILES))):
            continue
        try:
            if entry.stat().st_mtime < limit:
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


SIDE_FILES = ("-journal", "-wal", "-shm")


def _remove_with_journal(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{side}") for side in SIDE_FILES)):
        leftover.unlink(missing_ok=True)


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


def daily_backup(
    database: Path, folder: Path | None = None, today: date | None = None, keep: int = DAILY_KEEP
) -> Path | None:
    """The first open of a day copies the database to `backups/`; later opens that day do nothing.

    The copy counts only if it passes quick_check (else CopyFailedCheck, and nothing is pruned).
    Keeps the newest `keep` daily copies and the newest one that passed; manual, before-restore and
    before-migration copies stay. Returns the new copy, or None when today's copy already exists.
    """
    from coordinator_app.paths import backups_dir_for

    database = Path(database)
    folder = folder or backups_dir_for(database)
    day = today or date.today()
    remove_stale_partials(folder)
    if has_daily_backup(database, folder, day):
        return None
    now = datetime.combine(day, datetime.now().time())
    copy = backup_to(database, new_backup_path(database, "daily", folder, now=now), verify=True)
    prune_daily(database, folder, keep, known_good=copy)
    return copy
