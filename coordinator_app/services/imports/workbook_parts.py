"""The parts of a record an exported workbook lets a coordinator change, and how each change is made.

A workbook that comes back (services/imports/workbook.py) names each changed cell by the part of
the record it belongs to and that part's natural key: a course attempt (student, course code,
attempt), an internship (student, kind), the Literature Study (student), a portfolio item
(student, component, kind). What may be changed, how a cell is read as a value and how the change
is made are the services' own: the validators of services/internships.py, record_grade,
mark_received. Nothing here decides a rule of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import Grade, format_mark, grade_from, parse_grade
from coordinator_app.domain.internships import parse_rank
from coordinator_app.domain.people import validate_notes
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.ranks import RANKS
from coordinator_app.domain.values import CellValue
from coordinator_app.services import courses, internships, portfolio
from coordinator_app.services.imports.cells import as_date, as_text, one_of
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

RESULT, INTERNSHIP, LITERATURE, ITEM = "result", "internship", "literature_study", "portfolio_item"

# What a coordinator may change of each part: the fields the services take for it.
CHANGEABLE: dict[str, tuple[str, ...]] = {
    RESULT: ("grade", "exam_date"),
    # (the people's e-mail addresses the services also take live in the people register, not on the part)
    INTERNSHIP: tuple(f for f in internships.INTERNSHIP_FIELDS if hasattr(m.Internship, f)),
    LITERATURE: tuple(f for f in internships.LITERATURE_FIELDS if hasattr(m.LiteratureStudy, f)),
    ITEM: ("received_date", "note"),
}
_DATES = {"exam_date", "approval_date", "start_date", "marks_registered_on", "received_date"}
_RANKS = {"daily_supervisor_rank", "second_supervisor_rank", "assessor_rank"}


def changeable(part: str, field_name: str) -> bool:
    return field_name in CHANGEABLE.get(part, ())


def read_cell(part: str, field_name: str, cell: CellValue) -> Any:
    """A cell as the value the service takes for `field_name` (DomainError when it is none)."""
    if field_name in _DATES:
        return as_date(cell, field_name)
    if part == RESULT:  # the grade
        text = as_text(cell)
        return parse_grade(text) if text else None
    if part == ITEM:  # the note
        return validate_notes(as_text(cell), "note")
    if field_name in _RANKS:
        return parse_rank(as_text(cell), field_name)
    check = (internships.INTERNSHIP_FIELDS if part == INTERNSHIP else internships.LITERATURE_FIELDS)[field_name]
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and field_name.endswith("_mark"):
        return check(float(cell))
    return check(as_text(cell))


def shown(field_name: str, value: object) -> str:
    """A value as the review shows it (the app's own way: 7.5, NS, 03-02-2026, yes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, float):
        return format_mark(value)
    if field_name in _RANKS:
        return RANKS.get(str(value), str(value))
    return str(value)


@dataclass
class Current:
    """One part of a record as the database has it now."""

    student_id: int
    student_number: str
    student: str  # the name, for the review
    what: str  # "PM-PERS attempt 2", "minor internship", "Literature Study", "List of Agreements"
    values: dict[str, Any] = field(default_factory=dict)


def read_current(
    session: Session, programmes: Mapping[str, Programme], wanted: dict[str, set[tuple[Any, ...]]]
) -> dict[tuple[Any, ...], Current]:
    """(part, *key) -> the part as stored now, for every key in `wanted` that still exists (removed
    students and deleted parts are missing). A few bulk queries whatever the number of keys."""
    ids = {key[0] for keys in wanted.values() for key in keys}
    if not ids:
        return {}
    S = m.Student
    people = {
        sid: (number, f"{first} {last}".strip(), code)
        for sid, number, first, last, code in session.execute(
            select(S.id, S.student_number, S.first_name, S.last_name, m.Programme.code)
            .join(m.Programme, S.programme_id == m.Programme.id)
            .where(one_of(S.id, ids))
        )
    }
    out: dict[tuple[Any, ...], Current] = {}

    def keep(part: str, key: tuple[Any, ...], what: str, values: dict[str, Any]) -> None:
        if key in wanted.get(part, ()) and key[0] in people:
            number, name, _ = people[key[0]]
            out[(part, *key)] = Current(key[0], number, name, what, values)

    R, C = m.CourseResult, m.Course
    if wanted.get(RESULT):
        for sid, code, attempt, grade, no_show, exam_date in session.execute(
            select(R.student_id, C.code, R.attempt, R.grade, R.no_show, R.exam_date)
            .join(C, R.course_id == C.id)
            .where(one_of(R.student_id, {k[0] for k in wanted[RESULT]}))
        ):
            keep(
                RESULT,
                (sid, code, attempt),
                f"{code} attempt {attempt}",
                {"grade": grade_from(no_show, grade), "exam_date": exam_date},
            )
    if wanted.get(INTERNSHIP):
        Intern = m.Internship
        for internship in session.scalars(
            select(Intern).where(one_of(Intern.student_id, {k[0] for k in wanted[INTERNSHIP]}))
        ):
            sid, kind = internship.student_id, internship.kind
            values = {f: getattr(internship, f) for f in CHANGEABLE[INTERNSHIP]}
            keep(INTERNSHIP, (sid, kind), _internship_name(programmes, people, sid, kind), values)
    if wanted.get(LITERATURE):
        L = m.LiteratureStudy
        for study in session.scalars(select(L).where(one_of(L.student_id, {k[0] for k in wanted[LITERATURE]}))):
            values = {f: getattr(study, f) for f in CHANGEABLE[LITERATURE]}
            keep(LITERATURE, (study.student_id,), "Literature Study", values)
    if wanted.get(ITEM):
        P = m.PortfolioItem
        for sid, component, kind, name, received, note in session.execute(
            select(P.student_id, P.component, P.kind, P.name, P.received_date, P.note).where(
                one_of(P.student_id, {k[0] for k in wanted[ITEM]})
            )
        ):
            keep(ITEM, (sid, component, kind), name, {"received_date": received, "note": note})
    return out


def _internship_name(
    programmes: Mapping[str, Programme], people: dict[int, tuple[str, str, str]], sid: int, kind: str
) -> str:
    rules = programmes[people[sid][2]].internships if sid in people else None
    if rules is not None and kind in rules.kinds:
        return str(rules.kinds[kind].name)
    return f"{kind} internship"


Undo = Callable[[], object]  # takes the change back (what it returns is not used)


def change(ws: Workspace, part: str, key: tuple[Any, ...], new: dict[str, Any], now: dict[str, Any]) -> Undo:
    """Make the changes `new` (field -> value) to one part through its service; returns the call
    that takes them back (the window's undo). Raises DomainError when the rules refuse them."""
    sid = key[0]
    if part == RESULT:
        return _result(ws, key, new, now)
    if part == INTERNSHIP:
        kind = key[1]
        old = internships.update_internship(ws, sid, kind, **new)
        return lambda: internships.update_internship(ws, sid, kind, **old)
    if part == LITERATURE:
        old = internships.update_literature_study(ws, sid, **new)
        return lambda: internships.update_literature_study(ws, sid, **old)
    if part == ITEM:
        item = portfolio.find_item(ws, sid, key[1], key[2])
        received = new.get("received_date", now.get("received_date"))
        note = new.get("note")
        previous = portfolio.mark_received(ws, item, received, note)
        old_note = now.get("note") if note is not None else None
        return lambda: portfolio.mark_received(ws, item, previous, old_note)
    raise DomainError(f"'{part}' is not a part of a record that can be changed from a workbook.")


def _result(ws: Workspace, key: tuple[Any, ...], new: dict[str, Any], now: dict[str, Any]) -> Undo:
    sid, code, attempt = key
    if "grade" in new and new["grade"] is None:
        raise DomainError(
            "a grade is not removed by an import; delete the attempt on the student's Courses tab.", "grade"
        )
    if "exam_date" in new and new["exam_date"] is None:
        raise DomainError("an exam date is not removed by an import; keep the date or type another.", "exam_date")
    grade: Grade | None = new.get("grade", now.get("grade"))
    if grade is None:
        raise DomainError("this attempt has no grade yet: type the grade together with the exam date.", "exam_date")
    recorded = courses.record_grade(ws, sid, code, str(grade), attempt=attempt, exam_date=new.get("exam_date"))
    return lambda: courses.undo_grade(ws, recorded)


def keys_of(targets: Iterable[tuple[Any, ...]]) -> dict[str, set[tuple[Any, ...]]]:
    """(part, *key) targets grouped as read_current takes them."""
    wanted: dict[str, set[tuple[Any, ...]]] = {}
    for part, *key in targets:
        wanted.setdefault(part, set()).add(tuple(key))
    return wanted
