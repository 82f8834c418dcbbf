"""Back up now, list the copies, restore one: File > Back up now / Restore from backup and the CLI.

Every copy goes through SQLite's online backup API (store/backup.py). A restore first copies
the current database (kind `before-restore`), so a restore can itself be undone.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coordinator_app.paths import backups_dir_for
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.backup import (
    BackupFile, BackupTimeout, backup_files, backup_to, copy_database, daily_backup, new_backup_path,
    remove_stale_partials,
)
from coordinator_app.store.engine import BUSY_TIMEOUT_MS
from coordinator_app.store.errors import BUSY_MESSAGE, DatabaseBusy, DatabaseProblem, DatabaseTooNew, translate
from coordinator_app.store.migrate import SQLITE_HEADER, alembic_config, open_database

log = logging.getLogger(__name__)

KIND_LABELS = {"daily": "daily (automatic)", "manual": "made by hand", "before-restore": "before a restore",
               "before-migration": "before an upgrade"}

__all__ = ["BackupInfo", "BackupUnusable", "RestoreResult", "back_up_now", "daily_backup", "inspect_backup",
           "list_backups", "restore_backup"]


class BackupUnusable(DatabaseProblem):
    """The chosen copy cannot be restored: not a database, damaged, or not a Coordinator App file."""


@dataclass(frozen=True)
class BackupInfo:
    """A copy as the coordinator sees it in the restore list."""

    path: Path
    taken_at: datetime
    kind: str                  # daily, manual, before-restore, before-migration, file (chosen by hand)
    students: int | None       # None when the copy cannot be read
    size_bytes: int
    schema: str | None = None
    problem: str | None = None  # why it cannot be restored, in the coordinator's words

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    safety_copy: Path | None   # the database as it was just before the restore
    students: int
    seconds: float


def _path_of(target: Workspace | Path) -> Path:
    return target.path if isinstance(target, Workspace) else Path(target)


def inspect_backup(path: Path, thorough: bool = False, kind: str = "file",
                   taken_at: datetime | None = None) -> BackupInfo:
    """Read a copy without changing it: student count and schema; with `thorough`, an integrity check."""
    path = Path(path)
    taken = taken_at or datetime.fromtimestamp(path.stat().st_mtime)
    size = path.stat().st_size

    def unusable(problem: str, students: int | None = None, schema: str | None = None) -> BackupInfo:
        return BackupInfo(path, taken, kind, students, size, schema, problem)

    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return unusable("This file is not a Coordinator App database (it is not an SQLite file).")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return unusable(f"This file cannot be opened ({exc}).")
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "student" not in tables or "alembic_version" not in tables:
            return unusable("This is an SQLite file of another application, not a Coordinator App database.")
        schema = con.execute("SELECT version_num FROM alembic_version").fetchone()
        schema_text = schema[0] if schema else None
        # Copies made before schema 0003 have no removed students (removal deleted them then).
        columns = {r[1] for r in con.execute("PRAGMA table_info(student)")}
        where = " WHERE removed_at IS NULL" if "removed_at" in columns else ""
        students = int(con.execute(f"SELECT count(*) FROM student{where}").fetchone()[0])
        if thorough:
            check = "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
            if check != "ok":
                return unusable(f"This copy is damaged (integrity check: {check[:200]}).", students, schema_text)
        return BackupInfo(path, taken, kind, students, size, schema_text, None)
    except sqlite3.Error as exc:
        return unusable(f"This copy is damaged and cannot be read ({exc}).")
    finally:
        con.close()


def list_backups(target: Workspace | Path) -> list[BackupInfo]:
    """The copies in the `backups` folder next to the database, newest first, with student counts."""
    database = _path_of(target)
    return [_info(f) for f in backup_files(database, backups_dir_for(database))]


def _info(f: BackupFile) -> BackupInfo:
    return inspect_backup(f.path, kind=f.kind, taken_at=f.taken_at)


def back_up_now(target: Workspace | Path, output: Path | None = None) -> BackupInfo:
    """Copy the database now: to `output`, or as a `manual` copy in the backups folder."""
    database = _path_of(target)
    folder = backups_dir_for(database)
    started = time.perf_counter()
    destination = Path(output) if output else new_backup_path(database, "manual", folder)
    try:
        backup_to(database, destination)
    except (sqlite3.Error, OSError, BackupTimeout) as exc:
        raise _problem(exc, database) from exc
    remove_stale_partials(folder)
    log.info("backup written (%s, %.2f s)", destination.name, time.perf_counter() - started)
    if isinstance(target, Workspace):
        _audit(target, "back up", destination.name)
    kind = "manual" if output is None else "file"
    taken = datetime.now().replace(microsecond=0)
    return inspect_backup(destination, kind=kind, taken_at=taken)


def restore_backup(target: Workspace | Path, backup: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> RestoreResult:
    """Replace the database's contents with the copy `backup`; the current contents are backed up first.

    The copy is checked (SQLite file, ours, not newer than this app, integrity ok) before anything
    changes. The contents are swapped in one transaction through the backup API, so another window
    on the same file, or a crash halfway, sees the old or the new database and nothing in between.
    A copy of an older schema is upgraded right after, as on any open.
    """
    database = _path_of(target)
    backup = Path(backup)
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupUnusable("That is the database itself, not a backup of it. Choose a copy from the backups folder.")
    if not backup.is_file():
        raise BackupUnusable(f"There is no backup file at {backup}.")
    started = time.perf_counter()
    info = inspect_backup(backup, thorough=True)
    if info.problem:
        raise BackupUnusable(f"{backup.name} cannot be restored: {info.problem} Nothing was changed.")
    _refuse_newer(info)
    safety: Path | None = None
    if database.exists() and database.stat().st_size > 0:
        try:
            safety = backup_to(database, new_backup_path(database, "before-restore", backups_dir_for(database)))
        except (sqlite3.Error, OSError, BackupTimeout) as exc:
            problem = _problem(exc, database)
            raise type(problem)(f"The current database could not be backed up first, so nothing was restored. "
                                f"{problem}") from exc
    if isinstance(target, Workspace):
        target.engine.dispose()
    try:
        _swap_in(backup, database, busy_timeout_ms)
    except (sqlite3.Error, OSError, BackupTimeout) as exc:
        raise _problem(exc, database) from exc
    # Upgrade an older copy and give the open workspace an engine on the restored contents.
    engine = open_database(database)
    if isinstance(target, Workspace):
        target.engine = engine
        target.sync_programmes()
        _audit(target, "restore from backup", backup.name)
        students = _count(target)
    else:
        engine.dispose()
        students = info.students or 0
    took = time.perf_counter() - started
    log.info("restored from %s (%.2f s)", backup.name, took)
    return RestoreResult(info, safety, students, took)


def _swap_in(backup: Path, database: Path, busy_timeout_ms: int) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():
        database.touch(mode=0o600)
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_timeout_ms / 1000)
        try:
            copy_database(src, dst, busy_timeout_ms / 1000)
        finally:
            dst.close()
    finally:
        src.close()


def _refuse_newer(info: BackupInfo) -> None:
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if info.schema is not None and info.schema not in known:
        raise DatabaseTooNew(f"{info.path.name} was written by a newer version of Coordinator App (schema "
                             f"{info.schema}). Install that version to use it; nothing was changed.")


def _problem(exc: BaseException, database: Path) -> DatabaseProblem:
    if isinstance(exc, BackupTimeout):
        return DatabaseBusy(BUSY_MESSAGE)
    problem = translate(exc, database)
    if problem is not None:
        return problem
    return DatabaseProblem(f"The copy could not be made: {exc}")


def _audit(ws: Workspace, action: str, file_name: str) -> None:
    # The copy already exists; a database that cannot take the note (read-only, busy) keeps the copy.
    try:
        with ws.write() as s:
            ws.audit(s, action, "database", None, None, "file", None, file_name)
    except DatabaseProblem:
        log.warning("could not note '%s' in the audit trail", action)


def _count(ws: Workspace) -> int:
    from sqlalchemy import func, select

    from coordinator_app.store import models as m

    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(m.Student)) or 0
