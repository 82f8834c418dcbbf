"""What changed in the open database: the one message every pane of the window listens to.

After every saved edit, undo, redo, import, reload or restore the workspace session
(ui/session.py) broadcasts a `Changes`: which students, which kinds of their data, and by
whom. Each pane decides for itself what it must read again (the list one row or all of them,
the record only when its student is among them), the way Anki's panes handle
`operation_did_execute`. A change made elsewhere (another window or process restoring a
backup; later a colleague in team mode) arrives the same way, with `origin` ELSEWHERE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, Flag, auto


class Kind(Flag):
    """The kinds of a student's data a change touched."""

    STUDENT = auto()  # personal details, programme, cohort, status, specialization, notes
    RESULTS = auto()  # grades, attempts, optional courses
    INTERNSHIPS = auto()  # the internships, their approval and dates (their portfolio's due dates follow)
    LITERATURE = auto()  # the Literature Study
    ACADEMIC_CORE = auto()  # mentor and mentor meetings
    GRADUATION = auto()  # the planned month, the ceremony
    PORTFOLIO = auto()  # received dates of portfolio items
    PRESENCE = auto()  # a student added, removed or brought back
    DEADLINES = auto()  # a programme's deadline schedule (due dates of every student planned then)
    REGISTERS = auto()  # a host or person in the registers (their names, ranks, e-mail where they are chosen)
    REMINDERS = auto()  # reminders recorded (the attention list's "reminded" column, the History)
    EVERYTHING = (
        STUDENT
        | RESULTS
        | INTERNSHIPS
        | LITERATURE
        | ACADEMIC_CORE
        | GRADUATION
        | PORTFOLIO
        | PRESENCE
        | DEADLINES
        | REGISTERS
        | REMINDERS
    )


class Origin(Enum):
    """Who made the change."""

    THIS_WINDOW = "this window"
    ELSEWHERE = "another window or process"  # a restore from a backup; in team mode, a colleague


@dataclass(frozen=True)
class Changes:
    """`students` None: every student (a reload, an import, a restore, a deadline schedule)."""

    kinds: Kind
    students: frozenset[int] | None = None
    origin: Origin = Origin.THIS_WINDOW

    @classmethod
    def of(cls, kinds: Kind, students: Iterable[int], origin: Origin = Origin.THIS_WINDOW) -> Changes:
        return cls(kinds, frozenset(students), origin)

    @classmethod
    def everything(cls, origin: Origin = Origin.THIS_WINDOW) -> Changes:
        return cls(Kind.EVERYTHING, None, origin)

    def touches(self, student_id: int | None) -> bool:
        """Whether this student's data may have changed."""
        return student_id is not None and (self.students is None or student_id in self.students)

    def any_of(self, kinds: Kind) -> bool:
        return bool(self.kinds & kinds)
