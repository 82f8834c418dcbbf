"""Import student lists and exam results: check every row against the rules, then write all
accepted rows in ONE transaction with an audit entry per change.

The spreadsheet side (coordinator_app/spreadsheets/importer.py) reads the file and maps
its columns; this module receives plain rows ({field: raw value}) and knows nothing of
files. Rows are matched on student number, so importing the same file twice changes
nothing the second time.

Parse and check once: the preview's plan carries the checked rows and what was read for
them, and a fingerprint of the database. Apply compares the fingerprint inside its write
transaction and writes the plan as it is; only when the database changed since the preview
are the rows checked again (against the database as it is now, in that same transaction).
Reads are a handful of bulk queries, writes are executemany (services/bulk_write.py), and
the EC of a student is brought up to date only when a result changes whether a course is
passed (performance.md s.4: a 10,000-row list is a handful of statements).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, Integer, String, func, insert, literal, null, select, true, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.grades import (
    Grade, best_attempt, exam_date as scheduled_exam_date, format_mark, needs_resit, parse_grade, resit_date,
)
from coordinator_app.domain.people import parse_date
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import (
    OptionalCourse, StudentProgressFacts, component_progress, specialization_refusal, total_ec,
)
from coordinator_app.domain.student import ACADEMIC_CORE_ITEMS, academic_core_due_dates
from coordinator_app.services.bulk_write import insert_rows, update_rows
from coordinator_app.services.cohort_data import grade_from, refresh_ec_bulk
from coordinator_app.services.lookup import find_programme, parse_cohort, removed_numbers
from coordinator_app.services.students import _validators
from coordinator_app.services.workspace import Workspace, _text
from coordinator_app.store import models as m

KINDS = ("students", "results")
STUDENT_FIELDS = ("student_number", "first_name", "last_name", "email", "programme", "cohort", "specialization")
RESULT_FIELDS = ("student_number", "course", "grade", "exam_date", "attempt")
# A raw row may carry this key: [(field, reason)] for cells the reader found unusable (an Excel
# error such as #N/A, text that is not valid Unicode). The row is rejected naming the cell.
CELL_PROBLEMS = "cell_problems"
# Excel keeps a date as a day number (46353 = 27-11-2026); a date column formatted as a number
# shows it bare. Accepted between these days (1990 to 2100), so a year such as 2025 stays an error.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_DAYS = (32874, 73415)
_WHOLE_NUMBER = re.compile(r"^([0-9]+)[.,]0+$")


@dataclass(frozen=True)
class Rejection:
    row: int            # row number as the coordinator sees it in the file (header row = 1)
    column: str         # the file's own column header (or the field name when the column is absent)
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason.rstrip('.')}"


@dataclass
class PlannedRow:
    """One accepted row: what it will do."""

    row: int
    student_number: str
    status: str                                   # "new" | "updated" | "unchanged"
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)   # field -> (old, new)
    student_id: int | None = None
    result_id: int | None = None                  # results: the attempt that is updated


@dataclass
class ImportPlan:
    kind: str
    source: str
    new: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    # The database as the rows were checked against it; apply checks again when it differs.
    fingerprint: tuple[Any, ...] = ()
    recheck: Callable[[Session], ImportPlan] | None = field(default=None, repr=False, compare=False)
    context: Any = field(default=None, repr=False, compare=False)   # what was read, for apply

    def add(self, planned: PlannedRow) -> None:
        if planned.status not in ("new", "updated", "unchanged"):
            raise ValueError(f"unknown row status {planned.status!r}")
        getattr(self, planned.status).append(planned)

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged) + len(self.rejected_rows)

    @property
    def rejected_rows(self) -> set[int]:
        return {r.row for r in self.rejected}

    def summary(self) -> str:
        what = "students" if self.kind == "students" else "results"
        return (f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.rejected_rows)} rejected {what}")


@dataclass(frozen=True)
class ImportResult:
    kind: str
    added: int
    updated: int
    unchanged: int
    skipped: int          # rejected rows left out (only with skip_rejected=True)
    rechecked: bool = False   # the database had changed since the preview: the rows were checked again

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
                + (f", {self.skipped} rejected rows skipped" if self.skipped else "")
                + (" (checked again: the database had changed since the preview)" if self.rechecked else ""))


class _Existing(NamedTuple):
    """A student already in the database, as a student list is compared with it. (Plain tuples:
    SQLAlchemy's Row looks attributes up by name, ~0.6 us each, many per row of a 10,000-row file.)"""

    id: int
    student_number: str
    first_name: str
    last_name: str
    email: str
    specialization: str | None
    cohort_id: int
    code: str
    start_year: int


class _Student(NamedTuple):
    """A student a results row is about."""

    id: int
    student_number: str
    specialization: str | None
    programme_id: int
    ec_earned: int
    code: str
    start_year: int


class _Course(NamedTuple):
    id: int
    programme_id: int
    code: str
    name: str
    specialization: str | None


class _Attempt(NamedTuple):
    id: int
    student_id: int
    course_id: int
    attempt: int
    exam_date: date | None
    grade: float | None
    no_show: bool


class ImportRefused(DomainError):
    """Apply was asked for while rows are rejected, or the database changed since the preview.
    `problems` is the refusal without advice; `skippable` says that importing only the accepted
    rows would go through, so the CLI and the dialog can name their own way to ask for that."""

    def __init__(self, problems: str, skippable: bool = False) -> None:
        advice = " Correct the file, or import only the accepted rows." if skippable else ""
        super().__init__(problems + advice, "file")
        self.problems = problems
        self.skippable = skippable


def _as_text(value: Any) -> str:
    """A cell as the text a coordinator would have typed (Excel numbers lose their '.0')."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _number_text(value: Any) -> str:
    """A student number as typed: a CSV written from a numeric column says 2600007.0."""
    text = _as_text(value)
    whole = _WHOLE_NUMBER.match(text)
    return whole.group(1) if whole else text


def _as_date(value: Any, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _number_text(value)
    if text.isdecimal() and _EXCEL_DAYS[0] <= int(text) <= _EXCEL_DAYS[1]:
        return _EXCEL_EPOCH + timedelta(days=int(text))
    return parse_date(text, field_name)


SHOWN_DUPLICATES = 3


def _duplicates(keys: list[tuple[int, Any]]) -> dict[int, str]:
    """Row -> the other rows with the same key, as text: at most SHOWN_DUPLICATES named, then a
    count (None keys never clash). Linear in the rows: 20,000 rows with one number used to make
    20,000 lists of 19,999 rows each."""
    rows_of: dict[Any, list[int]] = defaultdict(list)
    for row, key in keys:
        if key is not None:
            rows_of[key].append(row)
    out: dict[int, str] = {}
    for rows in rows_of.values():
        if len(rows) > 1:
            head = rows[:SHOWN_DUPLICATES + 1]
            more = len(rows) - 1 - SHOWN_DUPLICATES
            tail = f" and {more:,} more" if more > 0 else ""
            for row in rows:
                others = [r for r in head if r != row][:SHOWN_DUPLICATES]
                out[row] = f"row{'s' if len(rows) > 2 else ''} {', '.join(map(str, others))}{tail}"
    return out


def _cell_problems(row: int, raw: dict[str, Any], column: Callable[[str], str], fields: tuple[str, ...]) -> list[Rejection]:
    """Rejections for the cells of `fields` the reader found unusable (an error cell, broken text)."""
    return [Rejection(row, column(f), reason) for f, reason in raw[CELL_PROBLEMS] if f in fields]


def _one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with the values as ONE JSON parameter: no IN list of 10,000
    parameters for SQLAlchemy to compile and SQLite to parse."""
    listed = func.json_each(json.dumps(list(values))).table_valued("value")
    return column.in_(select(listed.c.value))


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Cheap signs that the database changed: every coordinator action writes an audit entry,
    and rows added or removed change a table's count or highest id. (SQLite's data_version
    only compares within one connection; each transaction here has its own.)"""
    def biggest(column: Any) -> Any:
        return select(func.max(column)).scalar_subquery()

    def rows(table: Any) -> Any:
        return select(func.count()).select_from(table).scalar_subquery()

    return tuple(session.execute(select(
        biggest(m.AuditEntry.id), rows(m.Student), biggest(m.Student.id), rows(m.CourseResult),
        biggest(m.CourseResult.id), rows(m.Course), rows(m.Cohort), rows(m.OptionalCourseApproval))).one())


def _specialization_key(programme: Programme, text: str) -> str | None:
    wanted = text.strip().casefold()
    if not wanted:
        return None
    for spec in programme.specializations:
        if wanted in (spec.key.casefold(), spec.name.casefold()):
            return spec.key
    names = ", ".join(s.name for s in programme.specializations) or "none in this programme"
    raise DomainError(f"'{text}' is not a specialization of {programme.code} ({names}).", "specialization")


def _column_names(headers: dict[str, str]) -> Callable[[str], str]:
    """The file's own name for a field (the field's name when the file has no such column)."""
    return lambda name: headers.get(name, name.replace("_", " "))


def _checked(problems: list[Rejection], row: int, column: str, check: Callable[..., Any], *args: Any) -> Any:
    """check(*args), or None with a rejection naming the row and column."""
    try:
        return check(*args)
    except DomainError as exc:
        problems.append(Rejection(row, column, exc.message))
        return None


# -- students ---------------------------------------------------------------------------------

def plan_students(ws: Workspace, rows: list[tuple[int, dict[str, Any]]], headers: dict[str, str], source: str,
                  programme: str | None = None, cohort: int | None = None) -> ImportPlan:
    """Check a student list row by row; nothing is written."""
    column = _column_names(headers)
    checked, problems = _check_student_rows(ws, rows, column, programme, cohort)

    def against(session: Session) -> ImportPlan:
        return _match_students(ws, session, checked, problems, column, source)

    with ws.read() as s:
        plan = against(s)
    plan.recheck = against
    return plan


def _check_student_rows(ws: Workspace, rows: list[tuple[int, dict[str, Any]]], column: Callable[[str], str],
                        programme: str | None, cohort: int | None) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejection]]:
    """Each row's values as the rules accept them (no database needed), and the rejections."""
    default_programme = find_programme(ws.programmes, programme) if programme else None
    # The same checks as add_student (services/students.py); these four do not depend on the programme.
    validators = _validators(default_programme or next(iter(ws.programmes.values())))
    number_check, first_check = validators["student_number"], validators["first_name"]
    last_check, email_check = validators["last_name"], validators["email"]
    names = {f: column(f) for f in (*STUDENT_FIELDS, "infix")}
    rejected: list[Rejection] = []
    numbers: list[tuple[int, str | None]] = []
    checked: list[tuple[int, dict[str, Any]]] = []
    known: dict[tuple[Any, ...], tuple[Any, str | None]] = {}     # (check, text) -> (value, reason)
    programme_named = lambda text: find_programme(ws.programmes, text)  # noqa: E731
    for row, raw in rows:
        if CELL_PROBLEMS in raw and (unusable := _cell_problems(row, raw, column, (*STUDENT_FIELDS, "infix"))):
            rejected.extend(unusable)
            continue
        problems: list[Rejection] = []
        number = _checked(problems, row, names["student_number"], number_check, _number_text(raw.get("student_number")))
        numbers.append((row, number))
        prog_text = _as_text(raw.get("programme"))
        prog = default_programme
        if prog_text:
            prog = _cached_check(problems, row, names["programme"], known, programme_named, prog_text)
        first, last = _as_text(raw.get("first_name")), _as_text(raw.get("last_name"))
        infix = _as_text(raw.get("infix"))
        if infix:
            last = f"{infix} {last}"
        values: dict[str, Any] = {"student_number": number, "programme": prog,
                                  "first_name": _checked(problems, row, names["first_name"], first_check, first),
                                  "last_name": _checked(problems, row, names["last_name"], last_check, last)}
        email = _as_text(raw.get("email"))
        values["email"] = _checked(problems, row, names["email"], email_check, email) if email else None
        cohort_text = _as_text(raw.get("cohort"))
        values["cohort"] = (_cached_check(problems, row, names["cohort"], known, parse_cohort, cohort_text)
                            if cohort_text else cohort)
        spec_text = _as_text(raw.get("specialization"))
        values["specialization"] = None
        if spec_text and prog is not None:
            values["specialization"] = _checked(problems, row, names["specialization"], _specialization_key, prog, spec_text)
        values["_spec_text"] = spec_text if prog is None else ""   # checked once the student's programme is known
        rejected.extend(problems)
        if not problems:
            checked.append((row, values))

    duplicates = _duplicates(numbers)
    for row, others in duplicates.items():
        rejected.append(Rejection(row, names["student_number"],
                                  f"student number appears more than once in the file (also {others}); "
                                  "keep one row per student."))
    return [(row, v) for row, v in checked if row not in duplicates], rejected


