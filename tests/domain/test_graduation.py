"""Graduation date, ceremonies, submission deadlines, readiness and the attendance certificate."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator_app.domain.graduation import (
    GraduationFacts,
    Readiness,
    attendance_certificate_possible,
    ceremony_month,
    default_deadline,
    graduation_date,
    planned_after_this_month,
    readiness,
    submission_deadline,
)

# --- graduation date ----------------------------------------------------------------------------


def test_weekdays_used_below() -> None:
    assert date(2025, 5, 31).strftime("%A") == "Saturday"
    assert date(2025, 5, 30).strftime("%A") == "Friday"
    assert date(2025, 8, 31).strftime("%A") == "Sunday"
    assert date(2025, 8, 29).strftime("%A") == "Friday"
    assert date(2025, 1, 31).strftime("%A") == "Friday"
    assert date(2024, 11, 30).strftime("%A") == "Saturday"
    assert date(2024, 11, 29).strftime("%A") == "Friday"
    assert date(2025, 6, 30).strftime("%A") == "Monday"


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2025, 5, date(2025, 5, 30)),  # 31 May is a Saturday
        (2025, 8, date(2025, 8, 29)),  # 31 August is a Sunday
        (2025, 1, date(2025, 1, 31)),  # a Friday
        (2024, 11, date(2024, 11, 29)),  # 30 November is a Saturday
        (2025, 6, date(2025, 6, 30)),  # a Monday
        (2024, 2, date(2024, 2, 29)),  # leap day, a Thursday
    ],
)
def test_graduation_date_is_last_working_day(year: int, month: int, expected: date) -> None:
    assert graduation_date(year, month) == expected


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=12))
@settings(max_examples=200, deadline=None)
def test_graduation_date_properties(year: int, month: int) -> None:
    day = graduation_date(year, month)
    assert day.weekday() < 5
    assert (day.year, day.month) == (year, month)
    last = calendar.monthrange(year, month)[1]
    later = [date(year, month, d) for d in range(day.day + 1, last + 1)]
    assert all(d.weekday() >= 5 for d in later)
    assert len(later) <= 2


# --- ceremonies ---------------------------------------------------------------------------------


def test_ceremony_months_in_both_programmes(pm, imim) -> None:
    assert pm.graduation.ceremony_months == (1, 6, 9)
    assert imim.graduation.ceremony_months == (1, 6, 9)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        # The programme's 2024-2025 schedule: 30 Sep-31 Dec 2024 -> January 2025 ...
        (2024, 9, (2025, 1)),
        (2024, 10, (2025, 1)),
        (2024, 12, (2025, 1)),
        # ... 31 Jan-30 Apr 2025 -> June 2025 ...
        (2025, 1, (2025, 6)),
        (2025, 2, (2025, 6)),
        (2025, 4, (2025, 6)),
        # ... May-August -> September.
        (2025, 5, (2025, 9)),
        (2025, 6, (2025, 9)),
        (2025, 7, (2025, 9)),
        (2025, 8, (2025, 9)),
        (2025, 9, (2026, 1)),
    ],
)
def test_ceremony_month(pm, imim, year: int, month: int, expected: tuple[int, int]) -> None:
    assert ceremony_month(year, month, pm.graduation) == expected
    assert ceremony_month(year, month, imim.graduation) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_a_graduate_never_attends_a_ceremony_in_or_before_the_graduation_month(pm, month: int) -> None:
    year, ceremony = ceremony_month(2025, month, pm.graduation)
    assert (year, ceremony) > (2025, month)
    assert ceremony in pm.graduation.ceremony_months
    assert (year - 2025) * 12 + ceremony - month <= 5  # and never more than half a year later


# --- submission deadline ------------------------------------------------------------------------


def test_submission_deadline_four_weeks_before(pm) -> None:
    rules = pm.graduation
    assert rules.marks_registered_weeks_before == 4
    assert submission_deadline(2025, 5, rules) == date(2025, 5, 30) - timedelta(weeks=4) == date(2025, 5, 2)
    assert submission_deadline(2025, 6, rules) == date(2025, 6, 2)
    assert submission_deadline(2025, 8, rules) == date(2025, 8, 1)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2025, 7, date(2025, 6, 26)),  # graduation 31-07-2025 (Thu) - 5 weeks
        (2024, 11, date(2024, 10, 25)),  # graduation 29-11-2024 (Fri) - 5 weeks
        (2025, 12, date(2025, 11, 26)),  # graduation 31-12-2025 (Wed) - 5 weeks
    ],
)
def test_submission_deadline_one_week_earlier_in_july_november_december(pm, year, month, expected) -> None:
    # The computed default; PM's published 2024-2025 schedule says 18-11-2024 for November 2024
    # (tests/domain/test_deadlines.py), and a published deadline wins over the default.
    assert pm.graduation.early_deadline_months == (7, 11, 12)
    assert default_deadline(year, month, pm.graduation) == expected
    assert default_deadline(year, month, pm.graduation) == graduation_date(year, month) - timedelta(weeks=5)
    if (year, month) not in pm.graduation.deadlines:
        assert submission_deadline(year, month, pm.graduation) == expected


def test_scheduled_deadline_wins(pm) -> None:
    assert submission_deadline(2025, 7, pm.graduation, date(2025, 6, 1)) == date(2025, 6, 1)
    assert submission_deadline(2025, 5, pm.graduation, date(2025, 4, 15)) == date(2025, 4, 15)


# --- readiness ----------------------------------------------------------------------------------


def ready_facts(**changes) -> GraduationFacts:
    base = {
        "ec_earned": 120,
        "ec_required": 120,
        "incomplete_components": (),
        "planned": (2025, 6),
        "last_mark_registered": date(2025, 5, 20),
        "tuition_paid": True,
        "enrolled": True,
    }
    base.update(changes)
    return GraduationFacts(**base)


def test_ready_with_no_blockers(pm) -> None:
    result = readiness(ready_facts(), pm.graduation)
    assert result.ready
    assert result.blockers == ()
    assert result.label == "Ready"


def test_no_marks_registered_yet_is_not_a_blocker(pm) -> None:
    assert readiness(ready_facts(last_mark_registered=None), pm.graduation).ready


def test_ec_short(pm) -> None:
    result = readiness(ready_facts(ec_earned=114, incomplete_components=("Optional courses",)), pm.graduation)
    assert not result.ready
    assert result.blockers == ("114 of 120 EC earned", "Optional courses not complete")
    assert result.label == "2 blockers"


def test_incomplete_components_each_named(pm) -> None:
    result = readiness(ready_facts(incomplete_components=("Minor internship", "Academic Core")), pm.graduation)
    assert "Minor internship not complete" in result.blockers
    assert "Academic Core not complete" in result.blockers


def test_no_month_planned(pm) -> None:
    result = readiness(ready_facts(planned=None), pm.graduation)
    assert result.blockers == ("no graduation month planned",)


def test_mark_registered_on_the_limit_is_in_time(pm) -> None:
    # graduation 30-06-2025; the limit is 02-06-2025
    assert readiness(ready_facts(last_mark_registered=date(2025, 6, 2)), pm.graduation).ready


def test_mark_registered_too_late(pm) -> None:
    result = readiness(ready_facts(last_mark_registered=date(2025, 6, 3)), pm.graduation)
    assert len(result.blockers) == 1
    assert "03-06-2025" in result.blockers[0]
    assert "02-06-2025" in result.blockers[0]
    assert "4 weeks" in result.blockers[0]


def test_tuition_not_paid(pm) -> None:
    assert readiness(ready_facts(tuition_paid=False), pm.graduation).blockers == ("tuition not paid",)


def test_not_enrolled(pm) -> None:
    assert readiness(ready_facts(enrolled=False), pm.graduation).blockers == ("not enrolled on the graduation date",)


def test_extra_blockers_are_added(pm) -> None:
    result = readiness(ready_facts(extra_blockers=("participation fee not paid",)), pm.graduation)
    assert result.blockers == ("participation fee not paid",)


def test_every_blocker_named_together(pm) -> None:
    result = readiness(GraduationFacts(60, 120, ("Major internship",), None, None, False, False), pm.graduation)
    assert result.blockers == (
        "60 of 120 EC earned",
        "Major internship not complete",
        "no graduation month planned",
        "tuition not paid",
        "not enrolled on the graduation date",
    )
    assert result.label == "5 blockers"


def test_readiness_default() -> None:
    assert Readiness().ready


# --- attendance certificate ---------------------------------------------------------------------


def test_attendance_certificate_needs_two_courses(pm) -> None:
    assert pm.graduation.attendance_certificate_min_courses == 2
    assert not attendance_certificate_possible(0, pm.graduation)
    assert not attendance_certificate_possible(1, pm.graduation)
    assert attendance_certificate_possible(2, pm.graduation)
    assert attendance_certificate_possible(5, pm.graduation)


def test_the_readiness_label_counts_blockers_in_words() -> None:
    from coordinator_app.domain.graduation import Readiness

    assert Readiness().label == "Ready"
    assert Readiness(("tuition not paid",)).label == "1 blocker"
    assert Readiness(("tuition not paid", "not enrolled")).label == "2 blockers"


@pytest.mark.parametrize(
    ("planned", "today", "after"),
    [
        ((2027, 6), date(2026, 12, 3), True),  # June next year: a graduation date still to come
        ((2027, 1), date(2026, 12, 31), True),  # next month, on the last day of this one
        ((2026, 12), date(2026, 12, 3), False),  # this month: graduating before its last working day is usual
        ((2026, 11), date(2026, 12, 3), False),  # last month
        ((2026, 6), date(2026, 6, 1), False),  # the first day of the planned month
        (None, date(2026, 12, 3), False),  # no plan: record_graduation refuses that for its own reason
    ],
)
def test_a_planned_month_after_this_month(planned: tuple[int, int] | None, today: date, after: bool) -> None:
    assert planned_after_this_month(planned, today) is after
