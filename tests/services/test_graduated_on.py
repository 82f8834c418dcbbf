"""A graduate's graduation date: recorded with the status change (the last working day of the planned
month), cleared when the status goes back, undone exactly, and the plan kept while it stands; refused
while the planned month is still to come."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.graduation import clear_graduation_plan, plan_graduation
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_imim, add_pm, audit_rows, student

LAST_WORKING_DAY_OF_MAY_2026 = date(2026, 5, 29)  # 31 May 2026 is a Sunday
IN_MAY_2026 = date(2026, 5, 12)  # the coordinator marks May's graduates before its last working day


@pytest.fixture
def workspace(make_workspace: Callable[..., Any]) -> Workspace:
    """Today in May 2026: graduating in the planned month itself (May 2026), the usual case."""
    ws: Workspace = make_workspace(today=IN_MAY_2026)
    return ws


def graduated_on(ws: Workspace, sid: int) -> date | None:
    with ws.read() as s:
        return s.scalar(select(m.GraduationPlan.graduated_on).where(m.GraduationPlan.student_id == sid))


def test_graduating_records_the_last_working_day_of_the_planned_month(workspace: Workspace) -> None:
    ws = workspace
    sid = add_pm(ws)
    plan_graduation(ws, sid, 2026, 5)
    before = len(audit_rows(ws))
    assert update_student(ws, sid, status="graduated") == {"status": "active"}
    assert graduated_on(ws, sid) == LAST_WORKING_DAY_OF_MAY_2026
    # One audit entry: the status change (the date follows from it and from the plan).
    added = audit_rows(ws)[before:]
    assert [(a.action, a.field, a.old_value, a.new_value) for a in added] == [
        ("change student", "status", "active", "graduated")
    ]
    assert load_record(ws, sid).graduation.graduated_on == LAST_WORKING_DAY_OF_MAY_2026


def test_setting_the_status_back_clears_it_and_undo_restores_it_exactly(workspace: Workspace) -> None:
    ws = workspace
    sid = add_pm(ws)
    plan_graduation(ws, sid, 2026, 5)
    graduate = update_student(ws, sid, status="graduated")
    back = update_student(ws, sid, status="active")
    assert back == {"status": "graduated"}
    assert graduated_on(ws, sid) is None
    update_student(ws, sid, **back)  # Undo of "change status to active"
    assert graduated_on(ws, sid) == LAST_WORKING_DAY_OF_MAY_2026
    assert student(ws, sid).status == "graduated"
    update_student(ws, sid, status="active")
    update_student(ws, sid, **graduate)  # ... and of the first change: active again, no date
    assert (student(ws, sid).status, graduated_on(ws, sid)) == ("active", None)


def test_a_student_who_stops_has_no_graduation_date(workspace: Workspace) -> None:
    ws = workspace
    sid = add_imim(ws)
    plan_graduation(ws, sid, 2026, 4)
    update_student(ws, sid, status="graduated")
    assert graduated_on(ws, sid) == date(2026, 4, 30)
    update_student(ws, sid, status="stopped")
    assert graduated_on(ws, sid) is None


def test_graduating_without_a_planned_month_is_refused_and_nothing_written(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged(), pytest.raises(DomainError, match="Plan the graduation month first") as caught:
        update_student(workspace, sid, status="graduated", tuition_paid="yes")
    assert caught.value.field == "status"


def test_the_plan_of_a_graduate_stays_until_the_status_goes_back(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    ws = workspace
    sid = add_pm(ws)
    plan_graduation(ws, sid, 2026, 5)
    update_student(ws, sid, status="graduated")
    with unchanged():
        with pytest.raises(DomainError, match="graduated on 29-05-2026; the plan stays"):
            plan_graduation(ws, sid, 2026, 8)
        with pytest.raises(DomainError, match="graduated on 29-05-2026; the plan stays"):
            clear_graduation_plan(ws, sid)
    update_student(ws, sid, status="active")
    assert plan_graduation(ws, sid, 2026, 8) == (2026, 5)


# -- the planned month still to come (today 3 December 2026) ---------------------------------------------
ON_3_DECEMBER_2026 = date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(
    ("planned", "named"),
    [((2027, 6), "June 2027"), ((2027, 1), "January 2027"), ((2029, 2), "February 2029")],
)
def test_graduating_before_the_planned_month_is_refused_and_nothing_written(
    workspace: Workspace, unchanged: Callable[[], AbstractContextManager[None]], planned: tuple[int, int], named: str
) -> None:
    ws = workspace
    ws.today = ON_3_DECEMBER_2026
    sid = add_pm(ws)
    plan_graduation(ws, sid, *planned)
    with unchanged(), pytest.raises(DomainError) as caught:
        update_student(ws, sid, status="graduated", tuition_paid="yes")  # the tuition is not saved either
    assert caught.value.field == "status"
    assert caught.value.message == (
        f"The planned graduation month is {named}, after this month (December 2026): a student graduates in "
        "the month the programme was completed. Plan that month on the Graduation tab first."
    )
    assert (student(ws, sid).status, student(ws, sid).tuition_paid, graduated_on(ws, sid)) == ("active", False, None)


@pytest.mark.parametrize(
    ("planned", "recorded"),
    [
        ((2026, 12), date(2026, 12, 31)),  # the month itself, four weeks before its last working day
        ((2026, 11), date(2026, 11, 30)),  # last month: its last working day is past
        ((2026, 10), date(2026, 10, 30)),  # 31 October 2026 is a Saturday
        ((2025, 2), date(2025, 2, 28)),  # long past (a month that passed unready, graduated later)
    ],
)
def test_graduating_in_the_planned_month_or_after_it_is_allowed(
    workspace: Workspace, planned: tuple[int, int], recorded: date
) -> None:
    ws = workspace
    ws.today = ON_3_DECEMBER_2026
    sid = add_pm(ws)
    plan_graduation(ws, sid, *planned)
    assert update_student(ws, sid, status="graduated") == {"status": "active"}
    assert (student(ws, sid).status, graduated_on(ws, sid)) == ("graduated", recorded)


def test_on_the_first_day_of_the_planned_month_graduating_is_allowed(workspace: Workspace) -> None:
    """The month, not the day, decides: on 31 May the June plan is refused, on 1 June it is recorded."""
    ws = workspace
    sid = add_pm(ws)
    plan_graduation(ws, sid, 2026, 6)
    ws.today = date(2026, 5, 31)
    with pytest.raises(DomainError, match="The planned graduation month is June 2026, after this month"):
        update_student(ws, sid, status="graduated")
    ws.today = date(2026, 6, 1)
    update_student(ws, sid, status="graduated")
    assert graduated_on(ws, sid) == date(2026, 6, 30)


def test_another_status_is_not_held_up_by_a_planned_month_to_come(workspace: Workspace) -> None:
    ws = workspace
    ws.today = ON_3_DECEMBER_2026
    sid = add_pm(ws)
    plan_graduation(ws, sid, 2027, 6)
    update_student(ws, sid, status="stopped")
    update_student(ws, sid, status="active")
    assert (student(ws, sid).status, graduated_on(ws, sid)) == ("active", None)
