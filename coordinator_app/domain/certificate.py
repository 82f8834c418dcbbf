"""The attendance certificate: what a student who stops without finishing takes with them.

domain.md (Graduation): it lists the completed components and needs at least two course
components. As everywhere in the app, a "course component" is a course passed (its best attempt
at or above the pass mark): the number is the programme's `attendance_certificate_min_courses`
(resources/programmes/*.toml, 2 in both programmes). Only a stopped student gets one: an active
student is still on their way, a graduate has their diploma.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator_app.domain.graduation import attendance_certificate_possible
from coordinator_app.domain.programme import GraduationRules


@dataclass(frozen=True)
class CompletedPart:
    """One line of the certificate: a course passed, or a whole part completed (an internship,
    the Literature Study, the Academic Core)."""

    component: str  # the programme's name for the component ("Compulsory courses")
    name: str  # the course's or the part's own name
    ec: int
    start: date | None  # a course has none: it is done on its exam day (`end`)
    end: date | None
    is_course: bool


def certificate_refusal(status: str, courses_passed: int, rules: GraduationRules) -> str | None:
    """Why this student cannot have an attendance certificate, in the coordinator's words (None: they can)."""
    if status != "stopped":
        what = "has graduated and has a diploma" if status == "graduated" else "is still active"
        return (
            f"An attendance certificate is for a student who stopped without finishing; this student {what}. "
            "Set the status to stopped first if they have stopped."
        )
    if not attendance_certificate_possible(courses_passed, rules):
        needed = rules.attendance_certificate_min_courses
        return (
            f"An attendance certificate needs at least {needed} courses passed; this student has passed "
            f"{'none' if courses_passed == 0 else courses_passed}."
        )
    return None


def certificate_ec(parts: list[CompletedPart] | tuple[CompletedPart, ...]) -> int:
    """The EC the certificate states: the sum of its lines."""
    return sum(p.ec for p in parts)
