"""What the progress reports and certificates need from the database: the student a coordinator names on the command line,
and the students of a cohort or a selection for a batch of reports (in the order a coordinator
reads them: programme, cohort, student number)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.cohort_data import nobody_in, select_students
from coordinator_app.services.lookup import find_programme
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


def find_student(ws: Workspace, number: str, programme: str | None = None) -> int:
    """The student with this student number (removed students are not found). The same number in
    two programmes needs the programme named."""
    wanted = number.strip()
    if not wanted:
        raise DomainError("Give the student's student number.", "student")
    query = (
        select(m.Student.id, m.Programme.code)
        .join(m.Programme, m.Student.programme_id == m.Programme.id)
        .where(m.Student.student_number == wanted)
    )
    if programme:
        query = query.where(m.Programme.code == find_programme(ws.programmes, programme).code)
    with ws.read() as s:
        found = [(row[0], row[1]) for row in s.execute(query)]
    if not found:
        where = f" in {programme}" if programme else ""
        raise NotFound(f"No student with student number {wanted}{where}.", "student")
    if len(found) > 1:
        codes = " and ".join(sorted(code for _sid, code in found))
        raise DomainError(f"Student number {wanted} is in {codes}; name the programme too.", "student")
    return found[0][0]


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
