"""One action on many students at once: previewed, then applied in one transaction, undone in one.

`preview(ws, action, ids)` says per student what will change, what is already so, and what a rule
refuses (with the reason, in the coordinator's words). `apply(ws, action, preview)` changes the
students the preview said would change, all in one transaction with an audit entry each; if the
data changed since the preview so that a student is now refused, nothing at all is applied
(BulkChanged: look again). It returns a `Done`, which `undo(ws, done)` takes back in one
transaction, and `apply_again(ws, done)` redoes. The actions are in services/bulk_actions.py.

Two people, one student (issue 13): each of these notes the record version it leaves for every student
(Workspace.saved_versions); an undo or redo checks them all in one query under the write lock and is
refused, nothing written, when someone else changed any of them since (StudentsChanged names who and whom).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.record_versions import refuse_if_students_changed, versions_of
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

CHUNK = 900  # ids per IN list

# What one action reads per student (their portfolio item, internship, plan...), and what its change
# gives back for its undo (the old values). Each action in services/bulk_actions.py names its own.
Now = TypeVar("Now")
Before = TypeVar("Before")


class BulkChanged(DomainError):
    """The students changed between the preview and applying it: nothing was applied."""


@dataclass(frozen=True)
class Line:
    """One student in a preview: before -> after, or why a rule refuses it."""

    student_id: int
    student: str  # "2712345 Anouk de Vries"
    before: str
    after: str
    refused: str = ""  # the rule's reason; empty when it will change (or is already so)
    unchanged: bool = False  # already so: nothing to do


@dataclass(frozen=True)
class Preview:
    action: str  # "Mark the List of Agreements (A) of the minor internship received on 24-11-2025"
    lines: tuple[Line, ...]

    @property
    def to_change(self) -> list[int]:
        return [line.student_id for line in self.lines if not line.refused and not line.unchanged]

    @property
    def refused(self) -> list[Line]:
        return [line for line in self.lines if line.refused]

    @property
    def unchanged(self) -> list[Line]:
        return [line for line in self.lines if line.unchanged]


@dataclass(frozen=True)
class Done(Generic[Now, Before]):
    """What one bulk action changed: enough to undo it (`before` per student) and to redo it."""

    action: str
    students: tuple[int, ...]
    before: tuple[Before, ...]
    bulk: BulkAction[Now, Before]


class BulkAction(Protocol[Now, Before]):
    """One kind of bulk action (services/bulk_actions.py)."""

    def describe(self) -> str:
        """What it does, in the coordinator's words (the preview's title, the Edit menu's Undo)."""
        ...

    def load(self, s: Session, ids: list[int]) -> Mapping[int, Now]:
        """What each student has now that the action looks at, read for all of them at once."""
        ...

    def judge(self, ws: Workspace, student: m.Student, now: Now | None) -> tuple[str, str, str, bool]:
        """(before, after, refused reason or "", already so) for one student."""
        ...

    def change(self, ws: Workspace, s: Session, student: m.Student, now: Now | None) -> Before:
        """Make the change for one student (audited); returns what undo needs."""
        ...

    def take_back(self, ws: Workspace, s: Session, student: m.Student, before: Before, now: Now | None) -> None:
        """Undo the change for one student (`now`: what `load` reads for them at the undo)."""
        ...


def _label(student: m.Student) -> str:
    return f"{student.student_number} {student.first_name} {student.last_name}"


def _students(s: Session, ids: Sequence[int]) -> list[m.Student]:
    """The students (removed ones left out by the session), in the order given."""
    found: dict[int, m.Student] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), CHUNK):
        for student in s.scalars(select(m.Student).where(m.Student.id.in_(wanted[start : start + CHUNK]))):
            found[student.id] = student
    return [found[i] for i in wanted if i in found]


def _load(action: BulkAction[Now, Before], s: Session, ids: list[int]) -> dict[int, Now]:
    now: dict[int, Now] = {}
    for start in range(0, len(ids), CHUNK):
        now.update(action.load(s, ids[start : start + CHUNK]))
    return now


