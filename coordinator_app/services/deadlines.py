"""The graduation deadline schedule the coordinator keeps: list a programme's months, enter or
change a month's deadline, clear an entered one (the programme's schedule or the computed
default applies again). Each change is one transaction with its audit entry, and moves the
Academic Core due dates (CV, final portfolio meeting) of the students planned in that month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coordinator_app.domain.deadlines import (
    MonthDeadline,
    academic_year_months,
    check_deadline,
    check_month,
    month_deadline,
)
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import month_name
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import ACADEMIC_CORE_ITEMS
from coordinator_app.services.lookup import find_programme, programme_row
from coordinator_app.services.verdicts import mark_touched
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

# The Academic Core items due by the graduation deadline (the first-year work has its own date).
DUE_BY_DEADLINE = tuple(kind for kind, _ in ACADEMIC_CORE_ITEMS[1:])


@dataclass(frozen=True)
class DeadlineLine:
    """One month of a programme's schedule, as the dialog and `coordinator-app deadlines` show it."""

    programme: str
    month: MonthDeadline
    planned: int  # active students planned to graduate in the month


@dataclass(frozen=True)
class DeadlineChange:
    """What a change did: the entered deadline before it (for Undo), the month now, and how many
    students' Academic Core due dates moved with it."""

    programme: str
    before: date | None
    now: MonthDeadline
    changed: bool
    students_moved: int

    @property
    def summary(self) -> str:
        now = self.now
        what = month_name(now.year, now.month)
        if not self.changed:
            return f"The {self.programme} deadline for graduating in {what} is already {now.deadline:%d-%m-%Y}; nothing changed."
        if now.source.value == "entered":
            text = f"The {self.programme} deadline for graduating in {what} is now {now.deadline:%d-%m-%Y}"
        else:
            text = (
                f"Cleared the {self.programme} deadline entered for {what}: the {now.source.value} "
                f"{now.deadline:%d-%m-%Y} applies again"
            )
        moved = self.students_moved
        if moved:
            text += f"; Academic Core due dates moved for {moved} student{'s' if moved != 1 else ''}"
        return text + "."


def _entered(session: Session, programme_id: int, year: int, month: int) -> m.GraduationDeadline | None:
    D = m.GraduationDeadline
    return session.scalar(select(D).where(D.programme_id == programme_id, D.year == year, D.month == month))


def deadline_schedule(ws: Workspace, programme: str, academic_year: int) -> list[DeadlineLine]:
    """The twelve graduation months of an academic year (September-August) with their deadlines."""
    found = find_programme(ws.programmes, programme)
    check_month(academic_year, 9)
    check_month(academic_year + 1, 8)
    months = academic_year_months(academic_year)
    keys = [y * 100 + mo for y, mo in months]
    G, D = m.GraduationPlan, m.GraduationDeadline
    with ws.read() as s:
        prog = programme_row(s, found.code)
        entered = {
            (d.year, d.month): d.deadline
            for d in s.scalars(
                select(D).where(
                    D.programme_id == prog.id, D.year * 100 + D.month >= keys[0], D.year * 100 + D.month <= keys[-1]
                )
            )
        }
        # Grouped by the two columns, not by year * 100 + month: PostgreSQL sees each bound 100 as another
        # expression and refuses a SELECT whose column is not the GROUP BY's.
        planned = {
            year * 100 + month: n
            for year, month, n in s.execute(
                select(G.planned_year, G.planned_month, func.count())
                .join(m.Student, m.Student.id == G.student_id)
                .where(
                    m.Student.programme_id == prog.id,
                    m.Student.status == "active",
                    G.planned_year * 100 + G.planned_month >= keys[0],
                    G.planned_year * 100 + G.planned_month <= keys[-1],
                )
                .group_by(G.planned_year, G.planned_month)
            ).all()
        }
    return [
        DeadlineLine(
            found.code, month_deadline(y, mo, found.graduation, entered.get((y, mo))), planned.get(y * 100 + mo, 0)
        )
        for y, mo in months
    ]


