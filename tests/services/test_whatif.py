"""What if the student graduated in a month: every remaining deadline, the gaps, the earliest month."""

from __future__ import annotations

from datetime import date

from coordinator_app.services.deadlines import set_deadline
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.whatif import what_if_month
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, snapshot_db


def test_a_month_too_early_names_every_gap_and_the_earliest_month_that_works(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=date(2025, 9, 1))  # ends 21-12-2025
    update_internship(workspace, sid, "major", start_date=date(2026, 1, 5))  # 24 weeks: ends 21-06-2026
    update_literature_study(workspace, sid, start_date=date(2026, 7, 6))  # 6 weeks: ends 16-08-2026
    before = snapshot_db(workspace)
    view = what_if_month(workspace, [sid], 2026, 6)[sid]
    assert snapshot_db(workspace) == before  # nothing saved
    assert view.graduation_date == date(2026, 6, 30)
    assert view.ceremony == (2026, 9)
    assert view.marks_by == date(2026, 6, 2)
    deadline = view.deadline.deadline
    assert "Major internship ends 21-06-2026, after the deadline" in " | ".join(view.gaps)
    assert f"Literature Study ends 16-08-2026, after the deadline {deadline:%d-%m-%Y}" in view.gaps
    assert "tuition not paid" in view.gaps
    assert [line.state for line in view.lines if line.what == "Minor internship"] == ["in time"]
    # August's deadline is before the Literature Study's report is due; September's is after it.
    assert view.earliest == (2026, 9)
    fits = what_if_month(workspace, [sid], 2026, 9)[sid]
    assert [g for g in fits.gaps if "after the deadline" in g] == []


def test_an_entered_deadline_and_an_unplanned_component_count(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=date(2025, 9, 1))
    view = what_if_month(workspace, [sid], 2026, 3)[sid]
    assert "Major internship not planned (no start date)" in view.gaps
    assert view.earliest is None
    set_deadline(workspace, "PM", 2026, 1, date(2026, 1, 5))
    january = what_if_month(workspace, [sid], 2026, 1)[sid]
    assert january.deadline.deadline == date(2026, 1, 5)
    assert "Minor internship: Written report (PDF) due 21-12-2025" in [line.sentence for line in january.lines]
    plan_graduation(workspace, sid, 2026, 1)
    assert what_if_month(workspace, [sid], 2026, 1)[sid].deadline.deadline == date(2026, 1, 5)


def test_an_item_overdue_today_is_said_so_yet_does_not_block_a_later_month(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=date(2025, 9, 1))  # List of Agreements due 15-09-2025
    view = what_if_month(workspace, [sid], 2026, 6)[sid]  # as of 24-11-2025
    line = next(line for line in view.lines if line.what == "Minor internship: List of Agreements (A)")
    assert line.state == "overdue"
    assert line.sentence == (
        "Minor internship: List of Agreements (A) overdue since 15-09-2025; still in time if it comes in"
    )
    assert not line.blocks
