"""The attention list on a small database built by hand, as of Monday 24-11-2025."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coordinator_app.domain.attention import Urgency
from coordinator_app.domain.graduation import Readiness
from coordinator_app.services.academic_core import add_meeting
from coordinator_app.services.attention import attention_items, counts, graduation_months
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.portfolio import find_item, mark_received
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm

AS_OF = date(2025, 11, 24)


def first_year_in(ws: Workspace, sid: int, when: date) -> None:
    mark_received(ws, find_item(ws, sid, "academic_core", "first_year_assignments"), when)


@pytest.fixture
def office(workspace: Workspace) -> Workspace:
    """Six students; what each one owes is in the comments."""
    ws = workspace
    # 2700001: first-year assignments (due 31-08-2025) never came in -> overdue.
    add_pm(ws, "2700001", 2024, first="Anouk", last="de Vries")

    # 2700002: minor started 17-11 (approved): List of Agreements due 01-12 -> due soon.
    b = add_pm(ws, "2700002", 2024, first="Bram", last="Bakker")
    first_year_in(ws, b, date(2025, 8, 20))
    update_internship(
        ws,
        b,
        "minor",
        start_date=date(2025, 11, 17),
        approval_status="approved",
        approval_date=date(2025, 10, 1),
        assessor_rank="UD",
    )

    # 2700003: major starts 08-12 (the last day of the window) without approval -> approval item;
    # Literature Study from 10-11: Survey Outline due today -> due soon.
    c = add_pm(ws, "2700003", 2024, first="Chloé", last="Dubois")
    first_year_in(ws, c, date(2025, 8, 20))
    update_internship(ws, c, "major", start_date=date(2025, 12, 8), approval_status="requested")
    update_literature_study(
        ws,
        c,
        start_date=date(2025, 11, 10),
        approval_status="approved",
        approval_date=date(2025, 11, 1),
        assessor_rank="UHD",
    )

    # 2700004 (cohort 2023): graduates 12-2025, deadline 26-11-2025; one mentor meeting;
    # CV and final meeting due then; not ready to graduate.
    d = add_pm(ws, "2700004", 2023, first="Daan", last="Visser")
    first_year_in(ws, d, date(2024, 8, 30))
    add_meeting(ws, d, date(2024, 3, 1), "Start")
    plan_graduation(ws, d, 2025, 12)

    # 2700005: everything that would show is in or outside the window:
    # minor from 25-11: List of Agreements due 09-12 (one day beyond 14 days); LoA of an
    # earlier-approved internship received.
    e = add_pm(ws, "2700005", 2024, first="Eva", last="Smit")
    first_year_in(ws, e, date(2025, 9, 1))
    update_internship(
        ws,
        e,
        "minor",
        start_date=date(2025, 11, 25),
        approval_status="approved",
        approval_date=date(2025, 10, 1),
        assessor_rank="UHD",
    )

    # 2700006: overdue first-year work, but the student stopped -> not listed.
    f = add_pm(ws, "2700006", 2024, first="Finn", last="Mulder")
    update_student(ws, f, status="stopped")

    # An IMIM student whose universities, English test and fee are in order owes nothing.
    g = add_imim(ws, "s3100001", 2024)
    update_student(
        ws,
        g,
        year1_university="Uppsala",
        year2_university="Groningen",
        english_test="IELTS",
        english_overall=7.0,
        english_lowest_section=6.5,
        participation_fee_paid=True,
    )
    return ws


def listed(items) -> list[tuple[date, str, str, str, Urgency]]:  # type: ignore[no-untyped-def]
    return [(i.due, i.student_number, i.component, i.what, i.urgency) for i in items]


def test_exactly_the_items_that_need_attention_sorted_by_due_date(office: Workspace) -> None:
    found = attention_items(office, AS_OF, within=14)
    rows = listed(found)
    graduation = rows.pop(5)
    assert rows == [
        (date(2025, 8, 31), "2700001", "Academic Core", "First-year assignments", Urgency.OVERDUE),
        (date(2025, 11, 24), "2700003", "Literature Study", "Survey Outline", Urgency.DUE_SOON),
        (date(2025, 11, 26), "2700004", "Academic Core", "CV / resume assignment", Urgency.DUE_SOON),
        (date(2025, 11, 26), "2700004", "Academic Core", "Final portfolio meeting", Urgency.DUE_SOON),
        (date(2025, 11, 26), "2700004", "Academic Core", "mentor meetings: 1 of 2 held", Urgency.DUE_SOON),
        (date(2025, 12, 1), "2700002", "Minor internship", "List of Agreements (A)", Urgency.DUE_SOON),
        (
            date(2025, 12, 8),
            "2700003",
            "Major internship",
            "Examination Board approval before the start (requested)",
            Urgency.DUE_SOON,
        ),
    ]
    due, number, component, what, urgency = graduation
    assert (due, number, component, urgency) == (date(2025, 11, 26), "2700004", "Graduation", Urgency.DUE_SOON)
    assert what.startswith("graduation 2025-12 not ready: ")
    assert "EC earned" in what
    assert [i.due for i in found] == sorted(i.due for i in found)
    assert {i.student_name for i in found if i.student_number == "2700003"} == {"Chloé Dubois"}
    assert {i.tab for i in found if i.student_number == "2700002"} == {"internships"}
    assert counts(found) == {Urgency.OVERDUE: 1, Urgency.DUE_SOON: 7}


def test_received_items_leave_the_list(office: Workspace) -> None:
    before = len(attention_items(office, AS_OF, 14))
    sid = next(i.student_id for i in attention_items(office, AS_OF, 14) if i.student_number == "2700002")
    mark_received(office, find_item(office, sid, "minor_internship", "list_of_agreements"), date(2025, 11, 20))
    after = attention_items(office, AS_OF, 14)
    assert len(after) == before - 1
    assert "2700002" not in {i.student_number for i in after}


def test_a_shorter_window(office: Workspace) -> None:
    # within 0: only what is overdue or due today.
    assert [(i.due, i.student_number, i.what) for i in attention_items(office, AS_OF, within=0)] == [
        (date(2025, 8, 31), "2700001", "First-year assignments"),
        (date(2025, 11, 24), "2700003", "Survey Outline"),
    ]
    # within 15 reaches 09-12: the List of Agreements of 2700005 joins.
    assert ("2700005", "List of Agreements (A)") in {
        (i.student_number, i.what) for i in attention_items(office, AS_OF, within=15)
    }


def test_later_the_overdue_items_pile_up(office: Workspace) -> None:
    found = attention_items(office, date(2025, 12, 2), within=0)
    overdue = {(i.student_number, i.what) for i in found if i.urgency is Urgency.OVERDUE}
    assert ("2700002", "List of Agreements (A)") in overdue
    assert ("2700004", "Final portfolio meeting") in overdue
    assert ("2700003", "Survey Outline") in overdue


def test_filter_by_programme_and_cohort(office: Workspace) -> None:
    assert attention_items(office, AS_OF, 14, programme_code="IMIM") == []
    cohort_2023 = attention_items(office, AS_OF, 14, programme_code="PM", cohort=2023)
    assert {i.student_number for i in cohort_2023} == {"2700004"}
    assert len(attention_items(office, AS_OF, 14, cohort=2024)) == 4


def test_an_empty_database_needs_nothing(workspace: Workspace) -> None:
    assert attention_items(workspace, AS_OF, 14) == []


def test_graduation_check_takes_readiness_the_caller_already_has(office: Workspace) -> None:
    """The export evaluates every student for its Overview and hands the verdicts over; only
    students it has no verdict for are evaluated here."""
    sid = next(i.student_id for i in attention_items(office, AS_OF, 14) if i.component == "Graduation")
    told = [
        i.what
        for i in attention_items(office, AS_OF, 14, readiness={sid: Readiness(("thesis missing",))})
        if i.component == "Graduation"
    ]
    assert told == ["graduation 2025-12 not ready: thesis missing"]
    ready = attention_items(office, AS_OF, 14, readiness={sid: Readiness(())})
    assert [i for i in ready if i.component == "Graduation"] == []
    others = attention_items(office, AS_OF, 14, readiness={sid + 1000: Readiness(("someone else",))})
    assert [i.what for i in others if i.component == "Graduation"] == [
        i.what for i in attention_items(office, AS_OF, 14) if i.component == "Graduation"
    ]


def test_graduation_months_cover_every_deadline_in_the_window() -> None:
    # A deadline lies on or before the graduation date and at most 62 days before it (domain/deadlines.py):
    # on 24-11-2025 with a 14-day window (to 08-12) the months from October 2025 to February 2026 can matter.
    assert graduation_months(AS_OF, 14) == (202510, 202602)
    # On 31-12-2025 a deadline from 30-11 on counts: October's graduation date (31-10) is earlier.
    assert graduation_months(date(2025, 12, 31), 0) == (202511, 202603)


@pytest.mark.parametrize("within", [0, 14, 45, 120])
def test_graduation_months_hold_every_deadline_a_schedule_may_set(within: int) -> None:
    """Whatever the coordinator enters (the earliest and latest a month allows) or the programme
    publishes, a deadline in the attention window belongs to a month the query reads."""
    from coordinator_app.domain.deadlines import MAX_DAYS_BEFORE
    from coordinator_app.domain.graduation import graduation_date

    for day in range(0, 400, 3):
        as_of = date(2025, 1, 1) + timedelta(days=day)
        first, last = graduation_months(as_of, within)
        for year in (2024, 2025, 2026, 2027):
            for month in range(1, 13):
                end = graduation_date(year, month)
                for deadline in (end, end - timedelta(days=MAX_DAYS_BEFORE)):
                    if as_of - timedelta(days=31) <= deadline <= as_of + timedelta(days=within):
                        assert first <= year * 100 + month <= last, (as_of, within, year, month, deadline)
