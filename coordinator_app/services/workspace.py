"""The open database plus the programme definitions: what every use-case works on."""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from coordinator_app.domain.grades import format_mark
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.programme_file import load_programmes
from coordinator_app.location import Location
from coordinator_app.paths import backups_dir_for, programmes_dir
from coordinator_app.services.own_writes import OwnWrites
from coordinator_app.services.record_versions import SavedVersions, editing_student, note_saved, refuse_if_changed
from coordinator_app.services.verdicts import settle
from coordinator_app.services.write_session import release, write_session
from coordinator_app.services.written_entries import entries_added_elsewhere, entry_added, versions_at_end
from coordinator_app.store import models as m
from coordinator_app.store.databases import (
    commit,
    open_location,
    read_generation,
    reader,
    write_start,
    write_transaction,
    writer,
)
from coordinator_app.store.errors import DatabaseCorrupt, DatabaseProblem, DatabaseReadOnly, DatabaseReplaced, translate
from coordinator_app.store.migrate import open_database
from coordinator_app.store.quick_statements import QuickStatement
from coordinator_app.store.sessions import StoreSession

log = logging.getLogger(__name__)
_AUDIT_ENTRY = QuickStatement(insert(m.table(m.AuditEntry)))


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


class CourseRow(NamedTuple):
    """A programme's own course row as read once per workspace (`Workspace.known_courses`,
    services/lookup.course_row)."""

    id: int
    code: str
    name: str
    ec: int
    component: str
    specialization: str | None
    in_programme: bool


