"""What the progress reports and certificates need from the database: the student a coordinator names on the command line,
and the students of a cohort or a selection for a batch of reports (in the order a coordinator
reads them: programme, cohort, student number)."""

from __future__ import annotations

from collections.abc import Sequence

from coordinator_app.domain.errors import NotFound
from coordinator_app.services.cohort_data import nobody_in, select_students
from coordinator_app.services.lookup import find_programme, student_numbered
from coordinator_app.services.workspace import Workspace


def find_student(ws: Workspace, number: str, programme: str | None = None) -> int:
    """The student with this student number (services/lookup.student_numbered)."""
    with ws.read() as s:
        return student_numbered(s, ws.programmes, number, programme)


def students_for_documents(
    ws: Workspace, programme: str | None = None, cohort: int | None = None, student_ids: Sequence[int] | None = None
) -> list[int]:
    """The students of a programme and cohort (or a selection of them) in reading order; a cohort
    or programme without students is named as a mistake."""
    code = find_programme(ws.programmes, programme).code if programme else None
    with ws.read() as s:
        ids, _programmes = select_students(s, code, cohort, student_ids)
    if not ids and (code or cohort):
        raise NotFound(f"{nobody_in(code, cohort)}.", "cohort" if cohort else "programme")
    return list(ids)
