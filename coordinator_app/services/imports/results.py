"""Check exam results against the rules and the database: which attempt each row is, and what changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import Grade, grade_text, parse_grade
from coordinator_app.domain.progress import specialization_refusal
from coordinator_app.services.imports.cells import (
    Known,
    as_date,
    as_text,
    cached_check,
    cell_problems,
    column_names,
    duplicate_rows,
    number_text,
    one_of,
)
from coordinator_app.services.imports.plan import CELL_PROBLEMS, ImportPlan, PlannedRow, Rejection, fingerprint
from coordinator_app.services.lookup import find_programme, removed_numbers
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

RESULT_LIST_FIELDS = ("student_number", "course", "grade", "exam_date", "attempt")


class ResultStudent(NamedTuple):
    """A student a results row is about."""

    id: int
    student_number: str
    specialization: str | None
    programme_id: int
    ec_earned: int
    code: str
    start_year: int


class ResultCourse(NamedTuple):
    id: int
    programme_id: int
    code: str
    name: str
    specialization: str | None


class StoredAttempt(NamedTuple):
    id: int
    student_id: int
    course_id: int
    attempt: int
    exam_date: date | None
    grade: float | None
    no_show: bool


@dataclass
class ResultsRead:
    """What the results preview read, kept for apply (valid while the fingerprint is unchanged)."""

    students: dict[int, ResultStudent] = field(default_factory=dict)
    attempts: dict[tuple[int, int], list[StoredAttempt]] = field(
        default_factory=dict
    )  # (student, course) -> by attempt
    courses: dict[int, ResultCourse] = field(default_factory=dict)


def plan_results(
    ws: Workspace,
    rows: list[tuple[int, dict[str, Any]]],
    headers: dict[str, str],
    source: str,
    programme: str | None = None,
    course: str | None = None,
) -> ImportPlan:
    """Check exam results row by row (student number, course, grade, exam date, attempt); nothing is written."""
    column = column_names(headers)
    code = find_programme(ws.programmes, programme).code if programme else None
    parsed, problems = _check_result_rows(rows, column, course)

    def against(session: Session) -> ImportPlan:
        return _match_results(ws, session, parsed, problems, column, source, code)

    with ws.read() as s:
        plan = against(s)
    plan.recheck = against
    return plan


def _check_result_rows(
    rows: list[tuple[int, dict[str, Any]]], column: Callable[[str], str], course: str | None
) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejection]]:
    names = {f: column(f) for f in RESULT_LIST_FIELDS}
    rejected: list[Rejection] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    known: Known = {}  # grades, dates, attempts repeat down a column
    grade_of = lambda cell: parse_grade(as_text(cell))  # noqa: E731
    exam_date_of = lambda cell: as_date(cell, "exam_date")  # noqa: E731
    attempt_of = lambda cell: _attempt_number(as_text(cell))  # noqa: E731
    for row, raw in rows:
        if CELL_PROBLEMS in raw and (unusable := cell_problems(row, raw, column, RESULT_LIST_FIELDS)):
            rejected.extend(unusable)
            continue
        problems: list[Rejection] = []
        number = number_text(raw.get("student_number"))
        if not number:
            problems.append(Rejection(row, names["student_number"], "the student number is empty."))
        course_text = as_text(raw.get("course")) or (course or "")
        if not course_text:
            problems.append(Rejection(row, names["course"], "no course given."))
        grade = cached_check(problems, row, names["grade"], known, grade_of, raw.get("grade"))
        when = cached_check(problems, row, names["exam_date"], known, exam_date_of, raw.get("exam_date"))
        attempt_cell = raw.get("attempt")
        attempt = (
            cached_check(problems, row, names["attempt"], known, attempt_of, attempt_cell)
            if attempt_cell is not None and as_text(attempt_cell)
            else None
        )
        rejected.extend(problems)
        if not problems:
            parsed.append(
                (
                    row,
                    {
                        "student_number": number,
                        "course": course_text,
                        "grade": grade,
                        "exam_date": when,
                        "attempt": attempt,
                    },
                )
            )
    return parsed, rejected


def _attempt_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise DomainError(f"'{text}' is not an attempt number (1, 2, 3, ...).", "attempt")
    return int(text)


def _match_results(
    ws: Workspace,
    s: Session,
    parsed: list[tuple[int, dict[str, Any]]],
    problems: list[Rejection],
    column: Callable[[str], str],
    source: str,
    code: str | None,
) -> ImportPlan:
    """The checked rows against the database: which attempt each row is, and what changes."""
    read = ResultsRead()
    plan = ImportPlan("results", source, rejected=list(problems), fingerprint=fingerprint(s), context=read)
    S = m.Student
    students: dict[str, list[ResultStudent]] = defaultdict(list)
    numbers = {v["student_number"] for _, v in parsed}
    if numbers:
        query = (
            select(
                S.id,
                S.student_number,
                S.specialization,
                S.programme_id,
                S.ec_earned,
                m.Programme.code,
                m.Cohort.start_year,
            )
            .join(m.Programme, S.programme_id == m.Programme.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(one_of(S.student_number, numbers))
        )
        if code:
            query = query.where(m.Programme.code == code)
        for found_student in s.execute(query):
            student = ResultStudent(*found_student)
            students[student.student_number].append(student)
    courses: dict[tuple[int, str], ResultCourse] = {}
    for course_row in s.execute(
        select(m.Course.id, m.Course.programme_id, m.Course.code, m.Course.name, m.Course.specialization)
    ):
        c = ResultCourse(*course_row)
        read.courses[c.id] = c
        courses[(c.programme_id, c.code.casefold())] = c
        courses.setdefault((c.programme_id, c.name.casefold()), c)
    matched: list[tuple[int, dict[str, Any], ResultStudent, ResultCourse]] = []
    casefolded: dict[str, str] = {}
    removed = removed_numbers(s, numbers) if numbers else {}
    for row, v in parsed:
        found = students.get(v["student_number"], ())
        gone = [why for c, why in removed.get(v["student_number"], ()) if code is None or c == code]
        if not found and gone:
            plan.rejected.append(Rejection(row, column("student_number"), gone[0]))
            continue
        if not found:
            plan.rejected.append(
                Rejection(
                    row,
                    column("student_number"),
                    f"no student with number {v['student_number']}"
                    + (f" in {code}." if code else "; import the student list first."),
                )
            )
            continue
        if len(found) > 1:
            plan.rejected.append(
                Rejection(
                    row,
                    column("student_number"),
                    f"student number {v['student_number']} is in more than one programme; choose the programme.",
                )
            )
            continue
        student = found[0]
        folded = casefolded.get(v["course"])
        if folded is None:
            folded = casefolded[v["course"]] = v["course"].casefold()
        course = courses.get((student.programme_id, folded))
        if course is None:
            plan.rejected.append(
                Rejection(row, column("course"), f"there is no course '{v['course']}' in {student.code}.")
            )
            continue
        refusal = specialization_refusal(
            ws.programmes[student.code], course.name, course.specialization, student.specialization
        )
        if refusal:
            plan.rejected.append(Rejection(row, column("course"), refusal))
            continue
        matched.append((row, v, student, course))
    # Two rows for the same student, course and attempt (or both without an attempt): which one counts?
    duplicates = duplicate_rows([(row, (st.id, c.id, v["attempt"])) for row, v, st, c in matched])
    for row, others in duplicates.items():
        plan.rejected.append(
            Rejection(
                row,
                column("student_number"),
                f"the same student, course and attempt appear again in {others}; keep one row per result.",
            )
        )
    matched = [t for t in matched if t[0] not in duplicates]
    read.students = {st.id: st for _, _, st, _ in matched}
    attempts: dict[tuple[int, int], list[StoredAttempt]] = defaultdict(list)
    if read.students:
        # Every result of these students (all courses): apply needs them for the EC.
        R = m.CourseResult
        for stored in s.execute(
            select(R.id, R.student_id, R.course_id, R.attempt, R.exam_date, R.grade, R.no_show)
            .where(one_of(R.student_id, read.students))
            .order_by(R.student_id, R.course_id, R.attempt)
        ):
            attempt = StoredAttempt(*stored)
            attempts[(attempt.student_id, attempt.course_id)].append(attempt)
    read.attempts = dict(attempts)

    claimed: set[int] = set()
    for row, v, student, c in matched:
        grade: Grade = v["grade"]
        existing = read.attempts.get((student.id, c.id), [])
        target = _match_attempt(existing, v["attempt"], v["exam_date"], grade, claimed)
        values = {
            "student_id": student.id,
            "course_id": c.id,
            "course_code": c.code,
            "programme": student.code,
            "cohort": student.start_year,
            "grade": grade.value,
            "no_show": grade.no_show,
            "exam_date": v["exam_date"],
            "attempt": v["attempt"],
        }
        if target is None:
            values["attempt"] = v["attempt"] or (existing[-1].attempt + 1 if existing else 1)
            if existing and any(a.attempt == values["attempt"] for a in existing):
                plan.rejected.append(Rejection(row, column("attempt"), f"attempt {values['attempt']} already exists."))
                continue
            plan.add(PlannedRow(row, student.student_number, "new", values, {}, student.id))
            continue
        claimed.add(target.id)
        values["attempt"] = target.attempt
        values["current_exam_date"] = target.exam_date  # kept when the file gives no date
        changes: dict[str, tuple[Any, Any]] = {}
        if target.grade != grade.value or target.no_show != grade.no_show:
            old = grade_text(target.no_show, target.grade)
            changes["grade"] = (old, str(grade))
        if v["exam_date"] is not None and v["exam_date"] != target.exam_date:
            changes["exam_date"] = (target.exam_date, v["exam_date"])
        plan.add(
            PlannedRow(
                row,
                student.student_number,
                "updated" if changes else "unchanged",
                values,
                changes,
                student.id,
                target.id,
            )
        )
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _match_attempt(
    existing: list[StoredAttempt], attempt: int | None, when: date | None, grade: Grade, claimed: set[int]
) -> StoredAttempt | None:
    """The attempt a row is about: its number; else the one on the same exam date; else the
    same result already there (a second import); else the open registration (a resit waiting)."""
    if not existing:
        return None
    free = [a for a in existing if a.id not in claimed]
    if attempt is not None:
        return next((a for a in free if a.attempt == attempt), None)
    if when is not None:
        same_day = next((a for a in free if a.exam_date == when), None)
        if same_day is not None:
            return same_day
    if when is None:
        same = next((a for a in free if (a.grade, a.no_show) == (grade.value, grade.no_show)), None)
        if same is not None:
            return same
    return next((a for a in free if a.grade is None and not a.no_show), None)
