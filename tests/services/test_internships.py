"""Planning internships and the Literature Study: portfolio due dates, interruptions, marks, EC."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.internships import (
    RemovedInterruption,
    add_interruption,
    remove_interruption,
    restore_interruption,
    unplan_internship,
    unplan_literature_study,
    update_internship,
    update_literature_study,
)
from coordinator_app.services.portfolio import find_item, mark_received
from coordinator_app.services.record_view import load_record
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm, audit_rows, items, student

START = date(2025, 3, 3)  # a Monday; the minor is 24 EC = 16 full-time weeks = 112 days

MINOR_DUES = {
    "list_of_agreements": date(2025, 3, 17),  # start + 14
    "research_proposal": date(2025, 4, 14),  # start + 42
    "interim_assessment": date(2025, 4, 28),  # halfway: start + 112 // 2
    "halfway_presentation": date(2025, 4, 28),
    "final_assessment": date(2025, 6, 22),  # planned end: start + 112 - 1
    "written_report": date(2025, 6, 22),
    "second_assessor_assessment": date(2025, 7, 6),  # end + 14
    "evaluation_form": date(2025, 6, 22),
}


def dues(ws: Workspace, sid: int, component: str = "minor_internship") -> dict[str, date | None]:
    return {kind: item.due_date for kind, item in items(ws, sid, component).items()}


def complete_minor(ws: Workspace, sid: int) -> None:
    for kind in MINOR_DUES:
        mark_received(ws, find_item(ws, sid, "minor_internship", kind), date(2025, 7, 10))


def test_planning_the_start_creates_the_portfolio_with_due_dates(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    old = update_internship(workspace, sid, "minor", start_date=START, host="  Amsterdam UMC ", is_umc="yes")
    # The host was added to the register and chosen: Undo gives back no host at all, and takes the
    # host it added out of the register again (`host_added`).
    added = old.pop("host_added")
    assert old == {"start_date": None, "host": "", "host_id": None, "department": "", "is_umc": False}
    assert load_record(workspace, sid).internships["minor"].fields["host_id"] == added
    assert dues(workspace, sid) == MINOR_DUES
    names = {k: i.name for k, i in items(workspace, sid, "minor_internship").items()}
    assert names["list_of_agreements"] == "List of Agreements (A)"
    audit = [(a.action, a.field, a.old_value, a.new_value) for a in audit_rows(workspace) if a.entity == "internship"]
    assert audit[0] == ("plan internship", "kind", None, "minor")
    assert ("change internship", "minor start_date", None, "2025-03-03") in audit
    assert ("change internship", "minor host", "", "Amsterdam UMC") in audit


def test_a_typed_start_date_is_accepted(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date="3-3-2025")
    assert dues(workspace, sid) == MINOR_DUES


def test_internship_without_a_start_has_items_without_due_dates(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "major", host="Karolinska Institutet")
    assert set(dues(workspace, sid, "major_internship")) == set(MINOR_DUES)
    assert set(dues(workspace, sid, "major_internship").values()) == {None}


def test_moving_the_start_moves_due_dates_and_keeps_received_dates(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=START)
    loa = find_item(workspace, sid, "minor_internship", "list_of_agreements")
    mark_received(workspace, loa, date(2025, 3, 14), note="signed by both supervisors")
    update_internship(workspace, sid, "minor", start_date=date(2025, 3, 10))
    moved = items(workspace, sid, "minor_internship")
    assert moved["list_of_agreements"].due_date == date(2025, 3, 24)
    assert moved["list_of_agreements"].received_date == date(2025, 3, 14)
    assert moved["list_of_agreements"].note == "signed by both supervisors"
    assert moved["written_report"].due_date == date(2025, 6, 29)
    assert len(moved) == 8  # moved, not duplicated


def test_part_time_stretches_the_internship(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=START, part_time_percent="80%")
    got = dues(workspace, sid)
    # 112 days / 0.8 = 140 days: end = start + 139, halfway = start + 70.
    assert got["list_of_agreements"] == date(2025, 3, 17)  # the start-based ones stay
    assert got["interim_assessment"] == date(2025, 5, 12)
    assert got["final_assessment"] == date(2025, 7, 20)
    assert got["second_assessor_assessment"] == date(2025, 8, 3)


def test_interruptions_push_the_end_back_and_removing_them_restores_it(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=START)
    iid = add_interruption(workspace, sid, "minor", date(2025, 4, 1), date(2025, 4, 14), "Optional course")
    got = dues(workspace, sid)
    # 14 interruption days: length 126, end = start + 125, halfway = start + 63.
    assert got["final_assessment"] == date(2025, 7, 6)
    assert got["interim_assessment"] == date(2025, 5, 5)
    assert got["research_proposal"] == date(2025, 4, 14)
    assert audit_rows(workspace, "add interruption")[0].new_value == "2025-04-01 - 2025-04-14 Optional course"
    remove_interruption(workspace, iid)
    assert dues(workspace, sid) == MINOR_DUES
    with pytest.raises(NotFound):
        remove_interruption(workspace, iid)


def test_bad_interruptions_are_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged(), pytest.raises(DomainError, match="Plan the minor internship's start date"):
        add_interruption(workspace, sid, "minor", date(2025, 4, 1), date(2025, 4, 14))
    update_internship(workspace, sid, "minor", start_date=START)
    with unchanged():
        with pytest.raises(DomainError, match="cannot start before the internship starts"):
            add_interruption(workspace, sid, "minor", date(2025, 2, 1), date(2025, 3, 14))
        with pytest.raises(DomainError, match="cannot end"):
            add_interruption(workspace, sid, "minor", date(2025, 4, 14), date(2025, 4, 1))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"travel_code": "purple"}, "Travel advice code must be green, yellow, orange or red"),
        ({"assessor_rank": "professor"}, "Unknown rank 'professor'"),
        ({"part_time_percent": "5"}, "between 10% and 100%"),
        ({"part_time_percent": "half"}, "not a percentage"),
        ({"approval_status": "approved"}, "Give the date of the Examination Board's decision"),
        ({"approval_status": "ok", "approval_date": date(2025, 2, 1)}, "Approval must be one of"),
        ({"start_date": "31-02-2025"}, "is not a date"),
        ({"practical_mark": "11"}, "between 1.0 and 10.0"),
        ({"practical_mark": "goed"}, "is not a mark"),
        ({"assessor_location": "UMCG"}, "VUmc or AMC"),
        ({"salary": 100}, "not a field that can be changed"),
        ({"start_date": START, "travel_code": "purple"}, "Travel advice"),
    ],
)
def test_invalid_internship_input_is_refused_and_nothing_written(
    workspace: Workspace, unchanged, changes, message
) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged(), pytest.raises(DomainError, match=message):
        update_internship(workspace, sid, "minor", **changes)


def test_approval_without_date_refused_on_an_existing_internship_too(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=START, approval_status="requested")
    with unchanged(), pytest.raises(DomainError, match="Give the date"):
        update_internship(workspace, sid, "minor", approval_status="approved", host="Elsewhere")
    update_internship(workspace, sid, "minor", approval_status="approved", approval_date="10-02-2025")
    assert audit_rows(workspace, "change internship")[-1].new_value == "2025-02-10"


def test_unknown_kind_and_imim_student_are_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    pm = add_pm(workspace)
    imim = add_imim(workspace)
    with unchanged():
        with pytest.raises(DomainError, match="minor or major, not 'medium'"):
            update_internship(workspace, pm, "medium", start_date=START)
        with pytest.raises(DomainError, match="has no minor and major internships"):
            update_internship(workspace, imim, "minor", start_date=START)
        with pytest.raises(DomainError, match="has no Literature Study"):
            update_literature_study(workspace, imim, start_date=START)


def test_complete_portfolio_and_marks_earn_the_internship_ec(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(
        workspace,
        sid,
        "minor",
        start_date=START,
        approval_status="approved",
        approval_date=date(2025, 2, 10),
        is_umc=True,
    )
    update_internship(
        workspace,
        sid,
        "minor",
        practical_mark="7,0",
        supervisor_report_mark=8.0,
        assessor_report_mark="7",
        presentation_mark="8,0",
        marks_registered_on=date(2025, 7, 15),
    )
    assert student(workspace, sid).ec_earned == 0  # marks, but no complete portfolio yet
    complete_minor(workspace, sid)
    assert student(workspace, sid).ec_earned == 24  # 0.4x7 + 0.4x7.5 + 0.2x8 = 7.4, passed
    # Clearing one received date takes the EC away again.
    mark_received(workspace, find_item(workspace, sid, "minor_internship", "evaluation_form"), None)
    assert student(workspace, sid).ec_earned == 0


def test_complete_portfolio_without_approval_or_with_a_fail_earns_nothing(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(
        workspace,
        sid,
        "minor",
        start_date=START,
        practical_mark=5.0,
        supervisor_report_mark=5.0,
        assessor_report_mark=5.0,
        presentation_mark=6.0,
    )
    complete_minor(workspace, sid)
    assert student(workspace, sid).ec_earned == 0  # not approved, and 5.2 is a fail
    update_internship(workspace, sid, "minor", approval_status="approved", approval_date=date(2025, 2, 10))
    assert student(workspace, sid).ec_earned == 0  # approved, still a fail
    update_internship(workspace, sid, "minor", practical_mark=6.0)
    assert student(workspace, sid).ec_earned == 24  # 0.4x6 + 0.4x5 + 0.2x6 = 5.6


def test_literature_study_survey_outline_and_ec(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    start = date(2025, 9, 1)
    old = update_literature_study(
        workspace, sid, start_date=start, subject="Pharmacogenomics of statins", assessor_rank="UD"
    )
    assert old == {"start_date": None, "subject": "", "assessor_rank": None}
    assert dues(workspace, sid, "literature_study") == {
        "survey_outline": date(2025, 9, 15),  # start + 14
        "literature_report": date(2025, 10, 12),  # 6 weeks: start + 42 - 1
    }
    update_literature_study(
        workspace,
        sid,
        approval_status="approved",
        approval_date=date(2025, 8, 20),
        outline_mark="8",
        supervisor_report_mark="7,0",
        assessor_report_mark="8,0",
        presentation_mark="7",
    )
    mark_received(workspace, find_item(workspace, sid, "literature_study", "survey_outline"), date(2025, 9, 12))
    assert student(workspace, sid).ec_earned == 0
    mark_received(workspace, find_item(workspace, sid, "literature_study", "literature_report"), date(2025, 10, 10))
    assert student(workspace, sid).ec_earned == 9
    update_literature_study(workspace, sid, start_date=date(2025, 9, 8))
    moved = items(workspace, sid, "literature_study")
    assert moved["survey_outline"].due_date == date(2025, 9, 22)
    assert moved["survey_outline"].received_date == date(2025, 9, 12)


def test_literature_study_input_is_checked(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged():
        with pytest.raises(DomainError, match="Give the date"):
            update_literature_study(workspace, sid, approval_status="rejected")
        with pytest.raises(DomainError, match="Unknown rank"):
            update_literature_study(workspace, sid, assessor_rank="lecturer")
        with pytest.raises(DomainError, match="at most one decimal"):
            update_literature_study(workspace, sid, outline_mark="7,25")


def test_mark_received_refuses_a_future_date(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=START)
    loa = find_item(workspace, sid, "minor_internship", "list_of_agreements")
    with unchanged(), pytest.raises(DomainError, match="25-11-2025 is in the future"):
        mark_received(workspace, loa, date(2025, 11, 25))
    assert mark_received(workspace, loa, date(2025, 11, 24)) is None  # today is fine
    assert mark_received(workspace, loa, date(2025, 3, 15)) == date(2025, 11, 24)
    audit = [
        (a.action, a.field, a.old_value, a.new_value) for a in audit_rows(workspace) if a.entity == "portfolio_item"
    ]
    assert audit == [
        ("mark received", "minor_internship list_of_agreements", None, "2025-11-24"),
        ("mark received", "minor_internship list_of_agreements", "2025-11-24", "2025-03-15"),
    ]
    with pytest.raises(NotFound, match="no research proposal for the major internship"):
        find_item(workspace, sid, "major_internship", "research_proposal")


def test_a_removed_interruption_is_restored_and_moves_the_dues_again(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    update_internship(workspace, sid, "minor", start_date=START)
    first = add_interruption(workspace, sid, "minor", date(2025, 4, 1), date(2025, 4, 14), "holiday")
    moved = dues(workspace, sid)
    removed = remove_interruption(workspace, first)
    assert removed == RemovedInterruption(sid, "minor", date(2025, 4, 1), date(2025, 4, 14), "holiday")
    assert dues(workspace, sid) == MINOR_DUES
    again = restore_interruption(workspace, removed)
    assert dues(workspace, sid) == moved
    assert audit_rows(workspace, "restore interruption")[0].entity_id == again
    remove_interruption(workspace, again)
    assert dues(workspace, sid) == MINOR_DUES


def test_unplanning_an_internship_removes_it_and_its_portfolio(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    update_internship(workspace, sid, "minor", host="AMC")
    update_internship(workspace, sid, "major", start_date=START)
    assert items(workspace, sid, "minor_internship")
    unplan_internship(workspace, sid, "minor")
    assert items(workspace, sid, "minor_internship") == {}
    assert items(workspace, sid, "major_internship")  # the other internship stays
    assert audit_rows(workspace, "unplan internship")[0].old_value == "minor"
    with pytest.raises(NotFound):
        unplan_internship(workspace, sid, "minor")
    add_interruption(workspace, sid, "major", date(2025, 4, 1), date(2025, 4, 2))
    mark_received(workspace, find_item(workspace, sid, "major_internship", "list_of_agreements"), date(2025, 3, 10))
    with unchanged(), pytest.raises(DomainError, match="interruptions"):
        unplan_internship(workspace, sid, "major")


def test_unplanning_refuses_when_something_came_in(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    update_internship(workspace, sid, "minor", start_date=START)
    mark_received(workspace, find_item(workspace, sid, "minor_internship", "list_of_agreements"), date(2025, 3, 10))
    with unchanged(), pytest.raises(DomainError, match="already came in"):
        unplan_internship(workspace, sid, "minor")


def test_unplanning_the_literature_study(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    update_literature_study(workspace, sid, subject="Imaging biomarkers", start_date=START)
    assert items(workspace, sid, "literature_study")
    unplan_literature_study(workspace, sid)
    assert items(workspace, sid, "literature_study") == {}
    assert student(workspace, sid).ec_earned == 0
    assert len(audit_rows(workspace, "unplan literature study")) == 1
    with pytest.raises(NotFound):
        unplan_literature_study(workspace, sid)
