"""The rows of the student list: a named tuple per student, read in a few queries.

The window keeps 100,000 of these in memory and filters them itself (performance.md s.3),
so this reads columns, never ORM objects (performance.md s.4), and the EC total is the
cached `student.ec_earned` kept by the services. The Overdue column is the attention list's
(services/attention.overdue_per_student), not read here.

On an SQLite file the three queries go through the sqlite3 driver itself, not SQLAlchemy's
result layer: 0.29 s of CPU for 100,000 students against 1.08 s through Core. The same reader
fills the window's list at start before SQLAlchemy is even imported (`file_rows`, ~0.5 s of
imports): the module imports SQLAlchemy only where a server database is read (`_core_rows`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coordinator_app.services.workspace import Workspace


class StudentRow(NamedTuple):
    """One line of the student list (a tuple underneath: 100,000 of them stay small)."""

    id: int
    student_number: str
    first_name: str
    last_name: str
    email: str
    programme: str
    cohort: int
    status: str
    specialization: str | None
    ec_earned: int
    stage: str  # one of STAGES
    graduation: tuple[int, int] | None


STAGES = ("not planned", "minor planned", "minor", "major planned", "major")

# A day as the queries give it: a date, or its ISO text (SQLite's driver rows); both sides alike.
Day = TypeVar("Day", date, str)


def _stage(kinds: dict[str, Day | None], as_of: Day) -> str:
    """Where a student is with the internships on `as_of` (the furthest one wins). The start dates
    and `as_of` are both dates, or both ISO texts (as SQLite keeps them): they compare alike."""
    for kind in ("major", "minor"):
        if kind in kinds:
            start = kinds[kind]
            if start is not None and start <= as_of:
                return kind
    for kind in ("major", "minor"):
        if kind in kinds:
            return f"{kind} planned"
    return "not planned"


def _assemble(
    students: Iterable[tuple[Any, ...]],
    internships: Iterable[tuple[int, str, Day | None]],
    plans: Iterable[tuple[int, int, int]],
    as_of: Day,
) -> list[StudentRow]:
    """The list's rows from the three queries' rows (the same for every engine). What is overdue is
    not here: the list counts the attention list's overdue items (services/attention.overdue_per_student)."""
    starts: dict[int, dict[str, Day | None]] = {}
    for sid, kind, start in internships:
        starts.setdefault(sid, {})[kind] = start
    planned = {sid: (year, month) for sid, year, month in plans}
    no_internship: dict[str, Day | None] = {}
    # Unpacking a row is ~40% faster than reading its columns by name (0.5 s at 100,000 students).
    return [
        StudentRow(
            sid,
            number,
            first,
            last,
            email or "",
            programme,
            cohort,
            status,
            specialization,
            ec or 0,
            _stage(starts.get(sid, no_internship), as_of),
            planned.get(sid),
        )
        for sid, number, first, last, email, programme, cohort, status, specialization, ec in students
    ]


# -- SQLite: the driver's own rows --------------------------------------------------------------------
# Removed students are left out here by hand (the ORM session does it for every ORM query).
_SQL_STUDENTS = (
    "SELECT s.id, s.student_number, s.first_name, s.last_name, s.email, p.code, c.start_year, s.status, "
    "s.specialization, s.ec_earned FROM student s JOIN programme p ON s.programme_id = p.id "
    "JOIN cohort c ON s.cohort_id = c.id WHERE s.removed_at IS NULL"
)
_SQL_INTERNSHIPS = "SELECT student_id, kind, start_date FROM internship WHERE 1"
_SQL_PLANS = "SELECT student_id, planned_year, planned_month FROM graduation_plan WHERE 1"


def _sqlite_rows(db: sqlite3.Connection, as_of: date, student_ids: list[int] | None) -> list[StudentRow]:
    """The rows through the sqlite3 driver. Dates are ISO texts in SQLite, compared as texts."""
    day = as_of.isoformat()
    ids: tuple[int, ...] = () if student_ids is None else tuple(student_ids)
    among = "" if student_ids is None else f" IN ({','.join('?' * len(ids))})"
    of = f" AND student_id{among}" if among else ""
    cur = db.cursor()
    try:
        internships = cur.execute(_SQL_INTERNSHIPS + of, ids).fetchall()
        plans = cur.execute(_SQL_PLANS + of, ids).fetchall()
        students = cur.execute(_SQL_STUDENTS + (f" AND s.id{among}" if among else ""), ids).fetchall()
    finally:
        cur.close()
    return _assemble(students, internships, plans, day)


