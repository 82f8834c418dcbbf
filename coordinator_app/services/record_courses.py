"""A student's courses as the record's Courses tab shows them: each course of the programme the
student takes (an optional one once approved or taken, a specialization's only for that
specialization), its attempts with passed or not by the programme's pass mark, and the best one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.grades import best_attempt, grade_from
from coordinator_app.domain.programme import Programme
from coordinator_app.store import models as m


@dataclass(frozen=True)
class Attempt:
    result_id: int
    attempt: int
    exam_date: date | None
    grade: str  # "7.5", "NS" or "" for a registration without a result yet
    passed: bool | None  # None: no result yet
    registered_on: date | None


@dataclass(frozen=True)
class CourseLine:
    code: str
    name: str
    component: str
    component_name: str
    ec: int
    attempts: tuple[Attempt, ...]
    result: str  # the best attempt, "" when none
    passed: bool


@dataclass(frozen=True)
class OptionalLine:
    code: str
    name: str
    ec: int
    status: str
    decided_on: date | None
    external: bool
    credit_form_received: bool


def course_lines(
    s: Session, student: m.Student, programme: Programme, optional: tuple[OptionalLine, ...]
) -> tuple[CourseLine, ...]:
    attempts: dict[str, list[m.CourseResult]] = {}
    for result, code in s.execute(
        select(m.CourseResult, m.Course.code)
        .join(m.Course)
        .where(m.CourseResult.student_id == student.id)
        .order_by(m.CourseResult.attempt)
    ):
        attempts.setdefault(code, []).append(result)
    # An approved optional course awaits its first result: it is listed (and can be graded) before any attempt.
    approved = {o.code: o for o in optional if o.status == "approved"}
    lines = []
    names = {c.key: c.name for c in programme.components}
    for course in programme.courses:
        if course.component == "optional" and course.code not in attempts and course.code not in approved:
            continue  # optional courses show once approved or taken
        if course.specialization and course.specialization != student.specialization and course.code not in attempts:
            continue
        lines.append(
            _line(
                course.code,
                course.name,
                course.component,
                names.get(course.component, course.component),
                course.ec,
                attempts.get(course.code, []),
                programme,
            )
        )
    known = {c.code for c in programme.courses}
    for code, rows in attempts.items():
        if code not in known:  # an external optional course
            external = rows[0].course
            lines.append(
                _line(code, external.name, "optional", names.get("optional", "Optional"), external.ec, rows, programme)
            )
    for code, line in approved.items():
        if code not in known and code not in attempts:  # an approved external course, not taken yet
            lines.append(_line(code, line.name, "optional", names.get("optional", "Optional"), line.ec, [], programme))
    return tuple(lines)


def _attempt(row: m.CourseResult, programme: Programme) -> Attempt:
    grade = grade_from(row.no_show, row.grade)
    return Attempt(
        row.id,
        row.attempt,
        row.exam_date,
        "" if grade is None else str(grade),
        None if grade is None else grade.passed(programme.pass_mark),
        row.registered_on,
    )


def _line(
    code: str, name: str, component: str, component_name: str, ec: int, rows: list[m.CourseResult], programme: Programme
) -> CourseLine:
    grades = [g for g in (grade_from(r.no_show, r.grade) for r in rows) if g is not None]
    best = best_attempt(grades)
    shown = tuple(_attempt(r, programme) for r in rows)
    return CourseLine(
        code,
        name,
        component,
        component_name,
        ec,
        shown,
        str(best) if best else "",
        bool(best and best.passed(programme.pass_mark)),
    )


def optional_courses(
    s: Session, student: m.Student
) -> tuple[tuple[OptionalLine, ...], tuple[tuple[str, str, bool], ...]]:
    lines = tuple(
        OptionalLine(c.code, c.name, c.ec, a.status, a.decided_on, a.external, a.credit_form_received)
        for a, c in s.execute(
            select(m.OptionalCourseApproval, m.Course)
            .join(m.Course)
            .where(m.OptionalCourseApproval.student_id == student.id)
            .order_by(m.OptionalCourseApproval.id)
        )
    )
    choices = tuple(
        (c.code, c.name, not c.in_programme)
        for c in s.scalars(
            select(m.Course)
            .where(m.Course.programme_id == student.programme_id, m.Course.component == "optional")
            .order_by(m.Course.in_programme.desc(), m.Course.name)
        )
    )
    return lines, choices
