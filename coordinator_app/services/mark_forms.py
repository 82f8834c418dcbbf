"""What a supervisor's mark form holds: one internship or Literature Study, its parts and their weights.

The form is pre-filled from the record (spreadsheets/mark_form.py writes it) and comes back through
the workbook review (services/imports/workbook.py) into exactly the record it was made for. The
weights are the programme's (resources/programmes/*.toml, `mark`); the written report's weight is
shared by the supervisor's and the second assessor's report marks, whose mean it is (domain/marks.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.grades import MAX_GRADE, MIN_GRADE
from coordinator_app.services.imports.workbook_parts import INTERNSHIP, LITERATURE
from coordinator_app.services.internships import INTERNSHIP_KINDS
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

LITERATURE_STUDY = "literature"  # the form's part, beside "minor" and "major"
FORM_PARTS = (*INTERNSHIP_KINDS, LITERATURE_STUDY)

# The marked parts: the weight's key in the programme's `mark` table, the stored field, its name, who marks it.
_INTERNSHIP_MARKS = (
    ("practical", "practical_mark", "Practical work", "daily supervisor"),
    ("report", "supervisor_report_mark", "Written report (supervisor)", "supervisor"),
    ("report", "assessor_report_mark", "Written report (second assessor)", "second assessor"),
    ("presentation", "presentation_mark", "Oral presentation", "supervisor and assessor"),
)
_LITERATURE_MARKS = (
    ("outline", "outline_mark", "Research outline", "supervisor"),
    ("report", "supervisor_report_mark", "Written report (supervisor)", "supervisor"),
    ("report", "assessor_report_mark", "Written report (second assessor)", "second assessor"),
    ("presentation", "presentation_mark", "Oral presentation", "supervisor and assessor"),
)


@dataclass(frozen=True)
class MarkedPart:
    field: str
    name: str
    weight: float  # of the final mark
    who: str
    mark: float | None  # as the record has it now


@dataclass
class MarkForm:
    """Everything a form shows and what it changes (`record_part`, `key`: services/imports/workbook_parts)."""

    student_id: int
    student_number: str
    student: str
    programme: str
    part: str  # "minor" | "major" | "literature"
    title: str  # "Minor internship", "Literature Study"
    record_part: str
    key: tuple[Any, ...]
    pass_mark: float  # the programme's (programme data)
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value): host, supervisors, ...
    marks: list[MarkedPart] = field(default_factory=list)
    lowest: float = MIN_GRADE
    highest: float = MAX_GRADE


def part_name(part: str) -> str:
    if part not in FORM_PARTS:
        raise DomainError(f"A mark form is for the minor or major internship or the Literature Study, not '{part}'.")
    return "Literature Study" if part == LITERATURE_STUDY else f"{part} internship"


def mark_form(ws: Workspace, student_id: int, part: str) -> MarkForm:
    """The form of one student's internship (`minor`, `major`) or Literature Study (`literature`)."""
    part_name(part)
    with ws.read() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        name = f"{student.first_name} {student.last_name}".strip()
        if part == LITERATURE_STUDY:
            rules = programme.literature_study
            if rules is None:
                raise DomainError(f"{programme.name} has no Literature Study.", "part")
            study = s.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == student.id))
            if study is None:
                raise NotFound(f"{name} has no Literature Study planned yet; plan it before sending a form.", "part")
            form = MarkForm(
                student.id,
                student.student_number,
                name,
                programme.code,
                part,
                "Literature Study",
                LITERATURE,
                (student.id,),
                programme.pass_mark,
            )
            form.details = [("Subject", study.subject), ("Supervisor", study.supervisor), ("Assessor", study.assessor)]
            _marks(form, rules.mark, _LITERATURE_MARKS, study)
        else:
            if programme.internships is None:
                raise DomainError(f"{programme.name} has no minor and major internships.", "part")
            internship = s.scalar(
                select(m.Internship).where(m.Internship.student_id == student.id, m.Internship.kind == part)
            )
            if internship is None:
                raise NotFound(f"{name} has no {part} internship planned yet; plan it before sending a form.", "part")
            title = programme.internships.kinds[part].name
            form = MarkForm(
                student.id,
                student.student_number,
                name,
                programme.code,
                part,
                title,
                INTERNSHIP,
                (student.id, part),
                programme.pass_mark,
            )
            host = ", ".join(x for x in (internship.host, internship.department) if x)
            form.details = [
                ("Host", host),
                ("Daily supervisor", internship.daily_supervisor),
                ("Second supervisor", internship.second_supervisor),
                ("Assessor", internship.assessor),
            ]
            _marks(form, programme.internships.mark, _INTERNSHIP_MARKS, internship)
    return form


def _marks(
    form: MarkForm,
    weights: dict[str, float],
    parts: tuple[tuple[str, str, str, str], ...],
    row: m.Internship | m.LiteratureStudy,
) -> None:
    shared = {key: sum(1 for k, *_ in parts if k == key) for key, *_ in parts}
    for key, stored, name, who in parts:
        form.marks.append(MarkedPart(stored, name, weights.get(key, 0.0) / shared[key], who, getattr(row, stored)))


def student_label(ws: Workspace, student_id: int) -> tuple[str, str]:
    """(student number, name) of a student in this database (NotFound when there is none)."""
    with ws.read() as s:
        student = existing_student(s, student_id)
        return student.student_number, f"{student.first_name} {student.last_name}".strip()