def _cached_check(problems: list[Rejection], row: int, column: str, known: dict[tuple[Any, ...], tuple[Any, str | None]],
                  check: Callable[[Any], Any], cell: Any) -> Any:
    """_checked for values that repeat down a column (programme, cohort, grade, date): each checked once."""
    key = (check, type(cell), cell)      # the type too: True == 1, but TRUE is not the number 1
    if key not in known:
        try:
            known[key] = (check(cell), None)
        except DomainError as exc:
            known[key] = (None, exc.message)
    value, reason = known[key]
    if reason is not None:
        problems.append(Rejection(row, column, reason))
    return value


def _match_students(ws: Workspace, s: Session, checked: list[tuple[int, dict[str, Any]]], problems: list[Rejection],
                    column: Callable[[str], str], source: str) -> ImportPlan:
    """The checked rows against the database: new, updated or unchanged, or rejected."""
    plan = ImportPlan("students", source, rejected=list(problems), fingerprint=fingerprint(s))
    existing: dict[str, list[Any]] = defaultdict(list)
    S = m.Student
    wanted = {v["student_number"] for _, v in checked}
    if wanted:
        for r in s.execute(select(S.id, S.student_number, S.first_name, S.last_name, S.email, S.specialization,
                                  S.cohort_id, m.Programme.code, m.Cohort.start_year)
                           .join(m.Programme, S.programme_id == m.Programme.id)
                           .join(m.Cohort, S.cohort_id == m.Cohort.id)
                           .where(_one_of(S.student_number, wanted))):
            known_student = _Existing(*r)
            existing[known_student.student_number].append(known_student)
    removed = removed_numbers(s, wanted)
    # Places taken per (programme, cohort, specialization), for the 20-place rule.
    taken: Counter[tuple[str, int, str]] = Counter()
    for code, year, spec, n in s.execute(
            select(m.Programme.code, m.Cohort.start_year, S.specialization, func.count())
            .join(m.Programme, S.programme_id == m.Programme.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(S.specialization.is_not(None), S.status != "stopped")
            .group_by(m.Programme.code, m.Cohort.start_year, S.specialization)):
        taken[(code, year, spec)] = n

    for row, v in checked:
        number = v["student_number"]
        prog: Programme | None = v["programme"]
        matches = existing.get(number, ())
        if prog is not None and matches:
            matches = [r for r in matches if r.code == prog.code]
        if len(matches) > 1:
            plan.rejected.append(Rejection(row, column("programme"),
                                           f"student number {number} is in more than one programme; add a Programme column."))
            continue
        gone = [why for code, why in removed.get(number, ()) if prog is None or code == prog.code]
        if not matches and gone:
            plan.rejected.append(Rejection(row, column("student_number"), gone[0]))
            continue
        if not matches:
            if prog is None:
                plan.rejected.append(Rejection(row, column("programme"), "a new student needs a programme (PM or IMIM)."))
                continue
            if v["cohort"] is None:
                plan.rejected.append(Rejection(row, column("cohort"), "a new student needs a cohort (its start year, like 2025)."))
                continue
            spec = v["specialization"]
            if spec is not None and not _place_free(plan, taken, prog, v["cohort"], spec, row, column("specialization")):
                continue
            values = {"student_number": number, "first_name": v["first_name"], "last_name": v["last_name"],
                      "email": v["email"] or "", "cohort": v["cohort"], "specialization": spec, "programme": prog.code}
            plan.add(PlannedRow(row, number, "new", values))
            continue
        current = matches[0]
        prog = ws.programmes[current.code]
        if v["cohort"] is not None and v["cohort"] != current.start_year:
            plan.rejected.append(Rejection(row, column("cohort"),
                                           f"student {number} is in the {current.start_year}-{current.start_year + 1} "
                                           f"cohort, the file says {v['cohort']}; change a cohort in the student's record."))
            continue
        spec = v["specialization"]
        if v["_spec_text"]:
            # No programme in the file: the specialization is checked against the student's own.
            try:
                spec = _specialization_key(prog, v["_spec_text"])
            except DomainError as exc:
                plan.rejected.append(Rejection(row, column("specialization"), exc.message))
                continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name, new in (("first_name", v["first_name"]), ("last_name", v["last_name"]), ("email", v["email"]),
                          ("specialization", spec)):
            if new is None:      # an empty cell leaves the record as it is
                continue
            old = getattr(current, name)
            if old != new:
                changes[name] = (old, new)
        if "specialization" in changes:
            if not _place_free(plan, taken, prog, current.start_year, changes["specialization"][1], row,
                               column("specialization")):
                continue
        plan.add(PlannedRow(row, number, "updated" if changes else "unchanged", {}, changes, current.id))
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _place_free(plan: ImportPlan, taken: Counter[tuple[str, int, str]], prog: Programme, year: int, spec: str,
                row: int, column: str) -> bool:
    """At most `capacity` (20) students per specialization per cohort, counting the file's rows too."""
    definition = prog.specialization(spec)
    assert definition is not None
    key = (prog.code, year, spec)
    if taken[key] >= definition.capacity:
        plan.rejected.append(Rejection(row, column, f"{definition.name} is full in the {year}-{year + 1} cohort: "
                                                    f"{taken[key]} of {definition.capacity} places are taken."))
        return False
    taken[key] += 1
    return True


# -- results ----------------------------------------------------------------------------------

@dataclass
class _ResultsRead:
    """What the results preview read, kept for apply (valid while the fingerprint is unchanged)."""

    students: dict[int, _Student] = field(default_factory=dict)
    attempts: dict[tuple[int, int], list[_Attempt]] = field(default_factory=dict)   # (student, course) -> by attempt
    courses: dict[int, _Course] = field(default_factory=dict)


def plan_results(ws: Workspace, rows: list[tuple[int, dict[str, Any]]], headers: dict[str, str], source: str,
                 programme: str | None = None, course: str | None = None) -> ImportPlan:
    """Check exam results row by row (student number, course, grade, exam date, attempt); nothing is written."""
    column = _column_names(headers)
    code = find_programme(ws.programmes, programme).code if programme else None
    parsed, problems = _check_result_rows(rows, column, course)

    def against(session: Session) -> ImportPlan:
        return _match_results(ws, session, parsed, problems, column, source, code)

    with ws.read() as s:
        plan = against(s)
    plan.recheck = against
    return plan


def _check_result_rows(rows: list[tuple[int, dict[str, Any]]], column: Callable[[str], str],
                       course: str | None) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejection]]:
    names = {f: column(f) for f in RESULT_FIELDS}
    rejected: list[Rejection] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    known: dict[tuple[Any, ...], tuple[Any, str | None]] = {}     # grades, dates, attempts repeat down a column
    grade_of = lambda cell: parse_grade(_as_text(cell))  # noqa: E731
    exam_date_of = lambda cell: _as_date(cell, "exam_date")  # noqa: E731
    attempt_of = lambda cell: _attempt_number(_as_text(cell))  # noqa: E731
    for row, raw in rows:
        if CELL_PROBLEMS in raw and (unusable := _cell_problems(row, raw, column, RESULT_FIELDS)):
            rejected.extend(unusable)
            continue
        problems: list[Rejection] = []
        number = _number_text(raw.get("student_number"))
        if not number:
            problems.append(Rejection(row, names["student_number"], "the student number is empty."))
        course_text = _as_text(raw.get("course")) or (course or "")
        if not course_text:
            problems.append(Rejection(row, names["course"], "no course given."))
        grade = _cached_check(problems, row, names["grade"], known, grade_of, raw.get("grade"))
        when = _cached_check(problems, row, names["exam_date"], known, exam_date_of, raw.get("exam_date"))
        attempt_cell = raw.get("attempt")
        attempt = (_cached_check(problems, row, names["attempt"], known, attempt_of, attempt_cell)
                   if attempt_cell is not None and _as_text(attempt_cell) else None)
        rejected.extend(problems)
        if not problems:
            parsed.append((row, {"student_number": number, "course": course_text, "grade": grade,
                                 "exam_date": when, "attempt": attempt}))
    return parsed, rejected


