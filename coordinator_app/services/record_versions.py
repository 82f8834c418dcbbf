"""Two people, one student: the second save never silently overwrites the first.

A student's record has a version: the id of the newest audit entry about that student. Every change
to a student's data writes one in the same transaction (each service, an import, an undo), so the
version moves with every change and the entries after a version say exactly who changed what since.

The window remembers the version it showed (StudentRecord.version) and saves `with editing(id,
version)`. Workspace.write then checks the version under the write lock, before anything is written:
when it moved, the save is refused with RecordChanged naming who changed what meanwhile, nothing is
written, and the window reloads the record keeping what was typed. A save that goes through moves the
remembered version on, so one coordinator's next save is not taken for a colleague's.

The check is per thread (a context variable): a background job writing meanwhile is not affected.

A bulk action (services/bulk.py) changes hundreds of students in one transaction: it notes the version
it leaves for each (SavedVersions.note_many), and its undo and redo check them all in one query under the
write lock (`refuse_if_students_changed`): when someone else changed any of them since, nothing is written
and StudentsChanged names who changed which students.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.store import models as m

_STORED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # the audit keeps dates as yyyy-mm-dd
SHOWN_CHANGES = 3  # the message names this many changes, then "and N more"
SHOWN_STUDENTS = 5  # a bulk undo's refusal names this many students, then "and N more"
IDS_PER_QUERY = 30_000  # under SQLite's 32,766 parameters (a server takes 65,535)


@dataclass
class Seen:
    """The record version a save is based on (moved on by the save itself)."""

    student_id: int
    version: int


class RecordChanged(Exception):
    """A save refused because someone changed the student's record after it was shown here."""

    def __init__(
        self, message: str, student_id: int, users: tuple[str, ...], version: int, meanwhile: str = ""
    ) -> None:
        super().__init__(message)
        self.student_id = student_id
        self.users = users
        self.version = version  # the record's version now
        self.meanwhile = meanwhile or message  # who changed what, without the advice on what was typed


_seen: ContextVar[Seen | None] = ContextVar("record_seen", default=None)


@contextmanager
def editing(student_id: int, version: int) -> Iterator[Seen]:
    """Saves in this block are refused when the student's record moved past `version`."""
    seen = Seen(student_id, version)
    token = _seen.set(seen)
    try:
        yield seen
    finally:
        _seen.reset(token)


class SavedVersions:
    """Per student: the record version after this workspace's own last save of it based on a shown record
    (an edit in the window, an undo, a redo). An undo or redo is a save too, based on what this window
    last saved: when a colleague changed the student since, it is refused (RecordChanged, naming who
    changed what) instead of putting old values over the colleague's change."""

    def __init__(self) -> None:
        self._after: dict[int, int] = {}

    def note(self, student_id: int, version: int) -> None:
        self._after[student_id] = version

    def last(self, student_id: int) -> int | None:
        return self._after.get(student_id)

    def note_many(self, versions: Mapping[int, int]) -> None:
        """After one of this workspace's own bulk changes (a bulk action, its undo or redo)."""
        self._after.update(versions)

    def last_of(self, student_ids: Iterable[int]) -> dict[int, int]:
        """This workspace's last own version of each of these students it saved (the others left out)."""
        known = self._after
        return {sid: known[sid] for sid in student_ids if sid in known}

    @contextmanager
    def based_on_own_save(self, student_id: int) -> Iterator[None]:
        """Saves in this block are refused when someone else changed the student after this workspace's
        last save of it (without one: nothing to compare with, as on the command line)."""
        version = self._after.get(student_id)
        if version is None:
            yield
            return
        with editing(student_id, version):
            yield


def record_version(session: Session, student_id: int) -> int:
    """The student's record version now (0 before any change was recorded)."""
    newest = session.scalar(select(func.max(m.AuditEntry.id)).where(m.AuditEntry.student_id == student_id))
    return int(newest or 0)


def editing_student() -> int | None:
    """The student whose record this thread's save is based on (None outside `editing`)."""
    seen = _seen.get()
    return seen.student_id if seen is not None else None


def refuse_if_changed(session: Session, version_now: int, own: Container[int] = ()) -> None:
    """At the start of a write, under the write lock: refuse when someone else changed the record since
    it was shown. `version_now`: the record's version read under the lock (store/databases.write_start);
    `own`: the audit entries this workspace wrote itself (its removal of the student, a bulk action on
    it, an undo): those are no colleague's change, so an undo after them goes through."""
    seen = _seen.get()
    if seen is None or version_now == seen.version:
        return
    entries = session.scalars(
        select(m.AuditEntry)
        .where(m.AuditEntry.student_id == seen.student_id, m.AuditEntry.id > seen.version)
        .order_by(m.AuditEntry.id)
    ).all()
    entries = [e for e in entries if e.id not in own]
    if not entries:
        return
    users = tuple(dict.fromkeys(e.os_user for e in entries))
    meanwhile = _meanwhile(session, seen.student_id, entries)
    message = (
        f"Not saved: {meanwhile}. It is shown again as it is now; what you typed is kept, to save again if "
        "it is still right."
    )
    raise RecordChanged(message, seen.student_id, users, version_now, meanwhile)


def note_saved(version_now: int) -> None:
    """At the end of a write that went through (its rows flushed): the next save here is based on this
    one. `version_now`: the record's version read after the flush (store/databases.write_end)."""
    seen = _seen.get()
    if seen is not None:
        seen.version = version_now


