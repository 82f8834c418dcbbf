"""What a programme is: the rules that change per programme or year, as plain dataclasses.

The data lives in resources/programmes/*.toml; domain/programme_file.py reads and validates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

COMPONENT_KINDS = {"courses", "optional_courses", "internship", "literature_study", "academic_core"}


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    ec: int
    kind: str


@dataclass(frozen=True)
class CourseDef:
    code: str
    name: str
    ec: int
    component: str
    month: int | None = None  # month of the exam (last day of the course)
    year: int = 1  # programme year the course runs in
    resit_month: int | None = None
    specialization: str | None = None


@dataclass(frozen=True)
class Specialization:
    key: str
    name: str
    capacity: int


TIE_BREAKS = {
    "lottery": "a lottery (its seed is recorded with the allocation)",
    "compulsory_results": "the mean result of the compulsory courses (higher first), then a lottery",
}


@dataclass(frozen=True)
class AllocationRules:
    """How "Allocate" orders students who want the same specialization (programme data)."""

    tie_break: str  # a key of TIE_BREAKS


@dataclass(frozen=True)
class PortfolioRule:
    kind: str
    name: str
    due: str  # "start+14", "halfway", "end", "end+14"


@dataclass(frozen=True)
class InternshipKind:
    key: str  # "minor" or "major"
    component: str
    name: str
    ec: int
    netherlands_only: bool
    min_compulsory_courses_passed: int


@dataclass(frozen=True)
class InternshipRules:
    ec_per_full_time_week: float
    umc_required_in_at_least_one: bool
    assessor_min_rank: str
    invalid_travel_codes: tuple[str, ...]
    consult_travel_codes: tuple[str, ...]
    kinds: dict[str, InternshipKind]
    portfolio: tuple[PortfolioRule, ...]
    mark: dict[str, float]


@dataclass(frozen=True)
class LiteratureStudyRules:
    component: str
    ec: int
    weeks: int
    assessor_min_rank: str
    portfolio: tuple[PortfolioRule, ...]
    mark: dict[str, float]


@dataclass(frozen=True)
class AcademicCoreRules:
    component: str
    ec: int
    min_mentor_meetings: int
    first_year_assignments_due: tuple[int, int]  # (month, day)


@dataclass(frozen=True)
class EnglishTest:
    kind: str
    name: str
    overall: float | None = None
    section: float | None = None
    scores: tuple[float, float] | None = None  # the test's own scale (lowest, highest), overall
    section_scores: tuple[float, float] | None = None  # and per section


@dataclass(frozen=True)
class ImimRules:
    year1_universities: tuple[str, ...]
    year2_universities: tuple[str, ...]
    year2_must_differ: bool
    participation_fee_required: bool
    english_tests: dict[str, EnglishTest]
    # (month, day) a programme year starts: admission items (English test, participation fee,
    # year-1 university) are due at the start of year 1, the year-2 university at that of year 2.
    year_starts: tuple[int, int] = (9, 1)


@dataclass(frozen=True)
class GraduationRules:
    ceremony_months: tuple[int, ...]
    marks_registered_weeks_before: int
    early_deadline_months: tuple[int, ...]
    attendance_certificate_min_courses: int
    # The programme's published deadlines for final products, by graduation (year, month).
    deadlines: dict[tuple[int, int], date] = field(default_factory=dict)
    # graduation month -> month of the ceremony the graduate attends (the programme's schedule);
    # empty: the first ceremony month after the graduation month.
    ceremony_for_month: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    institution: str
    total_ec: int
    duration_years: int
    pass_mark: float
    first_cohort: int
    components: tuple[Component, ...]
    courses: tuple[CourseDef, ...]
    specializations: tuple[Specialization, ...]
    graduation: GraduationRules
    internships: InternshipRules | None = None
    literature_study: LiteratureStudyRules | None = None
    academic_core: AcademicCoreRules | None = None
    imim: ImimRules | None = None
    allocation: AllocationRules | None = None
    source: str = ""
    _courses_by_code: dict[str, CourseDef] = field(default_factory=dict, compare=False, repr=False)

    def component(self, key: str) -> Component:
        for component in self.components:
            if component.key == key:
                return component
        raise KeyError(key)

    def course(self, code: str) -> CourseDef | None:
        return self._courses_by_code.get(code)

    def courses_of(self, component: str) -> list[CourseDef]:
        return [c for c in self.courses if c.component == component]

    def specialization(self, key: str) -> Specialization | None:
        return next((s for s in self.specializations if s.key == key), None)

    @property
    def compulsory_course_codes(self) -> list[str]:
        return [c.code for c in self.courses if c.component == "compulsory"]

    @property
    def is_imim(self) -> bool:
        return self.imim is not None