@dataclass
class Workspace:
    """One database and its programmes. Create with `Workspace.open(location)`."""

    location: Location
    engine: Engine
    programmes: dict[str, Programme]
    user: str = field(default_factory=os_user)
    today: date | None = None  # fixed "today" for tests and reproducible demos
    # The database's restore generation when this workspace opened it (store/restore.py): a write
    # finding another one is refused, because the data was restored from a backup meanwhile.
    generation: int = 0
    # Why today's automatic backup could not be made, in the coordinator's words; None when it was.
    backup_problem: str | None = None
    # Why nothing may be written here (a viewer's login, a file on a network share), in the
    # coordinator's words; None when this workspace may write. Every write is refused with it.
    read_only: str | None = None
    replaced_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    # The write transaction this thread has open (`together`, `rehearse`): actions run inside it
    # take a savepoint of it instead of a transaction of their own.
    _open: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    own_writes: OwnWrites = field(default_factory=OwnWrites, repr=False)
    # The record version after this workspace's own last save of each student (undo and redo are based on it).
    saved_versions: SavedVersions = field(default_factory=SavedVersions, repr=False)
    _programme_codes: dict[int, str] = field(default_factory=dict, repr=False, compare=False)
    # (programme id, course code) -> the programme's own course row, as read once (services/lookup.course_row).
    known_courses: dict[tuple[int, str], CourseRow] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        target: Location | Path | str,
        programmes: dict[str, Programme] | None = None,
        daily_backup: bool = True,
        password: str | None = None,
    ) -> Workspace:
        """Open the database at `target` (a file path or a server URL, coordinator_app/location.py).

        A file: created if there is no file, migrated; the first open of a day also copies it to
        `backups/`. Only a path with no file is a new database: an empty, damaged or foreign file is
        refused (DatabaseProblem), naming the newest good backup when restoring it is the way out. A
        file on a network share is opened read-only (store/network_share.py). A server: its tables
        made by `server init`; a viewer's login opens it read-only; no daily copy (docs/team.md)."""
        location = target if isinstance(target, Location) else Location.parse(target)
        if location.server is not None:
            return cls._open_server(location, programmes, password)
        from coordinator_app.store.network_share import share_problem

        shared = share_problem(location.file_path)
        if shared is not None:
            return cls._open_read_only_file(location, programmes, shared)
        return cls._open_file(location, programmes, daily_backup)

    @classmethod
    def _open_file(cls, location: Location, programmes: dict[str, Programme] | None, daily_backup: bool) -> Workspace:
        from coordinator_app.services.recovery import with_offer
        from coordinator_app.store.backup import private_folder

        path = location.file_path
        existed = path.exists()
        private_folder(path.parent)  # a folder we create, and the data folder, are the owner's only
        try:
            engine = open_database(path)
        except DatabaseProblem as exc:
            raise with_offer(exc, path) from exc
        except (DBAPIError, OSError) as exc:
            problem = translate(exc, path)
            if problem is None:
                raise
            raise problem from exc
        workspace = cls(location, engine, programmes or load_programmes(programmes_dir()))
        workspace.generation = workspace.current_generation()
        if daily_backup and existed:
            workspace.daily_backup()
        workspace.sync_programmes()
        return workspace

    @classmethod
    def _open_read_only_file(
        cls, location: Location, programmes: dict[str, Programme] | None, reason: str
    ) -> Workspace:
        from coordinator_app.store.network_share import open_read_only

        engine = open_read_only(location.file_path)
        workspace = cls(location, engine, programmes or load_programmes(programmes_dir()), read_only=reason)
        workspace.generation = workspace.current_generation()
        return workspace

    @classmethod
    def _open_server(
        cls, location: Location, programmes: dict[str, Programme] | None, password: str | None
    ) -> Workspace:
        from coordinator_app.services.server_login import stored_password
        from coordinator_app.store.server_errors import viewer_message

        address = location.server
        assert address is not None
        if password is None and address.password is None:
            password = stored_password(address)
        try:
            opened = open_location(location, password)
        except (DBAPIError, OSError) as exc:
            problem = translate(exc, None, address)
            if problem is None:
                raise
            raise problem from exc
        assert opened.login is not None
        workspace = cls(
            location,
            opened.engine,
            programmes or load_programmes(programmes_dir()),
            user=opened.login,
            read_only=None if opened.may_write else viewer_message(opened.login),
        )
        workspace.generation = workspace.current_generation()
        if workspace.read_only is None:
            workspace.sync_programmes()
        return workspace

    @property
    def path(self) -> Path:
        """The SQLite file (a server database has none: use `location`)."""
        return self.location.file_path

    @property
    def is_server(self) -> bool:
        return self.location.is_server

    def daily_backup(self) -> Path | None:
        """Today's automatic copy, unless there is one (of a file only: a server database is backed up by
        whoever runs the server, and File > Back up now takes a portable copy of it; docs/team.md). A copy that fails its check because the database
        itself is damaged stops the open (DatabaseCorrupt, offering the newest good backup); any other
        failure never blocks the work, but `backup_problem` says why there is no copy today."""
        from coordinator_app.services.recovery import backup_failure, with_offer
        from coordinator_app.store.backup import CopyFailedCheck, daily_backup
        from coordinator_app.store.errors import damaged
        from coordinator_app.store.health import DAMAGED
        from coordinator_app.store.migrate import look_at

        if self.location.server is not None or self.read_only is not None:
            return None
        folder = backups_dir_for(self.path)
        try:
            made = daily_backup(self.path, today=date.today())
        except CopyFailedCheck as exc:
            state = look_at(self.path, check="quick")
            if state.kind == DAMAGED:
                raise with_offer(damaged(self.path, state.detail), self.path) from exc
            self._no_backup(backup_failure(exc, folder), exc)
            return None
        except Exception as exc:
            self._no_backup(backup_failure(exc, folder), exc)
            return None
        self.backup_problem = None
        return made

    def _no_backup(self, reason: str, exc: BaseException) -> None:
        self.backup_problem = (
            f"No backup could be made today: {reason}. What is saved is safe in the database "
            f"itself; fix that, then use File > Back up now (or `coordinator-app backup`)."
        )
        log.warning("daily backup failed: %s", type(exc).__name__)

    def close(self) -> None:
        self.engine.dispose()

    def as_of(self) -> date:
        return self.today or date.today()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One coordinator action: a transaction that holds the write lock; all or nothing.

        Refused (DatabaseReplaced, nothing written) when the database was restored from a backup
        since this workspace opened it: the change was made on data that is no longer there.
        Inside `together` or `rehearse` the action is a savepoint of that one transaction: a refused
        action takes back only its own changes."""
        if self.read_only is not None:
            raise DatabaseReadOnly(self.read_only)
        outer: Session | None = getattr(self._open, "session", None)
        if outer is not None:
            try:
                with outer.begin_nested():
                    # SQLAlchemy begins the SAVEPOINT when the session next asks for its connection; the Core
                    # statements of an edit run on sqlite3's connection itself (store/quick_statements.py)
                    # and would not be in it: a refused action's entries and rows were kept.
                    outer.connection()
                    yield outer
            except BaseException:
                entries_added_elsewhere(outer)  # those of the savepoint taken back are gone again
                raise
            return
        edited = editing_student()
        try:
            with write_transaction(self.engine, (edited,)) as conn:
                session = write_session(conn)
                try:
                    # Read under the write lock, with it (one round trip on a server): a restore cannot slip
                    # in between this check and the commit, nor a colleague's save to the record shown here.
                    start = write_start(conn, edited)
                    self._refuse_if_replaced(start.generation)
                    refuse_if_changed(session, start.version, self.own_writes)
                    yield session
                    # The verdicts and EC totals of the students changed, in the same transaction.
                    settle(session, self.programmes, self.as_of())
                    session.flush()
                    # The record's version now, the newest entry, and (on a server) the other windows told.
                    version, newest = versions_at_end(conn, session, edited, start)
                    commit(conn)  # before the session is released: nothing it joined is taken back
                finally:
                    release(session)
                note_saved(version)
                if edited is not None:
                    self.saved_versions.note(edited, version)
                # This window knows what it wrote: its change feed leaves these entries out.
                self.own_writes.add(start.newest, newest)
        except DBAPIError as exc:
            # Locked, read-only, disk full, vanished drive, damaged file: a DatabaseProblem the
            # coordinator can act on (DatabaseBusy keeps the form open for a retry). Bugs pass through.
            raise self._problem(exc) from exc

    @contextmanager
    def keep_derived(self) -> Iterator[Session]:
        """A transaction that only stores what the rules work out from the data it reads (the stored
        verdicts, services/verdicts.py). Not refused after a restore: it judges the data there is."""
        try:
            with StoreSession(writer(self.engine), expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise self._problem(exc) from exc

    @contextmanager
    def together(self) -> Iterator[Session]:
        """Many coordinator actions as ONE transaction (an imported workbook's changes): every
        `write()` inside it, in this thread, is part of it; all are committed or none."""
        with self.write() as session:
            self._open.session = session
            try:
                yield session
            finally:
                self._open.session = None

    @contextmanager
    def rehearse(self) -> Iterator[Session]:
        """Like `together`, but everything is rolled back at the end: what the actions would do and
        which of them the rules refuse, with nothing written (an import's review)."""
        try:
            with StoreSession(writer(self.engine), expire_on_commit=False) as session:
                transaction = session.begin()
                self._open.session = session
                try:
                    self._refuse_if_replaced(read_generation(session.connection()))
                    yield session
                finally:
                    self._open.session = None
                    transaction.rollback()
        except DBAPIError as exc:
            raise self._problem(exc) from exc

    def _problem(self, exc: DBAPIError) -> DatabaseProblem:
        problem = translate(exc, self.location.path, self.location.server)
        if problem is None:
            raise exc
        if isinstance(problem, DatabaseCorrupt) and self.location.path is not None:
            from coordinator_app.services.recovery import with_offer

            problem = with_offer(problem, self.path)  # name the newest good backup
        return problem

    def _refuse_if_replaced(self, generation: int) -> None:
        if generation == self.generation:
            return
        for listener in list(self.replaced_listeners):
            listener()
        raise DatabaseReplaced(
            f"Not saved: {self.location.name} was restored from a backup (in another window or by "
            f"`coordinator-app restore`) after it was opened here, so this change would have gone into the "
            f"restored data. The restored data is loaded again; make the change again if it is still needed."
        )

    def current_generation(self) -> int:
        """The database's restore generation now (one cheap read)."""
        try:
            with self.engine.connect() as conn:
                return read_generation(conn)
        except DBAPIError as exc:
            problem = translate(exc, self.location.path, self.location.server)
            if problem is None:
                raise
            raise problem from exc

    def was_replaced(self) -> bool:
        """Whether the database was restored from a backup since this workspace opened (or last reloaded) it."""
        return self.current_generation() != self.generation

    def adopt_restored(self, generation: int | None = None) -> None:
        """After reloading everything shown: writes go into the restored data from now on. `generation`:
        the one read before the reload (a restore after that read is noticed again)."""
        self.generation = self.current_generation() if generation is None else generation
        self._programme_codes.clear()
        self.known_courses.clear()

    @contextmanager
    def read(self) -> Iterator[Session]:
        outer: Session | None = getattr(self._open, "session", None)
        if outer is not None:  # inside `together`/`rehearse`: read what this transaction has done so far
            yield outer
            return
        try:
            with StoreSession(reader(self.engine)) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise self._problem(exc) from exc

    def audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int | None,
        student_id: int | None,
        field_name: str = "",
        old: object = None,
        new: object = None,
    ) -> None:
        # A Core INSERT now, not an ORM object for the flush: the entry needs nothing back, and the ORM's
        # unit of work for it was a third of a note's flush. In the action's transaction (or savepoint) all the same.
        added = _AUDIT_ENTRY.run(
            session,
            {
                "at": datetime.now(UTC).replace(tzinfo=None),
                "os_user": self.user,
                "action": action,
                "student_id": student_id,
                "entity": entity,
                "entity_id": entity_id,
                "field": field_name,
                "old_value": audit_text(old),
                "new_value": audit_text(new),
            },
        )
        assert added is not None
        entry_added(session, added, student_id)

    def sync_programmes(self) -> None:
        """Make the programme and course tables match the definitions in resources/.

        Read first: almost every open finds them matching already, and then writes nothing (no write
        lock, no transaction to sync to disk; ~1 ms instead of ~6 ms an open)."""
        self.known_courses.clear()
        with self.read() as s:
            if programme_tables_match(s, self.programmes):
                return
        with self.write() as s:
            sync_programme_tables(s, self.programmes)

    def programme_of(self, student: m.Student) -> Programme:
        """The student's programme. Its code is kept per programme row once read: reading the programme
        row again for every edit was one round trip more on a server (forgotten after a restore)."""
        code = self._programme_codes.get(student.programme_id)
        if code is None:
            code = self._programme_codes[student.programme_id] = student.programme.code
        return self.programmes[code]


def programme_tables_match(s: Session, programmes: dict[str, Programme]) -> bool:
    """Whether the programme and course tables already hold what `sync_programme_tables` would write."""
    # Plain SQL: each open has a new engine, whose statement cache is empty (compiling was most of the time).
    conn = s.connection()
    names: dict[str, str] = dict(conn.exec_driver_sql("SELECT code, name FROM programme").all())
    stored = {
        (row[0], row[1]): tuple(row[2:])
        for row in conn.exec_driver_sql(
            "SELECT programme.code, course.code, course.name, course.ec, course.component, course.specialization"
            " FROM course JOIN programme ON programme.id = course.programme_id"
        )
    }
    return all(
        names.get(programme.code) == programme.name
        and all(
            stored.get((programme.code, c.code)) == (c.name, c.ec, c.component, c.specialization)
            for c in programme.courses
        )
        for programme in programmes.values()
    )


def sync_programme_tables(s: Session, programmes: dict[str, Programme]) -> None:
    """Make the programme and course tables of the database `s` is on match the definitions in resources/
    (at every open, and inside a restore, on the copy before it goes in: services/backups.py)."""
    for programme in programmes.values():
        row = s.scalar(select(m.Programme).where(m.Programme.code == programme.code))
        if row is None:
            row = m.Programme(code=programme.code, name=programme.name)
            s.add(row)
            s.flush()
        elif row.name != programme.name:
            row.name = programme.name
        existing = {c.code: c for c in s.scalars(select(m.Course).where(m.Course.programme_id == row.id))}
        for course in programme.courses:
            db_course = existing.get(course.code)
            if db_course is None:
                s.add(
                    m.Course(
                        programme_id=row.id,
                        code=course.code,
                        name=course.name,
                        ec=course.ec,
                        component=course.component,
                        specialization=course.specialization,
                        in_programme=True,
                    )
                )
            else:
                db_course.name, db_course.ec = course.name, course.ec
                db_course.component, db_course.specialization = course.component, course.specialization


def audit_text(value: object) -> str | None:
    """A value as the audit trail keeps it (dates ISO, marks one decimal, yes/no)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format_mark(value)
    return str(value)
