"""What if a student graduated in a given month: every remaining deadline against it, the gaps that
would block it, and the earliest month the planned work still fits. Nothing is saved.

The month's deadline for final products (entered, the programme's schedule or the computed
default), the marks-registration limit (N weeks before the graduation date), the ceremony, and
for each internship, the Literature Study and the Academic Core: its planned end and each open
portfolio item's due date against that deadline. Readiness (domain/graduation.py) adds what does
not depend on the month (EC, tuition, enrolment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coordinator_app.domain.deadlines import MonthDeadline, month_deadline
from coordinator_app.domain.graduation import ceremony_month, graduation_date
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import (
    ItemSnapshot,
    StudentSnapshot,
    academic_core_due_dates,
    evaluate,
    literature_schedule,
)

SEARCH_MONTHS = 36


@dataclass(frozen=True)
class Line:
    what: str
    due: date | None
    state: str  # "done", "in time", "overdue" (yet in time for the month), "late", "not planned"
    sentence: str

    @property
    def blocks(self) -> bool:
        return self.state in ("late", "not planned")


@dataclass(frozen=True)
class WhatIf:
    month: tuple[int, int]
    graduation_date: date
    deadline: MonthDeadline
    marks_by: date
    ceremony: tuple[int, int]
    lines: tuple[Line, ...]
    other_blockers: tuple[str, ...]  # readiness, whatever the month
    earliest: tuple[int, int] | None  # the first month from now the planned work fits

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(line.sentence for line in self.lines if line.blocks) + self.other_blockers

    @property
    def works(self) -> bool:
        return not self.gaps


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _item_line(component: str, item: ItemSnapshot, deadline: date, as_of: date) -> Line:
    what = f"{component}: {item.name}"
    if item.received is not None:
        return Line(what, item.due, "done", f"{what} received {item.received:%d-%m-%Y}")
    if item.due is None:
        return Line(what, None, "not planned", f"{what} has no due date yet (plan its start)")
    if item.due > deadline:
        return Line(what, item.due, "late", f"{what} due {item.due:%d-%m-%Y}, after the deadline {deadline:%d-%m-%Y}")
    if deadline < as_of:
        return Line(what, item.due, "late", f"{what} still open, and the deadline {deadline:%d-%m-%Y} has passed")
    if item.due < as_of:  # late already, but it can still come in before the month's deadline
        return Line(
            what, item.due, "overdue", f"{what} overdue since {item.due:%d-%m-%Y}; still in time if it comes in"
        )
    return Line(what, item.due, "in time", f"{what} due {item.due:%d-%m-%Y}")


def _end_line(what: str, end: date | None, done: bool, deadline: date) -> Line:
    if done:
        return Line(what, end, "done", f"{what} complete")
    if end is None:
        return Line(what, None, "not planned", f"{what} not planned (no start date)")
    if end > deadline:
        return Line(what, end, "late", f"{what} ends {end:%d-%m-%Y}, after the deadline {deadline:%d-%m-%Y}")
    return Line(what, end, "in time", f"{what} ends {end:%d-%m-%Y}")


def _lines(
    programme: Programme, snap: StudentSnapshot, month: tuple[int, int], deadline: date, as_of: date
) -> list[Line]:
    ev = evaluate(programme, snap, as_of)
    lines: list[Line] = []
    if programme.internships:
        for key, kind in programme.internships.kinds.items():
            internship = ev.internships.get(key)
            end = internship.schedule.planned_end if internship and internship.schedule else None
            lines.append(_end_line(kind.name, end, bool(internship and internship.complete), deadline))
            own = snap.internships.get(key)
            for item in own.portfolio if own else ():
                lines.append(_item_line(kind.name, item, deadline, as_of))
    if programme.literature_study:
        lit = snap.literature
        end = literature_schedule(programme, lit.start).planned_end if lit and lit.start else None
        lines.append(_end_line("Literature Study", end, ev.literature_complete, deadline))
        for item in lit.portfolio if lit else ():
            lines.append(_item_line("Literature Study", item, deadline, as_of))
    if programme.academic_core:
        for item in snap.academic_core_items:
            lines.append(_item_line("Academic Core", item, deadline, as_of))
    return lines


def _moved(programme: Programme, snap: StudentSnapshot, month: tuple[int, int], deadline: date) -> StudentSnapshot:
    """The snapshot as if `month` were planned: the Academic Core items due by its deadline."""
    if programme.academic_core is None:
        return replace(snap, graduation=month)
    dues = academic_core_due_dates(programme, snap.cohort_year, month, deadline)
    items = tuple(
        replace(i, due=dues.get(i.kind, i.due)) if i.kind != "first_year_assignments" else i
        for i in snap.academic_core_items
    )
    return replace(snap, graduation=month, academic_core_items=items)


def what_if(
    programme: Programme,
    snap: StudentSnapshot,
    month: tuple[int, int],
    as_of: date,
    entered: Callable[[int, int], date | None],
) -> WhatIf:
    """The student's remaining deadlines if they graduated in `month`; `entered(year, month)` gives
    the deadline the coordinator entered for a month, if any."""
    year, mon = month
    schedule = month_deadline(year, mon, programme.graduation, entered(year, mon))
    moved = _moved(programme, snap, month, schedule.deadline)
    lines = _lines(programme, moved, month, schedule.deadline, as_of)
    readiness = evaluate(programme, moved, as_of).readiness
    others = tuple(b for b in readiness.blockers if not b.startswith("last mark registered"))
    marks_by = graduation_date(year, mon) - timedelta(weeks=programme.graduation.marks_registered_weeks_before)
    late_marks = tuple(b for b in readiness.blockers if b.startswith("last mark registered"))
    return WhatIf(
        month,
        graduation_date(year, mon),
        schedule,
        marks_by,
        ceremony_month(year, mon, programme.graduation),
        tuple(lines) + tuple(Line("Marks", marks_by, "late", b) for b in late_marks),
        tuple(b for b in others if not b.endswith(" not complete") and "EC earned" not in b),
        earliest_month(programme, snap, as_of, entered),
    )


def earliest_month(
    programme: Programme, snap: StudentSnapshot, as_of: date, entered: Callable[[int, int], date | None]
) -> tuple[int, int] | None:
    """The first month from `as_of`'s on whose deadline every planned piece of work fits (None when
    something is not planned yet, or nothing fits within three years)."""
    year, mon = as_of.year, as_of.month
    for _ in range(SEARCH_MONTHS):
        schedule = month_deadline(year, mon, programme.graduation, entered(year, mon))
        if schedule.deadline >= as_of:
            lines = _lines(
                programme,
                _moved(programme, snap, (year, mon), schedule.deadline),
                (year, mon),
                schedule.deadline,
                as_of,
            )
            if any(line.state == "not planned" for line in lines):
                return None
            if not any(line.blocks for line in lines):
                return year, mon
        year, mon = _next_month(year, mon)
    return None