def _attempt_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise DomainError(f"'{text}' is not an attempt number (1, 2, 3, ...).", "attempt")
    return int(text)


def _match_results(ws: Workspace, s: Session, parsed: list[tuple[int, dict[str, Any]]], problems: list[Rejection],
                   column: Callable[[str], str], source: str, code: str | None) -> ImportPlan:
    """The checked rows against the database: which attempt each row is, and what changes."""
    read = _ResultsRead()
    plan = ImportPlan("results", source, rejected=list(problems), fingerprint=fingerprint(s), context=read)
    S = m.Student
    students: dict[str, list[Any]] = defaultdict(list)
    numbers = {v["student_number"] for _, v in parsed}
    if numbers:
        query = (select(S.id, S.student_number, S.specialization, S.programme_id, S.ec_earned, m.Programme.code,
                        m.Cohort.start_year)
                 .join(m.Programme, S.programme_id == m.Programme.id)
                 .join(m.Cohort, S.cohort_id == m.Cohort.id).where(_one_of(S.student_number, numbers)))
        if code:
            query = query.where(m.Programme.code == code)
        for r in s.execute(query):
            student = _Student(*r)
            students[student.student_number].append(student)
    courses: dict[tuple[int, str], Any] = {}
    for row in s.execute(select(m.Course.id, m.Course.programme_id, m.Course.code, m.Course.name,
                                m.Course.specialization)):
        c = _Course(*row)
        read.courses[c.id] = c
        courses[(c.programme_id, c.code.casefold())] = c
        courses.setdefault((c.programme_id, c.name.casefold()), c)
    matched: list[tuple[int, dict[str, Any], Any, Any]] = []
    casefolded: dict[str, str] = {}
    removed = removed_numbers(s, numbers) if numbers else {}
    for row, v in parsed:
        found = students.get(v["student_number"], ())
        gone = [why for c, why in removed.get(v["student_number"], ()) if code is None or c == code]
        if not found and gone:
            plan.rejected.append(Rejection(row, column("student_number"), gone[0]))
            continue
        if not found:
            plan.rejected.append(Rejection(row, column("student_number"),
                                           f"no student with number {v['student_number']}"
                                           + (f" in {code}." if code else "; import the student list first.")))
            continue
        if len(found) > 1:
            plan.rejected.append(Rejection(row, column("student_number"),
                                           f"student number {v['student_number']} is in more than one programme; "
                                           "choose the programme."))
            continue
        student = found[0]
        folded = casefolded.get(v["course"])
        if folded is None:
            folded = casefolded[v["course"]] = v["course"].casefold()
        c = courses.get((student.programme_id, folded))
        if c is None:
            plan.rejected.append(Rejection(row, column("course"), f"there is no course '{v['course']}' in {student.code}."))
            continue
        refusal = specialization_refusal(ws.programmes[student.code], c.name, c.specialization, student.specialization)
        if refusal:
            plan.rejected.append(Rejection(row, column("course"), refusal))
            continue
        matched.append((row, v, student, c))
    # Two rows for the same student, course and attempt (or both without an attempt): which one counts?
    duplicates = _duplicates([(row, (st.id, c.id, v["attempt"])) for row, v, st, c in matched])
    for row, others in duplicates.items():
        plan.rejected.append(Rejection(row, column("student_number"),
                                       f"the same student, course and attempt appear again in {others}; "
                                       "keep one row per result."))
    matched = [t for t in matched if t[0] not in duplicates]
    read.students = {st.id: st for _, _, st, _ in matched}
    attempts: dict[tuple[int, int], list[Any]] = defaultdict(list)
    if read.students:
        # Every result of these students (all courses): apply needs them for the EC.
        R = m.CourseResult
        for r in s.execute(select(R.id, R.student_id, R.course_id, R.attempt, R.exam_date, R.grade, R.no_show)
                           .where(_one_of(R.student_id, read.students)).order_by(R.student_id, R.course_id, R.attempt)):
            attempt = _Attempt(*r)
            attempts[(attempt.student_id, attempt.course_id)].append(attempt)
    read.attempts = dict(attempts)

    claimed: set[int] = set()
    for row, v, student, c in matched:
        grade: Grade = v["grade"]
        existing = read.attempts.get((student.id, c.id), [])
        target = _match_attempt(existing, v["attempt"], v["exam_date"], grade, claimed)
        values = {"student_id": student.id, "course_id": c.id, "course_code": c.code, "programme": student.code,
                  "cohort": student.start_year, "grade": grade.value, "no_show": grade.no_show,
                  "exam_date": v["exam_date"], "attempt": v["attempt"]}
        if target is None:
            values["attempt"] = v["attempt"] or (existing[-1].attempt + 1 if existing else 1)
            if existing and any(a.attempt == values["attempt"] for a in existing):
                plan.rejected.append(Rejection(row, column("attempt"), f"attempt {values['attempt']} already exists."))
                continue
            plan.add(PlannedRow(row, student.student_number, "new", values, {}, student.id))
            continue
        claimed.add(target.id)
        values["attempt"] = target.attempt
        values["current_exam_date"] = target.exam_date     # kept when the file gives no date
        changes = {}
        if target.grade != grade.value or target.no_show != grade.no_show:
            old = "NS" if target.no_show else (None if target.grade is None else format_mark(target.grade))
            changes["grade"] = (old, str(grade))
        if v["exam_date"] is not None and v["exam_date"] != target.exam_date:
            changes["exam_date"] = (target.exam_date, v["exam_date"])
        plan.add(PlannedRow(row, student.student_number, "updated" if changes else "unchanged", values, changes,
                            student.id, target.id))
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _match_attempt(existing: list[Any], attempt: int | None, when: date | None, grade: Grade,
                   claimed: set[int]) -> Any:
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


