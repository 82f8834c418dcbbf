"""The attendance certificate of a student who stopped: what they completed, read from their record.

The lines are the domain's verdicts on the record the window shows (services/record_view.py): a
course passed (its best attempt; an optional course only once it counts, approved and with its
credit form), an internship complete with a valid approval, the Literature Study and the Academic
Core complete. Who may have one is domain/certificate.py's rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator_app.domain.certificate import CompletedPart, certificate_ec, certificate_refusal
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.progress import optional_course_accepted
from coordinator_app.services.record_courses import CourseLine
from coordinator_app.services.record_view import StudentRecord, load_record
from coordinator_app.services.workspace import Workspace


@dataclass(frozen=True)
class Certificate:
    student_name: str
    student_number: str
    programme: str  # the programme's full name
    institution: str
    programme_ec: int
    cohort: int
    parts: tuple[CompletedPart, ...]
    coordinator: str
    issued: date

    @property
    def ec(self) -> int:
        return certificate_ec(self.parts)

    @property
    def courses(self) -> int:
        return sum(1 for p in self.parts if p.is_course)


def _counts(line: CourseLine, record: StudentRecord) -> bool:
    """A course on the certificate: passed and, for an optional course, counting towards the degree."""
    if not line.passed:
        return False
    if line.component != "optional":
        return True
    approval = next((o for o in record.optional if o.code == line.code), None)
    return approval is not None and optional_course_accepted(
        approval.status == "approved", approval.external, approval.credit_form_received
    )


def _passed_on(line: CourseLine) -> date | None:
    """The exam day of the attempt that counts (the best one; the earliest of equals)."""
    best = None
    for attempt in line.attempts:
        if attempt.passed and attempt.grade == line.result:
            best = attempt if best is None else best
    return best.exam_date if best else None


def completed_parts(record: StudentRecord) -> tuple[CompletedPart, ...]:
    """Every course passed and every whole part completed, in the programme's order."""
    parts = [
        CompletedPart(line.component_name, line.name, line.ec, None, _passed_on(line), True)
        for line in record.courses
        if _counts(line, record)
    ]
    programme = record.programme
    for view in record.internships.values():
        ev = view.evaluation
        if ev is not None and ev.complete and ev.approval_valid and ev.schedule is not None:
            ec = programme.component(view.component).ec
            parts.append(CompletedPart(view.name, view.name, ec, ev.schedule.start, ev.schedule.planned_end, False))
    literature, rules = record.literature, programme.literature_study
    if literature is not None and rules is not None and literature.complete:
        name = programme.component(rules.component).name
        start = literature.fields.get("start_date")
        parts.append(CompletedPart(name, name, rules.ec, start, literature.planned_end, False))
    core, core_rules = record.evaluation.academic_core, programme.academic_core
    if core is not None and core_rules is not None and core.complete:
        name = programme.component(core_rules.component).name
        final = next((i.received for i in record.core_items if i.kind == "final_portfolio"), None)
        first = record.meetings[0].when if record.meetings else None
        parts.append(CompletedPart(name, name, core_rules.ec, first, final, False))
    return tuple(parts)


def refusal(record: StudentRecord) -> str | None:
    """Why the record's student cannot have a certificate (None: they can); the window asks before offering it."""
    passed = sum(1 for part in completed_parts(record) if part.is_course)
    return certificate_refusal(record.student["status"], passed, record.programme.graduation)


def certificate_from(record: StudentRecord, coordinator: str, issued: date | None = None) -> Certificate:
    """The certificate, or a DomainError saying why this student cannot have one."""
    reason = refusal(record)
    if reason is not None:
        raise DomainError(reason, "status")
    name = " ".join(coordinator.split())
    if not name:
        raise DomainError("The certificate is signed by the coordinator: give your name first.", "coordinator")
    programme = record.programme
    return Certificate(
        student_name=record.name,
        student_number=record.student["student_number"],
        programme=programme.name,
        institution=programme.institution,
        programme_ec=programme.total_ec,
        cohort=record.cohort,
        parts=completed_parts(record),
        coordinator=name,
        issued=issued or record.as_of,
    )


def attendance_certificate(ws: Workspace, student_id: int, coordinator: str, issued: date | None = None) -> Certificate:
    return certificate_from(load_record(ws, student_id), coordinator, issued)
