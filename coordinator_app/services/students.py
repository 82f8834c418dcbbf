"""Add, change and remove students."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.cohort import holds_a_place
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.imim import check_english_scores
from coordinator_app.domain.people import (
    parse_yes_no,
    validate_email,
    validate_name,
    validate_notes,
    validate_student_number,
)
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import NEW_STUDENT_DEFAULTS, academic_core_items
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.graduation import move_core_due_dates, record_graduation
from coordinator_app.services.lookup import (
    cohort_row,
    existing_student,
    find_programme,
    programme_row,
    removed_label,
    removed_with_number,
    student_row,
)
from coordinator_app.services.row_writes import update_row
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.verdicts import FEEDS, mark_stale
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.sessions import INCLUDE_REMOVED

if TYPE_CHECKING:
    from coordinator_app.store.quick_statements import QuickRow

STATUSES = ("active", "graduated", "stopped")
PLACE_HOLDERS = tuple(s for s in STATUSES if holds_a_place(s))  # who takes a specialization place


@dataclass(frozen=True)
class NewStudent:
    programme: str  # code or name
    cohort: int
    student_number: str
    first_name: str
    last_name: str
    email: str = ""
    specialization: str | None = None


def _optional_number(value: Any, field: str, low: float, high: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError as exc:
        raise DomainError(f"'{value}' is not a number.", field) from exc
    if not low <= number <= high:
        raise DomainError(f"{field.replace('_', ' ').capitalize()} must be between {low:g} and {high:g}.", field)
    return number


def _choice(value: Any, field: str, choices: tuple[str, ...], allow_empty: bool = True) -> str | None:
    if value in (None, "") and allow_empty:
        return None
    if value not in choices:
        raise DomainError(
            f"{field.replace('_', ' ').capitalize()} must be one of: {', '.join(choices)}; not '{value}'.", field
        )
    return str(value)


def student_validators(programme: Programme) -> dict[str, Callable[[Any], Any]]:
    imim = programme.imim
    validators: dict[str, Callable[[Any], Any]] = {
        "student_number": validate_student_number,
        "first_name": lambda v: validate_name(v, "first_name"),
        "last_name": lambda v: validate_name(v, "last_name"),
        "email": validate_email,
        "status": lambda v: _choice(v, "status", STATUSES, allow_empty=False),
        "specialization": lambda v: _choice(v, "specialization", tuple(s.key for s in programme.specializations)),
        "tuition_paid": lambda v: parse_yes_no(v, "tuition_paid"),
        "enrolled": lambda v: parse_yes_no(v, "enrolled"),
        "notes": lambda v: validate_notes(v, "notes"),
    }
    if imim:
        validators.update(
            {
                "year1_university": lambda v: _choice(v, "year1_university", imim.year1_universities),
                "year2_university": lambda v: _choice(v, "year2_university", imim.year2_universities),
                "english_test": lambda v: _choice(v, "english_test", tuple(imim.english_tests)),
                "english_overall": lambda v: _optional_number(v, "english_overall", 0, 700),
                "english_lowest_section": lambda v: _optional_number(v, "english_lowest_section", 0, 700),
                "participation_fee_paid": lambda v: parse_yes_no(v, "participation_fee_paid"),
            }
        )
    return validators


_ENGLISH = frozenset({"english_test", "english_overall", "english_lowest_section"})  # checked together


def editable_fields(programme: Programme) -> tuple[str, ...]:
    return tuple(student_validators(programme))


def _check_capacity(session: Session, student: m.Student | QuickRow, programme: Programme, key: str | None) -> None:
    """At most `capacity` (20) students per specialization per cohort."""
    if key is None:
        return
    spec = programme.specialization(key)
    assert spec is not None
    taken = session.scalar(
        select(func.count())
        .select_from(m.Student)
        .where(
            m.Student.cohort_id == student.cohort_id,
            m.Student.specialization == key,
            m.Student.status.in_(PLACE_HOLDERS),
            m.Student.id != student.id,
        )
    )
    if (taken or 0) >= spec.capacity:
        raise DomainError(
            f"{spec.name} is full: {taken} of {spec.capacity} places are taken in this cohort.", "specialization"
        )


def _check_number_free(session: Session, programme_id: int, programme: Programme, number: str) -> None:
    """A student number is one person's: a removed student keeps theirs until restored."""
    removed = removed_with_number(session, programme_id, number)
    if removed is not None:
        raise DomainError(
            f"Student number {number} belongs to {removed_label(removed)}: restore them "
            "(File > Removed students) instead of adding them again.",
            "student_number",
        )
    clash = session.scalar(
        select(m.Student.id).where(m.Student.programme_id == programme_id, m.Student.student_number == number)
    )
    if clash:
        raise DomainError(f"Student number {number} is already in {programme.code}.", "student_number")