def _meanwhile(session: Session, student_id: int, entries: Sequence[m.AuditEntry]) -> str:
    student = session.get(m.Student, student_id)
    whose = f"{student.first_name} {student.last_name}'s record" if student is not None else "This record"
    if not entries:
        what = "it was changed meanwhile"
    else:
        shown = "; ".join(_change(e) for e in entries[:SHOWN_CHANGES])
        more = len(entries) - SHOWN_CHANGES
        what = f"meanwhile {shown}" + (f"; and {more} more change{'s' if more > 1 else ''}" if more > 0 else "")
    return f"{whose} was changed by someone else after it was shown here: {what}"


def _change(entry: m.AuditEntry) -> str:
    at = entry.at.replace(tzinfo=UTC).astimezone().strftime("%H:%M")  # stored in UTC, shown in local time
    field = entry.field.replace("_", " ") if entry.field else ""
    what = entry.action + (f" {field}" if field and field not in entry.action else "")
    if entry.old_value is not None and entry.new_value is not None:
        what += f" from '{_short(entry.old_value)}' to '{_short(entry.new_value)}'"
    elif entry.new_value is not None:
        what += f" '{_short(entry.new_value)}'"
    return f"{entry.os_user} ({at}) {what}"


def _short(value: str, limit: int = 40) -> str:
    """A value as the record's history shows it: one line, a stored date as dd-mm-yyyy."""
    if _STORED_DATE.match(value):
        return f"{value[8:10]}-{value[5:7]}-{value[:4]}"
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


# -- many students at once: a bulk action's undo and redo ------------------------------------------------------
class StudentsChanged(DomainError):
    """A bulk undo or redo refused, nothing written: someone else changed some of its students after this
    workspace's own last change to them. `students`: who was changed, `users`: by whom."""

    def __init__(self, meanwhile: str, students: tuple[int, ...], users: tuple[str, ...]) -> None:
        super().__init__(f"Nothing was changed: {meanwhile}. Their changes stay.", None)
        self.meanwhile = meanwhile
        self.students = students
        self.users = users


def versions_of(session: Session, student_ids: Sequence[int]) -> dict[int, int]:
    """Each student's record version now (0 before any change was recorded), in one query (per 30,000)."""
    A = m.AuditEntry
    ids = list(dict.fromkeys(student_ids))
    found = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), IDS_PER_QUERY):
        query = (
            select(A.student_id, func.max(A.id))
            .where(A.student_id.in_(ids[start : start + IDS_PER_QUERY]))
            .group_by(A.student_id)
        )
        for student_id, version in session.execute(query):
            if student_id is not None:
                found[student_id] = int(version or 0)
    return found


def refuse_if_students_changed(session: Session, expected: Mapping[int, int], own: Container[int] = ()) -> None:
    """At the start of a bulk undo or redo, under the write lock, before anything is written: refused
    (StudentsChanged, naming who changed which students) when someone else changed any of them after
    `expected` (this workspace's own last version of each: SavedVersions.last_of). One query when none
    moved; the entries after are read only for those that did, leaving out `own` (the audit entries this
    workspace wrote itself: its removal of a student and the undo of it, a note from the list)."""
    if not expected:
        return
    now = versions_of(session, list(expected))
    moved = [sid for sid, version in expected.items() if now[sid] != version]
    if not moved:
        return
    by_student = _changed_by(session, moved, expected, own)
    changed = [sid for sid in moved if by_student[sid]]
    if changed:
        raise _students_changed(session, changed, by_student, len(expected))


def _changed_by(
    session: Session, moved: list[int], expected: Mapping[int, int], own: Container[int]
) -> dict[int, list[str]]:
    """Per student, who else changed them after `expected` (empty: only this workspace did)."""
    A = m.AuditEntry
    by_student: dict[int, list[str]] = {sid: [] for sid in moved}
    for start in range(0, len(moved), IDS_PER_QUERY):
        chunk = moved[start : start + IDS_PER_QUERY]
        query = (
            select(A.student_id, A.os_user, A.id)
            .where(A.student_id.in_(chunk), A.id > min(expected[sid] for sid in chunk))
            .order_by(A.id)
        )
        for sid, user, entry in session.execute(query):
            if sid is None or entry <= expected[sid] or entry in own:
                continue
            if user not in by_student[sid]:
                by_student[sid].append(user)
    return by_student


def _students_changed(
    session: Session, changed: list[int], by_student: Mapping[int, list[str]], of: int
) -> StudentsChanged:
    """The refusal: who changed which students, a few of them by name, then how many more."""
    shown = changed[:SHOWN_STUDENTS]
    S = m.Student
    names = {
        sid: f"{number} {first} {last}"
        for sid, number, first, last in session.execute(
            select(S.id, S.student_number, S.first_name, S.last_name).where(S.id.in_(shown))
        )
    }
    groups: dict[tuple[str, ...], list[str]] = {}
    for sid in shown:
        groups.setdefault(tuple(by_student[sid]), []).append(names.get(sid, f"student {sid}"))
    listing = "; ".join(f"{_and(list(users))} changed {_and(students)}" for users, students in groups.items())
    users = tuple(dict.fromkeys(u for sid in changed for u in by_student[sid]))
    more = len(changed) - len(shown)
    if more:
        named = {u for sid in shown for u in by_student[sid]}
        others = [u for u in users if u not in named]
        listing += f"; and {more} more student{'s' if more > 1 else ''}" + (f" (also {_and(others)})" if others else "")
    count = f"{len(changed)} of these students" if of > 1 else "this student"
    meanwhile = f"someone else changed {count} since: {listing}"
    return StudentsChanged(meanwhile, tuple(changed), users)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
