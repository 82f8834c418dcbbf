"""The rows of the student list: a named tuple per student, read in a few Core queries.

The window keeps 100,000 of these in memory and filters them itself (performance.md s.3),
so this reads columns, never ORM objects (performance.md s.4), and the EC total is the
cached `student.ec_earned` kept by the services.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

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
    stage: str                       # one of STAGES
    graduation: tuple[int, int] | None
    overdue: int                     # open items past their due date


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


def _query(student_ids: Iterable[int] | None = None):  # type: ignore[no-untyped-def]
    query = (select(S.id, S.student_number, S.first_name, S.last_name, S.email, m.Programme.code,
                    m.Cohort.start_year, S.status, S.specialization, S.ec_earned)
             .join(m.Programme, S.programme_id == m.Programme.id)
             .join(m.Cohort, S.cohort_id == m.Cohort.id))
    if student_ids is not None:
        query = query.where(S.id.in_(list(student_ids)))
    return query


def _rows(session: Session, as_of: date, student_ids: list[int] | None) -> list[StudentRow]:
    def limit(query):  # type: ignore[no-untyped-def]
        return query if student_ids is None else query.where(m.Internship.student_id.in_(student_ids))

    internships: dict[int, dict[str, date | None]] = {}
    for sid, kind, start in session.execute(limit(select(m.Internship.student_id, m.Internship.kind,
                                                         m.Internship.start_date))):
        internships.setdefault(sid, {})[kind] = start
    plans_query = select(m.GraduationPlan.student_id, m.GraduationPlan.planned_year, m.GraduationPlan.planned_month)
    if student_ids is not None:
        plans_query = plans_query.where(m.GraduationPlan.student_id.in_(student_ids))
    plans = {sid: (y, mo) for sid, y, mo in session.execute(plans_query)}
    # Open items past due: served by the partial index on open items (performance.md s.4).
    overdue_query = (select(m.PortfolioItem.student_id).where(m.PortfolioItem.received_date.is_(None),
                                                              m.PortfolioItem.due_date < as_of))
    if student_ids is not None:
        overdue_query = overdue_query.where(m.PortfolioItem.student_id.in_(student_ids))
    overdue: dict[int, int] = {}
    for (sid,) in session.execute(overdue_query):
        overdue[sid] = overdue.get(sid, 0) + 1
    out = []
    for r in session.execute(_query(student_ids)):
        sid = r[0]
        out.append(StudentRow(sid, r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7], r[8], r[9] or 0,
                              _stage(internships.get(sid, {}), as_of), plans.get(sid), overdue.get(sid, 0)))
    return out


def student_rows(ws: Workspace, as_of: date | None = None) -> list[StudentRow]:
    """Every student of the database, in no particular order (the list sorts them)."""
    with ws.read() as s:
        return _rows(s, as_of or ws.as_of(), None)


def student_row(ws: Workspace, student_id: int, as_of: date | None = None) -> StudentRow | None:
    """One student's list row after an edit (None once the student is removed)."""
    with ws.read() as s:
        rows = _rows(s, as_of or ws.as_of(), [student_id])
    return rows[0] if rows else None