def create_portfolio_defaults(session: Session, student: m.Student, programme: Programme) -> None:
    """Academic Core items every PM student owes (first-year assignments, CV, final meeting)."""
    for kind, name, due in academic_core_items(programme, student.cohort.start_year):
        session.add(
            m.PortfolioItem(student_id=student.id, component="academic_core", kind=kind, name=name, due_date=due)
        )


def add_student(ws: Workspace, new: NewStudent) -> int:
    """Add a student to a programme and cohort (the cohort is created if it is new)."""
    programme = find_programme(ws.programmes, new.programme)
    validators = student_validators(programme)
    number = validators["student_number"](new.student_number)
    first = validators["first_name"](new.first_name)
    last = validators["last_name"](new.last_name)
    email = validators["email"](new.email)
    spec = validators["specialization"](new.specialization)
    with ws.write() as s:
        prog = programme_row(s, programme.code)
        _check_number_free(s, prog.id, programme, number)
        cohort = cohort_row(s, prog.id, new.cohort, create=True)
        student = m.Student(
            programme_id=prog.id,
            cohort_id=cohort.id,
            student_number=number,
            first_name=first,
            last_name=last,
            email=email,
            **NEW_STUDENT_DEFAULTS,
        )
        student.cohort = cohort
        student.programme = prog
        s.add(student)
        s.flush()
        _check_capacity(s, student, programme, spec)
        student.specialization = spec
        create_portfolio_defaults(s, student, programme)
        ws.audit(s, "add student", "student", student.id, student.id, "student_number", None, number)
        return student.id


def update_student(ws: Workspace, student_id: int, **changes: Any) -> dict[str, FieldValue]:
    """Change fields of a student; returns the old values (for undo). All or nothing."""
    with ws.write() as s:
        # A Core row and one UPDATE (services/row_writes.py): a field is the edit made most often.
        student = student_row(s, student_id)
        programme = ws.programmes[student.programme_code]
        validators = student_validators(programme)
        old: dict[str, FieldValue] = {}
        new: dict[str, Any] = {}
        for field, raw in changes.items():
            if field not in validators:
                raise DomainError(f"'{field}' cannot be changed for a {programme.code} student.", field)
            value = validators[field](raw)
            if field == "specialization" and value != student.specialization:
                _check_capacity(s, student, programme, value)
            if field == "student_number" and value != student.student_number:
                _check_number_free(s, student.programme_id, programme, value)
            current = getattr(student, field)
            if current == value:
                continue
            old[field], new[field] = current, value
            ws.audit(s, "change student", "student", student.id, student.id, field, current, value)
        if "status" in new:
            record_graduation(s, student.id, new["status"], ws.as_of())
        if programme.imim and not _ENGLISH.isdisjoint(new):
            now = {name: new.get(name, getattr(student, name)) for name in _ENGLISH}
            check_english_scores(
                now["english_test"], now["english_overall"], now["english_lowest_section"], programme.imim
            )
        update_row(s, m.Student, student.id, new)
        if "specialization" in old or "status" in old:  # the EC total reads them: judged now
            refresh_ec(s, student, programme, ws.as_of())
            _places_changed(ws, s, student_row(s, student_id), programme)
        elif not FEEDS["student"].isdisjoint(new):
            mark_stale(s, (student.id,))  # the verdict is worked out when next asked
        return old


