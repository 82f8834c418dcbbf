"""Read one student's rows and hand them to the domain as a StudentSnapshot."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.grades import Grade
from coordinator_app.domain.internships import Period
from coordinator_app.domain.progress import OptionalCourse
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import (
    Evaluation, InternshipSnapshot, ItemSnapshot, LiteratureSnapshot, StudentSnapshot, evaluate,
)
from coordinator_app.store import models as m


def grade_of(row: m.CourseResult) -> Grade | None:
    if row.no_show:
        return Grade(None, no_show=True)
    if row.grade is None:
        return None          # a registration (e.g. the resit) with no result yet
    return Grade(row.grade)


def snapshot(session: Session, student: m.Student) -> StudentSnapshot:
    results: dict[str, list[Grade]] = defaultdict(list)
    optional_grades: dict[int, list[Grade]] = defaultdict(list)
    last_registered: date | None = None
    rows = session.execute(
        select(m.CourseResult, m.Course).join(m.Course).where(m.CourseResult.student_id == student.id)
        .order_by(m.CourseResult.attempt)
    ).all()
    for result, course in rows:
        grade = grade_of(result)
        if grade is None:
            continue
        results[course.code].append(grade)
        optional_grades[course.id].append(grade)
        if result.registered_on and (last_registered is None or result.registered_on > last_registered):
            last_registered = result.registered_on
    optional = tuple(
        OptionalCourse(a.course.code, a.course.ec, a.status == "approved", a.external, a.credit_form_received,
                       tuple(optional_grades.get(a.course_id, [])))
        for a in session.scalars(select(m.OptionalCourseApproval).where(m.OptionalCourseApproval.student_id == student.id))
    )
    items: dict[str, list[ItemSnapshot]] = defaultdict(list)
    for item in session.scalars(select(m.PortfolioItem).where(m.PortfolioItem.student_id == student.id).order_by(m.PortfolioItem.id)):
        items[item.component].append(ItemSnapshot(item.kind, item.name, item.due_date, item.received_date))
    internships = {}
    for row in session.scalars(select(m.Internship).where(m.Internship.student_id == student.id)):
        internships[row.kind] = InternshipSnapshot(
            kind=row.kind, start=row.start_date, part_time_percent=row.part_time_percent,
            interruptions=tuple(Period(i.start_date, i.end_date) for i in row.interruptions),
            is_umc=row.is_umc, country=row.country, travel_code=row.travel_code,
            approval_status=row.approval_status, assessor_rank=row.assessor_rank,
            practical=row.practical_mark, supervisor_report=row.supervisor_report_mark,
            assessor_report=row.assessor_report_mark, presentation=row.presentation_mark,
            marks_registered_on=row.marks_registered_on,
            portfolio=tuple(items.get(f"{row.kind}_internship", [])),
        )
    literature = None
    lit = session.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == student.id))
    if lit is not None:
        literature = LiteratureSnapshot(
            start=lit.start_date, approval_status=lit.approval_status, assessor_rank=lit.assessor_rank,
            outline=lit.outline_mark, supervisor_report=lit.supervisor_report_mark,
            assessor_report=lit.assessor_report_mark, presentation=lit.presentation_mark,
            marks_registered_on=lit.marks_registered_on, portfolio=tuple(items.get("literature_study", [])),
        )
    meetings = tuple(session.scalars(select(m.MentorMeeting.meeting_date).where(m.MentorMeeting.student_id == student.id)))
    plan = session.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student.id))
    return StudentSnapshot(
        cohort_year=student.cohort.start_year, status=student.status, specialization=student.specialization,
        tuition_paid=student.tuition_paid, enrolled=student.enrolled, results=dict(results),
        last_grade_registered=last_registered, optional_courses=optional, internships=internships,
        literature=literature, mentor_meetings=meetings, academic_core_items=tuple(items.get("academic_core", [])),
        graduation=(plan.planned_year, plan.planned_month) if plan else None,
        year1_university=student.year1_university, year2_university=student.year2_university,
        english_test=student.english_test, english_overall=student.english_overall,
        english_lowest_section=student.english_lowest_section, participation_fee_paid=student.participation_fee_paid,
    )


def evaluate_student(session: Session, student: m.Student, programme: Programme, as_of: date) -> Evaluation:
    return evaluate(programme, snapshot(session, student), as_of)


def refresh_ec(session: Session, student: m.Student, programme: Programme, as_of: date) -> int:
    """Keep the cached EC total in step after a change (the list reads it, never recomputes)."""
    session.flush()
    ec = evaluate_student(session, student, programme, as_of).ec_total
    student.ec_earned = ec
    return ec