# -- a server: Core ----------------------------------------------------------------------------------
def _core_rows(session: Session, as_of: date, student_ids: list[int] | None) -> list[StudentRow]:
    from sqlalchemy import select

    from coordinator_app.store import models as m

    S = m.Student

    def only(query: Any, column: Any) -> Any:
        return query if student_ids is None else query.where(column.in_(student_ids))

    students = (
        select(
            S.id,
            S.student_number,
            S.first_name,
            S.last_name,
            S.email,
            m.Programme.code,
            m.Cohort.start_year,
            S.status,
            S.specialization,
            S.ec_earned,
        )
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
    )
    starts = select(m.Internship.student_id, m.Internship.kind, m.Internship.start_date)
    plans = select(m.GraduationPlan.student_id, m.GraduationPlan.planned_year, m.GraduationPlan.planned_month)
    return _assemble(
        session.execute(only(students, S.id)),  # the session leaves removed students out
        session.execute(only(starts, m.Internship.student_id)),
        session.execute(only(plans, m.GraduationPlan.student_id)),
        as_of,
    )


def _rows(session: Session, as_of: date, student_ids: list[int] | None) -> list[StudentRow]:
    if session.get_bind().dialect.name == "sqlite":
        db = session.connection().connection.driver_connection  # in the session's read transaction
        assert isinstance(db, sqlite3.Connection)
        return _sqlite_rows(db, as_of, student_ids)
    return _core_rows(session, as_of, student_ids)


def student_rows(ws: Workspace, as_of: date | None = None) -> list[StudentRow]:
    """Every student of the database, in no particular order (the list sorts them)."""
    with ws.read() as s:
        return _rows(s, as_of or ws.as_of(), None)


def student_row(ws: Workspace, student_id: int, as_of: date | None = None) -> StudentRow | None:
    """One student's list row after an edit (None once the student is removed)."""
    with ws.read() as s:
        rows = _rows(s, as_of or ws.as_of(), [student_id])
    return rows[0] if rows else None


# -- the list at start, before the database is opened ------------------------------------------------------
@dataclass(frozen=True)
class FileRows:
    """The list read straight from a database file at start, with what says whether it still holds
    once the file is opened (`still_current`): the file itself, its schema and its last audit entry."""

    rows: list[StudentRow]
    as_of: date
    file: tuple[int, int]
    revision: str
    last_entry: int


def file_rows(path: Path, as_of: date) -> FileRows | None:
    """The list's rows of the SQLite file at `path`, read before it is opened (no SQLAlchemy: the
    window shows them while the rest is imported). None when that cannot be done (no file, not a
    database of ours, locked, damaged): opening the file says why, and the list is read then."""
    try:
        found = os.stat(path)
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except (OSError, sqlite3.Error):
        return None
    try:
        db.isolation_level = None
        db.execute("BEGIN")  # one snapshot for every query
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        (last_entry,) = db.execute("SELECT coalesce(max(id), 0) FROM audit_entry").fetchone()
        rows = _sqlite_rows(db, as_of, None)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        db.close()
    return FileRows(rows, as_of, (found.st_dev, found.st_ino), str(revision), int(last_entry))


def still_current(ws: Workspace, early: FileRows) -> bool:
    """Whether the rows `file_rows` read are those `student_rows(ws)` would read now: the same file
    (not replaced by a restore), not migrated since, nothing written since (every write leaves an
    audit entry), and the same day."""
    from sqlalchemy import func, select

    from coordinator_app.store import models as m
    from coordinator_app.store.migrate import head_revision

    if ws.is_server or ws.as_of() != early.as_of or early.revision != head_revision():
        return False
    try:
        found = os.stat(ws.path)
    except OSError:
        return False
    if (found.st_dev, found.st_ino) != early.file:
        return False
    with ws.read() as s:
        last = s.execute(select(func.coalesce(func.max(m.AuditEntry.id), 0))).scalar_one()
    return int(last) == early.last_entry