def _places_changed(ws: Workspace, s: Session, student: m.Student | QuickRow, programme: Programme) -> None:
    """A place chosen by hand takes the student off lower waiting lists; a place freed (a change,
    a stop, a removal) goes to the first student waiting for it."""
    if not programme.specializations:
        return
    from coordinator_app.services.allocation import fill_freed_places, leave_lower_lists

    if student.specialization is not None and student.removed_at is None and student.status == "active":
        leave_lower_lists(s, student.id, student.specialization)
    fill_freed_places(ws, s, student.cohort_id, programme)


def remove_student(ws: Workspace, student_id: int) -> str:
    """Take a student out of every list, count, check and export; their records and history stay,
    and `restore_student` brings them back. Returns how the student is named, for messages."""
    with ws.write() as s:
        student = existing_student(s, student_id)
        label = f"{student.student_number} {student.first_name} {student.last_name}"
        student.removed_at = datetime.now(UTC).replace(tzinfo=None)
        ws.audit(s, "remove student", "student", student.id, student.id, "", label, None)
        if student.specialization is not None and student.status != "stopped":
            _places_changed(ws, s, student, ws.programme_of(student))
        return label


def restore_student(ws: Workspace, student_id: int) -> str:
    """Bring a removed student back, as they were; refused while their specialization is full."""
    with ws.write() as s:
        student = s.get(m.Student, student_id, execution_options=INCLUDE_REMOVED)
        if student is None:
            raise DomainError(f"Student {student_id} does not exist.", "student")
        label = f"{student.student_number} {student.first_name} {student.last_name}"
        if student.removed_at is None:
            raise DomainError(f"{label} is not removed.", "student")
        programme = ws.programme_of(student)
        try:
            if holds_a_place(student.status):  # a student who stopped holds no place
                _check_capacity(s, student, programme, student.specialization)
        except DomainError as exc:
            raise DomainError(
                f"{label} cannot come back yet: {exc.message} Free a place first, or take "
                "another student out of this specialization.",
                "specialization",
            ) from exc
        student.removed_at = None
        ws.audit(s, "restore student", "student", student.id, student.id, "", None, label)
        # While removed their Academic Core due dates did not follow the deadline schedule.
        move_core_due_dates(s, student, programme)
        return label


@dataclass(frozen=True)
class RemovedStudent:
    id: int
    student_number: str
    first_name: str
    last_name: str
    programme: str
    cohort: int
    status: str
    removed_at: datetime  # UTC, as stored
    removed_by: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def removed_students(ws: Workspace) -> list[RemovedStudent]:
    """Every removed student, most recently removed first, with who removed them."""
    S = m.Student
    with ws.read() as s:
        rows = s.execute(
            select(
                S.id,
                S.student_number,
                S.first_name,
                S.last_name,
                m.Programme.code,
                m.Cohort.start_year,
                S.status,
                S.removed_at,
            )
            .execution_options(**INCLUDE_REMOVED)
            .join(m.Programme, S.programme_id == m.Programme.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(S.removed_at.is_not(None))
            .order_by(S.removed_at.desc(), S.student_number)
        ).all()
        by: dict[int, str] = {}
        for sid, user in s.execute(
            select(m.AuditEntry.student_id, m.AuditEntry.os_user)
            .where(m.AuditEntry.action == "remove student")
            .order_by(m.AuditEntry.id)
        ):
            if sid is not None:
                by[sid] = user  # the last removal of each student wins
    return [
        RemovedStudent(sid, number, first, last, code, year, status, removed_at, by.get(sid, ""))
        for sid, number, first, last, code, year, status, removed_at in rows
        if removed_at is not None
    ]


def count_students(ws: Workspace) -> int:
    """Students in the database, the removed ones not counted."""
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(m.Student)) or 0
