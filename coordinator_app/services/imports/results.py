"""Check exam results against the rules and the database: which attempt each row is, and what changes."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import Grade, check_exam_date, first_exam_date, grade_text, parse_grade
from coordinator_app.domain.progress import specialization_refusal
from coordinator_app.services.imports.cells import (
    Known,
    as_date,
    as_text,
    cell_problems,
    column_names,
    number_text,
)
from coordinator_app.services.imports.plan import (
    CELL_PROBLEMS,
    Columns,
    ImportPlan,
    PlannedRow,
    Rejection,
    fingerprint,
    students_counted,
)
from coordinator_app.services.imports.result_attempts import (
    Matched,
    ResultCourse,
    ResultStudent,
    StoredAttempt,
    match_attempt,
    more_rows_of_a_course,
    refuse_clashes,
    refuse_out_of_order,
)
from coordinator_app.services.lookup import find_programme, removed_numbers
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.portable_sql import OneOf, json_list
from coordinator_app.store.quick_statements import QuickStatement

RESULT_LIST_FIELDS = ("student_number", "course", "grade", "exam_date", "attempt")


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
    rows: list[tuple[int, dict[str, Any]]] | Columns,
    headers: dict[str, str],
    source: str,
    programme: str | None = None,
    course: str | None = None,
) -> ImportPlan:
    """Check exam results row by row (student number, course, grade, exam date, attempt); nothing is written."""
    column = column_names(headers)
    code = find_programme(ws.programmes, programme).code if programme else None
    parsed, problems = _check_result_rows(
        rows if isinstance(rows, Columns) else Columns.of_rows(rows), column, course, ws.as_of()
    )

    def against(session: Session) -> ImportPlan:
        return _match_results(ws, session, parsed, problems, column, source, code)

    with ws.read() as s:
        plan = against(s)
    plan.recheck = against
    return plan


_UNSEEN: Any = object()  # a dictionary's "not looked up yet"

# A checked row: (file row, student number, course as written, grade, exam date, attempt or None).
Checked = tuple[int, str, str, Grade, date | None, int | None]


def _check_result_rows(
    rows: Columns, column: Callable[[str], str], course: str | None, today: date
) -> tuple[list[Checked], list[Rejection]]:
    names = {f: column(f) for f in RESULT_LIST_FIELDS}
    rejected: list[Rejection] = []
    parsed: list[Checked] = []
    # Grades, dates and attempts repeat down a column: each distinct cell is checked once.
    grades: Known = {}
    dates: Known = {}
    attempts: Known = {}
    grade_of = lambda cell: parse_grade(as_text(cell))  # noqa: E731
    exam_date_of = lambda cell: check_exam_date(as_date(cell, "exam_date"), today)  # noqa: E731 (as record_grade)
    attempt_of = lambda cell: _attempt_number(as_text(cell)) if as_text(cell) else None  # noqa: E731 (empty: none)
    course_given = course or ""
    unusable_cells = rows.problems

    def cells(name: str) -> Iterable[Any]:
        return rows.cells.get(name) or itertools.repeat(None)

    for row, number_cell, course_cell, grade_cell, date_cell, attempt_cell in zip(
        rows.numbers, *(cells(name) for name in RESULT_LIST_FIELDS)
    ):
        if unusable_cells and row in unusable_cells:
            unusable = cell_problems(row, {CELL_PROBLEMS: unusable_cells[row]}, column, RESULT_LIST_FIELDS)
            if unusable:
                rejected.extend(unusable)
                continue
        number = number_text(number_cell)
        course_text = (course_cell.strip() if course_cell.__class__ is str else as_text(course_cell)) or course_given
        grade, grade_problem = grades.get((grade_cell.__class__, grade_cell)) or _checked(grades, grade_of, grade_cell)
        when, date_problem = dates.get((date_cell.__class__, date_cell)) or _checked(dates, exam_date_of, date_cell)
        attempt, attempt_problem = attempts.get((attempt_cell.__class__, attempt_cell)) or _checked(
            attempts, attempt_of, attempt_cell
        )
        if number and course_text and grade_problem is None and date_problem is None and attempt_problem is None:
            parsed.append((row, number, course_text, grade, when, attempt))
            continue
        if not number:
            rejected.append(Rejection(row, names["student_number"], "the student number is empty."))
        if not course_text:
            rejected.append(Rejection(row, names["course"], "no course given."))
        for name, problem in (("grade", grade_problem), ("exam_date", date_problem), ("attempt", attempt_problem)):
            if problem is not None:
                rejected.append(Rejection(row, names[name], problem))
    return parsed, rejected


def _checked(known: Known, check: Callable[[Any], Any], cell: Any) -> tuple[Any, str | None]:
    """check(cell) as (value, None), or (None, the reason it is refused); remembered in `known`.
    Keyed by the cell's type too: True == 1, but TRUE is not the number 1."""
    try:
        answer: tuple[Any, str | None] = (check(cell), None)
    except DomainError as exc:
        answer = (None, exc.message)
    known[(cell.__class__, cell)] = answer
    return answer


