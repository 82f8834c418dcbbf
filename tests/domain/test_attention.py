"""What needs the coordinator's attention: overdue and soon-due items."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.attention import AttentionItem, Urgency, sort_key, urgency

TODAY = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("due", "received", "within", "expected"),
    [
        (date(2025, 3, 9), None, 14, Urgency.OVERDUE),  # due yesterday
        (date(2024, 12, 1), None, 14, Urgency.OVERDUE),
        (date(2025, 3, 10), None, 14, Urgency.DUE_SOON),  # due today
        (date(2025, 3, 10), None, 0, Urgency.DUE_SOON),  # due today, window of 0 days
        (date(2025, 3, 11), None, 0, Urgency.LATER),
        (date(2025, 3, 24), None, 14, Urgency.DUE_SOON),  # exactly 14 days ahead
        (date(2025, 3, 25), None, 14, Urgency.LATER),  # 15 days ahead
        (date(2025, 3, 17), None, 7, Urgency.DUE_SOON),
        (date(2025, 3, 18), None, 7, Urgency.LATER),
        (date(2025, 3, 9), date(2025, 3, 9), 14, Urgency.DONE),
        (date(2025, 1, 1), date(2025, 2, 1), 14, Urgency.DONE),  # received late: still done
        (date(2025, 6, 1), date(2025, 3, 1), 14, Urgency.DONE),
        (None, None, 14, Urgency.LATER),  # no due date known yet
        (None, date(2025, 3, 1), 14, Urgency.DONE),
    ],
)
def test_urgency(due: date | None, received: date | None, within: int, expected: Urgency) -> None:
    assert urgency(due, received, TODAY, within) is expected


def test_urgency_values_are_readable() -> None:
    assert Urgency.OVERDUE.value == "overdue"
    assert Urgency.DUE_SOON.value == "due soon"
    assert Urgency.LATER == "later"
    assert Urgency.DONE == "done"


def item(
    due: date, number: str, component: str = "Minor internship", what: str = "List of Agreements (A)"
) -> AttentionItem:
    return AttentionItem(
        due, 1, number, "A. Student", "PM", 2024, component, what, urgency(due, None, TODAY, 14), "Internships"
    )


def test_attention_item_days_from() -> None:
    assert item(date(2025, 3, 17), "2712345").days_from(TODAY) == 7
    assert item(date(2025, 3, 8), "2712345").days_from(TODAY) == -2
    assert item(date(2025, 3, 8), "2712345").urgency is Urgency.OVERDUE


def test_sort_key_orders_by_due_then_student_then_component() -> None:
    a = item(date(2025, 3, 17), "2700002", "Minor internship")
    b = item(date(2025, 3, 12), "2700003", "Major internship")
    c = item(date(2025, 3, 17), "2700001", "Literature Study")
    d = item(date(2025, 3, 17), "2700002", "Academic Core")
    assert sorted([a, b, c, d], key=sort_key) == [b, c, d, a]
