"""Graduation date, ceremonies, submission deadlines and the readiness checklist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from coordinator_app.domain.grades import last_day_of_month
from coordinator_app.domain.programme import GraduationRules


def graduation_date(year: int, month: int) -> date:
    """The last working day (Monday-Friday) of the month the programme was completed."""
    day = last_day_of_month(year, month)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(year: int, month: int) -> str:
    """ "June 2025": in English whatever the machine's locale (strftime's %B follows it)."""
    return f"{MONTHS[month - 1]} {year}"


def planned_after_this_month(planned: tuple[int, int] | None, as_of: date) -> bool:
    """Whether a planned graduation month (year, month) lies after the month of `as_of`: marking the
    student graduated is refused then (services/graduation.record_graduation): the graduation date
    recorded would be one still to come."""
    return planned is not None and planned > (as_of.year, as_of.month)


def ceremony_month(year: int, month: int, rules: GraduationRules) -> tuple[int, int]:
    """The ceremony a graduate attends: the first one *after* the graduation month, as the
    programme's schedule assigns it (September-December -> January, January-April -> June,
    May-August -> September); without a schedule, the first ceremony month after it."""
    ceremony = rules.ceremony_for_month.get(month)
    if ceremony is not None:
        return (year, ceremony) if ceremony > month else (year + 1, ceremony)
    for offset in range(1, 13):
        m = (month - 1 + offset) % 12 + 1
        y = year + (month - 1 + offset) // 12
        if m in rules.ceremony_months:
            return y, m
    raise ValueError("no ceremony month configured")  # pragma: no cover - validated data


def default_deadline(year: int, month: int, rules: GraduationRules) -> date:
    """The computed deadline for a month the programme's schedule does not list: all marks
    registered `marks_registered_weeks_before` weeks before the graduation date, a week earlier
    still in July, November and December."""
    deadline = graduation_date(year, month) - timedelta(weeks=rules.marks_registered_weeks_before)
    if month in rules.early_deadline_months:
        deadline -= timedelta(weeks=1)
    return deadline


def submission_deadline(year: int, month: int, rules: GraduationRules, entered: date | None = None) -> date:
    """Deadline for all final products for graduating in (year, month): the one the coordinator
    entered, else the programme's published schedule, else the computed default
    (domain/deadlines.py says which of the three applies)."""
    if entered is not None:
        return entered
    return rules.deadlines.get((year, month)) or default_deadline(year, month, rules)


@dataclass(frozen=True)
class Readiness:
    blockers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def label(self) -> str:
        if self.ready:
            return "Ready"
        return "1 blocker" if len(self.blockers) == 1 else f"{len(self.blockers)} blockers"


@dataclass(frozen=True)
class GraduationFacts:
    """What decides readiness, gathered by the caller from the student's record."""

    ec_earned: int
    ec_required: int
    incomplete_components: tuple[str, ...]
    planned: tuple[int, int] | None  # (year, month) of graduation
    last_mark_registered: date | None
    tuition_paid: bool
    enrolled: bool
    extra_blockers: tuple[str, ...] = ()  # programme specifics (IMIM universities, English test)


def readiness(facts: GraduationFacts, rules: GraduationRules) -> Readiness:
    """Ready when every component is complete (120 EC), marks are in 4 weeks before the date,
    tuition is paid and the student is still enrolled. Every blocker is named."""
    blockers: list[str] = []
    if facts.ec_earned < facts.ec_required:
        blockers.append(f"{facts.ec_earned} of {facts.ec_required} EC earned")
    blockers.extend(f"{name} not complete" for name in facts.incomplete_components)
    if facts.planned is None:
        blockers.append("no graduation month planned")
    elif facts.last_mark_registered is not None:
        year, month = facts.planned
        # domain.md keeps two rules apart: marks registered 4 weeks before the graduation date
        # (this one), and the schedule's deadline for submitting the final products (the due
        # dates of the items that are submitted, domain/deadlines.py).
        limit = graduation_date(year, month) - timedelta(weeks=rules.marks_registered_weeks_before)
        if facts.last_mark_registered > limit:
            blockers.append(
                f"last mark registered {facts.last_mark_registered:%d-%m-%Y}, after {limit:%d-%m-%Y} "
                f"({rules.marks_registered_weeks_before} weeks before the graduation date)"
            )
    if not facts.tuition_paid:
        blockers.append("tuition not paid")
    if not facts.enrolled:
        blockers.append("not enrolled on the graduation date")
    blockers.extend(facts.extra_blockers)
    return Readiness(tuple(blockers))


def attendance_certificate_possible(courses_passed: int, rules: GraduationRules) -> bool:
    """A student who stops can get an attendance certificate with at least two course components."""
    return courses_passed >= rules.attendance_certificate_min_courses
