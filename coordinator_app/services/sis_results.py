"""One course's results as the student information system takes them in (spreadsheets/sis.py writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from coordinator_app.domain.errors import NotFound
from coordinator_app.domain.grades import Grade, grade_from
from coordinator_app.services.lookup import find_programme
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


@dataclass(frozen=True)
class CourseResults:
    programme: str
    code: str
    name: str
    rows: list[tuple[str, Grade, date | None, int]]  # (student number, grade, exam date, attempt)


def course_results(
    ws: Workspace, course: str, programme: str | None = None, cohort: int | None = None
) -> CourseResults:
    """Every graded attempt of `course` (code or name), by student number and attempt; registrations
    still waiting for their grade are left out (the SIS takes results, not registrations)."""
    wanted = course.strip().casefold()
    code = find_programme(ws.programmes, programme).code if programme else None
    C, R, S = m.Course, m.CourseResult, m.Student
    with ws.read() as s:
        query = (
            select(C.id, C.code, C.name, m.Programme.code)
            .join(m.Programme, C.programme_id == m.Programme.id)
            .where(or_(func.lower(C.code) == wanted, func.lower(C.name) == wanted))
        )
        if code:
            query = query.where(m.Programme.code == code)
        found = s.execute(query).all()
        if not found:
            where = f" in {code}" if code else ""
            raise NotFound(f"There is no course '{course}'{where}. Give its code, like PM-PERS.", "course")
        if len(found) > 1:
            raise NotFound(
                f"'{course}' is a course of {' and '.join(sorted(f[3] for f in found))}; choose the programme.",
                "course",
            )
        course_id, course_code, name, programme_code = found[0]
        rows = (
            select(S.student_number, R.grade, R.no_show, R.exam_date, R.attempt)
            .join(S, R.student_id == S.id)
            .where(R.course_id == course_id)
            .order_by(S.student_number, R.attempt)
        )
        if cohort:
            rows = rows.join(m.Cohort, S.cohort_id == m.Cohort.id).where(m.Cohort.start_year == cohort)
        out = []
        for number, value, no_show, exam_date, attempt in s.execute(rows):
            grade = grade_from(no_show, value)
            if grade is not None:
                out.append((number, grade, exam_date, attempt))
    return CourseResults(programme_code, course_code, name, out)
