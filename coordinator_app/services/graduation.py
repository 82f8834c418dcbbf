"""Plan graduation: month, ceremony and attendance (the deadline schedule: services/deadlines.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import ceremony_month, graduation_date, month_name, planned_after_this_month
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import ACADEMIC_CORE_ITEMS, academic_core_due_dates
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


def plan_graduation(
    ws: Workspace, student_id: int, year: int, month: int, attends: bool | None = None
) -> tuple[int, int] | None:
    """Plan the graduation month; the ceremony is the first of January, June or September from then.

    Returns the month planned before (None for a first plan), for Undo."""
    if not 1 <= month <= 12:
        raise DomainError(f"A month is 1-12, not {month}.", "month")
    with ws.write() as s:
        return plan_in(ws, s, existing_student(s, student_id), year, month, attends)


def plan_in(
    ws: Workspace, s: Session, student: m.Student, year: int, month: int, attends: bool | None = None
) -> tuple[int, int] | None:
    """`plan_graduation` inside a transaction already open (the bulk action plans many students in one)."""
    if not 1 <= month <= 12:
        raise DomainError(f"A month is 1-12, not {month}.", "month")
    programme = ws.programme_of(student)
    if year < student.cohort.start_year:
        raise DomainError(f"Graduation in {year} is before the cohort started ({student.cohort.start_year}).", "year")
    plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student.id))
    if plan is not None and plan.graduated_on is not None and (plan.planned_year, plan.planned_month) != (year, month):
        raise DomainError(f"The student graduated on {plan.graduated_on:%d-%m-%Y}; the plan stays.", "month")
    before = (plan.planned_year, plan.planned_month) if plan else None
    old = f"{plan.planned_year}-{plan.planned_month:02d}" if plan else None
    if plan is None:
        plan = m.GraduationPlan(student_id=student.id, planned_year=year, planned_month=month)
        s.add(plan)
    plan.planned_year, plan.planned_month = year, month
    plan.ceremony_year, plan.ceremony_month = ceremony_month(year, month, programme.graduation)
    if attends is not None:
        plan.attends_ceremony = attends
    ws.audit(s, "plan graduation", "graduation_plan", plan.id, student.id, "month", old, f"{year}-{month:02d}")
    move_core_due_dates(s, student, programme)
    refresh_ec(s, student, programme, ws.as_of())
    return before


def clear_graduation_plan(ws: Workspace, student_id: int) -> None:
    """Take back a first graduation plan: no month, no ceremony (Undo of the first plan)."""
    with ws.write() as s:
        clear_plan_in(ws, s, existing_student(s, student_id))


def clear_plan_in(ws: Workspace, s: Session, student: m.Student) -> None:
    """`clear_graduation_plan` inside a transaction already open."""
    programme = ws.programme_of(student)
    plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student.id))
    if plan is None:
        raise DomainError("No graduation month is planned.", "month")
    if plan.graduated_on is not None:
        raise DomainError(f"The student graduated on {plan.graduated_on:%d-%m-%Y}; the plan stays.", "month")
    ws.audit(
        s,
        "clear graduation plan",
        "graduation_plan",
        plan.id,
        student.id,
        "month",
        f"{plan.planned_year}-{plan.planned_month:02d}",
        None,
    )
    s.delete(plan)
    s.flush()
    move_core_due_dates(s, student, programme)
    refresh_ec(s, student, programme, ws.as_of())


def record_graduation(s: Session, student_id: int, status: str, as_of: date) -> None:
    """With a change of status: a graduate's graduation date, the last working day of the planned month
    (domain.md, Graduation), kept on the plan; any other status has none. No audit entry of its own:
    the status change's says it all, and its undo (the status set back) sets the date back, since the
    plan cannot change while the student is graduated (`plan_in`, `clear_plan_in`).

    Refused while the planned month is after the month of `as_of`: the date recorded would be one still
    to come. Graduating in the planned month itself, before its last working day, is the usual case."""
    plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student_id))
    if status == "graduated":
        if plan is None:
            raise DomainError(
                "Plan the graduation month first (Graduation tab): a graduate's graduation date is the last "
                "working day of that month.",
                "status",
            )
        if planned_after_this_month((plan.planned_year, plan.planned_month), as_of):
            raise DomainError(
                f"The planned graduation month is {month_name(plan.planned_year, plan.planned_month)}, after "
                f"this month ({month_name(as_of.year, as_of.month)}): a student graduates in the month the "
                "programme was completed. Plan that month on the Graduation tab first.",
                "status",
            )
        plan.graduated_on = graduation_date(plan.planned_year, plan.planned_month)
    elif plan is not None:
        plan.graduated_on = None


def move_core_due_dates(session: Session, student: m.Student, programme: Programme) -> None:
    """The CV and final meeting are due by the deadline of the planned month (the entered one, the
    programme's schedule or the default), or by the nominal end without a plan."""
    if programme.academic_core is None:
        return
    plan = session.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student.id))
    planned = (plan.planned_year, plan.planned_month) if plan else None
    deadline = entered_deadline(session, student.programme_id, *planned) if planned else None
    dues = academic_core_due_dates(programme, student.cohort.start_year, planned, deadline)
    for item in session.scalars(
        select(m.PortfolioItem).where(
            m.PortfolioItem.student_id == student.id, m.PortfolioItem.component == "academic_core"
        )
    ):
        if item.kind in dues and item.kind != ACADEMIC_CORE_ITEMS[0][0]:
            item.due_date = dues[item.kind]


def entered_deadline(session: Session, programme_id: int, year: int, month: int) -> date | None:
    """The deadline the coordinator entered for graduating in (year, month), if any."""
    return session.scalar(
        select(m.GraduationDeadline.deadline).where(
            m.GraduationDeadline.programme_id == programme_id,
            m.GraduationDeadline.year == year,
            m.GraduationDeadline.month == month,
        )
    )


def set_attendance(ws: Workspace, student_id: int, attends: bool | None) -> bool | None:
    """Whether the student attends the ceremony (None: not known yet); returns the previous answer."""
    with ws.write() as s:
        plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student_id))
        if plan is None:
            raise DomainError("Plan the graduation month first.", "attends_ceremony")
        before = plan.attends_ceremony
        ws.audit(s, "ceremony attendance", "graduation_plan", plan.id, student_id, "attends", before, attends)
        plan.attends_ceremony = attends
        return before
