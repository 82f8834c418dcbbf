"""The rows of the student list: a named tuple per student, read in a few Core queries.

The window keeps 100,000 of these in memory and filters them itself (performance.md s.3),
so this reads columns, never ORM objects (performance.md s.4), and the EC total is the
cached `student.ec_earned` kept by the services.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnySelect

S = m.Student


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
    overdue: int  # open items past their due date


STAGES = ("not planned", "minor planned", "minor", "major planned", "major")


def _stage(kinds: dict[str, date | None], as_of: date) -> str:
    """Where a student is with the internships on `as_of` (the furthest one wins)."""
    for kind in ("major", "minor"):
        if kind in kinds:
            start = kinds[kind]
            if start is not None and start <= as_of:
                return kind
    for kind in ("major", "minor"):
        if kind in kinds:
            return f"{kind} planned"
    return "not planned"


SelectT = TypeVar("SelectT", bound="AnySelect")


def _for(query: SelectT, column: InstrumentedAttribute[int], student_ids: list[int] | None) -> SelectT:
    """`query` for these students only (None: every student)."""
    return query if student_ids is None else query.where(column.in_(student_ids))


# The student's own columns, in the order `_rows` unpacks them (unpacking a row is ~40% faster
# than reading its columns by name: 0.5 s at 100,000 students).
_STUDENTS = (
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


def _rows(session: Session, as_of: date, student_ids: list[int] | None) -> list[StudentRow]:
    internships: dict[int, dict[str, date | None]] = {}
    starts = select(m.Internship.student_id, m.Internship.kind, m.Internship.start_date)
    for sid, kind, start in session.execute(_for(starts, m.Internship.student_id, student_ids)):
        internships.setdefault(sid, {})[kind] = start
    planned = select(m.GraduationPlan.student_id, m.GraduationPlan.planned_year, m.GraduationPlan.planned_month)
    plans = {sid: (y, mo) for sid, y, mo in session.execute(_for(planned, m.GraduationPlan.student_id, student_ids))}
    # Open items past due: served by the partial index on open items (performance.md s.4).
    late = select(m.PortfolioItem.student_id).where(
        m.PortfolioItem.received_date.is_(None), m.PortfolioItem.due_date < as_of
    )
    overdue: dict[int, int] = {}
    for (sid,) in session.execute(_for(late, m.PortfolioItem.student_id, student_ids)):
        overdue[sid] = overdue.get(sid, 0) + 1
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
            _stage(internships.get(sid, {}), as_of),
            plans.get(sid),
            overdue.get(sid, 0),
        )
        for sid, number, first, last, email, programme, cohort, status, specialization, ec in session.execute(
            _for(_STUDENTS, S.id, student_ids)
        )
    ]


def student_rows(ws: Workspace, as_of: date | None = None) -> list[StudentRow]:
    """Every student of the database, in no particular order (the list sorts them)."""
    with ws.read() as s:
        return _rows(s, as_of or ws.as_of(), None)


def student_row(ws: Workspace, student_id: int, as_of: date | None = None) -> StudentRow | None:
    """One student's list row after an edit (None once the student is removed)."""
    with ws.read() as s:
        rows = _rows(s, as_of or ws.as_of(), [student_id])
    return rows[0] if rows else None
