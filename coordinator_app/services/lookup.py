"""Find programmes, cohorts and students by what the coordinator types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.programme import Programme
from coordinator_app.services.cohort_data import nobody_in, select_students
from coordinator_app.store import models as m
from coordinator_app.store.sessions import INCLUDE_REMOVED

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace


def find_programme(programmes: dict[str, Programme], text: str) -> Programme:
    """A programme by its short code ("PM") or its full name, case-insensitive."""
    wanted = text.strip().casefold()
    for programme in programmes.values():
        if wanted in (programme.code.casefold(), programme.name.casefold()):
            return programme
    matches = [p for p in programmes.values() if wanted and wanted in p.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    choices = "; ".join(f"{p.code} ({p.name})" for p in programmes.values())
    raise NotFound(f"No programme '{text}'. Known programmes: {choices}.", "programme")


def parse_cohort(text: str | int) -> int:
    """A cohort is named by its start year: "2024" or "2024-2025" is the 2024-2025 cohort."""
    raw = str(text).strip()
    head = raw.split("-")[0].split("/")[0]
    if not (head.isascii() and head.isdigit()) or len(head) != 4:
        raise DomainError(f"A cohort is its start year, like 2024 (for 2024-2025), not '{raw}'.", "cohort")
    year = int(head)
    if not 1990 <= year <= 2100:
        raise DomainError(f"Cohort year {year} is out of range.", "cohort")
    return year


def programme_row(session: Session, code: str) -> m.Programme:
    row = session.scalar(select(m.Programme).where(m.Programme.code == code))
    if row is None:
        raise NotFound(f"Programme {code} is not in this database.", "programme")
    return row


def cohort_row(session: Session, programme_id: int, year: int, create: bool = False) -> m.Cohort:
    row = session.scalar(select(m.Cohort).where(m.Cohort.programme_id == programme_id, m.Cohort.start_year == year))
    if row is None:
        if not create:
            raise NotFound(f"There is no {year}-{year + 1} cohort in this database.", "cohort")
        row = m.Cohort(programme_id=programme_id, start_year=year)
        session.add(row)
        session.flush()
    return row


def removed_label(student: m.Student) -> str:
    """'2712345 Anouk de Vries (removed 24-11-2025)': how messages name a removed student."""
    # Stored in UTC, like the audit trail; said in local time, like History.
    when = f" (removed {student.removed_at.replace(tzinfo=UTC).astimezone():%d-%m-%Y})" if student.removed_at else ""
    return f"{student.student_number} {student.first_name} {student.last_name}{when}"


def existing_student(session: Session, student_id: int) -> m.Student:
    """A student who is not removed; a removed one is named, with where to restore them."""
    student = session.get(m.Student, student_id)
    if student is None:
        removed = session.get(m.Student, student_id, execution_options=INCLUDE_REMOVED)
        if removed is not None and removed.removed_at is not None:
            raise NotFound(
                f"{removed_label(removed)} was removed; restore them first (File > Removed students).", "student"
            )
        raise NotFound(f"Student {student_id} does not exist.", "student")
    return student


def removed_numbers(session: Session, numbers: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The removed students holding any of `numbers`: number -> [(programme code, what an import
    says about that row)]. Their number stays theirs until restored, so a row for it is refused."""
    wanted = set(numbers)
    found: dict[str, list[tuple[str, str]]] = {}
    S = m.Student
    # Removed students are few: read them all once rather than sending thousands of numbers.
    for student, code in session.execute(
        select(S, m.Programme.code)
        .execution_options(**INCLUDE_REMOVED)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .where(S.removed_at.is_not(None))
    ):
        if student.student_number in wanted:
            found.setdefault(student.student_number, []).append(
                (
                    code,
                    (
                        f"student {removed_label(student)} was removed; restore them first (File > Removed students, "
                        f"or coordinator-app removed --restore {student.student_number}), or leave this row out."
                    ),
                )
            )
    return found


def removed_with_number(session: Session, programme_id: int, number: str) -> m.Student | None:
    """The removed student of a programme who holds `number` (it stays theirs until restored)."""
    return session.scalar(
        select(m.Student)
        .execution_options(**INCLUDE_REMOVED)
        .where(
            m.Student.programme_id == programme_id,
            m.Student.student_number == number,
            m.Student.removed_at.is_not(None),
        )
    )


def require_students(ws: Workspace, programme_code: str | None, cohort: int | None) -> None:
    """A programme or cohort without a single student is a mistake to name (a mistyped year),
    not "nothing to do": the attention list answers as the export does."""
    if not (programme_code or cohort):
        return
    with ws.read() as s:
        found = len(select_students(s, programme_code, cohort)[0])
    if not found:
        raise NotFound(f"{nobody_in(programme_code, cohort)}.", "cohort" if cohort else "programme")
