"""Back up now, list the copies, restore one: File > Back up now / Restore from backup and the CLI.

Every copy goes through SQLite's online backup API (store/backup.py). A restore first copies
the current database (kind `before-restore`), so a restore can itself be undone; the copy and the
swap happen under one write lock (store/restore.py), so no edit another window confirms in between
is lost. A damaged or empty database is restored over only after the coordinator agreed
(`replace_damaged`), and is kept aside byte for byte.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from coordinator_app.domain.programme_file import load_programmes
from coordinator_app.location import Location
from coordinator_app.paths import backups_dir_for, programmes_dir
from coordinator_app.services.recovery import with_offer
from coordinator_app.services.server_backups import back_up_server, backups_folder, restore_onto_server, stand_in
from coordinator_app.services.workspace import Workspace, os_user, sync_programme_tables
from coordinator_app.store import health
from coordinator_app.store.backup import (
    BackupFile,
    BackupTimeout,
    CopyFailedCheck,
    backup_files,
    backup_to,
    daily_backup,
    new_backup_path,
    remove_stale_partials,
)
from coordinator_app.store.engine import BUSY_TIMEOUT_MS
from coordinator_app.store.errors import (
    BUSY_MESSAGE,
    DatabaseBusy,
    DatabaseProblem,
    DatabaseTooNew,
    ForeignDatabase,
    RestoreNeedsConfirmation,
    damaged,
    translate,
)
from coordinator_app.store.migrate import head_revision, known_revisions, look_at, open_database, upgrade
from coordinator_app.store.restore import (
    AuditNote,
    SchemaMismatch,
    aside_name,
    discard,
    prepare_copy,
    replace_file,
    restore_in_place,
)
from coordinator_app.store.sessions import StoreSession

log = logging.getLogger(__name__)

# A restore waits longer than an edit for colleagues to finish saving: it is one deliberate action
# (off the window's GUI thread), and SQLite's lock is not queued, so a busy colleague can make it wait.
RESTORE_BUSY_TIMEOUT_MS = 30_000

KIND_LABELS = {
    "daily": "daily (automatic)",
    "manual": "made by hand",
    "before-restore": "before a restore",
    "before-migration": "before an upgrade",
}

__all__ = [
    "BackupInfo",
    "BackupUnusable",
    "DatabaseProblem",
    "RestoreNeedsConfirmation",
    "RestoreResult",
    "back_up_now",
    "daily_backup",
    "database_state",
    "inspect_backup",
    "list_backups",
    "restore_backup",
]


class BackupUnusable(DatabaseProblem):
    """The chosen copy cannot be restored: not a database, damaged, or not a Coordinator App file."""


@dataclass(frozen=True)
class BackupInfo:
    """A copy as the coordinator sees it in the restore list."""

    path: Path
    taken_at: datetime
    kind: str  # daily, manual, before-restore, before-migration, file (chosen by hand)
    students: int | None  # None when the copy cannot be read
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
    safety_copy: Path | None  # the database as it was just before the restore
    students: int
    seconds: float
    kept_aside: Path | None = None  # the damaged or empty file, renamed byte for byte
    lock_waited: float = 0.0  # seconds waiting for other windows to finish saving
    lock_held: float = 0.0  # seconds others' saves had to wait for the restore
    documents_missing: int = 0  # attached documents the backup refers to that were found nowhere


@dataclass(frozen=True)
class DatabaseState:
    """What is at the database path, for the window's error screen and the CLI's restore."""

    kind: str  # store.health: missing, empty, not-sqlite, foreign, too-new, damaged, ours
    detail: str = ""

    @property
    def replaceable(self) -> bool:
        return self.kind in health.REPLACEABLE


def database_state(database: Path | Location, check: bool = True) -> DatabaseState:
    """Look at the file at `database` read-only (with SQLite's quick_check when `check`). A server
    database is the server's to keep whole: it is restored into like a healthy file."""
    if isinstance(database, Location):
        if database.server is not None:
            return DatabaseState(health.OURS)
        database = database.file_path
    state = look_at(Path(database), check="quick" if check else None)
    return DatabaseState(state.kind, state.detail)


Target = Workspace | Path | Location


def _location_of(target: Target) -> Location:
    if isinstance(target, Workspace):
        return target.location
    return target if isinstance(target, Location) else Location.file(target)


def _path_of(target: Target) -> Path:
    return _location_of(target).file_path


def inspect_backup(
    path: Path, thorough: bool = False, kind: str = "file", taken_at: datetime | None = None
) -> BackupInfo:
    """Read a copy without changing it: student count and schema; with `thorough`, an integrity check."""
    path = Path(path)
    taken = taken_at or datetime.fromtimestamp(path.stat().st_mtime)
    size = path.stat().st_size

    def unusable(problem: str, students: int | None = None, schema: str | None = None) -> BackupInfo:
        return BackupInfo(path, taken, kind, students, size, schema, problem)

    if size == 0:
        return unusable("This file is empty (0 bytes).")
    with path.open("rb") as handle:
        if handle.read(len(health.SQLITE_HEADER)) != health.SQLITE_HEADER:
            return unusable("This file is not a Coordinator App database (it is not an SQLite file).")
    try:
        # Read-only, and without -wal/-shm files left beside a file that may be another application's.
        con = sqlite3.connect(health.read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
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


def list_backups(target: Target) -> list[BackupInfo]:
    """The copies in the `backups` folder next to the database (a server database's: in the user data
    folder), newest first, with student counts."""
    location = _location_of(target)
    if location.server is not None:
        return [_info(f) for f in backup_files(stand_in(location), backups_folder(location))]
    database = location.file_path
    return [_info(f) for f in backup_files(database, backups_dir_for(database))]


def _info(f: BackupFile) -> BackupInfo:
    return inspect_backup(f.path, kind=f.kind, taken_at=f.taken_at)


def back_up_now(target: Target, output: Path | None = None) -> BackupInfo:
    """Copy the database now: to `output`, or as a `manual` copy in the backups folder.

    The copy must pass SQLite's quick_check; a database that is empty, damaged or not ours is
    refused (naming the newest good backup), so no bad copy is ever listed as a good one. A server
    database is copied into a portable SQLite file (services/server_backups.py)."""
    location = _location_of(target)
    if location.server is not None:
        made = back_up_server(location, output)
        if isinstance(target, Workspace) and target.read_only is None:
            _audit(target, "back up", made.name)
        taken = datetime.now().replace(microsecond=0)
        return inspect_backup(made, kind="manual" if output is None else "file", taken_at=taken)
    database = location.file_path
    folder = backups_dir_for(database)
    if not isinstance(target, Workspace):
        problem = refusal_of(database)
        if problem is not None:
            raise problem
    started = time.perf_counter()
    destination = Path(output) if output else new_backup_path(database, "manual", folder)
    try:
        backup_to(database, destination, verify=True)
    except CopyFailedCheck as exc:
        state = look_at(database, check="quick")
        if state.kind == health.DAMAGED:
            raise with_offer(damaged(database, state.detail), database) from exc
        raise DatabaseProblem(
            f"The copy was damaged on the way ({exc.detail}), so it was not kept; the disk "
            f"that holds {destination.parent} may be failing. Try another disk with -o."
        ) from exc
    except (sqlite3.Error, OSError, BackupTimeout) as exc:
        raise _problem(exc, database) from exc
    remove_stale_partials(folder)
    log.info("backup written (%s, %.2f s)", destination.name, time.perf_counter() - started)
    if isinstance(target, Workspace):
        target.backup_problem = None  # there is a good copy of today now
        _audit(target, "back up", destination.name)
    kind = "manual" if output is None else "file"
    taken = datetime.now().replace(microsecond=0)
    return inspect_backup(destination, kind=kind, taken_at=taken)


def refusal_of(database: Path) -> DatabaseProblem | None:
    """Why the file at `database` is not a usable database (offering the newest good backup), or None."""
    from coordinator_app.services.recovery import unusable

    if not Path(database).exists():
        return None
    return unusable(Path(database))


def prepared_for(target: Target) -> Callable[[Engine], None]:
    """What is done to the copy before it goes in (store/restore.prepare_copy): upgraded to this
    version's schema, and its programme and course tables made to match resources/. Part of the restore
    itself, so it goes in under the same lock, all at once: a colleague saving just after the swap can
    no longer leave a restore done but its tables not synced."""
    programmes = target.programmes if isinstance(target, Workspace) else load_programmes(programmes_dir())

    def prepare(engine: Engine) -> None:
        upgrade(engine)
        with StoreSession(engine) as session, session.begin():
            sync_programme_tables(session, programmes)

    return prepare


def restore_backup(
    target: Target,
    backup: Path,
    busy_timeout_ms: int = RESTORE_BUSY_TIMEOUT_MS,
    replace_damaged: bool = False,
) -> RestoreResult:
    """Replace the database's contents with the copy `backup`; the current contents are backed up first.

    The copy is checked (SQLite file, ours, not newer than this app, integrity ok) before anything
    changes, and so is the database (not newer, not another application's). A healthy database
    gets the copy's rows under one write lock, with the before-restore copy taken under the same
    lock; every other window's next write is refused (DatabaseReplaced) until it reloaded. A
    damaged, empty or non-SQLite file is replaced only with `replace_damaged` (else
    RestoreNeedsConfirmation): it is renamed aside byte for byte and the copy put in its place. A
    copy of an older schema is upgraded on the way in.
    """
    backup = Path(backup)
    if _location_of(target).server is not None:
        return _restore_onto_server(target, backup)
    database = _path_of(target)
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupUnusable("That is the database itself, not a backup of it. Choose a copy from the backups folder.")
    if not backup.is_file():
        raise BackupUnusable(f"There is no backup file at {backup}.")
    started = time.perf_counter()
    info = inspect_backup(backup, thorough=True)
    if info.problem:
        raise BackupUnusable(f"{backup.name} cannot be restored: {info.problem} Nothing was changed.")
    _refuse_newer(info)
    state = look_at(database, check="quick")
    _refuse_target(database, state, replace_damaged)
    folder = backups_dir_for(database)
    note = AuditNote(target.user if isinstance(target, Workspace) else os_user(), "restore from backup", backup.name)
    try:
        prepared = prepare_copy(backup, folder, prepared_for(target))
    except (sqlite3.Error, OSError, BackupTimeout) as exc:
        raise _nothing_restored(_problem(exc, folder)) from exc
    try:
        if state.kind == health.OURS:
            if state.revision != head_revision():
                open_database(database).dispose()  # an older database: upgraded (and backed up) first
            swapped = restore_in_place(
                database,
                prepared,
                new_backup_path(database, "before-restore", folder),
                note,
                busy_timeout_ms / 1000,
                _check_head,
            )
        else:
            swapped = replace_file(database, prepared, note)
    except SchemaMismatch as exc:
        raise DatabaseProblem(
            f"{backup.name} could not be restored: its tables do not match this database's "
            f"({exc}). Nothing was changed."
        ) from exc
    except (sqlite3.Error, OSError, BackupTimeout) as exc:
        raise _nothing_restored(_problem(exc, database)) from exc
    finally:
        discard(prepared)
    from coordinator_app.store.documents import after_restore, documents_dir_for

    missing = after_restore(database, backup, also=[documents_dir_for(folder / "x")])
    if isinstance(target, Workspace):
        target.adopt_restored(swapped.generation)
        students = _count(target)
    else:
        students = info.students or 0
    took = time.perf_counter() - started
    log.info("restored from %s (%.2f s)", backup.name, took)
    return RestoreResult(
        info, swapped.safety_copy, students, took, swapped.kept_aside, swapped.waited_s, swapped.held_s, len(missing)
    )


def _restore_onto_server(target: Target, backup: Path) -> RestoreResult:
    if not backup.is_file():
        raise BackupUnusable(f"There is no backup file at {backup}.")
    started = time.perf_counter()
    info = inspect_backup(backup, thorough=True)
    if info.problem:
        raise BackupUnusable(f"{backup.name} cannot be restored: {info.problem} Nothing was changed.")
    _refuse_newer(info)
    server_target = target if isinstance(target, Workspace) else _location_of(target)
    safety, students, _generation, waited, held = restore_onto_server(server_target, backup, prepared_for(target))
    if isinstance(target, Workspace):
        students = _count(target)
    took = time.perf_counter() - started
    log.info("restored the server database from %s (%.2f s)", backup.name, took)
    return RestoreResult(info, safety, students, took, None, waited, held)


def _refuse_target(database: Path, state: health.FileState, replace_damaged: bool) -> None:
    if state.kind == health.TOO_NEW:
        raise DatabaseTooNew(
            f"{database} was written by a newer version of Coordinator App (schema {state.revision}); restoring "
            f"over it is refused like every other use of that file. Nothing was changed. Install that version "
            f"to restore with it."
        )
    if state.kind == health.FOREIGN:
        raise ForeignDatabase(
            f"{database} is an SQLite database of another application; nothing was restored "
            f"over it. Give the Coordinator App database with --db."
        )
    if state.replaceable and not replace_damaged:
        what = {
            health.EMPTY: f"is empty ({state.detail})",
            health.NOT_SQLITE: "is not an SQLite file",
            health.DAMAGED: f"is damaged (SQLite reports: {state.detail})",
        }[state.kind]
        aside = aside_name(database)
        problem = RestoreNeedsConfirmation(
            f"{database} {what}. Restoring keeps it unchanged as {aside.name} next to it and puts the backup "
            f"in its place; nothing was changed yet."
        )
        problem.what = what
        problem.aside = aside
        raise problem


def _check_head(revision: str | None) -> None:
    if revision != head_revision():
        raise SchemaMismatch(f"the database is at schema {revision}, this version writes {head_revision()}")


def _nothing_restored(problem: DatabaseProblem) -> DatabaseProblem:
    return type(problem)(f"Nothing was restored: {problem}")


def _refuse_newer(info: BackupInfo) -> None:
    if info.schema is not None and info.schema not in known_revisions():
        raise DatabaseTooNew(
            f"{info.path.name} was written by a newer version of Coordinator App (schema "
            f"{info.schema}). Install that version to use it; nothing was changed."
        )


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
