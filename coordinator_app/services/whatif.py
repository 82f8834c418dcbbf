"""The what-if graduation planner: a month for one student or a selection, seen without saving.

"Plan this month" then saves it with services/graduation.plan_graduation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select

from coordinator_app.domain.deadlines import check_month
from coordinator_app.domain.whatif import WhatIf, what_if
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.snapshot import snapshots
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


def what_if_month(ws: Workspace, student_ids: Sequence[int], year: int, month: int) -> dict[int, WhatIf]:
    """For each student: every remaining deadline if they graduated in (year, month), the gaps, and
    the earliest month that could still work. Reads only."""
    check_month(year, month)
    as_of = ws.as_of()
    with ws.read() as s:
        students = [existing_student(s, sid) for sid in student_ids]
        snaps = snapshots(s, [st.id for st in students])
        entered: dict[tuple[int, int, int], date] = {
            (row.programme_id, row.year, row.month): row.deadline for row in s.scalars(select(m.GraduationDeadline))
        }
        out = {}
        for student in students:
            out[student.id] = what_if(
                ws.programme_of(student),
                snaps[student.id],
                (year, month),
                as_of,
                _entered(entered, student.programme_id),
            )
        return out


def _entered(entered: dict[tuple[int, int, int], date], programme_id: int) -> Callable[[int, int], date | None]:
    def lookup(year: int, month: int) -> date | None:
        return entered.get((programme_id, year, month))

    return lookup