def _attempt_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise DomainError(f"'{text}' is not an attempt number (1, 2, 3, ...).", "attempt")
    return int(text)


# The look-ups, made once and run on SQLite's own connection (store/quick_statements.py): neither built
# and keyed again at each preview nor taken through SQLAlchemy's execution (~1 ms of a 1,000-row import).
_PROGRAMME_CODES = QuickStatement(select(m.table(m.Programme).c.id, m.table(m.Programme).c.code))
_COHORT_YEARS = QuickStatement(select(m.table(m.Cohort).c.id, m.table(m.Cohort).c.start_year))
_COURSES = QuickStatement(select(*(m.table(m.Course).c[name] for name in ResultCourse._fields)))
_S = m.table(m.Student).c
_BY_NUMBER = select(_S.id, _S.student_number, _S.specialization, _S.programme_id, _S.ec_earned, _S.cohort_id).where(
    OneOf.given(_S.student_number, "numbers"), _S.removed_at.is_(None)
)  # removed students: left out here
_STUDENTS_BY_NUMBER = QuickStatement(_BY_NUMBER)
_STUDENTS_BY_NUMBER_IN = QuickStatement(_BY_NUMBER.where(OneOf.given(_S.programme_id, "programmes")))
_R = m.table(m.CourseResult).c
# Every result of these students (all courses): apply needs them for the EC.
_RESULTS_OF = QuickStatement(
    select(_R.id, _R.student_id, _R.course_id, _R.attempt, _R.exam_date, _R.grade, _R.no_show)
    .where(OneOf.given(_R.student_id, "students"))
    .order_by(_R.student_id, _R.course_id, _R.attempt)
)


