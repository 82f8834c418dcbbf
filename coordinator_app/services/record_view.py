"""One student's whole record, read for the record tabs: plain data plus what the rules conclude.

Everything the tabs show comes from here in one read transaction: the stored rows, and the
domain's evaluation of them (services/snapshot.py + domain/student.py `evaluate`), so the
window never recomputes a rule itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.attention import Urgency, urgency
from coordinator_app.domain.deadlines import MonthDeadline, month_deadline
from coordinator_app.domain.field_labels import changed_label
from coordinator_app.domain.graduation import Readiness
from coordinator_app.domain.marks import MarkResult
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation, InternshipEvaluation, evaluate
from coordinator_app.services.allocation import explanation
from coordinator_app.services.attachments import Document, read_documents
from coordinator_app.services.graduation import entered_deadline
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.record_courses import CourseLine as CourseLine  # re-exported: documents/report.py
from coordinator_app.services.record_courses import OptionalLine, course_lines, optional_courses
from coordinator_app.services.record_versions import record_version
from coordinator_app.services.snapshot import snapshot
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

DUE_SOON_DAYS = 14
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class Item:
    id: int
    component: str
    kind: str
    name: str
    due: date | None
    received: date | None
    note: str
    urgency: Urgency


@dataclass(frozen=True)
class Interruption:
    id: int
    start: date
    end: date
    reason: str


@dataclass(frozen=True)
class InternshipView:
    kind: str
    name: str
    component: str
    planned: bool  # a row exists
    fields: dict[str, Any]
    interruptions: tuple[Interruption, ...]
    evaluation: InternshipEvaluation | None
    items: tuple[Item, ...]
    # The other internships at the same host (another student's, or this one's other kind): a change of what belongs to the host (its UMC
    # answer, country, department) reaches them too, and the record asks first. Read with the record,
    # not when the box is clicked (the window never waits on the database).
    host_shared_with: int = 0


@dataclass(frozen=True)
class LiteratureView:
    planned: bool
    fields: dict[str, Any]
    items: tuple[Item, ...]
    mark: MarkResult | None
    complete: bool
    planned_end: date | None


@dataclass(frozen=True)
class Meeting:
    id: int
    when: date
    topic: str
    notes: str


@dataclass(frozen=True)
class GraduationView:
    planned: tuple[int, int] | None
    graduation_date: date | None
    deadline: date | None
    schedule: MonthDeadline | None  # the planned month's deadline and where it comes from
    ceremony: tuple[int, int] | None
    attends: bool | None
    graduated_on: date | None
    readiness: Readiness


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    user: str
    action: str
    field: str  # as stored: "tuition_paid", "major approval_status"
    old: str | None
    new: str | None
    what: str  # the field in the coordinator's words, as the record's forms name it: "tuition paid"


@dataclass(frozen=True)
class StudentRecord:
    id: int
    programme: Programme
    cohort: int
    as_of: date
    student: dict[str, Any]  # the editable student fields and their stored values
    evaluation: Evaluation
    courses: tuple[CourseLine, ...]
    optional: tuple[OptionalLine, ...]
    optional_choices: tuple[tuple[str, str, bool], ...]  # (code, name, external) of optional courses
    internships: dict[str, InternshipView]
    literature: LiteratureView | None
    mentor: dict[str, str]
    meetings: tuple[Meeting, ...]
    core_items: tuple[Item, ...]
    graduation: GraduationView
    history: tuple[AuditLine, ...]
    next_deadlines: tuple[Item, ...] = field(default=())
    documents: tuple[Document, ...] = field(default=())  # attached to portfolio items, the study, meetings
    preferences: tuple[str, ...] = field(default=())  # the specializations, most wanted first
    allocation: str | None = None  # why the student got what they got in the last allocation
    # The record's version as shown (services/record_versions.py): a save based on it is refused
    # when a colleague changed the student meanwhile.
    version: int = 0

    @property
    def name(self) -> str:
        return f"{self.student['first_name']} {self.student['last_name']}"

    @property
    def label(self) -> str:
        return f"{self.student['student_number']}  {self.name}"


STUDENT_FIELDS = (
    "student_number",
    "first_name",
    "last_name",
    "email",
    "status",
    "specialization",
    "tuition_paid",
    "enrolled",
    "notes",
    "year1_university",
    "year2_university",
    "english_test",
    "english_overall",
    "english_lowest_section",
    "participation_fee_paid",
)
INTERNSHIP_COLUMNS = (
    "host",
    "department",
    "topic",
    "is_umc",
    "country",
    "travel_code",
    "international_office_notified",
    "approval_status",
    "approval_date",
    "start_date",
    "part_time_percent",
    "daily_supervisor",
    "daily_supervisor_rank",
    "second_supervisor",
    "second_supervisor_rank",
    "assessor",
    "assessor_rank",
    "assessor_location",
    "host_id",
    "daily_supervisor_id",
    "second_supervisor_id",
    "assessor_id",
    "practical_mark",
    "supervisor_report_mark",
    "assessor_report_mark",
    "presentation_mark",
    "marks_registered_on",
)
LITERATURE_COLUMNS = (
    "subject",
    "supervisor",
    "supervisor_id",
    "assessor",
    "assessor_id",
    "assessor_rank",
    "approval_status",
    "approval_date",
    "start_date",
    "outline_mark",
    "supervisor_report_mark",
    "assessor_report_mark",
    "presentation_mark",
    "marks_registered_on",
)


def _item(row: m.PortfolioItem, as_of: date) -> Item:
    return Item(
        row.id,
        row.component,
        row.kind,
        row.name,
        row.due_date,
        row.received_date,
        row.note or "",
        urgency(row.due_date, row.received_date, as_of, DUE_SOON_DAYS),
    )


def load_record(ws: Workspace, student_id: int) -> StudentRecord:
    """Everything the record tabs show for one student (raises NotFound once removed)."""
    as_of = ws.as_of()
    with ws.read() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        snap = snapshot(s, student)
        evaluation = evaluate(programme, snap, as_of)
        fields = {name: getattr(student, name) for name in STUDENT_FIELDS}
        optional, choices = optional_courses(s, student)
        courses = course_lines(s, student, programme, optional)
        items = [
            _item(i, as_of)
            for i in s.scalars(
                select(m.PortfolioItem).where(m.PortfolioItem.student_id == student.id).order_by(m.PortfolioItem.id)
            )
        ]
        internships = _internships(s, student, programme, evaluation, items)
        literature = _literature(s, student, programme, evaluation, items)
        mentor_row = s.scalar(select(m.Mentor).where(m.Mentor.student_id == student.id))
        mentor = (
            {"name": mentor_row.name, "organisation": mentor_row.organisation, "email": mentor_row.email}
            if mentor_row
            else {"name": "", "organisation": "", "email": ""}
        )
        _add_emails(s, internships, literature)
        documents = tuple(read_documents(s, student.id))
        preferences = tuple(
            s.scalars(
                select(m.SpecializationPreference.specialization)
                .where(m.SpecializationPreference.student_id == student.id)
                .order_by(m.SpecializationPreference.choice)
            )
        )
        meetings = tuple(
            Meeting(r.id, r.meeting_date, r.topic, r.notes)
            for r in s.scalars(
                select(m.MentorMeeting)
                .where(m.MentorMeeting.student_id == student.id)
                .order_by(m.MentorMeeting.meeting_date, m.MentorMeeting.id)
            )
        )
        graduation = _graduation(s, student, programme, evaluation)
        history = tuple(
            AuditLine(a.at, a.os_user, a.action, a.field, a.old_value, a.new_value, changed_label(a.entity, a.field))
            for a in s.scalars(
                select(m.AuditEntry)
                .where(m.AuditEntry.student_id == student.id)
                .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
                .limit(HISTORY_LIMIT)
            )
        )
        cohort = student.cohort.start_year
        version = record_version(s, student.id)
    open_items = sorted((i for i in items if i.received is None and i.due is not None), key=lambda i: i.due or as_of)
    return StudentRecord(
        id=student_id,
        programme=programme,
        cohort=cohort,
        as_of=as_of,
        student=fields,
        evaluation=evaluation,
        courses=courses,
        optional=optional,
        optional_choices=choices,
        internships=internships,
        literature=literature,
        mentor=mentor,
        meetings=meetings,
        core_items=tuple(i for i in items if i.component == "academic_core"),
        graduation=graduation,
        history=history,
        next_deadlines=tuple(open_items[:6]),
        documents=documents,
        preferences=preferences,
        allocation=explanation(ws, student_id) if programme.specializations else None,
        version=version,
    )


def _add_emails(s: Session, internships: dict[str, InternshipView], literature: LiteratureView | None) -> None:
    """Each chosen person's e-mail address next to their name (`<role>_email`): the register's."""
    views: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        (v.fields, ("daily_supervisor", "second_supervisor", "assessor")) for v in internships.values()
    ]
    if literature is not None:
        views.append((literature.fields, ("supervisor", "assessor")))
    ids = {f.get(f"{role}_id") for f, roles in views for role in roles} - {None}
    emails = dict(s.execute(select(m.Person.id, m.Person.email).where(m.Person.id.in_(ids))).all()) if ids else {}
    for fields, roles in views:
        for role in roles:
            chosen = fields.get(f"{role}_id")
            fields[f"{role}_email"] = emails.get(chosen, "") if chosen is not None else ""


def _internships(
    s: Session, student: m.Student, programme: Programme, evaluation: Evaluation, items: list[Item]
) -> dict[str, InternshipView]:
    if programme.internships is None:
        return {}
    rows = {r.kind: r for r in s.scalars(select(m.Internship).where(m.Internship.student_id == student.id))}
    hosts = {r.host_id for r in rows.values()} - {None}
    placed = (
        dict(
            s.execute(
                select(m.Internship.host_id, func.count())
                .where(m.Internship.host_id.in_(hosts))
                .group_by(m.Internship.host_id)
            ).all()
        )
        if hosts
        else {}
    )
    out = {}
    for key, kind in programme.internships.kinds.items():
        row = rows.get(key)
        fields = (
            {c: getattr(row, c) for c in INTERNSHIP_COLUMNS}
            if row
            else dict.fromkeys(INTERNSHIP_COLUMNS)
            | {
                "part_time_percent": 100,
                "country": "Netherlands",
                "approval_status": "not requested",
                "is_umc": False,
                "international_office_notified": False,
            }
        )
        interruptions = (
            tuple(Interruption(i.id, i.start_date, i.end_date, i.reason) for i in row.interruptions) if row else ()
        )
        out[key] = InternshipView(
            key,
            kind.name,
            kind.component,
            row is not None,
            fields,
            interruptions,
            evaluation.internships.get(key),
            tuple(i for i in items if i.component == kind.component),
            placed.get(row.host_id, 1) - 1 if row is not None else 0,  # this one not counted
        )
    return out


def _literature(
    s: Session, student: m.Student, programme: Programme, evaluation: Evaluation, items: list[Item]
) -> LiteratureView | None:
    rules = programme.literature_study
    if rules is None:
        return None
    row = s.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == student.id))
    fields = (
        {c: getattr(row, c) for c in LITERATURE_COLUMNS} | {"id": row.id}
        if row
        else dict.fromkeys(LITERATURE_COLUMNS) | {"approval_status": "not requested"}
    )
    end = None
    if row is not None and row.start_date is not None:
        from coordinator_app.domain.student import literature_schedule

        end = literature_schedule(programme, row.start_date).planned_end
    return LiteratureView(
        row is not None,
        fields,
        tuple(i for i in items if i.component == rules.component),
        evaluation.literature_mark,
        evaluation.literature_complete,
        end,
    )


def _graduation(s: Session, student: m.Student, programme: Programme, evaluation: Evaluation) -> GraduationView:
    plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == student.id))
    if plan is None:
        return GraduationView(None, None, None, None, None, None, None, evaluation.readiness)
    planned = (plan.planned_year, plan.planned_month)
    month = month_deadline(*planned, programme.graduation, entered_deadline(s, student.programme_id, *planned))
    ceremony = (plan.ceremony_year, plan.ceremony_month) if plan.ceremony_year and plan.ceremony_month else None
    return GraduationView(
        planned,
        month.graduation_date,
        month.deadline,
        month,
        ceremony,
        plan.attends_ceremony,
        plan.graduated_on,
        evaluation.readiness,
    )
