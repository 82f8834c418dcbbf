"""Find programmes, cohorts and students by what the coordinator types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.programme import Programme
from coordinator_app.services.cohort_data import nobody_in, select_students
from coordinator_app.services.workspace import CourseRow, Workspace
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement
from coordinator_app.store.sessions import INCLUDE_REMOVED

if TYPE_CHECKING:
    from coordinator_app.store.quick_statements import QuickRow


class Named(Protocol):
    """What a message needs to name a student: an ORM student or a row of `student_row`."""

    @property
    def student_number(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def removed_at(self) -> datetime | None: ...


def find_programme(programmes: dict[str, Programme], text: str) -> Programme:
    """A programme by its short code ("PM") or its full name, case-insensitive."""
    wanted = text.strip().casefold()
    for programme in programmes.values():
        if wanted in (programme.code.casefold(), programme.name.casefold()):
            return programme
    matches = [p for p in programmes.values() if wanted and wanted in p.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    choices = "; ".join(f"{p.code} ({p.name})" for p in programmes.values())
    raise NotFound(f"No programme '{text}'. Known programmes: {choices}.", "programme")


def parse_cohort(text: str | int) -> int:
    """A cohort is named by its start year: "2024" or "2024-2025" is the 2024-2025 cohort."""
    raw = str(text).strip()
    head = raw.split("-")[0].split("/")[0]
    if not (head.isascii() and head.isdigit()) or len(head) != 4:
        raise DomainError(f"A cohort is its start year, like 2024 (for 2024-2025), not '{raw}'.", "cohort")
    year = int(head)
    if not 1990 <= year <= 2100:
        raise DomainError(f"Cohort year {year} is out of range.", "cohort")
    return year


def programme_row(session: Session, code: str) -> m.Programme:
    row = session.scalar(select(m.Programme).where(m.Programme.code == code))
    if row is None:
        raise NotFound(f"Programme {code} is not in this database.", "programme")
    return row


def cohort_row(session: Session, programme_id: int, year: int, create: bool = False) -> m.Cohort:
    row = session.scalar(select(m.Cohort).where(m.Cohort.programme_id == programme_id, m.Cohort.start_year == year))
    if row is None:
        if not create:
            raise NotFound(f"There is no {year}-{year + 1} cohort in this database.", "cohort")
        row = m.Cohort(programme_id=programme_id, start_year=year)
        session.add(row)
        session.flush()
    return row


def removed_label(student: Named) -> str:
    """'2712345 Anouk de Vries (removed 24-11-2025)': how messages name a removed student."""
    # Stored in UTC, like the audit trail; said in local time, like History.
    when = f" (removed {student.removed_at.replace(tzinfo=UTC).astimezone():%d-%m-%Y})" if student.removed_at else ""
    return f"{student.student_number} {student.first_name} {student.last_name}{when}"


def existing_student(session: Session, student_id: int) -> m.Student:
    """A student who is not removed; a removed one is named, with where to restore them."""
    # One look-up, removed or not, then the removal checked here: the query that leaves removed
    # students out costs a third more, and a second look-up was needed to name a removed one.
    student = session.get(m.Student, student_id, execution_options=INCLUDE_REMOVED)
    if student is None:
        raise NotFound(f"Student {student_id} does not exist.", "student")
    if student.removed_at is not None:
        raise NotFound(
            f"{removed_label(student)} was removed; restore them first (File > Removed students).", "student"
        )
    return student


_S, _P, _C = m.table(m.Student), m.table(m.Programme), m.table(m.Cohort)
_STUDENT_ROW = QuickStatement(
    select(_S, _P.c.code.label("programme_code"), _C.c.start_year.label("cohort_year"))
    .select_from(_S.join(_P, _S.c.programme_id == _P.c.id).join(_C, _S.c.cohort_id == _C.c.id))
    .where(_S.c.id == bindparam("sid"))
)


def student_row(session: Session, student_id: int) -> QuickRow:
    """A student who is not removed, as one Core row: every column of the student table, with
    `programme_code` and `cohort_year`. For the edits made one at a time (services/row_writes.py):
    a tenth of `existing_student`'s work. Refused the same way for a removed or unknown student."""
    return _one_student(session, _STUDENT_ROW, student_id)


def _one_student(session: Session, statement: QuickStatement, student_id: int) -> QuickRow:
    return student_rows(session, statement, {"sid": student_id})[0]


