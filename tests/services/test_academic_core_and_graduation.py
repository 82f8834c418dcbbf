"""Mentor, mentor meetings, Academic Core completion, and planning graduation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.academic_core import (
    MeetingBefore,
    add_meeting,
    clear_mentor,
    delete_meeting,
    restore_meeting,
    set_mentor,
    update_meeting,
)
from coordinator_app.services.deadlines import set_deadline
from coordinator_app.services.graduation import clear_graduation_plan, plan_graduation, set_attendance
from coordinator_app.services.portfolio import find_item, mark_received
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_imim, add_pm, audit_rows, items, student


def meetings(ws: Workspace, sid: int) -> list[tuple[date, str, str]]:
    with ws.read() as s:
        return [
            (r.meeting_date, r.topic, r.notes)
            for r in s.scalars(
                select(m.MentorMeeting).where(m.MentorMeeting.student_id == sid).order_by(m.MentorMeeting.meeting_date)
            )
        ]


def plan(ws: Workspace, sid: int) -> tuple[int, int, int | None, int | None, bool | None]:
    with ws.read() as s:
        row = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == sid))
        assert row is not None
        return (row.planned_year, row.planned_month, row.ceremony_year, row.ceremony_month, row.attends_ceremony)


def test_mentor_meetings_add_update_delete(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    first = add_meeting(workspace, sid, date(2024, 11, 5), "  Career   plans ", "Wants a PhD")
    second = add_meeting(workspace, sid, date(2025, 6, 2), "Internship choice")
    assert meetings(workspace, sid) == [
        (date(2024, 11, 5), "Career plans", "Wants a PhD"),
        (date(2025, 6, 2), "Internship choice", ""),
    ]
    update_meeting(workspace, second, date(2025, 6, 3), "Internship choice", "Minor at the AMC")
    assert meetings(workspace, sid)[1] == (date(2025, 6, 3), "Internship choice", "Minor at the AMC")
    delete_meeting(workspace, first)
    assert meetings(workspace, sid) == [(date(2025, 6, 3), "Internship choice", "Minor at the AMC")]
    audit = [
        (a.action, a.field, a.old_value, a.new_value) for a in audit_rows(workspace) if a.entity == "mentor_meeting"
    ]
    assert audit == [
        ("add mentor meeting", "meeting", None, "2024-11-05 Career plans"),
        ("add mentor meeting", "meeting", None, "2025-06-02 Internship choice"),
        ("change mentor meeting", "meeting_date", "2025-06-02", "2025-06-03"),
        ("change mentor meeting", "notes", "", "Minor at the AMC"),
        ("delete mentor meeting", "meeting", "2024-11-05 Career plans", None),
    ]
    with pytest.raises(NotFound):
        delete_meeting(workspace, first)
    with pytest.raises(NotFound):
        update_meeting(workspace, first, date(2025, 1, 1), "", "")


def test_meeting_before_the_cohort_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    with unchanged(), pytest.raises(DomainError, match="before the cohort started"):
        add_meeting(workspace, sid, date(2023, 12, 31), "Too early")


def test_set_mentor(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    set_mentor(workspace, sid, " Dr.  P. Bakker ", "Philips Healthcare", "p.bakker@philips.com")
    with workspace.read() as s:
        mentor = s.scalar(select(m.Mentor).where(m.Mentor.student_id == sid))
        assert mentor is not None
        assert (mentor.name, mentor.organisation, mentor.email) == (
            "Dr. P. Bakker",
            "Philips Healthcare",
            "p.bakker@philips.com",
        )
        mentor_id = mentor.id
    audit = audit_rows(workspace, "set mentor")
    assert [(a.entity_id, a.field, a.new_value) for a in audit] == [
        (mentor_id, "name", "Dr. P. Bakker"),
        (mentor_id, "organisation", "Philips Healthcare"),
        (mentor_id, "email", "p.bakker@philips.com"),
    ]
    imim = add_imim(workspace)
    with unchanged():
        with pytest.raises(DomainError, match="Give the mentor's name"):
            set_mentor(workspace, sid, "  ")
        with pytest.raises(DomainError, match="not an e-mail address"):
            set_mentor(workspace, sid, "Dr. P. Bakker", email="bakker")
        with pytest.raises(DomainError, match="no Academic Core mentor"):
            set_mentor(workspace, imim, "Dr. P. Bakker")


def test_academic_core_ec_after_two_meetings_first_year_work_and_final_meeting(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    mark_received(workspace, find_item(workspace, sid, "academic_core", "first_year_assignments"), date(2025, 8, 28))
    mark_received(workspace, find_item(workspace, sid, "academic_core", "final_portfolio"), date(2025, 11, 20))
    add_meeting(workspace, sid, date(2024, 11, 5), "Career")
    assert student(workspace, sid).ec_earned == 0  # one meeting is not enough
    later = add_meeting(workspace, sid, date(2025, 12, 1), "Planned")
    assert student(workspace, sid).ec_earned == 0  # a planned (future) meeting does not count yet
    update_meeting(workspace, later, date(2025, 11, 10), "Planned", "")
    assert student(workspace, sid).ec_earned == 3
    delete_meeting(workspace, later)
    assert student(workspace, sid).ec_earned == 0


# The first ceremony *after* the graduation month (domain.md): Sep-Dec -> January,
# Jan-Apr -> June, May-Aug -> September.
@pytest.mark.parametrize(
    "month, ceremony",
    [
        ((2026, 5), (2026, 9)),
        ((2026, 6), (2026, 9)),
        ((2026, 7), (2026, 9)),
        ((2026, 8), (2026, 9)),
        ((2026, 9), (2027, 1)),
        ((2026, 10), (2027, 1)),
        ((2026, 12), (2027, 1)),
        ((2027, 1), (2027, 6)),
        ((2027, 2), (2027, 6)),
        ((2027, 4), (2027, 6)),
    ],
)
def test_plan_graduation_finds_the_ceremony(
    workspace: Workspace, month: tuple[int, int], ceremony: tuple[int, int]
) -> None:
    sid = add_pm(workspace, cohort=2024)
    plan_graduation(workspace, sid, *month)
    assert plan(workspace, sid)[:4] == (*month, *ceremony)


def test_plan_graduation_moves_the_final_academic_core_dues(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    plan_graduation(workspace, sid, 2026, 7, attends=True)
    # Graduation date: Fri 31-07-2026; marks 4 weeks before (03-07), a week earlier in July.
    core = {k: i.due_date for k, i in items(workspace, sid, "academic_core").items()}
    assert core == {
        "first_year_assignments": date(2025, 8, 31),
        "cv_assignment": date(2026, 6, 26),
        "final_portfolio": date(2026, 6, 26),
    }
    assert plan(workspace, sid) == (2026, 7, 2026, 9, True)
    # June 2026: last working day Tue 30-06-2026, minus 4 weeks; no extra week in June.
    plan_graduation(workspace, sid, 2026, 6)
    assert items(workspace, sid, "academic_core")["final_portfolio"].due_date == date(2026, 6, 2)
    assert plan(workspace, sid) == (2026, 6, 2026, 9, True)  # attendance kept
    audit = [(a.old_value, a.new_value) for a in audit_rows(workspace, "plan graduation")]
    assert audit == [(None, "2026-07"), ("2026-07", "2026-06")]


def test_the_programmes_own_deadline_schedule_wins(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    set_deadline(workspace, "PM", 2026, 8, date(2026, 7, 10))
    plan_graduation(workspace, sid, 2026, 8)
    assert items(workspace, sid, "academic_core")["cv_assignment"].due_date == date(2026, 7, 10)
    assert audit_rows(workspace, "graduation deadline")[0].field == "PM 2026-08"


def test_plan_graduation_input_is_checked(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    with unchanged():
        with pytest.raises(DomainError, match="A month is 1-12, not 13"):
            plan_graduation(workspace, sid, 2026, 13)
        with pytest.raises(DomainError, match="before the cohort started"):
            plan_graduation(workspace, sid, 2023, 6)
        with pytest.raises(DomainError, match="Plan the graduation month first"):
            set_attendance(workspace, sid, True)


def test_set_attendance(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    plan_graduation(workspace, sid, 2026, 8)
    set_attendance(workspace, sid, False)
    assert plan(workspace, sid)[4] is False
    assert audit_rows(workspace, "ceremony attendance")[0].new_value == "no"


def test_imim_graduation_has_no_academic_core(workspace: Workspace) -> None:
    sid = add_imim(workspace, cohort=2024)
    plan_graduation(workspace, sid, 2026, 6)
    assert plan(workspace, sid)[:4] == (2026, 6, 2026, 9)
    assert items(workspace, sid, "academic_core") == {}


def mentor(ws: Workspace, sid: int) -> tuple[str, str, str] | None:
    with ws.read() as s:
        row = s.scalar(select(m.Mentor).where(m.Mentor.student_id == sid))
        return (row.name, row.organisation, row.email) if row else None


def test_set_mentor_returns_the_mentor_before_and_a_first_one_can_be_cleared(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    assert set_mentor(workspace, sid, "Dr. P. Bakker", "Philips") is None
    assert set_mentor(workspace, sid, "Dr. K. Smit") == {
        "name": "Dr. P. Bakker",
        "organisation": "Philips",
        "email": "",
    }
    clear_mentor(workspace, sid)
    assert mentor(workspace, sid) is None
    assert [(a.old_value, a.new_value) for a in audit_rows(workspace, "clear mentor")] == [("Dr. K. Smit", None)]
    with pytest.raises(NotFound):
        clear_mentor(workspace, sid)


def test_a_deleted_meeting_is_restored_with_a_new_id_and_counts_again(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    first = add_meeting(workspace, sid, date(2025, 3, 1), "Start", "Notes\non two lines")
    before = update_meeting(workspace, first, date(2025, 3, 2), "Start of year", "")
    assert before == MeetingBefore(sid, date(2025, 3, 1), "Start", "Notes\non two lines")
    deleted = delete_meeting(workspace, first)
    assert deleted == MeetingBefore(sid, date(2025, 3, 2), "Start of year", "")
    assert meetings(workspace, sid) == []
    again = restore_meeting(workspace, deleted)
    assert meetings(workspace, sid) == [(date(2025, 3, 2), "Start of year", "")]
    assert [(a.entity_id, a.new_value) for a in audit_rows(workspace, "restore mentor meeting")] == [
        (again, "2025-03-02 Start of year")
    ]
    delete_meeting(workspace, again)  # the restored meeting is a meeting like any other
    assert meetings(workspace, sid) == []


def test_a_first_graduation_plan_is_cleared_and_the_dues_go_back(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    unplanned = {k: i.due_date for k, i in items(workspace, sid, "academic_core").items()}
    assert plan_graduation(workspace, sid, 2026, 7) is None
    assert plan_graduation(workspace, sid, 2026, 6) == (2026, 7)
    assert set_attendance(workspace, sid, True) is None
    assert set_attendance(workspace, sid, None) is True
    assert plan(workspace, sid)[4] is None
    clear_graduation_plan(workspace, sid)
    with workspace.read() as s:
        assert s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == sid)) is None
    assert {k: i.due_date for k, i in items(workspace, sid, "academic_core").items()} == unplanned
    assert [(a.old_value, a.new_value) for a in audit_rows(workspace, "clear graduation plan")] == [("2026-06", None)]
    with pytest.raises(DomainError, match="No graduation month"):
        clear_graduation_plan(workspace, sid)