def _lines(
    ws: Workspace, action: BulkAction[Now, Before], s: Session, ids: Sequence[int]
) -> tuple[list[tuple[m.Student, Line]], dict[int, Now]]:
    """Each student with their line, and what the action read about them."""
    students = _students(s, ids)
    now = _load(action, s, [st.id for st in students])
    out = []
    for student in students:
        before, after, refused, unchanged = action.judge(ws, student, now.get(student.id))
        out.append((student, Line(student.id, _label(student), before, after, refused, unchanged and not refused)))
    return out, now


def preview(ws: Workspace, action: BulkAction[Now, Before], student_ids: Sequence[int]) -> Preview:
    """Per student: what will change, what is already so, and what a rule refuses (nothing is written)."""
    with ws.read() as s:
        lines, _now = _lines(ws, action, s, student_ids)
        return Preview(action.describe(), tuple(line for _student, line in lines))


def apply(ws: Workspace, action: BulkAction[Now, Before], seen: Preview) -> Done[Now, Before]:
    """Change the students `seen` said would change, in one transaction. Refused (BulkChanged, nothing
    applied) when one of them is now refused or the preview had nothing to change."""
    wanted = seen.to_change
    if not wanted:
        raise DomainError("Nothing to change: every student shown is refused or already so.", None)
    return _change(ws, action, wanted)


def apply_again(ws: Workspace, done: Done[Now, Before]) -> Done[Now, Before]:
    """Redo: the same change for the same students, all or nothing. Refused (StudentsChanged, nothing
    written) when someone else changed one of them after this workspace's undo."""
    return _change(ws, done.bulk, list(done.students), based_on_own_saves=True)


def _change(
    ws: Workspace, action: BulkAction[Now, Before], wanted: list[int], based_on_own_saves: bool = False
) -> Done[Now, Before]:
    with ws.write() as s:
        if based_on_own_saves:
            refuse_if_students_changed(s, ws.saved_versions.last_of(wanted), ws.own_writes)
        lines, now = _lines(ws, action, s, wanted)
        changed = [student for student, line in lines if not line.refused and not line.unchanged]
        problems = [line for _student, line in lines if line.refused]
        if problems or len(changed) != len(wanted):
            first = problems[0] if problems else None
            why = f"{first.student}: {first.refused}" if first else "some of the students changed or were removed"
            raise BulkChanged(
                f"Nothing was changed: the students changed since the preview ({why}). Look at the preview again.",
                None,
            )
        before = tuple(action.change(ws, s, student, now.get(student.id)) for student in changed)
        # Their EC totals and verdicts are judged again once, before the commit (Workspace.write,
        # services/verdicts.py): a second pass here read and evaluated the same students twice.
        done = Done(action.describe(), tuple(st.id for st in changed), before, action)
        versions = versions_of(s, done.students)  # what this apply leaves: its undo is based on it
    ws.saved_versions.note_many(versions)
    return done


def undo(ws: Workspace, done: Done[Now, Before]) -> None:
    """Take a bulk action back for every student it changed, in one transaction (all or nothing).
    Refused (StudentsChanged, naming who changed which students; nothing written) when someone else
    changed one of them after this workspace's own last change to it (the apply, or a redo)."""
    with ws.write() as s:
        students = _students(s, done.students)
        if len(students) != len(done.students):
            raise DomainError("Not undone: some of these students were removed since.", None)
        refuse_if_students_changed(s, ws.saved_versions.last_of(done.students), ws.own_writes)
        # Read for all at once: one query per student (each flushing the ones before) took 2 s for 500.
        now = _load(done.bulk, s, [st.id for st in students])
        for student, before in zip(students, done.before):
            done.bulk.take_back(ws, s, student, before, now.get(student.id))
        # EC totals and verdicts: judged again once at the commit (Workspace.write), as for apply.
        versions = versions_of(s, done.students)  # what this undo leaves: its redo is based on it
    ws.saved_versions.note_many(versions)