def student_rows(session: Session, statement: QuickStatement, params: dict[str, object]) -> list[QuickRow]:
    """The rows of a statement about one student (`sid`), each with the student's `removed_at` and what
    names them (`student_number`, `first_name`, `last_name`): refused as `student_row` is when there are
    none (no such student) or the student was removed."""
    session.flush()  # what this action changed through the ORM so far is read back, as a query would
    found = statement.rows(session, params)
    if not found:
        raise NotFound(f"Student {params['sid']} does not exist.", "student")
    if found[0].removed_at is not None:
        raise NotFound(
            f"{removed_label(found[0])} was removed; restore them first (File > Removed students).", "student"
        )
    return found


_COURSE_ROW = select(*(m.table(m.Course).c[f] for f in CourseRow._fields)).where(
    m.table(m.Course).c.programme_id == bindparam("pid"),
    m.table(m.Course).c.code == bindparam("code"),
)


def course_row(ws: Workspace, session: Session, programme_id: int, code: str, programme_code: str) -> CourseRow:
    """A course of the student's programme by its code. The programme's own courses are kept per
    workspace once read (`Workspace.known_courses`): their rows come from the programme definitions
    and are never deleted, and the kept ones are forgotten when the database is restored or the
    definitions synced. A course from outside the programme (which can be removed) is read each time."""
    known: dict[tuple[int, str], CourseRow] = ws.known_courses
    found = known.get((programme_id, code))
    if found is not None:
        return found
    row = session.connection().execute(_COURSE_ROW, {"pid": programme_id, "code": code}).one_or_none()
    if row is None:
        raise NotFound(f"There is no course {code} in {programme_code}.", "course")
    course = CourseRow(*row)
    if course.in_programme:
        known[(programme_id, code)] = course
    return course


def student_numbered(session: Session, programmes: dict[str, Programme], number: str, programme: str | None) -> int:
    """The id of the student with this student number, as a coordinator types it (removed students are
    not found). The same number in two programmes needs the programme named."""
    wanted = number.strip()
    if not wanted:
        raise DomainError("Give the student's student number.", "student")
    query = (
        select(m.Student.id, m.Programme.code)
        .join(m.Programme, m.Student.programme_id == m.Programme.id)
        .where(m.Student.student_number == wanted)
    )
    if programme:
        query = query.where(m.Programme.code == find_programme(programmes, programme).code)
    found = [(row[0], row[1]) for row in session.execute(query)]
    if not found:
        where = f" in {programme}" if programme else ""
        raise NotFound(f"No student with student number {wanted}{where}.", "student")
    if len(found) > 1:
        codes = " and ".join(sorted(code for _sid, code in found))
        raise DomainError(f"Student number {wanted} is in {codes}; name the programme too.", "student")
    return int(found[0][0])


def removed_numbers(session: Session, numbers: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The removed students holding any of `numbers`: number -> [(programme code, what an import
    says about that row)]. Their number stays theirs until restored, so a row for it is refused."""
    wanted = set(numbers)
    found: dict[str, list[tuple[str, str]]] = {}
    S = m.Student
    # Removed students are few: read them all once rather than sending thousands of numbers.
    for student, code in session.execute(
        select(S, m.Programme.code)
        .execution_options(**INCLUDE_REMOVED)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .where(S.removed_at.is_not(None))
    ):
        if student.student_number in wanted:
            found.setdefault(student.student_number, []).append(
                (
                    code,
                    (
                        f"student {removed_label(student)} was removed; restore them first (File > Removed students, "
                        f"or coordinator-app removed --restore {student.student_number}), or leave this row out."
                    ),
                )
            )
    return found


def removed_with_number(session: Session, programme_id: int, number: str) -> m.Student | None:
    """The removed student of a programme who holds `number` (it stays theirs until restored)."""
    return session.scalar(
        select(m.Student)
        .execution_options(**INCLUDE_REMOVED)
        .where(
            m.Student.programme_id == programme_id,
            m.Student.student_number == number,
            m.Student.removed_at.is_not(None),
        )
    )


def require_students(ws: Workspace, programme_code: str | None, cohort: int | None) -> None:
    """A programme or cohort without a single student is a mistake to name (a mistyped year),
    not "nothing to do": the attention list answers as the export does."""
    if not (programme_code or cohort):
        return
    with ws.read() as s:
        found = len(select_students(s, programme_code, cohort)[0])
    if not found:
        raise NotFound(f"{nobody_in(programme_code, cohort)}.", "cohort" if cohort else "programme")
