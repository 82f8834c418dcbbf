"""When a database cannot be used: the newest good backup, offered in the message; why no backup today.

A file that is empty, damaged or not a database where the database should be is refused by every
command and by the window; the refusal names the newest copy in the backups folder that passes
SQLite's quick_check and how to restore it (`coordinator-app restore`, File > Restore from backup).
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coordinator_app.paths import backups_dir_for
from coordinator_app.store import health
from coordinator_app.store.backup import BackupTimeout, CopyFailedCheck, backup_files, passes_quick_check
from coordinator_app.store.errors import (
    DatabaseCorrupt,
    DatabaseEmpty,
    DatabaseProblem,
    ForeignDatabase,
    NotADatabase,
    NotAFile,
    translate,
)
from coordinator_app.store.migrate import known_revisions, look_at, refusal

__all__ = ["GoodCopy", "backup_failure", "newest_good_backup", "unusable", "with_offer"]


@dataclass(frozen=True)
class GoodCopy:
    path: Path
    taken_at: datetime
    students: int


def newest_good_backup(database: Path) -> GoodCopy | None:
    """The newest copy of `database` in its backups folder that passes quick_check and this version can open."""
    known = known_revisions()
    for copy in backup_files(database, backups_dir_for(database)):
        try:
            state = health.look(copy.path, known)
        except DatabaseProblem:
            continue
        if state.kind != health.OURS or not passes_quick_check(copy.path):
            continue
        students = _students(copy.path)
        if students is not None:
            return GoodCopy(copy.path, copy.taken_at, students)
    return None


def _students(path: Path) -> int | None:
    try:
        con = sqlite3.connect(health.read_only_uri(path), uri=True)
    except sqlite3.Error:
        return None
    try:
        return int(con.execute("SELECT count(*) FROM student").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        con.close()


def offers_restore(problem: DatabaseProblem) -> bool:
    """Whether a restore over the file is the way out (empty, damaged, not SQLite; not another app's database)."""
    return isinstance(problem, (DatabaseEmpty, DatabaseCorrupt)) or (
        isinstance(problem, NotADatabase) and not isinstance(problem, (ForeignDatabase, NotAFile))
    )


def with_offer(problem: DatabaseProblem, database: Path) -> DatabaseProblem:
    """`problem` with the newest good backup named in its message (and in `newest_backup`), when restoring helps."""
    if not offers_restore(problem) or problem.newest_backup is not None:
        return problem
    try:
        copy = newest_good_backup(database)
    except (OSError, DatabaseProblem):
        copy = None
    if copy is None:
        extra = (
            f" There is no good backup of it in {backups_dir_for(database)}. If you meant to start a new "
            f"database here, move this file away first."
        )
    else:
        extra = (
            f" The newest good backup is {copy.path.name} of {copy.taken_at:%d-%m-%Y %H:%M} ({copy.students} "
            f"students): restore it with File > Restore from backup, or "
            f"`coordinator-app restore --db {database} {copy.path}` (the file is kept aside first)."
        )
    offered = type(problem)(f"{problem}{extra}")
    offered.newest_backup = copy.path if copy is not None else None
    # For the window, which says it in its own words (no command line there).
    offered.reason = problem.reason or str(problem)
    label = f"{copy.path.name} of {copy.taken_at:%d-%m-%Y %H:%M} ({copy.students} students)" if copy else None
    offered.newest_backup_label = label
    return offered


def unusable(database: Path) -> DatabaseProblem | None:
    """Why the file at `database` cannot be used as a database (with the backup offer), or None if it can
    (also when there is no file: that is a new database)."""
    problem = refusal(database, look_at(database))
    return with_offer(problem, database) if problem is not None else None


def backup_failure(exc: BaseException, folder: Path) -> str:
    """Why no backup could be made, in the coordinator's words: one sentence, ending without a full stop."""
    if isinstance(exc, CopyFailedCheck):
        return (
            f"the copy written to {folder} did not pass SQLite's check ({exc.detail}); the disk holding the "
            f"backups may be failing"
        )
    if isinstance(exc, BackupTimeout):
        return "the database stayed busy for too long (another window or a colleague was saving)"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return f"{folder} is a file, not a folder, so the copies cannot be put there"
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return f"the disk that holds {folder} is full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"there is no permission to write in {folder}"
    problem = translate(exc, folder)
    if problem is not None:
        kind = type(problem).__name__
        if kind == "DatabaseFull":
            return f"the disk that holds {folder} is full"
        if kind == "DatabaseReadOnly":
            return f"there is no permission to write in {folder}"
        if kind == "DatabaseBusy":
            return "the database stayed busy for too long (another window or a colleague was saving)"
        return str(problem)
    return f"an unexpected problem: {type(exc).__name__}: {exc}"
