"""What needs the coordinator's eye beyond the portfolio, with the day it had to be in order.

Each flag is one rule's verdict on one student. The record lists its sentence among the
warnings, `check` lists the flags that break a rule (`violation`), and the attention list
shows those that need action (`attention`) by their due day. The services only gather the
facts these functions judge, so each rule is written here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from coordinator_app.domain.graduation import Readiness, graduation_date, month_name
from coordinator_app.domain.imim import imim_problems
from coordinator_app.domain.programme import ImimRules, Programme
from coordinator_app.domain.ranks import RANKS

GRADUATION = "Graduation"
COURSES = "Courses"


@dataclass(frozen=True)
class Flag:
    component: str  # as the attention list names it: "Minor internship", "Fees", ...
    tab: str  # the record tab that shows it
    due: date | None  # the day it had to be in order by (None: no day known yet)
    what: str  # short, as the attention list and `check` say it
    sentence: str  # as the record's warnings say it
    violation: bool = False  # breaks a programme rule: `check` lists it
    attention: bool = True  # the coordinator has to act: the attention list shows it from `due`
    kind: str = ""  # which rule: "fees", "assessor_rank", "missing_result", ... (reminders name it)
    part: str = ""  # which part of the tab: "minor" or "major" on the Internships tab


@dataclass(frozen=True)
class OpenRegistration:
    """An exam registration without a result yet (usually the resit the rules registered)."""

    course: str  # the course's name
    attempt: int
    exam_date: date | None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def programme_end(cohort_year: int, programme: Programme) -> date:
    """The nominal end of the programme: 31 August after `duration_years` years."""
    return date(cohort_year + programme.duration_years, 8, 31)


def year_start(cohort_year: int, programme_year: int, rules: ImimRules) -> date:
    """The first day of year 1 or 2 of a cohort (1 September 2024 for year 1 of cohort 2024)."""
    month, day = rules.year_starts
    return date(cohort_year + programme_year - 1, month, day)


def imim_flags(
    rules: ImimRules,
    cohort_year: int,
    year1: str | None,
    year2: str | None,
    english_test: str | None,
    english_overall: float | None,
    english_lowest_section: float | None,
    fee_paid: bool,
) -> list[Flag]:
    """Universities, the English requirement and the participation fee: due at the start of the
    programme year they concern; a recorded value against the rule is a violation."""
    return [
        Flag(
            p.topic,
            "imim",
            year_start(cohort_year, p.year, rules),
            p.text,
            _sentence(p.text),
            p.violation,
            kind="_".join(p.topic.lower().split()),
        )
        for p in imim_problems(year1, year2, english_test, english_overall, english_lowest_section, fee_paid, rules)
    ]


def assessor_rank_flag(
    component: str,
    tab: str,
    approval_status: str,
    assessor_rank: str | None,
    min_rank: str,
    start: date | None,
    part: str = "",
) -> Flag | None:
    """An approval cannot be shown as valid while nobody recorded that the assessor is at least
    assistant professor (UD): the rank is part of what the Examination Board approves."""
    if approval_status != "approved" or assessor_rank:
        return None
    what = f"approved, but the assessor's rank is not recorded (at least {RANKS[min_rank]} is required)"
    return Flag(component, tab, start, what, f"{component}: {what}.", violation=True, kind="assessor_rank", part=part)


def _person(name: str | None) -> str:
    return " ".join((name or "").replace(".", ". ").split()).casefold()


def same_person_flag(
    component: str, tab: str, supervisor: str | None, assessor: str | None, start: date | None
) -> Flag | None:
    """The report mark is the mean of the supervisor's and the assessor's: two people."""
    if not _person(supervisor) or _person(supervisor) != _person(assessor):
        return None
    what = f"the supervisor ({' '.join((supervisor or '').split())}) is also the Amsterdam UMC assessor; the assessor must be someone else"
    return Flag(component, tab, start, what, f"{component}: {what}.", violation=True, kind="same_person")


def missing_result_flags(registrations: Iterable[OpenRegistration], as_of: date) -> list[Flag]:
    """An exam (a resit, mostly) whose day has passed without a result recorded."""
    flags = []
    for r in registrations:
        if r.exam_date is None or r.exam_date >= as_of:
            continue
        exam = "resit" if r.attempt > 1 else "exam"
        what = f"{r.course}: no result recorded for the {exam} of {r.exam_date:%d-%m-%Y}"
        flags.append(Flag(COURSES, "courses", r.exam_date, what, _sentence(what), kind="missing_result"))
    return flags


def past_nominal_end_flag(
    cohort_year: int, programme: Programme, status: str, planned: tuple[int, int] | None, as_of: date
) -> Flag | None:
    """Still active after the programme's nominal two years. With a graduation month planned the
    coordinator has acted already: the record says it, the attention list does not."""
    end = programme_end(cohort_year, programme)
    if status != "active" or as_of <= end:
        return None
    if planned is None:
        what = (
            f"still active after the nominal end of the programme ({end:%d-%m-%Y}): plan the graduation month "
            "or record that the student stopped"
        )
    else:  # asking to plan a month already planned sent the coordinator looking for what was missing
        what = f"still active after the nominal end of the programme ({end:%d-%m-%Y}); graduation planned for {month_name(*planned)}"
    return Flag(
        GRADUATION, "graduation", end, what, _sentence(what), attention=planned is None, kind="past_nominal_end"
    )


def graduation_month_passed_flag(
    planned: tuple[int, int] | None, ready: Readiness, status: str, as_of: date
) -> Flag | None:
    """A planned graduation month whose graduation date has passed while the student is not ready."""
    if planned is None or ready.ready or status != "active":
        return None
    day = graduation_date(*planned)
    if day >= as_of:
        return None
    what = f"graduation planned for {month_name(*planned)} has passed and the student is not ready: plan a new month"
    return Flag(GRADUATION, "graduation", day, what, _sentence(what), kind="graduation_month_passed")
