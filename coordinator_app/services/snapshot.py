"""One student's or a few students' rows as the domain's StudentSnapshot.

The bulk reader in services/cohort_data.py (Core rows, ~10 queries per group of students)
builds every snapshot; this module is the short way in for use-cases and the attention list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation, StudentSnapshot, evaluate
from coordinator_app.services.cohort_data import CHUNK, load_chunk, snapshot_of
from coordinator_app.store import models as m


def snapshots(session: Session, student_ids: Sequence[int]) -> dict[int, StudentSnapshot]:
    """Snapshots of the given students, keyed by student id."""
    ids = list(student_ids)
    out: dict[int, StudentSnapshot] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = load_chunk(session, ids[start : start + CHUNK])
        for student in chunk.students:
            out[student.id] = snapshot_of(student, chunk)
    return out


def snapshot(session: Session, student: m.Student) -> StudentSnapshot:
    return snapshots(session, [student.id])[student.id]


def evaluate_student(session: Session, student: m.Student, programme: Programme, as_of: date) -> Evaluation:
    return evaluate(programme, snapshot(session, student), as_of)


# Set in a session's `info` by a batch of many actions in one transaction (an imported workbook's
# changes, and its rehearsal that is rolled back): nobody waits for each action's answer, so each
# student is judged once, by the commit (verdicts.settle), instead of after every action.
JUDGED_AT_COMMIT = "snapshot: students judged at the commit"


class Judged(Protocol):
    """A student as `refresh_ec` needs one: an ORM student or a row of services/lookup.student_row."""

    @property
    def id(self) -> int: ...
    @property
    def ec_earned(self) -> int: ...


def refresh_ec(session: Session, student: Judged, programme: Programme, as_of: date) -> int:
    """The student's EC total after a change, stored with their verdict (services/verdicts.py; the
    list reads it, never recomputes). The commit would judge them anyway; this is for an answer now.
    In a batch (`JUDGED_AT_COMMIT`) the total stored before is returned and the commit judges them
    (named to it here too: a change written as a Core statement passes through no flush)."""
    from coordinator_app.services.verdicts import mark_touched, refresh

    session.flush()
    if session.info.get(JUDGED_AT_COMMIT):
        mark_touched(session, (student.id,))
        return int(student.ec_earned or 0)
    # The programme's code from the definitions: `student.programme` would be a lazy load (a query) per edit.
    return refresh(session, {programme.code: programme}, [student.id], as_of)[student.id].ec_total
