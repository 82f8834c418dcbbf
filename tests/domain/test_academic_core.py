"""Academic Core: mentor meetings, first-year assignments and the final portfolio meeting."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.academic_core import AcademicCoreStatus, academic_core_status, first_year_assignments_due
from coordinator_app.domain.attention import Urgency, urgency

AS_OF = date(2025, 6, 1)


def test_pm_academic_core_rules(pm) -> None:
    rules = pm.academic_core
    assert rules.ec == 3
    assert rules.min_mentor_meetings == 2
    assert rules.first_year_assignments_due == (8, 31)


def test_first_year_assignments_due(pm) -> None:
    # "Due before 1 September": the last day is 31 August.
    assert first_year_assignments_due(2024, pm.academic_core) == date(2025, 8, 31)
    assert first_year_assignments_due(2025, pm.academic_core) == date(2026, 8, 31)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2025, 8, 31), Urgency.DUE_SOON), (date(2025, 9, 1), Urgency.OVERDUE), (date(2025, 9, 2), Urgency.OVERDUE)],
)
def test_first_year_assignments_are_overdue_on_1_september(pm, as_of: date, expected: Urgency) -> None:
    assert urgency(first_year_assignments_due(2024, pm.academic_core), None, as_of, 14) is expected


def test_one_meeting_is_not_enough(pm) -> None:
    status = academic_core_status([date(2025, 1, 10)], AS_OF, pm.academic_core, True, True)
    assert status.meetings_held == 1
    assert status.meetings_required == 2
    assert not status.enough_meetings
    assert not status.complete
    assert status.missing() == ["1 of 2 mentor meetings held"]


def test_future_meeting_does_not_count(pm) -> None:
    status = academic_core_status([date(2025, 1, 10), date(2025, 6, 2)], AS_OF, pm.academic_core, True, True)
    assert status.meetings_held == 1
    assert not status.enough_meetings
    assert not status.complete


def test_meeting_on_the_day_counts(pm) -> None:
    status = academic_core_status([date(2025, 1, 10), AS_OF], AS_OF, pm.academic_core, True, True)
    assert status.meetings_held == 2
    assert status.complete


def test_without_as_of_every_meeting_counts(pm) -> None:
    status = academic_core_status([date(2025, 1, 10), date(2030, 1, 1)], None, pm.academic_core, True, True)
    assert status.meetings_held == 2


def test_complete_needs_all_three(pm) -> None:
    two = [date(2024, 11, 5), date(2025, 3, 12)]
    complete = academic_core_status(two, AS_OF, pm.academic_core, True, True)
    assert complete.complete
    assert complete.missing() == []
    assert complete.label == "Complete"

    no_first_year = academic_core_status(two, AS_OF, pm.academic_core, False, True)
    assert not no_first_year.complete
    assert no_first_year.missing() == ["first-year assignments not received"]

    no_final = academic_core_status(two, AS_OF, pm.academic_core, True, False)
    assert not no_final.complete
    assert no_final.missing() == ["final portfolio meeting not held"]


def test_more_meetings_than_required(pm) -> None:
    three = [date(2024, 11, 5), date(2025, 3, 12), date(2025, 5, 1)]
    status = academic_core_status(three, AS_OF, pm.academic_core, True, True)
    assert status.meetings_held == 3
    assert status.complete


def test_missing_names_everything(pm) -> None:
    status = academic_core_status([], AS_OF, pm.academic_core, False, False)
    assert status.missing() == [
        "0 of 2 mentor meetings held",
        "first-year assignments not received",
        "final portfolio meeting not held",
    ]
    assert (
        status.label
        == "0 of 2 mentor meetings held; first-year assignments not received; final portfolio meeting not held"
    )


def test_status_dataclass_directly() -> None:
    assert AcademicCoreStatus(2, 2, True, True).complete
    assert not AcademicCoreStatus(1, 2, True, True).complete
