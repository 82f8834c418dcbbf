"""Academic Core: the mentor and the mentor meetings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.people import validate_email, validate_notes
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


@dataclass(frozen=True)
class MeetingBefore:
    """A mentor meeting as it was: what Undo puts back after a change or a delete."""

    student_id: int
    when: date
    topic: str
    notes: str


def set_mentor(
    ws: Workspace,
    student_id: int,
    name: str,
    organisation: str = "",
    email: str | None = "",
    person_id: int | None = None,
    added: list[int] | None = None,
    drop: Iterable[int] = (),
) -> dict[str, str] | None:
    """Choose (or change) the student's mentor from the people register: `person_id`, or a name
    (with organisation) that is looked up there, or added to it. The e-mail address given is the
    person's (everywhere they are chosen). Returns the mentor before (None for a first), for Undo.
    `added` gets the person added to the register on the fly, if any; `drop`: people an edit being
    undone added, taken out again unless chosen elsewhere (an undo leaves the register as it was)."""
    from coordinator_app.services.register_links import drop_if_unused

    with ws.write() as s:
        before = set_mentor_in(ws, s, existing_student(s, student_id), name, organisation, email, person_id, added)
        for person in drop:
            drop_if_unused(ws, s, person)
        return before


def set_mentor_in(
    ws: Workspace,
    s: Session,
    student: m.Student,
    name: str,
    organisation: str = "",
    email: str | None = "",
    person_id: int | None = None,
    added: list[int] | None = None,
) -> dict[str, str] | None:
    """`set_mentor` inside a transaction already open (the bulk action names one mentor for many)."""
    from coordinator_app.services.people import sync_person
    from coordinator_app.services.register_links import resolve_person_added, set_person_email

    email = None if email is None else validate_email(email)  # None: keep the person's address
    name = " ".join((name or "").split())
    organisation = " ".join((organisation or "").split())
    if not name and person_id is None:
        raise DomainError("Give the mentor's name.", "mentor")
    if ws.programme_of(student).academic_core is None:
        raise DomainError("This programme has no Academic Core mentor.", "mentor")
    mentor = s.scalar(select(m.Mentor).where(m.Mentor.student_id == student.id))
    before = (
        {"name": mentor.name, "organisation": mentor.organisation, "email": mentor.email}
        if mentor is not None
        else None
    )
    if mentor is None:
        mentor = m.Mentor(student_id=student.id, name="", organisation="", email="")
        s.add(mentor)
        s.flush()  # an id for the audit entries below
    if person_id is not None:
        person = s.get(m.Person, person_id)
        if person is None:
            raise NotFound("That person is no longer in the register.", "mentor")
    else:
        person, added_now = resolve_person_added(ws, s, name, organisation, None, "mentor")
        if added_now and added is not None:
            added.append(person.id)
        if organisation and person.organisation != organisation:
            ws.audit(s, "change person", "person", person.id, None, "organisation", person.organisation, organisation)
            person.organisation = organisation
    shown = {"name": mentor.name, "organisation": mentor.organisation, "email": mentor.email}
    mentor.person_id = person.id
    if email is not None:
        set_person_email(ws, s, person.id, email, "email")
    sync_person(s, person)
    for field, value in shown.items():  # the student's history says what their mentor is now
        if getattr(mentor, field) != value:
            ws.audit(s, "set mentor", "mentor", mentor.id, student.id, field, value or None, getattr(mentor, field))
    return before


def clear_mentor(ws: Workspace, student_id: int, drop: Iterable[int] = ()) -> None:
    """No mentor recorded any more (Undo of naming the first one). `drop`: people that naming added
    to the register on the fly, taken out again unless chosen elsewhere."""
    from coordinator_app.services.register_links import drop_if_unused

    with ws.write() as s:
        clear_mentor_in(ws, s, existing_student(s, student_id))
        for person in drop:
            drop_if_unused(ws, s, person)


def clear_mentor_in(ws: Workspace, s: Session, student: m.Student) -> None:
    mentor = s.scalar(select(m.Mentor).where(m.Mentor.student_id == student.id))
    if mentor is None:
        raise NotFound("No mentor is recorded for this student.", "mentor")
    ws.audit(s, "clear mentor", "mentor", mentor.id, student.id, "name", mentor.name, None)
    s.delete(mentor)


def add_meeting(ws: Workspace, student_id: int, when: date, topic: str = "", notes: str = "") -> int:
    topic, notes = validate_notes(topic, "topic"), validate_notes(notes, "notes")
    with ws.write() as s:
        student = existing_student(s, student_id)
        if when < date(student.cohort.start_year, 1, 1):
            raise DomainError(f"A mentor meeting on {when:%d-%m-%Y} is before the cohort started.", "meeting_date")
        return _insert_meeting(ws, s, student, when, " ".join(topic.split()), notes, "add mentor meeting")


def update_meeting(ws: Workspace, meeting_id: int, when: date, topic: str, notes: str) -> MeetingBefore:
    """Change a meeting's date, topic or notes; returns the meeting as it was, for Undo."""
    topic, notes = validate_notes(topic, "topic"), validate_notes(notes, "notes")
    with ws.write() as s:
        meeting = s.get(m.MentorMeeting, meeting_id)
        if meeting is None:
            raise NotFound("That meeting no longer exists.", "meeting")
        before = _before(meeting)
        for field, value in (("meeting_date", when), ("topic", " ".join(topic.split())), ("notes", notes)):
            if getattr(meeting, field) != value:
                ws.audit(
                    s,
                    "change mentor meeting",
                    "mentor_meeting",
                    meeting.id,
                    meeting.student_id,
                    field,
                    getattr(meeting, field),
                    value,
                )
                setattr(meeting, field, value)
        student = existing_student(s, meeting.student_id)
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return before


