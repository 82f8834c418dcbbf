"""Plan internships and the Literature Study, interruptions, marks and portfolio due dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.approvals import APPROVAL_STATUSES, check_decision_date
from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.grades import validate_mark
from coordinator_app.domain.internships import Period, validate_part_time, validate_rank, validate_travel_code
from coordinator_app.domain.people import parse_optional_date, parse_yes_no, validate_email
from coordinator_app.domain.programme import LiteratureStudyRules, PortfolioRule, Programme
from coordinator_app.domain.registers import UMC_ASSESSORS
from coordinator_app.domain.student import internship_due_dates, internship_schedule, literature_due_dates
from coordinator_app.domain.values import FieldCheck, FieldValue
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.register_links import (
    INTERNSHIP_ROLES,
    LITERATURE_ROLES,
    apply_host,
    apply_people,
    drop_host_if_unused,
    drop_if_unused,
    optional_id,
    set_person_email,
    supervisor_organisations,
)
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

INTERNSHIP_KINDS = ("minor", "major")
MARK_FIELDS_INTERNSHIP = ("practical_mark", "supervisor_report_mark", "assessor_report_mark", "presentation_mark")
MARK_FIELDS_LITERATURE = ("outline_mark", "supervisor_report_mark", "assessor_report_mark", "presentation_mark")


def _short_text(limit: int) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = " ".join(str(value or "").split())
        if len(text) > limit:
            raise DomainError(f"At most {limit} characters.", None)
        return text

    return check


def _date(field: str) -> Callable[[object], date | None]:
    def check(value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return parse_optional_date(str(value), field)

    return check


def _mark(field: str) -> Callable[[str | float | None], float | None]:
    def check(value: str | float | None) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError as exc:
                raise DomainError(f"'{value}' is not a mark. Enter a number from 1.0 to 10.0.", field) from exc
        return validate_mark(float(value), field)

    return check


def _approval(value: object) -> str:
    if value not in APPROVAL_STATUSES:
        raise DomainError(f"Approval must be one of: {', '.join(APPROVAL_STATUSES)}; not '{value}'.", "approval_status")
    return str(value)


def _percent(value: object) -> int:
    try:
        number = int(str(value).strip().rstrip("%"))
    except ValueError as exc:
        raise DomainError(f"'{value}' is not a percentage.", "part_time_percent") from exc
    return validate_part_time(number)


INTERNSHIP_FIELDS: dict[str, FieldCheck] = {
    "host": _short_text(200),
    "department": _short_text(200),
    "topic": _short_text(300),
    "is_umc": lambda v: parse_yes_no(v, "is_umc"),
    "country": _short_text(100),
    "travel_code": validate_travel_code,
    "international_office_notified": lambda v: parse_yes_no(v, "international_office_notified"),
    "approval_status": _approval,
    "approval_date": _date("approval_date"),
    "start_date": _date("start_date"),
    "part_time_percent": _percent,
    "daily_supervisor": _short_text(200),
    "daily_supervisor_rank": lambda v: validate_rank(v, "daily_supervisor_rank"),
    "second_supervisor": _short_text(200),
    "second_supervisor_rank": lambda v: validate_rank(v, "second_supervisor_rank"),
    "assessor": _short_text(200),
    "assessor_rank": lambda v: validate_rank(v, "assessor_rank"),
    "assessor_location": lambda v: None if v in (None, "") else _choice_location(v),
    "marks_registered_on": _date("marks_registered_on"),
    **{f: _mark(f) for f in MARK_FIELDS_INTERNSHIP},
    # Register entries chosen by id (the type-ahead), and the chosen people's e-mail addresses.
    "host_id": optional_id("host_id"),
    "host_added": optional_id("host_added"),  # given back by Undo
    **{f"{role}_id": optional_id(f"{role}_id") for role in INTERNSHIP_ROLES},
    **{f"{role}_email": validate_email for role in INTERNSHIP_ROLES},
    **{f"{role}_added": optional_id(f"{role}_added") for role in INTERNSHIP_ROLES},  # given back by Undo
}

LITERATURE_FIELDS: dict[str, FieldCheck] = {
    "subject": _short_text(300),
    "supervisor": _short_text(200),
    "assessor": _short_text(200),
    "assessor_rank": lambda v: validate_rank(v, "assessor_rank"),
    "approval_status": _approval,
    "approval_date": _date("approval_date"),
    "start_date": _date("start_date"),
    "marks_registered_on": _date("marks_registered_on"),
    **{f: _mark(f) for f in MARK_FIELDS_LITERATURE},
    **{f"{role}_id": optional_id(f"{role}_id") for role in LITERATURE_ROLES},
    **{f"{role}_email": validate_email for role in LITERATURE_ROLES},
    **{f"{role}_added": optional_id(f"{role}_added") for role in LITERATURE_ROLES},  # given back by Undo
}


def _choice_location(value: object) -> str:
    if value not in ("VUmc", "AMC"):
        raise DomainError(f"The Amsterdam UMC location is VUmc or AMC, not '{value}'.", "assessor_location")
    return str(value)


def _validate(fields: dict[str, FieldCheck], changes: dict[str, Any]) -> dict[str, FieldValue]:
    clean = {}
    for field, raw in changes.items():
        if field not in fields:
            raise DomainError(f"'{field}' is not a field that can be changed here.", field)
        try:
            clean[field] = fields[field](raw)
        except DomainError as exc:
            # Name the form's field, so the message can stand next to it.
            raise DomainError(exc.message, field) from exc
    return clean


def _sync_items(
    session: Session, student_id: int, component: str, rules: tuple[PortfolioRule, ...], dues: dict[str, date] | None
) -> None:
    """Create missing portfolio items and move due dates; received dates and notes are kept."""
    existing = {
        i.kind: i
        for i in session.scalars(
            select(m.PortfolioItem).where(
                m.PortfolioItem.student_id == student_id, m.PortfolioItem.component == component
            )
        )
    }
    for rule in rules:
        due = dues.get(rule.kind) if dues else None
        item = existing.get(rule.kind)
        if item is None:
            session.add(
                m.PortfolioItem(
                    student_id=student_id, component=component, kind=rule.kind, name=rule.name, due_date=due, note=""
                )
            )
        elif item.due_date != due:
            item.due_date = due


def apply_changes(
    ws: Workspace,
    session: Session,
    row: m.Internship | m.LiteratureStudy,
    clean: dict[str, Any],
    action: str,
    entity: str,
    student_id: int,
    label: str,
) -> dict[str, FieldValue]:
    """Set the validated fields on `row`, one audit entry per change; returns the old values.

    An approval needs the date of the Examination Board's decision.
    """
    check_decision_date(clean.get("approval_status"), clean.get("approval_date") or row.approval_date, "approval_date")
    old: dict[str, FieldValue] = {}
    for field, value in clean.items():
        current = getattr(row, field)
        if current != value:
            old[field] = current
            setattr(row, field, value)
            ws.audit(session, action, entity, row.id, student_id, f"{label}{field}", current, value)
    return old


def _apply_people(
    ws: Workspace,
    s: Session,
    row: m.Internship | m.LiteratureStudy,
    clean: dict[str, Any],
    roles: tuple[str, ...],
    organisations: dict[str, str],
    audit: tuple[str, str, int, str],
) -> dict[str, FieldValue]:
    """The people chosen in `roles` (by name or id), their ranks, then their e-mail addresses."""
    old, _rechecked = apply_people(ws, s, row, clean, roles, organisations, audit)
    for role in roles:
        if f"{role}_email" in clean:
            before = set_person_email(ws, s, getattr(row, f"{role}_id"), clean.pop(f"{role}_email"), f"{role}_email")
            if before is not None:
                old[f"{role}_email"] = before
    return old


def _internship(session: Session, student_id: int, kind: str) -> m.Internship | None:
    return session.scalar(select(m.Internship).where(m.Internship.student_id == student_id, m.Internship.kind == kind))


def _require_internships(programme: Programme) -> None:
    if programme.internships is None:
        raise DomainError(f"{programme.name} has no minor and major internships.", "internship")


def _refresh_internship_items(session: Session, internship: m.Internship, programme: Programme) -> None:
    assert programme.internships is not None
    dues = None
    if internship.start_date:
        periods = [Period(i.start_date, i.end_date) for i in internship.interruptions]
        plan = internship_schedule(
            programme, internship.kind, internship.start_date, internship.part_time_percent, periods
        )
        dues = internship_due_dates(programme, plan)
    _sync_items(
        session,
        internship.student_id,
        programme.internships.kinds[internship.kind].component,
        programme.internships.portfolio,
        dues,
    )


def update_internship(ws: Workspace, student_id: int, kind: str, **changes: Any) -> dict[str, FieldValue]:
    """Plan or change an internship (created on first use); returns the old values for undo."""
    if kind not in INTERNSHIP_KINDS:
        raise DomainError(f"An internship is minor or major, not '{kind}'.", "kind")
    clean = _validate(INTERNSHIP_FIELDS, changes)
    with ws.write() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        _require_internships(programme)
        row = _internship(s, student.id, kind)
        if row is None:
            row = m.Internship(
                student_id=student.id,
                kind=kind,
                part_time_percent=100,
                country="Netherlands",
                approval_status="not requested",
            )
            s.add(row)
            s.flush()
            ws.audit(s, "plan internship", "internship", row.id, student.id, "kind", None, kind)
        audit = ("change internship", "internship", student.id, f"{kind} ")
        old = apply_host(ws, s, row, clean, audit)
        old |= _apply_people(ws, s, row, clean, INTERNSHIP_ROLES, supervisor_organisations(row), audit)
        old |= apply_changes(ws, s, row, clean, "change internship", "internship", student.id, f"{kind} ")
        _refresh_internship_items(s, row, programme)
        refresh_ec(s, student, programme, ws.as_of())
        return old


def add_interruption(ws: Workspace, student_id: int, kind: str, start: date, end: date, reason: str = "") -> int:
    period = Period(start, end)
    with ws.write() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        _require_internships(programme)
        row = _internship(s, student.id, kind)
        if row is None or row.start_date is None:
            raise DomainError(f"Plan the {kind} internship's start date before adding interruptions.", "interruption")
        if period.start < row.start_date:
            raise DomainError(
                f"An interruption ({start:%d-%m-%Y}) cannot start before the internship starts ({row.start_date:%d-%m-%Y}).",
                "interruption",
            )
        interruption = m.Interruption(
            internship_id=row.id, start_date=start, end_date=end, reason=" ".join(reason.split())
        )
        row.interruptions.append(interruption)
        s.flush()
        ws.audit(
            s,
            "add interruption",
            "interruption",
            interruption.id,
            student.id,
            f"{kind} interruption",
            None,
            f"{start.isoformat()} - {end.isoformat()} {reason}".strip(),
        )
        _refresh_internship_items(s, row, programme)
        return interruption.id


@dataclass(frozen=True)
class RemovedInterruption:
    """Everything `restore_interruption` needs to put a removed interruption back (Undo)."""

    student_id: int
    kind: str
    start: date
    end: date
    reason: str


def remove_interruption(ws: Workspace, interruption_id: int) -> RemovedInterruption:
    """Remove an interruption (the planned end moves forward again); returns it, for Undo."""
    with ws.write() as s:
        interruption = s.get(m.Interruption, interruption_id)
        if interruption is None:
            raise NotFound("That interruption no longer exists.", "interruption")
        row = s.get(m.Internship, interruption.internship_id)
        assert row is not None
        student = existing_student(s, row.student_id)
        removed = RemovedInterruption(
            student.id, row.kind, interruption.start_date, interruption.end_date, interruption.reason
        )
        ws.audit(
            s,
            "remove interruption",
            "interruption",
            interruption.id,
            student.id,
            f"{row.kind} interruption",
            f"{interruption.start_date.isoformat()} - {interruption.end_date.isoformat()}",
            None,
        )
        row.interruptions.remove(interruption)
        s.flush()
        _refresh_internship_items(s, row, ws.programme_of(student))
        return removed


def restore_interruption(ws: Workspace, removed: RemovedInterruption) -> int:
    """Put a removed interruption back as it was (Undo of a removal); returns its new id."""
    with ws.write() as s:
        student = existing_student(s, removed.student_id)
        row = _internship(s, student.id, removed.kind)
        if row is None:
            raise NotFound(f"The {removed.kind} internship is no longer planned.", "interruption")
        interruption = m.Interruption(
            internship_id=row.id, start_date=removed.start, end_date=removed.end, reason=removed.reason
        )
        row.interruptions.append(interruption)
        s.flush()
        ws.audit(
            s,
            "restore interruption",
            "interruption",
            interruption.id,
            student.id,
            f"{removed.kind} interruption",
            None,
            f"{removed.start.isoformat()} - {removed.end.isoformat()}",
        )
        _refresh_internship_items(s, row, ws.programme_of(student))
        return interruption.id


def unplan_internship(
    ws: Workspace, student_id: int, kind: str, added: Iterable[int] = (), added_host: int | None = None
) -> None:
    """Take back planning an internship (Undo of its first field): only while nothing came in for it.
    `added`: people that field added to the register on the fly, `added_host` the host it added
    (they go too, unless chosen elsewhere)."""
    with ws.write() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        _require_internships(programme)
        assert programme.internships is not None
        row = _internship(s, student.id, kind)
        if row is None:
            raise NotFound(f"The {kind} internship is not planned.", "internship")
        if row.interruptions:
            raise DomainError(f"The {kind} internship has interruptions; remove them first.", "internship")
        _remove_open_items(s, student.id, programme.internships.kinds[kind].component)
        ws.audit(s, "unplan internship", "internship", row.id, student.id, "kind", kind, None)
        s.delete(row)
        for person in added:
            drop_if_unused(ws, s, person)
        if added_host is not None:
            drop_host_if_unused(ws, s, added_host)
        refresh_ec(s, student, programme, ws.as_of())


def _remove_open_items(session: Session, student_id: int, component: str) -> None:
    """The portfolio items planning created; refused when one was received (that stays on record)."""
    found = list(
        session.scalars(
            select(m.PortfolioItem).where(
                m.PortfolioItem.student_id == student_id, m.PortfolioItem.component == component
            )
        )
    )
    attached = set(
        session.scalars(
            select(m.Attachment.target_id).where(
                m.Attachment.target == "portfolio_item", m.Attachment.target_id.in_([i.id for i in found])
            )
        )
    )
    received = [i.name for i in found if i.received_date is not None or i.note or i.id in attached]
    if received:
        raise DomainError(f"{', '.join(received)} already came in; clear that first.", "received_date")
    for item in found:
        session.delete(item)


def update_literature_study(ws: Workspace, student_id: int, **changes: Any) -> dict[str, FieldValue]:
    clean = _validate(LITERATURE_FIELDS, changes)
    with ws.write() as s:
        student, programme, rules, row = _literature_study(ws, s, student_id)
        if row is None:
            row = m.LiteratureStudy(student_id=student.id, approval_status="not requested")
            s.add(row)
            s.flush()
            ws.audit(s, "plan literature study", "literature_study", row.id, student.id)
        audit = ("change literature study", "literature_study", student.id, "")
        organisations = {"supervisor": "", "assessor": UMC_ASSESSORS}
        old = _apply_people(ws, s, row, clean, LITERATURE_ROLES, organisations, audit)
        old |= apply_changes(ws, s, row, clean, "change literature study", "literature_study", student.id, "")
        dues = literature_due_dates(programme, row.start_date) if row.start_date else None
        _sync_items(s, student.id, rules.component, rules.portfolio, dues)
        refresh_ec(s, student, programme, ws.as_of())
        return old


def _literature_study(
    ws: Workspace, s: Session, student_id: int
) -> tuple[m.Student, Programme, LiteratureStudyRules, m.LiteratureStudy | None]:
    """The student, their programme and its Literature Study rules (refused when it has none), and
    the student's Literature Study row, if planned."""
    student = existing_student(s, student_id)
    programme = ws.programme_of(student)
    if programme.literature_study is None:
        raise DomainError(f"{programme.name} has no Literature Study.", "literature_study")
    return (
        student,
        programme,
        programme.literature_study,
        s.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == student.id)),
    )


def unplan_literature_study(ws: Workspace, student_id: int, added: Iterable[int] = ()) -> None:
    """Take back planning the Literature Study (Undo of its first field): only while nothing came in.
    `added`: as for unplan_internship."""
    with ws.write() as s:
        student, programme, rules, row = _literature_study(ws, s, student_id)
        if row is None:
            raise NotFound("The Literature Study is not planned.", "literature_study")
        _remove_open_items(s, student.id, rules.component)
        ws.audit(s, "unplan literature study", "literature_study", row.id, student.id)
        s.delete(row)
        for person in added:
            drop_if_unused(ws, s, person)
        refresh_ec(s, student, programme, ws.as_of())