# -- apply ------------------------------------------------------------------------------------

def _refuse_rejected(plan: ImportPlan, skip_rejected: bool, changed: bool = False) -> None:
    if plan.rejected and not skip_rejected:
        shown = "; ".join(str(r) for r in plan.rejected[:5])
        more = f" (and {len(plan.rejected) - 5} more)" if len(plan.rejected) > 5 else ""
        why = "the database changed since the preview and now " if changed else ""
        rows = len(plan.rejected_rows)
        counted = f"1 row of {plan.source} has" if rows == 1 else f"{rows} rows of {plan.source} have"
        raise ImportRefused(f"Nothing was imported: {why}{counted} problems: {shown}{more}.", skippable=True)


def apply_plan(ws: Workspace, plan: ImportPlan, skip_rejected: bool = False) -> ImportResult:
    """Write every accepted row in one transaction (all or nothing), with audit entries."""
    _refuse_rejected(plan, skip_rejected)
    if plan.kind not in KINDS:
        raise DomainError(f"Unknown import kind '{plan.kind}'.", "kind")
    rechecked = False
    try:
        with ws.write() as s:
            if plan.recheck is not None and fingerprint(s) != plan.fingerprint:
                # Someone changed the database after the preview: check the rows again, now,
                # inside the write transaction (nobody can change it any more until we commit).
                plan, rechecked = plan.recheck(s), True
                _refuse_rejected(plan, skip_rejected, changed=True)
            audit = _Audit(ws, f"import {plan.kind}", plan.source)
            if plan.kind == "students":
                _write_students(ws, s, plan, audit)
            else:
                _write_results(ws, s, plan, audit)
            audit.flush(s)
    except IntegrityError as exc:
        raise ImportRefused("Nothing was imported: the database changed since the preview (a student or result "
                            "was added meanwhile). Preview the file again.") from exc
    return ImportResult(plan.kind, len(plan.new), len(plan.updated), len(plan.unchanged), len(plan.rejected_rows),
                        rechecked)


