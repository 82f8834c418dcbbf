"""Read students' rows and hand them to the domain as StudentSnapshots.

Reads in bulk (one query per table for any number of students) so the attention list and
exports evaluate hundreds of students without a query storm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coordinator_app.domain.grades import Grade
from coordinator_app.domain.internships import Period
from coordinator_app.domain.progress import OptionalCourse
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import (
    Evaluation, InternshipSnapshot, ItemSnapshot, LiteratureSnapshot, StudentSnapshot, evaluate,
)
from coordinator_app.store import models as m

_CHUNK = 900   # stay below SQLite's limit on bound parameters


def grade_of(row: m.CourseResult) -> Grade | None:
    if row.no_show:
        return Grade(None, no_show=True)
    if row.grade is None:
        return None          # a registration (e.g. the resit) with no result yet
    return Grade(row.grade)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def snapshots(session: Session, students: Sequence[m.Student]) -> dict[int, StudentSnapshot]:
    """Snapshots of `students` (with their cohort loaded), keyed by student id."""
    ids = [s.id for s in students]
    results: dict[int, dict[str, list[Grade]]] = defaultdict(lambda: defaultdict(list))
    by_course: dict[tuple[int, int], list[Grade]] = defaultdict(list)
    last_registered: dict[int, date] = {}
    approvals: dict[int, list[m.OptionalCourseApproval]] = defaultdict(list)
    items: dict[tuple[int, str], list[ItemSnapshot]] = defaultdict(list)
    internships: dict[int, list[m.Internship]] = defaultdict(list)
    literature: dict[int, m.LiteratureStudy] = {}
    meetings: dict[int, list[date]] = defaultdict(list)
    plans: dict[int, m.GraduationPlan] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(m.CourseResult, m.Course.code).join(m.Course).where(m.CourseResult.student_id.in_(chunk))
            .order_by(m.CourseResult.student_id, m.CourseResult.attempt))
        for result, code in rows:
            grade = grade_of(result)
            if grade is None:
                continue
            results[result.student_id][code].append(grade)
            by_course[(result.student_id, result.course_id)].append(grade)
            if result.registered_on and result.registered_on > last_registered.get(result.student_id, date.min):
                last_registered[result.student_id] = result.registered_on
        for a in session.scalars(select(m.OptionalCourseApproval).options(selectinload(m.OptionalCourseApproval.course)).where(m.OptionalCourseApproval.student_id.in_(chunk))):
            approvals[a.student_id].append(a)
        for item in session.scalars(select(m.PortfolioItem).where(m.PortfolioItem.student_id.in_(chunk)).order_by(m.PortfolioItem.id)):
            items[(item.student_id, item.component)].append(ItemSnapshot(item.kind, item.name, item.due_date, item.received_date))
        for row in session.scalars(select(m.Internship).options(selectinload(m.Internship.interruptions))
                                   .where(m.Internship.student_id.in_(chunk))):
            internships[row.student_id].append(row)
        for lit in session.scalars(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id.in_(chunk))):
            literature[lit.student_id] = lit
        for sid, when in session.execute(select(m.MentorMeeting.student_id, m.MentorMeeting.meeting_date)
                                         .where(m.MentorMeeting.student_id.in_(chunk))):
            meetings[sid].append(when)
        for plan in session.scalars(select(m.GraduationPlan).where(m.GraduationPlan.student_id.in_(chunk))):
            plans[plan.student_id] = plan
    out = {}
    for student in students:
        sid = student.id
        optional = tuple(
            OptionalCourse(a.course.code, a.course.ec, a.status == "approved", a.external, a.credit_form_received,
                           tuple(by_course.get((sid, a.course_id), [])))
            for a in approvals.get(sid, []))
        lit = literature.get(sid)
        plan = plans.get(sid)
        out[sid] = StudentSnapshot(
            cohort_year=student.cohort.start_year, status=student.status, specialization=student.specialization,
            tuition_paid=student.tuition_paid, enrolled=student.enrolled,
            results={code: list(g) for code, g in results.get(sid, {}).items()},
            last_grade_registered=last_registered.get(sid), optional_courses=optional,
            internships={row.kind: _internship(row, tuple(items.get((sid, f"{row.kind}_internship"), [])))
                         for row in internships.get(sid, [])},
            literature=_literature(lit, tuple(items.get((sid, "literature_study"), []))) if lit else None,
            mentor_meetings=tuple(meetings.get(sid, [])), academic_core_items=tuple(items.get((sid, "academic_core"), [])),
            graduation=(plan.planned_year, plan.planned_month) if plan else None,
            year1_university=student.year1_university, year2_university=student.year2_university,
            english_test=student.english_test, english_overall=student.english_overall,
            english_lowest_section=student.english_lowest_section, participation_fee_paid=student.participation_fee_paid,
        )
    return out


def _internship(row: m.Internship, portfolio: tuple[ItemSnapshot, ...]) -> InternshipSnapshot:
    return InternshipSnapshot(
        kind=row.kind, start=row.start_date, part_time_percent=row.part_time_percent,
        interruptions=tuple(Period(i.start_date, i.end_date) for i in row.interruptions),
        is_umc=row.is_umc, country=row.country, travel_code=row.travel_code,
        approval_status=row.approval_status, assessor_rank=row.assessor_rank,
        practical=row.practical_mark, supervisor_report=row.supervisor_report_mark,
        assessor_report=row.assessor_report_mark, presentation=row.presentation_mark,
        marks_registered_on=row.marks_registered_on, portfolio=portfolio,
    )


def _literature(lit: m.LiteratureStudy, portfolio: tuple[ItemSnapshot, ...]) -> LiteratureSnapshot:
    return LiteratureSnapshot(
        start=lit.start_date, approval_status=lit.approval_status, assessor_rank=lit.assessor_rank,
        outline=lit.outline_mark, supervisor_report=lit.supervisor_report_mark,
        assessor_report=lit.assessor_report_mark, presentation=lit.presentation_mark,
        marks_registered_on=lit.marks_registered_on, portfolio=portfolio,
    )


def snapshot(session: Session, student: m.Student) -> StudentSnapshot:
    return snapshots(session, [student])[student.id]


def evaluate_student(session: Session, student: m.Student, programme: Programme, as_of: date) -> Evaluation:
    return evaluate(programme, snapshot(session, student), as_of)


def refresh_ec(session: Session, student: m.Student, programme: Programme, as_of: date) -> int:
    """Keep the cached EC total in step after a change (the list reads it, never recomputes)."""
    session.flush()
    ec = evaluate_student(session, student, programme, as_of).ec_total
    student.ec_earned = ec
    return ec