def _match_results(
    ws: Workspace,
    s: Session,
    parsed: list[Checked],
    problems: list[Rejection],
    column: Callable[[str], str],
    source: str,
    code: str | None,
) -> ImportPlan:
    """The checked rows against the database: which attempt each row is, and what changes.
    A few bulk reads (Core rows, no ORM objects), then dictionary look-ups per row."""
    read = ResultsRead()
    plan = ImportPlan("results", source, rejected=list(problems), fingerprint=fingerprint(s), context=read)
    db = s.connection()
    # Core columns throughout: a quicker compile than the ORM's, and plain rows.
    students: dict[str, ResultStudent] = {}  # by number
    shared: dict[str, list[ResultStudent]] = {}  # a number in more than one programme: each of them
    numbers = {checked[1] for checked in parsed}
    if numbers:
        # The student table alone (no joins): programme codes and cohort years from their small tables.
        code_of: dict[int, str] = dict(_PROGRAMME_CODES.rows(db, {}))
        year_of: dict[int, int] = dict(_COHORT_YEARS.rows(db, {}))
        # By the unique (programme, number) index, one look per programme and number, when that is
        # less than reading the table (the fingerprint counted its students): a course's 200 results
        # among 100,000 students 0.8 ms instead of 43 ms; a list of most students reads the table.
        listed = json_list(numbers)
        if code or students_counted(plan.fingerprint) > 2 * len(code_of) * len(numbers):
            within = json_list(pid for pid, c in code_of.items() if not code or c == code)
            numbered = _STUDENTS_BY_NUMBER_IN.rows(db, {"numbers": listed, "programmes": within})
        else:
            numbered = _STUDENTS_BY_NUMBER.rows(db, {"numbers": listed})
        for sid, number, specialization, pid, ec_earned, cid in numbered:
            student = ResultStudent(sid, number, specialization, pid, ec_earned, code_of[pid], year_of[cid])
            if students.setdefault(number, student) is not student:
                shared.setdefault(number, [students[number]]).append(student)
    courses: dict[tuple[int, str], ResultCourse] = {}
    for course_row in _COURSES.rows(db, {}):
        c = ResultCourse(*course_row)
        read.courses[c.id] = c
        courses[(c.programme_id, c.code.casefold())] = c
        courses.setdefault((c.programme_id, c.name.casefold()), c)
    matched: list[Matched] = []
    # (programme, course as written) -> the course: a list names one course on every row
    course_of: dict[tuple[int, str], ResultCourse | None] = {}
    refusals: dict[tuple[str, int, str | None], str | None] = {}  # (programme, course, specialization)
    removed: dict[str, list[tuple[str, str]]] | None = None  # read when a number matches no student
    pairs_seen: set[tuple[int, int]] = set()  # (student, course) of the rows matched
    for row, number, course_text, grade, when, attempt in parsed:
        found = students.get(number)
        if found is None or (shared and number in shared):
            if removed is None:
                removed = removed_numbers(s, numbers)
            plan.rejected.append(_unmatched(row, number, shared.get(number), removed, code, column))
            continue
        student = found
        written = (student.programme_id, course_text)
        course = course_of.get(written, _UNSEEN)
        if course is _UNSEEN:
            course = course_of[written] = courses.get((student.programme_id, course_text.casefold()))
        if course is None:
            plan.rejected.append(
                Rejection(row, column("course"), f"there is no course '{course_text}' in {student.code}.")
            )
            continue
        if course.specialization is not None:
            which = (student.code, course.id, student.specialization)
            if which not in refusals:
                refusals[which] = specialization_refusal(
                    ws.programmes[student.code], course.name, course.specialization, student.specialization
                )
            if refusals[which]:
                plan.rejected.append(Rejection(row, column("course"), str(refusals[which])))
                continue
        matched.append((row, number, grade, when, attempt, student, course))
        pairs_seen.add((student.id, course.id))
    # A student and course on more than one row (each its own attempt, or one blank): a blank
    # attempt must not take an attempt another row names, and two rows may still end on one
    # attempt (attempt 1 and a blank one that becomes attempt 1). Usually no such row: no cost.
    named: dict[tuple[int, int], set[int]] = {}  # such a student and course -> the attempts the file names
    if len(pairs_seen) < len(matched):
        matched, named = more_rows_of_a_course(plan, matched, column)
    read.students = {t[5].id: t[5] for t in matched}
    attempts: dict[tuple[int, int], list[StoredAttempt]] = defaultdict(list)
    if read.students:
        for stored in _RESULTS_OF.rows(db, {"students": json_list(read.students)}):
            found_attempt = StoredAttempt(*stored)
            attempts[(found_attempt.student_id, found_attempt.course_id)].append(found_attempt)
    read.attempts = stored_attempts = dict(attempts)

    claimed: set[int] = set()
    ordered: set[tuple[int, int]] = set()  # (student, course) with more than one attempt after the import
    landed: dict[tuple[int, int, int], list[tuple[int, str]]] = defaultdict(list)  # rows of `named`, by attempt
    new, updated, unchanged = plan.new, plan.updated, plan.unchanged
    today = ws.as_of()
    scheduled: dict[tuple[str, str, int], date | None] = {}  # (programme, course, cohort) -> first exam date
    for row, number, grade, when, wanted, student, c in matched:
        key = (student.id, c.id)
        existing = stored_attempts.get(key) if stored_attempts else None
        reserved = named.get(key) if named else None
        if existing or reserved is not None:  # the course has other attempts: their dates keep their order
            ordered.add(key)
        target = match_attempt(existing, wanted, when, grade, claimed, reserved) if existing else None
        if when is None:
            # No date in the file: the date it gets (the attempt's own, or a first attempt's scheduled
            # exam) must not be after today either, as with record_grade.
            if target is not None:
                dated = target.exam_date
            elif (wanted or (existing[-1].attempt + 1 if existing else 1)) == 1:  # as apply dates it
                course_key = (student.code, c.code, student.start_year)
                if course_key not in scheduled:
                    scheduled[course_key] = first_exam_date(ws.programmes[student.code], c.code, student.start_year)
                dated = scheduled[course_key]
            else:
                dated = None
            try:
                check_exam_date(dated, today, typed=False)
            except DomainError as exc:
                plan.rejected.append(Rejection(row, column("exam_date"), exc.message))
                continue
        values = {
            "student_id": student.id,
            "course_id": c.id,
            "course_code": c.code,
            "programme": student.code,
            "cohort": student.start_year,
            "grade": grade.value,
            "no_show": grade.no_show,
            "exam_date": when,
            "attempt": wanted,
        }
        if target is None:
            if not existing:
                values["attempt"] = becomes = wanted or 1
            else:
                values["attempt"] = becomes = wanted or existing[-1].attempt + 1
                if any(a.attempt == becomes for a in existing):
                    plan.rejected.append(Rejection(row, column("attempt"), f"attempt {becomes} already exists."))
                    continue
            if reserved is not None:
                landed[(*key, becomes)].append((row, number))
            new.append(PlannedRow(row, number, "new", values, {}, student.id))
            continue
        claimed.add(target.id)
        values["attempt"] = target.attempt
        if reserved is not None:
            landed[(*key, target.attempt)].append((row, number))
        values["current_exam_date"] = target.exam_date  # kept when the file gives no date
        changes: dict[str, tuple[Any, Any]] = {}
        if target.grade != grade.value or target.no_show != grade.no_show:
            changes["grade"] = (grade_text(target.no_show, target.grade), str(grade))
        if when is not None and when != target.exam_date:
            changes["exam_date"] = (target.exam_date, when)
        (updated if changes else unchanged).append(
            PlannedRow(row, number, "updated" if changes else "unchanged", values, changes, student.id, target.id)
        )
    refuse_clashes(plan, landed, read.courses, column)
    if ordered:
        refuse_out_of_order(plan, ordered, stored_attempts, column)
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _unmatched(
    row: int,
    number: str,
    found: list[ResultStudent] | None,
    removed: dict[str, list[tuple[str, str]]],
    code: str | None,
    column: Callable[[str], str],
) -> Rejection:
    """Why a row's student number matches no student, or more than one."""
    if found:
        return Rejection(
            row,
            column("student_number"),
            f"student number {number} is in more than one programme; choose the programme.",
        )
    gone = [why for c, why in removed.get(number, ()) if code is None or c == code]
    if gone:
        return Rejection(row, column("student_number"), gone[0])
    return Rejection(
        row,
        column("student_number"),
        f"no student with number {number}" + (f" in {code}." if code else "; import the student list first."),
    )
