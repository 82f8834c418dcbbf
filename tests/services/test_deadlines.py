"""The deadline schedule the coordinator keeps: listed per academic year, entered, changed and
cleared in one audited transaction each, and used wherever a deadline shows (the record's
Graduation tab, readiness, the Academic Core due dates, the attention list, the export)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.domain.deadlines import DeadlineSource
from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.attention import attention_items
from coordinator_app.services.courses import record_grade
from coordinator_app.services.deadlines import clear_deadline, deadline_schedule, set_deadline
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import remove_student, update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm, audit_rows, items


def _shown(ws: Workspace, programme: str, year: int) -> list[tuple[str, str, str, int]]:
    return [
        (
            f"{line.month.year}-{line.month.month:02d}",
            f"{line.month.deadline:%d-%m-%Y}",
            line.month.source.value,
            line.planned,
        )
        for line in deadline_schedule(ws, programme, year)
    ]


def test_the_2024_2025_schedule_lists_the_published_deadlines_and_the_default_elsewhere(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2023)
    plan_graduation(workspace, sid, 2025, 1)
    assert _shown(workspace, "PM", 2024) == [
        ("2024-09", "16-09-2024", "programme schedule", 0),
        ("2024-10", "18-10-2024", "programme schedule", 0),
        ("2024-11", "18-11-2024", "programme schedule", 0),
        ("2024-12", "13-12-2024", "programme schedule", 0),
        ("2025-01", "13-01-2025", "programme schedule", 1),
        ("2025-02", "10-02-2025", "programme schedule", 0),
        ("2025-03", "10-03-2025", "programme schedule", 0),
        ("2025-04", "14-04-2025", "programme schedule", 0),
        ("2025-05", "02-05-2025", "computed default", 0),
        ("2025-06", "02-06-2025", "computed default", 0),
        ("2025-07", "26-06-2025", "computed default", 0),
        ("2025-08", "01-08-2025", "computed default", 0),
    ]
    assert {source for _, _, source, _ in _shown(workspace, "IMIM", 2024)} == {"computed default"}


def test_entering_a_deadline_is_one_audited_change_used_by_the_record_and_the_academic_core(
    workspace: Workspace,
) -> None:
    sid = add_pm(workspace, cohort=2023)
    plan_graduation(workspace, sid, 2025, 1)
    before = load_record(workspace, sid).graduation
    assert (before.deadline, before.schedule.source) == (date(2025, 1, 13), DeadlineSource.SCHEDULE)
    assert items(workspace, sid, "academic_core")["cv_assignment"].due_date == date(2025, 1, 13)

    change = set_deadline(workspace, "PM", 2025, 1, date(2025, 1, 6))

    assert (change.before, change.changed, change.students_moved) == (None, True, 1)
    assert change.summary == (
        "The PM deadline for graduating in January 2025 is now 06-01-2025; Academic Core due dates moved for 1 student."
    )
    shown = load_record(workspace, sid).graduation
    assert (shown.deadline, shown.schedule.source, shown.schedule.fallback) == (
        date(2025, 1, 6),
        DeadlineSource.ENTERED,
        date(2025, 1, 13),
    )
    assert items(workspace, sid, "academic_core")["cv_assignment"].due_date == date(2025, 1, 6)
    assert items(workspace, sid, "academic_core")["final_portfolio"].due_date == date(2025, 1, 6)
    assert items(workspace, sid, "academic_core")["first_year_assignments"].due_date == date(2024, 8, 31)
    schedule_entry = audit_rows(workspace, "graduation deadline")
    assert [(a.entity, a.student_id, a.field, a.old_value, a.new_value) for a in schedule_entry] == [
        ("graduation_deadline", None, "PM 2025-01", None, "2025-01-06"),
        ("portfolio_item", sid, "cv_assignment due", "2025-01-13", "2025-01-06"),
        ("portfolio_item", sid, "final_portfolio due", "2025-01-13", "2025-01-06"),
    ]
    # The student's History says why their due dates moved.
    assert [line.action for line in load_record(workspace, sid).history][:2] == ["graduation deadline"] * 2


def test_changing_and_clearing_an_entered_deadline(workspace: Workspace) -> None:
    set_deadline(workspace, "PM", 2025, 1, date(2025, 1, 6))
    change = set_deadline(workspace, "Master Personalized Medicine", 2025, 1, date(2025, 1, 8))
    assert (change.before, change.now.deadline, change.now.source) == (
        date(2025, 1, 6),
        date(2025, 1, 8),
        DeadlineSource.ENTERED,
    )
    cleared = clear_deadline(workspace, "PM", 2025, 1)
    assert (cleared.before, cleared.now.deadline, cleared.now.source) == (
        date(2025, 1, 8),
        date(2025, 1, 13),
        DeadlineSource.SCHEDULE,
    )
    assert cleared.summary == (
        "Cleared the PM deadline entered for January 2025: the programme schedule 13-01-2025 applies again."
    )
    set_deadline(workspace, "PM", 2025, 5, date(2025, 5, 9))
    assert clear_deadline(workspace, "PM", 2025, 5).summary == (
        "Cleared the PM deadline entered for May 2025: the computed default 02-05-2025 applies again."
    )
    assert [(a.action, a.old_value, a.new_value) for a in audit_rows(workspace) if "deadline" in a.action] == [
        ("graduation deadline", None, "2025-01-06"),
        ("graduation deadline", "2025-01-06", "2025-01-08"),
        ("clear graduation deadline", "2025-01-08", None),
        ("graduation deadline", None, "2025-05-09"),
        ("clear graduation deadline", "2025-05-09", None),
    ]


def test_undoing_with_the_returned_before_puts_everything_back(workspace: Workspace) -> None:
    from tests.services.service_helpers import snapshot_db

    sid = add_pm(workspace, cohort=2023)
    plan_graduation(workspace, sid, 2025, 3)
    start = {k: v for k, v in snapshot_db(workspace).items() if k != "audit_entry"}
    first = set_deadline(workspace, "PM", 2025, 3, date(2025, 3, 3))
    second = set_deadline(workspace, "PM", 2025, 3, date(2025, 3, 14))
    assert (first.before, second.before) == (None, date(2025, 3, 3))
    set_deadline(workspace, "PM", 2025, 3, second.before)  # undo the second: the first entry again
    clear_deadline(workspace, "PM", 2025, 3)  # undo the first: nothing entered
    assert {k: v for k, v in snapshot_db(workspace).items() if k != "audit_entry"} == start


def test_a_deadline_that_changes_nothing_writes_nothing(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    with unchanged():
        same = set_deadline(workspace, "PM", 2025, 1, date(2025, 1, 13))  # the published one
        assert not same.changed
        assert same.summary == "The PM deadline for graduating in January 2025 is already 13-01-2025; nothing changed."
        assert not set_deadline(workspace, "PM", 2025, 5, date(2025, 5, 2)).changed  # the default


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda ws: set_deadline(ws, "PM", 2025, 1, date(2025, 2, 3)),
            "between 30-11-2024 and the graduation date 31-01-2025, not on 03-02-2025",
        ),
        (lambda ws: set_deadline(ws, "PM", 2025, 1, date(2024, 1, 13)), "not on 13-01-2024"),
        (lambda ws: set_deadline(ws, "PM", 2025, 13, date(2025, 1, 13)), "A month is 1-12, not 13"),
        (lambda ws: set_deadline(ws, "PM", 9999, 12, date(9999, 12, 1)), "between 2000 and 2100"),
        (lambda ws: set_deadline(ws, "XYZ", 2025, 1, date(2025, 1, 13)), "No programme 'XYZ'"),
        (
            lambda ws: clear_deadline(ws, "PM", 2025, 1),
            "No deadline was entered for graduating in January 2025 in PM; the programme schedule 13-01-2025 applies.",
        ),
        (lambda ws: deadline_schedule(ws, "PM", 9999), "between 2000 and 2100"),
    ],
)
def test_a_wrong_deadline_says_why_and_writes_nothing(workspace: Workspace, unchanged, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with unchanged(), pytest.raises((DomainError, NotFound), match=message):
        call(workspace)


def test_an_entered_deadline_leaves_the_marks_rule_alone(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2023)
    update_student(workspace, sid, tuition_paid=True)
    record_grade(workspace, sid, "PM-PERS", "7")  # registered on 24-11-2025 (today)
    plan_graduation(workspace, sid, 2025, 12)
    # 31-12-2025 minus 4 weeks is 03-12-2025: the mark is in time, whatever deadline is entered.
    set_deadline(workspace, "PM", 2025, 12, date(2025, 11, 21))
    record = load_record(workspace, sid)
    assert not any("last mark" in b for b in record.evaluation.readiness.blockers)


def test_the_attention_list_uses_the_schedule(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    plan_graduation(workspace, sid, 2026, 1)
    as_of = date(2025, 12, 1)
    # January 2026: no published deadline; the default (02-01-2026) is not within 14 days of 1 December.
    assert [i for i in attention_items(workspace, as_of, 14) if i.component == "Graduation"] == []
    set_deadline(workspace, "PM", 2026, 1, date(2025, 12, 10))
    due = [(i.due, i.what[:26]) for i in attention_items(workspace, as_of, 14) if i.component == "Graduation"]
    assert due == [(date(2025, 12, 10), "graduation 2026-01 not rea")]
    core = {
        i.what
        for i in attention_items(workspace, as_of, 14)
        if i.component == "Academic Core" and i.due == date(2025, 12, 10)
    }
    # The CV, the final meeting and the mentor meetings owed before it follow the deadline.
    assert core == {"CV / resume assignment", "Final portfolio meeting", "mentor meetings: 0 of 2 held"}
    remove_student(workspace, sid)
    assert attention_items(workspace, as_of, 14) == []


def test_the_export_shows_the_entered_deadline(workspace: Workspace, tmp_path: Path) -> None:
    from coordinator_app.spreadsheets.export import export_to

    sid = add_pm(workspace, cohort=2024)
    plan_graduation(workspace, sid, 2026, 1)
    set_deadline(workspace, "PM", 2026, 1, date(2025, 12, 1))
    target = export_to(workspace, tmp_path / "pm.xlsx", programme="PM", as_of=date(2025, 11, 24))
    sheet = openpyxl.load_workbook(target, read_only=True)["Attention"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and any("graduation 2026-01" in str(c) for c in r)]
    assert len(rows) == 1 and rows[0][0].date() == date(2025, 12, 1)


def test_imim_deadlines_are_kept_apart_from_pm(workspace: Workspace) -> None:
    sid = add_imim(workspace)
    plan_graduation(workspace, sid, 2026, 6)
    change = set_deadline(workspace, "IMIM", 2026, 6, date(2026, 6, 5))
    assert change.students_moved == 0  # IMIM has no Academic Core items
    assert load_record(workspace, sid).graduation.deadline == date(2026, 6, 5)
    assert deadline_schedule(workspace, "PM", 2025)[9].month.source is DeadlineSource.DEFAULT
    assert deadline_schedule(workspace, "IMIM", 2025)[9].month.source is DeadlineSource.ENTERED
    assert deadline_schedule(workspace, "IMIM", 2025)[9].planned == 1