class _Audit:
    """Audit entries collected for one bulk insert (the same fields Workspace.audit writes)."""

    def __init__(self, ws: Workspace, action: str, source: str) -> None:
        self.constants = {"at": datetime.now(timezone.utc).replace(tzinfo=None), "os_user": ws.user, "action": action}
        self.source = source
        self.rows: list[dict[str, Any]] = []

    def add(self, entity: str, entity_id: int | None, student_id: int | None, field_name: str, old: Any, new: Any) -> None:
        self.rows.append({"student_id": student_id, "entity": entity, "entity_id": entity_id, "field": field_name,
                          "old_value": _text(old), "new_value": _text(new)})

    def flush(self, session: Session) -> None:
        # One summary entry names the file, so the trail says where the changes came from.
        self.add("import", None, None, "file", None, self.source)
        insert_rows(session, m.AuditEntry.__table__, self.rows, self.constants)


def _write_students(ws: Workspace, s: Session, plan: ImportPlan, audit: _Audit) -> None:
    programme_ids = {code: pid for pid, code in s.execute(select(m.Programme.id, m.Programme.code))}
    cohorts = {(pid, year): cid for cid, pid, year in s.execute(select(m.Cohort.id, m.Cohort.programme_id, m.Cohort.start_year))}
    # Removed students keep their ids (and rows): the next id is past theirs too.
    first_id = next_id = (s.scalar(select(func.max(m.Student.id)).execution_options(include_removed=True)) or 0) + 1
    students = []
    groups: set[tuple[str, int, int]] = set()       # (programme, cohort year, cohort id) of the new students
    for planned in plan.new:
        v = planned.values
        pid = programme_ids[v["programme"]]
        cid = cohorts.get((pid, v["cohort"]))
        if cid is None:
            row = m.Cohort(programme_id=pid, start_year=v["cohort"])
            s.add(row)
            s.flush()
            cid = cohorts[(pid, v["cohort"])] = row.id
        groups.add((v["programme"], v["cohort"], cid))
        planned.student_id = next_id
        students.append({"id": next_id, "programme_id": pid, "cohort_id": cid, "student_number": v["student_number"],
                         "first_name": v["first_name"], "last_name": v["last_name"], "email": v["email"],
                         "specialization": v["specialization"]})
        audit.add("student", next_id, next_id, "student_number", None, v["student_number"])
        next_id += 1
    # What add_student gives a new student: active, nothing paid yet, no EC.
    insert_rows(s, m.Student.__table__, students, {"status": "active", "tuition_paid": False, "enrolled": True,
                                                   "ec_earned": 0, "participation_fee_paid": False, "notes": ""})
    for code, year, cid in sorted(groups):
        _add_academic_core_items(s, ws.programmes[code], year, cid, first_id, next_id - 1)
    if plan.updated:
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for planned in plan.updated:
            by_fields[tuple(sorted(planned.changes))].append(
                {"id": planned.student_id, **{n: new for n, (_, new) in planned.changes.items()}})
            for name, (old, new) in planned.changes.items():
                audit.add("student", planned.student_id, planned.student_id, name, old, new)
        for params in by_fields.values():
            update_rows(s, m.Student.__table__, "id", params)
        respec = [p.student_id for p in plan.updated if "specialization" in p.changes and p.student_id is not None]
        if respec:
            refresh_ec_bulk(s, respec, ws.programmes, ws.as_of())


