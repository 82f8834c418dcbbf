"""Two coordinators, one student: the second save never silently overwrites the first (issue 13, item 3).

Two workspaces on one database are two coordinators' sessions (two processes' connections on a server,
two connections to one file on SQLite); each remembers the version of the record it showed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from coordinator_app.services.courses import record_grade
from coordinator_app.services.errors import RecordChanged
from coordinator_app.services.imports import apply_plan, plan_results
from coordinator_app.services.record_versions import editing
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, snapshot_db


def _second_session(ws: Workspace, programmes: dict[str, Any], user: str) -> Workspace:
    other = Workspace.open(ws.location, programmes, daily_backup=False)
    other.today, other.user = ws.today, user
    return other


@pytest.fixture
def pair(make_workspace: Callable[..., Workspace], programmes: dict[str, Any]) -> Any:
    anna = make_workspace()
    anna.user = "anna"
    ben = _second_session(anna, programmes, "ben")
    yield anna, ben
    ben.close()


def test_the_second_save_is_refused_naming_who_changed_what_and_nothing_is_written(pair: Any) -> None:
    anna, ben = pair
    sid = add_pm(anna)
    shown_to_anna, shown_to_ben = load_record(anna, sid), load_record(ben, sid)
    assert shown_to_anna.version == shown_to_ben.version > 0
    with editing(sid, shown_to_anna.version):
        record_grade(anna, sid, "PM-PERS", "7,5")
    before = snapshot_db(ben)
    with pytest.raises(RecordChanged) as refused, editing(sid, shown_to_ben.version):
        update_student(ben, sid, notes="Ben's note, typed on the old record")
    message = str(refused.value)
    assert "Not saved" in message and "anna" in message and "Anouk de Vries" in message
    assert "grade PM-PERS" in message and "'7.5'" in message and "\n" not in message
    assert refused.value.users == ("anna",)
    assert snapshot_db(ben) == before  # nothing of Ben's save was written
    # Ben's window reloads: the record now shows Anna's grade, and his save based on it goes through.
    reloaded = load_record(ben, sid)
    assert reloaded.version == refused.value.version
    with editing(sid, reloaded.version):
        update_student(ben, sid, notes="Ben's note, typed on the old record")
    record = load_record(anna, sid)
    assert record.student["notes"] == "Ben's note, typed on the old record"
    assert any(c.code == "PM-PERS" and c.attempts and c.attempts[0].grade == "7.5" for c in record.courses)


def test_ones_own_saves_in_a_row_move_the_version_on_and_are_not_refused(pair: Any) -> None:
    anna, _ben = pair
    sid = add_pm(anna)
    with editing(sid, load_record(anna, sid).version) as seen:
        update_student(anna, sid, notes="first")
        update_student(anna, sid, notes="second")
        record_grade(anna, sid, "PM-PERS", "6,0")
    assert seen.version == load_record(anna, sid).version
    assert load_record(anna, sid).student["notes"] == "second"


def test_a_change_to_another_student_does_not_refuse_a_save(pair: Any) -> None:
    anna, ben = pair
    first, second = add_pm(anna, "2712345"), add_pm(anna, "2712346")
    version = load_record(ben, first).version
    update_student(anna, second, notes="someone else")
    with editing(first, version):
        update_student(ben, first, notes="still mine to change")
    assert load_record(anna, first).student["notes"] == "still mine to change"


def test_an_import_meanwhile_counts_as_a_change(pair: Any) -> None:
    anna, ben = pair
    sid = add_pm(anna)
    version = load_record(ben, sid).version
    rows = [(2, {"student_number": "2712345", "grade": "8,0", "exam_date": "15-11-2025"})]
    apply_plan(anna, plan_results(anna, rows, {}, "results.xlsx", course="PM-PERS"))
    with pytest.raises(RecordChanged, match=r"anna \(\d\d:\d\d\) import results"), editing(sid, version):
        update_student(ben, sid, notes="typed before the import")
    assert load_record(anna, sid).student["notes"] == ""


def test_saves_without_a_shown_record_are_not_checked(pair: Any) -> None:
    """The command line and imports change what is there now: nothing was shown, nothing to compare."""
    anna, ben = pair
    sid = add_pm(anna)
    update_student(anna, sid, notes="from the window")
    update_student(ben, sid, notes="from the command line")
    assert load_record(anna, sid).student["notes"] == "from the command line"
