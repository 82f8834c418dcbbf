"""The deadline schedule: PM's published 2024-2025 deadlines, what the coordinator enters, the
computed default elsewhere; which one applies and says so; what a deadline may be; readiness."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordinator_app.domain.deadlines import (
    MAX_DAYS_BEFORE,
    DeadlineSource,
    academic_year_months,
    academic_year_of,
    check_deadline,
    month_deadline,
    parse_month,
)
from coordinator_app.domain.errors import DomainError, ProgrammeDefinitionError
from coordinator_app.domain.graduation import GraduationFacts, graduation_date, readiness, submission_deadline
from coordinator_app.domain.programme_file import load_programme_file
from tests.domain.test_programme import PM_TEXT, changed, write

# domain.md, the 2024-2025 schedule: deadline -> graduation date.
PUBLISHED_2024_2025 = {
    (2024, 9): date(2024, 9, 16),
    (2024, 10): date(2024, 10, 18),
    (2024, 11): date(2024, 11, 18),
    (2024, 12): date(2024, 12, 13),
    (2025, 1): date(2025, 1, 13),
    (2025, 2): date(2025, 2, 10),
    (2025, 3): date(2025, 3, 10),
    (2025, 4): date(2025, 4, 14),
}


def test_pm_ships_the_published_2024_2025_schedule(pm) -> None:
    assert pm.graduation.deadlines == PUBLISHED_2024_2025
    for (year, month), deadline in PUBLISHED_2024_2025.items():
        assert submission_deadline(year, month, pm.graduation) == deadline
        line = month_deadline(year, month, pm.graduation)
        assert (line.deadline, line.source, line.published) == (deadline, DeadlineSource.SCHEDULE, deadline)


def test_the_published_schedule_differs_from_the_computed_default(pm) -> None:
    # 16 Sep for 30 Sep 2024 where the rule computes 2 Sep; 13 Jan for 31 Jan 2025 where it computes 3 Jan.
    september = month_deadline(2024, 9, pm.graduation)
    assert (september.graduation_date, september.deadline, september.default) == (
        date(2024, 9, 30),
        date(2024, 9, 16),
        date(2024, 9, 2),
    )
    january = month_deadline(2025, 1, pm.graduation)
    assert (january.deadline, january.default) == (date(2025, 1, 13), date(2025, 1, 3))


def test_a_month_the_schedule_does_not_list_gets_the_computed_default_marked_as_such(pm, imim) -> None:
    may = month_deadline(2025, 5, pm.graduation)
    assert (may.deadline, may.source, may.published) == (date(2025, 5, 2), DeadlineSource.DEFAULT, None)
    july = month_deadline(2025, 7, pm.graduation)  # a week earlier in July: 31-07 minus 5 weeks
    assert (july.deadline, july.source) == (date(2025, 6, 26), DeadlineSource.DEFAULT)
    # IMIM publishes no schedule: every month is the default.
    assert imim.graduation.deadlines == {}
    assert month_deadline(2025, 1, imim.graduation).source is DeadlineSource.DEFAULT
    assert month_deadline(2025, 1, imim.graduation).deadline == date(2025, 1, 3)


def test_an_entered_deadline_wins_over_the_schedule_and_clearing_it_falls_back(pm) -> None:
    entered = month_deadline(2025, 1, pm.graduation, date(2025, 1, 10))
    assert (entered.deadline, entered.source, entered.fallback) == (
        date(2025, 1, 10),
        DeadlineSource.ENTERED,
        date(2025, 1, 13),
    )
    assert submission_deadline(2025, 1, pm.graduation, date(2025, 1, 10)) == date(2025, 1, 10)
    entered_may = month_deadline(2025, 5, pm.graduation, date(2025, 5, 9))
    assert (entered_may.source, entered_may.fallback) == (DeadlineSource.ENTERED, date(2025, 5, 2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01", (2025, 1)),
        ("2025-1", (2025, 1)),
        ("01-2025", (2025, 1)),
        ("1/2025", (2025, 1)),
        ("January 2025", (2025, 1)),
        ("jan 2025", (2025, 1)),
        (" September  2024 ", (2024, 9)),
        ("sept 2024", (2024, 9)),
    ],
)
def test_a_month_is_read_as_typed(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "A month is 1-12, not 13"),
        ("13-2025", "A month is 1-12, not 13"),
        ("ju 2025", "is not a month"),
        ("", "is not a month"),
        ("9999-12", "between 2000 and 2100"),
        ("2025", "is not a month"),
        ("15-01-2025", "is not a month"),
    ],
)
def test_a_wrong_month_says_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_month(text)


def test_a_deadline_lies_on_or_before_the_graduation_date_and_at_most_two_months_before() -> None:
    check_deadline(2025, 1, date(2025, 1, 31))  # on the graduation date itself
    check_deadline(2025, 1, date(2025, 1, 31) - timedelta(days=MAX_DAYS_BEFORE))
    with pytest.raises(DomainError, match="between 30-11-2024 and the graduation date 31-01-2025, not on 01-02-2025"):
        check_deadline(2025, 1, date(2025, 2, 1))
    # The original schedule page has "13 January 2024" in the 2025 column: a year early.
    with pytest.raises(DomainError, match="not on 13-01-2024"):
        check_deadline(2025, 1, date(2024, 1, 13))
    with pytest.raises(DomainError, match="between 2000 and 2100"):
        check_deadline(9999, 12, date(9999, 12, 1))


def test_an_academic_year_runs_september_to_august() -> None:
    months = academic_year_months(2024)
    assert months[0] == (2024, 9) and months[-1] == (2025, 8) and len(months) == 12
    assert academic_year_of(date(2025, 8, 31)) == 2024
    assert academic_year_of(date(2025, 9, 1)) == 2025


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_every_computed_and_published_deadline_is_a_valid_one(year: int, month: int) -> None:
    from coordinator_app.domain.programme_file import load_programmes
    from coordinator_app.paths import programmes_dir

    for programme in load_programmes(programmes_dir()).values():
        line = month_deadline(year, month, programme.graduation)
        check_deadline(year, month, line.deadline)
        assert line.deadline <= graduation_date(year, month)


# --- the schedule in the programme file -----------------------------------------------------------


def test_the_schedule_in_a_programme_file_is_checked(tmp_path: Path) -> None:
    # The original page's typo: 13 January 2024 for the January 2025 graduation.
    text = changed("2025-01 = 2025-01-13", "2025-01 = 2024-01-13")
    with pytest.raises(ProgrammeDefinitionError) as info:
        load_programme_file(write(tmp_path, text))
    assert info.value.key == "graduation.deadlines.2025-01"
    assert "not on 13-01-2024" in str(info.value)
    with pytest.raises(ProgrammeDefinitionError, match="yyyy-mm"):
        load_programme_file(write(tmp_path, changed("2025-01 = 2025-01-13", "jan-2025 = 2025-01-13")))
    with pytest.raises(ProgrammeDefinitionError, match="must be a date"):
        load_programme_file(write(tmp_path, changed("2025-01 = 2025-01-13", '2025-01 = "13-01-2025"')))
    without = load_programme_file(write(tmp_path, PM_TEXT.split("[graduation.deadlines]")[0]))
    assert without.graduation.deadlines == {}


# --- readiness: marks 4 weeks before the graduation date, whatever the submission deadline ---------


def _facts(last_mark: date, planned: tuple[int, int]) -> GraduationFacts:
    return GraduationFacts(120, 120, (), planned, last_mark, True, True, ())


def test_readiness_holds_the_marks_to_four_weeks_not_to_the_submission_deadline(pm) -> None:
    rules = pm.graduation
    # September 2024: the schedule's deadline for final products is 16 Sep, but domain.md keeps
    # a rule of its own for the marks: registered at least 4 weeks before 30-09-2024.
    assert readiness(_facts(date(2024, 9, 2), (2024, 9)), rules).ready
    late = readiness(_facts(date(2024, 9, 10), (2024, 9)), rules)
    assert late.blockers == ("last mark registered 10-09-2024, after 02-09-2024 (4 weeks before the graduation date)",)


def test_the_schedule_does_not_move_the_marks_rule(pm) -> None:
    from coordinator_app.domain.grades import Grade
    from coordinator_app.domain.student import StudentSnapshot, evaluate

    snap = StudentSnapshot(
        cohort_year=2023,
        tuition_paid=True,
        results={"PM-PERS": [Grade(7.0)]},
        last_grade_registered=date(2025, 1, 3),
        graduation=(2025, 1),
    )
    assert not any("last mark registered" in b for b in evaluate(pm, snap, date(2025, 1, 20)).readiness.blockers)
    later = replace(snap, last_grade_registered=date(2025, 1, 11))  # before the 13-01 deadline
    assert "last mark registered 11-01-2025, after 03-01-2025 (4 weeks before the graduation date)" in (
        evaluate(pm, later, date(2025, 1, 20)).readiness.blockers
    )