def _add_academic_core_items(s: Session, programme: Programme, year: int, cohort_id: int, first: int, last: int) -> None:
    """The Academic Core items every new student of `programme` owes (as services/students.
    create_portfolio_defaults adds them), for the new students first..last of one cohort:
    one INSERT ... SELECT instead of three parameter rows per student."""
    if programme.academic_core is None:
        return
    due = academic_core_due_dates(programme, year, None)
    items = union_all(*[
        select(literal(n, Integer).label("position"), literal(kind, String).label("kind"),
               literal(name, String).label("name"), literal(due[kind], Date).label("due_date"))
        for n, (kind, name) in enumerate(ACADEMIC_CORE_ITEMS)]).subquery("items")
    S, P = m.Student.__table__, m.PortfolioItem.__table__
    owed = (select(S.c.id, literal("academic_core", String), items.c.kind, items.c.name, items.c.due_date, null(),
                   literal("", String))
            .select_from(S.join(items, true()))
            .where(S.c.id.between(first, last), S.c.cohort_id == cohort_id)
            .order_by(S.c.id, items.c.position))
    s.execute(insert(P).from_select(["student_id", "component", "kind", "name", "due_date", "received_date", "note"],
                                    owed))


def _write_results(ws: Workspace, s: Session, plan: ImportPlan, audit: _Audit) -> None:
    read: _ResultsRead = plan.context
    today = ws.as_of()
    t = m.CourseResult.__table__
    # The results as they will be: (student, course) -> attempt -> (grade, no show); for the EC.
    after: dict[tuple[int, int], dict[int, tuple[float | None, bool]]] = {}
    for planned in [*plan.new, *plan.updated]:
        key = (planned.values["student_id"], planned.values["course_id"])
        if key not in after:
            after[key] = {a.attempt: (a.grade, a.no_show) for a in read.attempts.get(key, ())}
    with_date, without_date = [], []
    for planned in plan.updated:
        v = planned.values
        row = {"id": planned.result_id, "grade": v["grade"], "no_show": v["no_show"], "registered_on": today}
        if v["exam_date"] is not None:
            with_date.append({**row, "exam_date": v["exam_date"]})
        else:
            without_date.append(row)
        after[(v["student_id"], v["course_id"])][v["attempt"]] = (v["grade"], v["no_show"])
    update_rows(s, t, "id", with_date)
    update_rows(s, t, "id", without_date)
    next_id = (s.scalar(select(func.max(m.CourseResult.id))) or 0) + 1
    inserts = []
    for planned in plan.new:
        v = planned.values
        when = v["exam_date"]
        if when is None and v["attempt"] == 1:
            definition = ws.programmes[v["programme"]].course(v["course_code"])
            if definition is not None and definition.month is not None:
                when = scheduled_exam_date(v["cohort"], definition.month, definition.year)
        v["exam_date"] = when
        planned.result_id = next_id
        inserts.append({"id": next_id, "student_id": v["student_id"], "course_id": v["course_id"],
                        "attempt": v["attempt"], "exam_date": when, "grade": v["grade"], "no_show": v["no_show"],
                        "registered_on": today})
        after[(v["student_id"], v["course_id"])][v["attempt"]] = (v["grade"], v["no_show"])
        next_id += 1
    # The rules of record_grade (services/courses.py): a fail or No Show registers the student
    # for the resit, unless a later attempt already exists.
    verdicts: dict[tuple[str, float | None, bool], tuple[str, bool]] = {}   # -> (grade as text, resit needed)
    for planned in [*plan.new, *plan.updated]:
        v = planned.values
        key = (v["student_id"], v["course_id"])
        verdict = (v["programme"], v["grade"], v["no_show"])
        if verdict not in verdicts:
            grade = Grade(None, no_show=True) if v["no_show"] else Grade(v["grade"])
            verdicts[verdict] = (str(grade), needs_resit(grade, ws.programmes[v["programme"]].pass_mark))
        grade_text, resit = verdicts[verdict]
        if resit and max(after[key]) <= v["attempt"]:
            definition = ws.programmes[v["programme"]].course(v["course_code"])
            when = v["exam_date"] if v["exam_date"] is not None else v.get("current_exam_date")
            resit_on = resit_date(when, definition.resit_month if definition else None) if when else None
            inserts.append({"id": next_id, "student_id": v["student_id"], "course_id": v["course_id"],
                            "attempt": v["attempt"] + 1, "exam_date": resit_on, "grade": None, "no_show": False,
                            "registered_on": None})
            after[key][v["attempt"] + 1] = (None, False)
            next_id += 1
        old = planned.changes.get("grade", (None, None))[0]
        audit.add("course_result", planned.result_id, v["student_id"], f"{v['course_code']} attempt {v['attempt']}",
                  old, grade_text)
    insert_rows(s, t, inserts)
    update_rows(s, m.Student.__table__, "id", _ec_changes(ws, s, read, after))


