"""One student as the cohort workbook's per-student sheets read them (spreadsheets/sheets.py):
the stored rows of their chunk, the rules' verdict, and the lookups made once per student."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from coordinator_app.domain.grades import NO_SHOW, Grade, best_attempt, grade_from
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation
from coordinator_app.services.cohort_data import Chunk, Record


def grade_cell(grade: Grade | None) -> float | str | None:
    """A grade as a spreadsheet cell: the mark as a number, or NS."""
    if grade is None:
        return None
    return NO_SHOW if grade.no_show else grade.value


@dataclass
class StudentLines:
    """One student as the sheets read them: the stored rows, the rules' verdict and a few
    lookups made once (their best grade per course, their internships by kind)."""

    record: Record
    programme: Programme
    evaluation: Evaluation
    chunk: Chunk
    as_of: date
    component_names: Callable[[Programme, str], str]
    results: dict[str, list[Record]] = field(default_factory=dict)  # course code -> attempts
    internships: dict[str, Record] = field(default_factory=dict)  # kind -> internship row
    earned: dict[str, int] | None = None  # component -> EC, made when first asked

    def __post_init__(self) -> None:
        sid = self.record.id
        for r in self.chunk.results.get(sid, ()):
            self.results.setdefault(r.code, []).append(r)
        self.internships = {r.kind: r for r in self.chunk.internships.get(sid, ())}

    def evaluation_earned(self, programme: str, component: str) -> int | None:
        """EC earned in a component, for a student of `programme` (None for another programme's column)."""
        if programme != self.record.programme:
            return None
        if self.earned is None:
            self.earned = {p.key: p.earned for p in self.evaluation.progress}
        return self.earned.get(component)

    def best(self, programme: str, course: str) -> float | str | None:
        """The course's best attempt for a student of `programme` (None for another programme's column)."""
        if programme != self.record.programme or course not in self.results:
            return None
        grades = [g for g in (grade_from(a.no_show, a.grade) for a in self.results[course]) if g is not None]
        return grade_cell(best_attempt(grades))

    def passed(self, result: Record) -> bool | None:
        """Whether one attempt is a pass (the programme's pass mark); None for a registration without a result."""
        grade = grade_from(result.no_show, result.grade)
        return None if grade is None else grade.passed(self.programme.pass_mark)

    def component(self, key: str) -> str:
        return self.component_names(self.programme, key)

    @property
    def items(self) -> Iterable[Record]:
        return self.chunk.items.get(self.record.id, ())

    @property
    def literature(self) -> Record | None:
        return self.chunk.literature.get(self.record.id)

    @property
    def plan(self) -> Record | None:
        return self.chunk.plans.get(self.record.id)

    @property
    def mentor(self) -> Record | None:
        return self.chunk.mentor.get(self.record.id)


class Line(NamedTuple):
    """One row of a per-student sheet: the student and the part of their record it is about."""

    student: StudentLines
    part: Any = None
