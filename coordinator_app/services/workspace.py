"""The open database plus the programme definitions: what every use-case works on."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from coordinator_app.domain.grades import format_mark
from coordinator_app.domain.programme import Programme, load_programmes
from coordinator_app.paths import programmes_dir
from coordinator_app.store import models as m
from coordinator_app.store.engine import writer
from coordinator_app.store.errors import DatabaseBusy, DatabaseProblem, NotADatabase, translate  # noqa: F401 - DatabaseBusy, DatabaseProblem re-exported
from coordinator_app.store.migrate import open_database
from coordinator_app.store.sessions import StoreSession


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (service account, odd platform)
        return "unknown"


@dataclass
class Workspace:
    """One database and its programmes. Create with `Workspace.open(path)`."""

    path: Path
    engine: Engine
    programmes: dict[str, Programme]
    user: str = field(default_factory=os_user)
    today: date | None = None     # fixed "today" for tests and reproducible demos

    @classmethod
    def open(cls, path: Path, programmes: dict[str, Programme] | None = None, daily_backup: bool = True) -> Workspace:
        """Open (create, migrate) the database; the first open of a day also copies it to `backups/`."""
        path = Path(path)
        existed = path.exists() and path.stat().st_size > 0
        if not path.parent.exists():
            from coordinator_app.store.backup import private_folder

            private_folder(path.parent)   # a data folder we create is the owner's only
        try:
            engine = open_database(path)
        except NotADatabase as exc:
            # "cannot be read as a database" may really be a locked, vanished or damaged file.
            problem = translate(exc.__cause__, path) if exc.__cause__ is not None else None
            if problem is None:
                raise
            raise problem from exc
        except (DBAPIError, OSError) as exc:
            problem = translate(exc, path)
            if problem is None:
                raise
            raise problem from exc
        workspace = cls(path, engine, programmes or load_programmes(programmes_dir()))
        if daily_backup and existed:
            workspace.daily_backup()
        workspace.sync_programmes()
        return workspace

    def daily_backup(self) -> Path | None:
        """Today's automatic copy, unless there is one; a failed copy is logged, never blocks the work."""
        from coordinator_app.store.backup import daily_backup

        try:
            return daily_backup(self.path, today=date.today())
        except Exception as exc:  # noqa: BLE001 - the coordinator can still work; the log says why
            logging.getLogger(__name__).warning("daily backup failed: %s", type(exc).__name__)
            return None

    def close(self) -> None:
        self.engine.dispose()

    def as_of(self) -> date:
        return self.today or date.today()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One coordinator action: a transaction that holds the write lock; all or nothing."""
        try:
            with StoreSession(writer(self.engine), expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            # Locked, read-only, disk full, vanished drive, damaged file: a DatabaseProblem the
            # coordinator can act on (DatabaseBusy keeps the form open for a retry). Bugs pass through.
            problem = translate(exc, self.path)
            if problem is None:
                raise
            raise problem from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with StoreSession(self.engine) as session, session.begin():
                yield session
        except DBAPIError as exc:
            problem = translate(exc, self.path)
            if problem is None:
                raise
            raise problem from exc

    def audit(self, session: Session, action: str, entity: str, entity_id: int | None, student_id: int | None,
              field_name: str = "", old: Any = None, new: Any = None) -> None:
        session.add(m.AuditEntry(
            at=datetime.now(timezone.utc).replace(tzinfo=None), os_user=self.user, action=action,
            student_id=student_id, entity=entity, entity_id=entity_id, field=field_name,
            old_value=_text(old), new_value=_text(new),
        ))

    def sync_programmes(self) -> None:
        """Make the programme and course tables match the definitions in resources/."""
        with self.write() as s:
            for programme in self.programmes.values():
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
                        s.add(m.Course(programme_id=row.id, code=course.code, name=course.name, ec=course.ec,
                                       component=course.component, specialization=course.specialization,
                                       in_programme=True))
                    else:
                        db_course.name, db_course.ec = course.name, course.ec
                        db_course.component, db_course.specialization = course.component, course.specialization

    def programme_of(self, student: m.Student) -> Programme:
        return self.programmes[student.programme.code]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format_mark(value)
    return str(value)
