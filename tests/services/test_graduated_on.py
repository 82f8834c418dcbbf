"""A graduate's graduation date: recorded with the status change (the last working day of the planned
month), cleared when the status goes back, undone exactly, and the plan kept while it stands."""

from __future__ import annotations

from datetime import date

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
    plan_graduation(ws, sid, 2026, 6)
    update_student(ws, sid, status="graduated")
    assert graduated_on(ws, sid) == date(2026, 6, 30)
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
