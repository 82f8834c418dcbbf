"""Which attempt of a course a results row is about, and the rows that refuses: two rows on one
attempt (which one counts?), and exam dates out of order with the course's other attempts (a resit
is taken after the exam it resits). What a row is matched with: the student, the course and the
attempts already stored (services/imports/results.py reads them; apply.py writes from them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import Grade, check_attempt_order
from coordinator_app.services.imports.cells import SHOWN_DUPLICATES
from coordinator_app.services.imports.plan import ImportPlan, PlannedRow, Rejection


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


# A row matched: (file row, student number, grade, exam date, attempt or None, student, course).
Matched = tuple[int, str, Grade, date | None, int | None, ResultStudent, ResultCourse]


class StoredAttempt(NamedTuple):
    id: int
    student_id: int
    course_id: int
    attempt: int
    exam_date: date | None
    grade: float | None
    no_show: bool


def more_rows_of_a_course(
    plan: ImportPlan,
    matched: list[Matched],
    column: Callable[[str], str],
) -> tuple[list[Matched], dict[tuple[int, int], set[int]]]:
    """Rows of one student and course: two for the same attempt (or both without one) are refused
    naming each other (which one counts?); returns the rows left and, per student and course still
    on more than one row, the attempts the file names."""
    taken = {(t[5].id, t[6].id, t[4]) for t in matched}  # (student, course, attempt)
    if len(taken) < len(matched):
        same: dict[tuple[int, int, int | None], list[int]] = defaultdict(list)
        for t in matched:
            same[(t[5].id, t[6].id, t[4])].append(t[0])
        refused = {row for rows in same.values() if len(rows) > 1 for row in rows}
        for t in matched:
            if t[0] in refused:
                rows = same[(t[5].id, t[6].id, t[4])]
                plan.rejected.append(Rejection(t[0], column("attempt"), _clash(rows, t[4], t[6].code, t[1])))
        matched = [t for t in matched if t[0] not in refused]
        taken = {(t[5].id, t[6].id, t[4]) for t in matched}
    named: dict[tuple[int, int], set[int]] = {}
    pairs = Counter((sid, cid) for sid, cid, _ in taken)
    if len(pairs) < len(taken):
        named = {pair: set() for pair, rows in pairs.items() if rows > 1}
        for sid, cid, number in taken:
            if number is not None and (sid, cid) in named:
                named[(sid, cid)].add(number)
    return matched, named


def refuse_clashes(
    plan: ImportPlan,
    landed: dict[tuple[int, int, int], list[tuple[int, str]]],
    courses: dict[int, ResultCourse],
    column: Callable[[str], str],
) -> None:
    """Rows that became the same attempt (attempt 1, and a blank one that is attempt 1 too):
    which one counts? Each is refused naming the others, as the file gives the same attempt twice."""
    refused: dict[int, str] = {}
    for (_sid, cid, attempt), found in landed.items():
        if len(found) > 1:
            rows = [row for row, _ in found]
            refused.update(dict.fromkeys(rows, _clash(rows, attempt, courses[cid].code, found[0][1])))
    if not refused:
        return
    plan.rejected.extend(Rejection(row, column("attempt"), said) for row, said in refused.items())
    for planned in (plan.new, plan.updated, plan.unchanged):
        planned[:] = [p for p in planned if p.row not in refused]


def refuse_out_of_order(
    plan: ImportPlan,
    ordered: set[tuple[int, int]],
    stored: dict[tuple[int, int], list[StoredAttempt]],
    column: Callable[[str], str],
) -> None:
    """Rows that change a result whose exam date, as the file gives it, is not after the course's
    earlier attempts and before its later ones (domain/grades.check_attempt_order, as for a grade typed
    in): refused naming both dates. First against the stored attempts no row changes (that row's date
    is wrong), then against the file's other rows, until none is left (which of two rows is wrong is the
    coordinator's to say: both are refused, and the rows left are checked against the dates that stay)."""
    changing = [p for p in (*plan.new, *plan.updated) if _key(p) in ordered]
    if not changing:  # a list read again: its rows change nothing
        return
    stored_dates = {key: {a.attempt: a.exam_date for a in stored.get(key, ())} for key in ordered}
    kept = {key: dict(known) for key, known in stored_dates.items()}  # the attempts no row changes
    for p in changing:
        kept[_key(p)].pop(p.values["attempt"], None)
    refused = _out_of_order(changing, kept)
    while True:
        left = [p for p in (*plan.new, *plan.updated, *plan.unchanged) if _key(p) in ordered and p.row not in refused]
        dates = {key: dict(known) for key, known in stored_dates.items()}
        for p in left:
            v = p.values
            dates[_key(p)][v["attempt"]] = v["exam_date"] if v["exam_date"] is not None else v.get("current_exam_date")
        more = _out_of_order([p for p in left if p.status != "unchanged"], dates)
        if not more:
            break
        refused |= more
    if refused:
        plan.rejected.extend(Rejection(row, column("exam_date"), said) for row, said in refused.items())
        for planned in (plan.new, plan.updated, plan.unchanged):
            planned[:] = [p for p in planned if p.row not in refused]


def _out_of_order(rows: list[PlannedRow], dates: dict[tuple[int, int], dict[int, date | None]]) -> dict[int, str]:
    """{file row: why} for the rows whose exam date is out of order with `dates` (per course, attempt -> date)."""
    refused: dict[int, str] = {}
    for p in rows:
        v = p.values
        try:
            check_attempt_order(v["attempt"], v["exam_date"], dates[_key(p)].items())
        except DomainError as exc:
            refused[p.row] = exc.message
    return refused


def _key(planned: PlannedRow) -> tuple[int, int]:
    return planned.values["student_id"], planned.values["course_id"]


def _clash(rows: list[int], attempt: int | None, course: str, number: str) -> str:
    """'row 14 and row 15 both give attempt 1 of PM-DSB for 2712345' (a few rows named, then a count)."""
    if len(rows) == 2:
        who = f"row {rows[0]} and row {rows[1]} both give"
    else:
        shown = rows[: SHOWN_DUPLICATES + 1]
        more = len(rows) - len(shown)
        listed = (
            ", ".join(map(str, shown)) + f" and {more:,} more"
            if more
            else (", ".join(map(str, shown[:-1])) + f" and {shown[-1]}")
        )
        who = f"rows {listed} all give"
    if attempt is None:
        return f"{who} a result of {course} for {number} without an attempt number; keep one row per result."
    return f"{who} attempt {attempt} of {course} for {number}; keep one row per result."


def match_attempt(
    existing: list[StoredAttempt],
    attempt: int | None,
    when: date | None,
    grade: Grade,
    claimed: set[int],
    reserved: set[int] | None = None,
) -> StoredAttempt | None:
    """The attempt a row is about: its number; else the one on the same exam date; else the
    same result already there (a second import); else the open registration (a resit waiting).
    A row without a number leaves alone the attempts other rows of the file name (`reserved`),
    whichever row comes first."""
    if not existing:
        return None
    free = [a for a in existing if a.id not in claimed]
    if attempt is not None:
        return next((a for a in free if a.attempt == attempt), None)
    if reserved:
        free = [a for a in free if a.attempt not in reserved]
    if when is not None:
        same_day = next((a for a in free if a.exam_date == when), None)
        if same_day is not None:
            return same_day
    if when is None:
        same = next((a for a in free if (a.grade, a.no_show) == (grade.value, grade.no_show)), None)
        if same is not None:
            return same
    return next((a for a in free if a.grade is None and not a.no_show), None)
