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
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.store import models as m

_STORED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # the audit keeps dates as yyyy-mm-dd
SHOWN_CHANGES = 3  # the message names this many changes, then "and N more"


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
