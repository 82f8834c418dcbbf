"""Grades (with automatic resits) and optional-course approvals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.approvals import OPTIONAL_COURSE_STATUSES, check_decision_date
from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.grades import (
    check_attempt_order,
    check_exam_date,
    first_exam_date,
    grade_text,
    parse_grade,
    resit_registration,
)
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import specialization_refusal
from coordinator_app.services.ec_totals import total_after_grade
from coordinator_app.services.lookup import course_row, existing_student, student_rows
from coordinator_app.services.row_writes import insert_row, update_row
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.verdicts import mark_stale
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickRow, QuickStatement


class Attempt(NamedTuple):
    """One stored attempt at a course, as a grade reads it."""

    id: int
    attempt: int
    grade: float | None
    no_show: bool
    exam_date: date | None
    registered_on: date | None


class GradeRecorded(NamedTuple):
    """What `record_grade` did, for its message and Undo (a NamedTuple: made at every grade, in a third
    of a frozen dataclass's time)."""

    result_id: int
    attempt: int
    grade: str  # "7.5" or "NS"
    passed: bool
    previous: tuple[float | None, bool] | None  # (grade, no_show) before, for undo
    resit_id: int | None  # the resit registration created for a fail
    resit_date: date | None
    ec_total: int
    previous_dates: tuple[date | None, date | None] | None = None  # (exam, registered) before, for undo


def _course(session: Session, student: m.Student, code: str) -> m.Course:
    course = session.scalar(
        select(m.Course).where(m.Course.programme_id == student.programme_id, m.Course.code == code)
    )
    if course is None:
        raise NotFound(f"There is no course {code} in {student.programme.code}.", "course")
    return course


class _Courseish(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def specialization(self) -> str | None: ...


def _check_course_allowed(specialization: str | None, course: _Courseish, programme: Programme) -> None:
    refusal = specialization_refusal(programme, course.name, course.specialization, specialization)
    if refusal:
        raise DomainError(refusal, "course")


_S, _P, _C, _CO, _R = (m.table(t) for t in (m.Student, m.Programme, m.Cohort, m.Course, m.CourseResult))
# A grade's student (what it reads of them, and what names a removed one) with their attempts at the
# course, in one statement: one per row of the course's attempts (one with no attempt when there is
# none). Two statements were ~5 % more of a grade's own work (issue 12).
_GRADED = QuickStatement(
    select(
        *(_S.c[name] for name in ("id", "programme_id", "specialization", "ec_earned", "removed_at")),
        *(_S.c[name] for name in ("student_number", "first_name", "last_name")),
        _P.c.code.label("programme_code"),
        _C.c.start_year.label("cohort_year"),
        *(_R.c[name].label(f"result_{name}") for name in Attempt._fields),
    )
    .select_from(
        _S.join(_P, _S.c.programme_id == _P.c.id)
        .join(_C, _S.c.cohort_id == _C.c.id)
        .outerjoin(_CO, and_(_CO.c.programme_id == _S.c.programme_id, _CO.c.code == bindparam("code")))
        .outerjoin(_R, and_(_R.c.student_id == _S.c.id, _R.c.course_id == _CO.c.id))
    )
    .where(_S.c.id == bindparam("sid"))
    .order_by(_R.c.attempt)
)


def _graded(s: Session, student_id: int, course_code: str) -> tuple[QuickRow, list[Attempt]]:
    """The student (refused when unknown or removed) and their attempts at the course, in order."""
    rows = student_rows(s, _GRADED, {"sid": student_id, "code": course_code})
    attempts = [Attempt._make(row[-len(Attempt._fields) :]) for row in rows if row.result_id is not None]
    return rows[0], attempts


def record_grade(
    ws: Workspace,
    student_id: int,
    course_code: str,
    text: str,
    attempt: int | None = None,
    exam_date: date | None = None,
) -> GradeRecorded:
    """Record an exam result. A fail or No Show registers the student for the resit."""
    grade = parse_grade(text)
    with ws.write() as s:
        # Core rows and statements (services/row_writes.py): a grade is the edit made most often.
        student, attempts = _graded(s, student_id, course_code)
        programme = ws.programmes[student.programme_code]
        course = course_row(ws, s, student.programme_id, course_code, student.programme_code)
        _check_course_allowed(student.specialization, course, programme)
        if attempt is not None:
            if attempt < 1:
                raise DomainError("An attempt number starts at 1.", "attempt")
            row = next((a for a in attempts if a.attempt == attempt), None)
        else:
            # The next open registration (a resit waiting for its result), else a new attempt.
            row = next((a for a in attempts if a.grade is None and not a.no_show), None)
            attempt = row.attempt if row else (attempts[-1].attempt + 1 if attempts else 1)
        previous = (row.grade, row.no_show) if row else None
        previous_dates = (row.exam_date, row.registered_on) if row else None
        today, shown = ws.as_of(), str(grade)
        written = {"grade": grade.value, "no_show": grade.no_show, "registered_on": today}
        if row is None:
            when = exam_date or (first_exam_date(programme, course.code, student.cohort_year) if attempt == 1 else None)
            row_id = insert_row(
                s,
                m.CourseResult,
                {"student_id": student.id, "course_id": course.id, "attempt": attempt, "exam_date": when, **written},
            )
        else:
            row_id, when = row.id, row.exam_date
            if exam_date is not None:
                when = written["exam_date"] = exam_date
            update_row(s, m.CourseResult, row_id, written)
        check_exam_date(when, today, typed=exam_date is not None)  # refused: the transaction writes nothing
        if exam_date is not None:  # a date given: the schedule's own dates are in order
            check_attempt_order(attempt, when, ((a.attempt, a.exam_date) for a in attempts))
        resit_id = None
        last = max([attempt, *(a.attempt for a in attempts)])
        resit = resit_registration(programme, course.code, grade, attempt, when, last)
        if resit is not None:
            resit_id = insert_row(
                s,
                m.CourseResult,
                {
                    "student_id": student.id,
                    "course_id": course.id,
                    "attempt": resit.attempt,
                    "exam_date": resit.exam_date,
                },
            )
        ws.audit(
            s,
            "record grade",
            "course_result",
            row_id,
            student.id,
            f"{course.code} attempt {attempt}",
            grade_text(previous[1], previous[0]) if previous else None,
            shown,
        )
        # The EC total moves only when the course's pass does; the verdict is worked out when next asked.
        before = [(a.grade, a.no_show) for a in attempts]
        graded = (grade.value, grade.no_show)
        after = [graded if a.id == row_id else pair for a, pair in zip(attempts, before)] if row else [*before, graded]
        ec = total_after_grade(
            s, student.id, student.ec_earned, programme, student.specialization, course.id, course.code, before, after
        )
        if ec != student.ec_earned:
            update_row(s, m.Student, student.id, {"ec_earned": ec})
        mark_stale(s, (student.id,))
        return GradeRecorded(
            row_id,
            attempt,
            shown,
            grade.passed(programme.pass_mark),
            previous,
            resit_id,
            resit.exam_date if resit else None,
            ec,
            previous_dates,
        )


def undo_grade(ws: Workspace, recorded: GradeRecorded) -> None:
    """Put a result back as it was before `record_grade` (used by Undo)."""
    with ws.write() as s:
        row = s.get(m.CourseResult, recorded.result_id)
        if row is None:
            raise NotFound("That result no longer exists.", "grade")
        student = existing_student(s, row.student_id)
        if recorded.resit_id is not None:
            resit = s.get(m.CourseResult, recorded.resit_id)
            if resit is not None and resit.grade is None and not resit.no_show:
                s.delete(resit)
        old = grade_text(row.no_show, row.grade)
        if recorded.previous is None:
            s.delete(row)
            new = None
        else:
            row.grade, row.no_show = recorded.previous
            if recorded.previous_dates is not None:
                row.exam_date, row.registered_on = recorded.previous_dates
            new = grade_text(recorded.previous[1], recorded.previous[0])
        ws.audit(
            s, "undo grade", "course_result", recorded.result_id, student.id, f"attempt {recorded.attempt}", old, new
        )
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())


@dataclass(frozen=True)
class DeletedAttempt:
    """Everything `restore_attempt` needs to put a deleted attempt back (used by Undo)."""

    student_id: int
    course_code: str
    attempt: int
    exam_date: date | None
    grade: float | None
    no_show: bool
    registered_on: date | None


def delete_attempt(ws: Workspace, result_id: int) -> DeletedAttempt:
    """Delete one attempt (a wrong registration or result); returns it, so Undo can restore it."""
    with ws.write() as s:
        row = s.get(m.CourseResult, result_id)
        if row is None:
            raise NotFound("That result no longer exists.", "grade")
        student = existing_student(s, row.student_id)
        deleted = DeletedAttempt(
            student.id, row.course.code, row.attempt, row.exam_date, row.grade, row.no_show, row.registered_on
        )
        ws.audit(
            s,
            "delete attempt",
            "course_result",
            row.id,
            student.id,
            f"{row.course.code} attempt {row.attempt}",
            grade_text(row.no_show, row.grade),
            None,
        )
        s.delete(row)
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return deleted


def restore_attempt(ws: Workspace, deleted: DeletedAttempt) -> int:
    """Put a deleted attempt back as it was (Undo of a delete); returns its new id."""
    with ws.write() as s:
        student = existing_student(s, deleted.student_id)
        course = _course(s, student, deleted.course_code)
        taken = s.scalar(
            select(m.CourseResult.id).where(
                m.CourseResult.student_id == student.id,
                m.CourseResult.course_id == course.id,
                m.CourseResult.attempt == deleted.attempt,
            )
        )
        if taken is not None:
            raise DomainError(f"{course.name} already has an attempt {deleted.attempt}.", "grade")
        row = m.CourseResult(
            student_id=student.id,
            course_id=course.id,
            attempt=deleted.attempt,
            exam_date=deleted.exam_date,
            grade=deleted.grade,
            no_show=deleted.no_show,
            registered_on=deleted.registered_on,
        )
        s.add(row)
        s.flush()
        ws.audit(
            s,
            "restore attempt",
            "course_result",
            row.id,
            student.id,
            f"{course.code} attempt {deleted.attempt}",
            None,
            grade_text(deleted.no_show, deleted.grade),
        )
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return row.id


def add_external_course(ws: Workspace, student_id: int, name: str, ec: int) -> str:
    """An optional course from outside the programme's list; returns its code."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Give the course a name.", "course")
    if not isinstance(ec, int) or not 1 <= ec <= 30:
        raise DomainError(f"An optional course is 1 to 30 EC, not {ec}.", "ec")
    with ws.write() as s:
        student = existing_student(s, student_id)
        base = "EXT-" + re.sub(r"[^A-Z0-9]+", "", name.upper())[:12]
        count = (
            s.scalar(
                select(func.count())
                .select_from(m.Course)
                .where(m.Course.programme_id == student.programme_id, m.Course.code.like(f"{base}%"))
            )
            or 0
        )
        code = base if count == 0 else f"{base}-{count + 1}"
        course = m.Course(
            programme_id=student.programme_id, code=code, name=name, ec=ec, component="optional", in_programme=False
        )
        s.add(course)
        s.flush()
        ws.audit(s, "add external course", "course", course.id, student.id, "name", None, name)
        return code


@dataclass(frozen=True)
class OptionalChoice:
    """A student's approval line for one optional course, as it was (what Undo puts back)."""

    status: str
    decided_on: date | None
    external: bool
    credit_form_received: bool


def set_optional_course(
    ws: Workspace,
    student_id: int,
    course_code: str,
    status: str,
    decided_on: date | None = None,
    external: bool | None = None,
    credit_form_received: bool = False,
) -> OptionalChoice | None:
    """Request, approve or reject an optional course (Examination Board approval beforehand).

    Returns the line as it was before (None when the course was not chosen yet), for Undo."""
    if status not in OPTIONAL_COURSE_STATUSES:
        raise DomainError(f"Approval must be one of {', '.join(OPTIONAL_COURSE_STATUSES)}, not '{status}'.", "status")
    check_decision_date(status, decided_on, "decided_on")
    with ws.write() as s:
        student = existing_student(s, student_id)
        course = _course(s, student, course_code)
        if course.component != "optional":
            raise DomainError(f"{course.name} is not an optional course.", "course")
        row = _approval(s, student, course)
        is_external = (not course.in_programme) if external is None else external
        if row is None:
            before = None
            row = m.OptionalCourseApproval(
                student_id=student.id,
                course_id=course.id,
                status=status,
                decided_on=decided_on,
                external=is_external,
                credit_form_received=credit_form_received,
            )
            s.add(row)
            s.flush()
            ws.audit(s, "optional course", "optional_course_approval", row.id, student.id, course.code, None, status)
        else:
            before = OptionalChoice(row.status, row.decided_on, row.external, row.credit_form_received)
            for field, value in (
                ("status", status),
                ("decided_on", decided_on),
                ("external", is_external),
                ("credit_form_received", credit_form_received),
            ):
                if getattr(row, field) != value:
                    ws.audit(
                        s,
                        "optional course",
                        "optional_course_approval",
                        row.id,
                        student.id,
                        f"{course.code} {field}",
                        getattr(row, field),
                        value,
                    )
                    setattr(row, field, value)
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return before


def _approval(session: Session, student: m.Student, course: m.Course) -> m.OptionalCourseApproval | None:
    return session.scalar(
        select(m.OptionalCourseApproval).where(
            m.OptionalCourseApproval.student_id == student.id, m.OptionalCourseApproval.course_id == course.id
        )
    )


def withdraw_optional_course(ws: Workspace, student_id: int, course_code: str) -> None:
    """Take an optional course off the student's list of choices (Undo of the first request)."""
    with ws.write() as s:
        student = existing_student(s, student_id)
        course = _course(s, student, course_code)
        row = _approval(s, student, course)
        if row is None:
            raise NotFound(f"{course.name} is not among this student's optional courses.", "approval")
        ws.audit(
            s, "withdraw optional course", "optional_course_approval", row.id, student.id, course.code, row.status, None
        )
        s.delete(row)
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())


def remove_external_course(ws: Workspace, student_id: int, course_code: str) -> None:
    """Remove a course from outside the programme again (Undo of adding it); only while unused."""
    with ws.write() as s:
        student = existing_student(s, student_id)
        course = _course(s, student, course_code)
        if course.in_programme:
            raise DomainError(f"{course.name} is part of the programme and stays.", "course")
        used = (
            s.scalar(
                select(func.count())
                .select_from(m.OptionalCourseApproval)
                .where(m.OptionalCourseApproval.course_id == course.id)
            )
            or 0
        )
        used += (
            s.scalar(select(func.count()).select_from(m.CourseResult).where(m.CourseResult.course_id == course.id)) or 0
        )
        if used:
            raise DomainError(f"{course.name} is chosen or graded for a student; it stays.", "course")
        ws.audit(s, "remove external course", "course", course.id, student.id, "name", course.name, None)
        s.delete(course)