def _before(meeting: m.MentorMeeting) -> MeetingBefore:
    return MeetingBefore(meeting.student_id, meeting.meeting_date, meeting.topic, meeting.notes)


def delete_meeting(ws: Workspace, meeting_id: int) -> MeetingBefore:
    """Delete a mentor meeting; returns it, so Undo can restore it."""
    with ws.write() as s:
        meeting = s.get(m.MentorMeeting, meeting_id)
        if meeting is None:
            raise NotFound("That meeting no longer exists.", "meeting")
        before = _before(meeting)
        student = existing_student(s, meeting.student_id)
        attached = s.scalars(
            select(m.Attachment.name).where(
                m.Attachment.target == "mentor_meeting", m.Attachment.target_id == meeting.id
            )
        ).all()
        if attached:
            raise DomainError(f"{', '.join(attached)} is attached to this meeting; take it off first.", "meeting")
        ws.audit(
            s,
            "delete mentor meeting",
            "mentor_meeting",
            meeting.id,
            student.id,
            "meeting",
            f"{meeting.meeting_date.isoformat()} {meeting.topic}".strip(),
            None,
        )
        s.delete(meeting)
        s.flush()
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return before


def restore_meeting(ws: Workspace, deleted: MeetingBefore) -> int:
    """Put a deleted mentor meeting back as it was (Undo of a delete); returns its new id."""
    with ws.write() as s:
        student = existing_student(s, deleted.student_id)
        return _insert_meeting(ws, s, student, deleted.when, deleted.topic, deleted.notes, "restore mentor meeting")


def _insert_meeting(
    ws: Workspace, s: Session, student: m.Student, when: date, topic: str, notes: str, action: str
) -> int:
    meeting = m.MentorMeeting(student_id=student.id, meeting_date=when, topic=topic, notes=notes)
    s.add(meeting)
    s.flush()
    # The trail shows the topic as stored (trimmed), like the delete entry does.
    ws.audit(
        s, action, "mentor_meeting", meeting.id, student.id, "meeting", None, f"{when.isoformat()} {topic}".strip()
    )
    refresh_ec(s, student, ws.programme_of(student), ws.as_of())
    return meeting.id
