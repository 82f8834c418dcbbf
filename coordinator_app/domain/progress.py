"""EC progress per component towards the programme's 120 EC."""

from __future__ import annotations

from dataclasses import dataclass, field

from coordinator_app.domain.grades import Grade, best_attempt
from coordinator_app.domain.programme import Programme


@dataclass(frozen=True)
class OptionalCourse:
    """An optional course counts once approved beforehand, passed, and (outside VU) with the
    credit registration form received."""

    code: str
    ec: int
    approved: bool
    external: bool
    credit_form_received: bool
    grades: tuple[Grade, ...] = ()


@dataclass(frozen=True)
class StudentProgressFacts:
    """A student's results as the EC rules need them; gathered from the store by the caller."""

    results: dict[str, list[Grade]] = field(default_factory=dict)  # course code -> attempts
    specialization: str | None = None
    optional_courses: tuple[OptionalCourse, ...] = ()
    # component key -> True when that whole-component part (internship, literature study,
    # academic core) is complete: passed and its portfolio complete.
    completed_parts: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ComponentProgress:
    key: str
    name: str
    required: int
    earned: int

    @property
    def complete(self) -> bool:
        return self.earned >= self.required


def _passed_ec(programme: Programme, component: str, facts: StudentProgressFacts) -> int:
    earned = 0
    for course in programme.courses_of(component):
        if course.specialization and course.specialization != facts.specialization:
            continue
        best = best_attempt(facts.results.get(course.code, []))
        if best is not None and best.passed(programme.pass_mark):
            earned += course.ec
    return earned


def optional_course_accepted(approved: bool, external: bool, credit_form_received: bool) -> bool:
    """An optional course can count: approved beforehand and, outside VU, its credit form received."""
    return approved and (not external or credit_form_received)


def _optional_ec(programme: Programme, facts: StudentProgressFacts) -> int:
    earned = 0
    for course in facts.optional_courses:
        if not optional_course_accepted(course.approved, course.external, course.credit_form_received):
            continue
        best = best_attempt(list(course.grades))
        if best is not None and best.passed(programme.pass_mark):
            earned += course.ec
    return earned


def component_progress(programme: Programme, facts: StudentProgressFacts) -> list[ComponentProgress]:
    """EC earned per component, each capped at what the component is worth."""
    rows = []
    for component in programme.components:
        if component.kind == "courses":
            earned = _passed_ec(programme, component.key, facts)
        elif component.kind == "optional_courses":
            earned = _optional_ec(programme, facts)
        else:
            earned = component.ec if facts.completed_parts.get(component.key) else 0
        rows.append(ComponentProgress(component.key, component.name, component.ec, min(earned, component.ec)))
    return rows


def pass_ec_change(programme: Programme, course_code: str, specialization: str | None) -> int | None:
    """What a course turning from not passed to passed adds to the EC total (the reverse takes it
    away), when that is the same whatever else the student passed: the course counts in a course
    component whose courses (those of the student's specialization) are together worth no more than
    the component, so its cap never bites. None: it depends on the other results (a cap that can
    bite, an optional course, a course outside every course component)."""
    course = next((c for c in programme.courses if c.code == course_code), None)
    component = next((c for c in programme.components if course and c.key == course.component), None)
    if course is None or component is None or component.kind != "courses":
        return None
    counted = [
        c for c in programme.courses_of(component.key) if not c.specialization or c.specialization == specialization
    ]
    if course not in counted or sum(c.ec for c in counted) > component.ec:
        return None
    return course.ec


def total_ec(progress: list[ComponentProgress]) -> int:
    return sum(p.earned for p in progress)


def compulsory_passed(programme: Programme, results: dict[str, list[Grade]]) -> int:
    """How many compulsory courses have a passing best attempt (minor internship eligibility)."""
    count = 0
    for code in programme.compulsory_course_codes:
        best = best_attempt(results.get(code, []))
        if best is not None and best.passed(programme.pass_mark):
            count += 1
    return count


def specialization_refusal(
    programme: Programme, course_name: str, course_specialization: str | None, student_specialization: str | None
) -> str | None:
    """Why a specialization course cannot take a result for this student (None: it can).

    A student follows the two courses of their own specialization; one who has not chosen yet
    is told so, not that the course "belongs to another specialization"."""
    if not course_specialization or course_specialization == student_specialization:
        return None
    spec = programme.specialization(course_specialization)
    name = spec.name if spec else course_specialization
    if student_specialization is None:
        return (
            f"{course_name} belongs to the {name} specialization, and this student's specialization "
            "is not chosen yet: choose it first."
        )
    chosen = programme.specialization(student_specialization)
    return (
        f"{course_name} belongs to the {name} specialization; this student's specialization is "
        f"{chosen.name if chosen else student_specialization}."
    )


def specialization_over_capacity(programme: Programme, counts: dict[str, int]) -> list[str]:
    """Specializations of one cohort with more students than places (at most 20 each)."""
    problems = []
    for spec in programme.specializations:
        n = counts.get(spec.key, 0)
        if n > spec.capacity:
            problems.append(f"{spec.name} has {n} students; at most {spec.capacity} can be placed")
    return problems