def set_deadline(ws: Workspace, programme: str, year: int, month: int, deadline: date) -> DeadlineChange:
    """Enter or change the deadline for graduating in (year, month)."""
    found = find_programme(ws.programmes, programme)
    check_deadline(year, month, deadline)
    with ws.write() as s:
        prog = programme_row(s, found.code)
        row = _entered(s, prog.id, year, month)
        before = row.deadline if row else None
        current = month_deadline(year, month, found.graduation, before)
        if current.deadline == deadline:
            return DeadlineChange(found.code, before, current, False, 0)
        if row is None:
            row = m.GraduationDeadline(programme_id=prog.id, year=year, month=month, deadline=deadline)
            s.add(row)
            s.flush()
        else:
            row.deadline = deadline
        ws.audit(
            s,
            "graduation deadline",
            "graduation_deadline",
            row.id,
            None,
            f"{found.code} {year}-{month:02d}",
            before,
            deadline,
        )
        moved = _move_due_dates(ws, s, found, prog.id, year, month, deadline)
        return DeadlineChange(found.code, before, month_deadline(year, month, found.graduation, deadline), True, moved)


def clear_deadline(ws: Workspace, programme: str, year: int, month: int) -> DeadlineChange:
    """Take back the deadline entered for (year, month): the programme's schedule or the computed
    default applies again."""
    found = find_programme(ws.programmes, programme)
    check_month(year, month)
    with ws.write() as s:
        prog = programme_row(s, found.code)
        row = _entered(s, prog.id, year, month)
        now = month_deadline(year, month, found.graduation)
        if row is None:
            raise DomainError(
                f"No deadline was entered for graduating in {month_name(year, month)} in {found.code}; "
                f"the {now.source.value} {now.deadline:%d-%m-%Y} applies.",
                "deadline",
            )
        before = row.deadline
        ws.audit(
            s,
            "clear graduation deadline",
            "graduation_deadline",
            row.id,
            None,
            f"{found.code} {year}-{month:02d}",
            before,
            None,
        )
        s.delete(row)
        moved = _move_due_dates(ws, s, found, prog.id, year, month, now.deadline)
        return DeadlineChange(found.code, before, now, True, moved)


def _move_due_dates(
    ws: Workspace, s: Session, programme: Programme, programme_id: int, year: int, month: int, deadline: date
) -> int:
    """The CV and final portfolio meeting of the students planned in (year, month) are due by the new
    deadline; each student's History says so. Removed students follow when they are restored."""
    if programme.academic_core is None:
        return 0
    P, G = m.PortfolioItem, m.GraduationPlan
    planned = (
        select(G.student_id)
        .join(m.Student, m.Student.id == G.student_id)
        .where(
            m.Student.programme_id == programme_id,
            m.Student.removed_at.is_(None),  # said: an UPDATE
            G.planned_year == year,
            G.planned_month == month,
        )
    )  # is not filtered
    moved = s.execute(
        select(P.student_id, P.kind, P.due_date).where(
            P.student_id.in_(planned),
            P.component == "academic_core",
            P.kind.in_(DUE_BY_DEADLINE),
            P.due_date.is_distinct_from(deadline),
        )
    ).all()
    if not moved:
        return 0
    s.execute(
        update(P)
        .where(
            P.student_id.in_(planned),
            P.component == "academic_core",
            P.kind.in_(DUE_BY_DEADLINE),
            P.due_date.is_distinct_from(deadline),
        )
        .values(due_date=deadline)
        .execution_options(synchronize_session=False)
    )
    mark_touched(s, {student_id for student_id, _, _ in moved})  # an UPDATE the flush does not see
    for student_id, kind, old in moved:
        ws.audit(s, "graduation deadline", "portfolio_item", None, student_id, f"{kind} due", old, deadline)
    return len({student_id for student_id, _, _ in moved})