Attempts = tuple[tuple[float | None, bool], ...]    # one course's attempts in order: (grade, no show)


def _grades(attempts: Attempts) -> list[Grade]:
    """A course's grades in attempt order as the EC rules read them (an open registration has none)."""
    return [g for g in (grade_from(no_show, value) for value, no_show in attempts) if g is not None]


def _ec_changes(ws: Workspace, s: Session, read: _ResultsRead,
                after: dict[tuple[int, int], dict[int, tuple[float | None, bool]]]) -> list[dict[str, int]]:
    """The new EC total of each student whose EC the import changes ({"id", "ec_earned"}).

    A course counts for the EC when its best attempt is a pass (domain/progress.py), so a
    student none of whose imported courses turns from not passed to passed (or back) keeps
    the EC they have. For the others the EC rules (component_progress) run on their results
    before and after the import, and the difference goes onto the stored total: what does
    not depend on course results (internships, literature study, Academic Core) is the same
    on both sides. Students with the same results share one evaluation."""
    passes: dict[tuple[float, Attempts], bool] = {}

    def passed(pass_mark: float, attempts: Attempts) -> bool:
        key = (pass_mark, attempts)
        if key not in passes:
            best = best_attempt(_grades(attempts))
            passes[key] = best is not None and best.passed(pass_mark)
        return passes[key]

    def as_before(rows: Iterable[_Attempt]) -> Attempts:
        return tuple((a.grade, a.no_show) for a in rows)

    now_of: dict[tuple[int, int], Attempts] = {}
    flipped: set[int] = set()
    pass_marks = {code: p.pass_mark for code, p in ws.programmes.items()}
    for key, attempts in after.items():
        now_of[key] = now = tuple(attempts[n] for n in sorted(attempts))
        sid = key[0]
        if sid not in flipped:
            pass_mark = pass_marks[read.students[sid].code]
            if passed(pass_mark, as_before(read.attempts.get(key, ()))) != passed(pass_mark, now):
                flipped.add(sid)
    if not flipped:
        return []
    before_of: dict[int, dict[int, Attempts]] = {sid: {} for sid in flipped}
    for (sid, cid), rows in read.attempts.items():
        if sid in flipped:
            before_of[sid][cid] = as_before(rows)
    after_of = {sid: dict(before_of[sid]) for sid in flipped}
    for (sid, cid), now in now_of.items():
        if sid in flipped:
            after_of[sid][cid] = now
    A, C = m.OptionalCourseApproval, m.Course
    approvals: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for a in s.execute(select(A.student_id, A.course_id, C.code, C.ec, A.status, A.external, A.credit_form_received)
                       .join(C, A.course_id == C.id).where(_one_of(A.student_id, flipped)).order_by(A.student_id, C.code)):
        approvals[a[0]].append(tuple(a[1:]))

    def facts(student: _Student, results: dict[int, Attempts]) -> StudentProgressFacts:
        # As services/cohort_data.snapshot_of gathers them; no internship, literature or core part complete.
        by_code = {read.courses[cid].code: _grades(attempts) for cid, attempts in results.items()}
        optional = tuple(OptionalCourse(code, ec, status == "approved", external, form, tuple(_grades(results.get(cid, ()))))
                         for cid, code, ec, status, external, form in approvals.get(student.id, ()))
        return StudentProgressFacts({c: g for c, g in sorted(by_code.items()) if g}, student.specialization, optional, {})

    deltas: dict[tuple[Any, ...], int] = {}
    changes = []
    for sid in sorted(flipped):
        student = read.students[sid]
        key = (student.code, student.specialization, tuple(sorted(before_of[sid].items())),
               tuple(sorted(after_of[sid].items())), tuple(approvals.get(sid, ())))
        if key not in deltas:
            programme = ws.programmes[student.code]
            deltas[key] = (total_ec(component_progress(programme, facts(student, after_of[sid])))
                           - total_ec(component_progress(programme, facts(student, before_of[sid]))))
        if deltas[key]:
            changes.append({"id": sid, "ec_earned": student.ec_earned + deltas[key]})
    return changes


def kind_fields(kind: str) -> tuple[str, ...]:
    if kind not in KINDS:
        raise NotFound(f"An import is of students or results, not '{kind}'.", "kind")
    return STUDENT_FIELDS if kind == "students" else RESULT_FIELDS
