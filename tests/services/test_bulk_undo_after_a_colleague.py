"""A bulk action's undo and redo after a colleague changed some of its students (issue 13, item 3): the
whole undo is refused, nothing written, naming who changed which students (a few, then "and N more"), and
the colleague's changes stay; without a colleague in between it goes through. Two sessions on one
database: two connections to one file, or two to one server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from coordinator_app.services import bulk
from coordinator_app.services.bulk_actions import MarkReceived
from coordinator_app.services.portfolio import mark_received
from coordinator_app.services.record_versions import StudentsChanged, editing, versions_of
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, items, snapshot_db

CV = ("academic_core", "cv_assignment")
NAMES = ("Anouk", "Bram", "Cees", "Daan", "Eva", "Fleur", "Gijs")


@pytest.fixture
def pair(make_workspace: Callable[..., Workspace], programmes: dict[str, Any]) -> Any:
    anna = make_workspace()
    anna.user = "anna"
    ben = Workspace.open(anna.location, programmes, daily_backup=False)
    ben.today, ben.user = anna.today, "ben"
    yield anna, ben
    ben.close()


@pytest.fixture
def seven(pair: Any) -> list[int]:
    anna, _ben = pair
    return [add_pm(anna, f"27100{n}", first=name) for n, name in enumerate(NAMES, 1)]


def _cv(ws: Workspace) -> MarkReceived:
    return MarkReceived(*CV, "CV assignment", "Academic Core", date(2025, 11, 20), ws.as_of())


def _received(ws: Workspace, sid: int) -> date | None:
    return items(ws, sid, CV[0])[CV[1]].received_date


def _ben_marks_received(ben: Workspace, ids: list[int]) -> bulk.Done:
    done = bulk.apply(ben, _cv(ben), bulk.preview(ben, _cv(ben), ids))
    assert done.students == tuple(ids)
    return done


def test_a_bulk_undo_after_a_colleagues_change_writes_nothing_and_names_who_and_whom(
    pair: Any, seven: list[int]
) -> None:
    anna, ben = pair
    done = _ben_marks_received(ben, seven)
    # Anna, in her window: six of the seven, one of them twice; another field than the bulk's.
    for sid in seven[1:]:
        update_student(anna, sid, notes="Anna's note")
    update_student(anna, seven[2], notes="Anna's second note")
    before = snapshot_db(ben)
    with pytest.raises(StudentsChanged) as refused:
        bulk.undo(ben, done)  # Ben's Ctrl+Z
    assert snapshot_db(ben) == before  # not even the student Anna left alone (one transaction)
    assert str(refused.value) == (
        "Nothing was changed: someone else changed 6 of these students since: anna changed "
        "271002 Bram de Vries, 271003 Cees de Vries, 271004 Daan de Vries, 271005 Eva de Vries and "
        "271006 Fleur de Vries; and 1 more student. Their changes stay."
    )
    assert refused.value.students == tuple(seven[1:]) and refused.value.users == ("anna",)
    assert all(_received(anna, sid) == date(2025, 11, 20) for sid in seven)
    assert load_record(anna, seven[2]).student["notes"] == "Anna's second note"


def test_each_colleague_is_named_with_the_students_they_changed(
    pair: Any, seven: list[int], programmes: dict[str, Any]
) -> None:
    anna, ben = pair
    done = _ben_marks_received(ben, seven[:3])
    carl = Workspace.open(anna.location, programmes, daily_backup=False)
    carl.today, carl.user = anna.today, "carl"
    try:
        update_student(anna, seven[0], notes="Anna's")
        update_student(carl, seven[0], notes="Carl's, after Anna's")
        update_student(carl, seven[2], email="cees@example.org")
    finally:
        carl.close()
    with pytest.raises(StudentsChanged) as refused:
        bulk.undo(ben, done)
    assert refused.value.meanwhile == (
        "someone else changed 2 of these students since: anna and carl changed 271001 Anouk de Vries; "
        "carl changed 271003 Cees de Vries"
    )
    assert refused.value.users == ("anna", "carl")


def test_more_students_than_shown_name_the_colleagues_only_there(
    pair: Any, seven: list[int], programmes: dict[str, Any]
) -> None:
    anna, ben = pair
    done = _ben_marks_received(ben, seven)
    for sid in seven[:5]:
        update_student(anna, sid, notes="Anna's")
    dirk = Workspace.open(anna.location, programmes, daily_backup=False)
    dirk.today, dirk.user = anna.today, "dirk"
    try:
        for sid in seven[5:]:
            update_student(dirk, sid, notes="Dirk's")
    finally:
        dirk.close()
    with pytest.raises(StudentsChanged, match=r"; and 2 more students \(also dirk\)\. Their changes stay\.$"):
        bulk.undo(ben, done)


def test_a_bulk_redo_after_a_colleagues_change_is_refused_too(pair: Any, seven: list[int]) -> None:
    anna, ben = pair
    done = _ben_marks_received(ben, seven[:2])
    bulk.undo(ben, done)  # nobody in between: goes through
    assert _received(anna, seven[0]) is None
    mark_received(anna, items(anna, seven[1], CV[0])[CV[1]].id, date(2025, 11, 3))  # Anna, meanwhile
    before = snapshot_db(ben)
    with pytest.raises(StudentsChanged, match="anna changed 271002 Bram de Vries"):
        bulk.apply_again(ben, done)  # Ben's Ctrl+Y
    assert snapshot_db(ben) == before
    assert _received(anna, seven[1]) == date(2025, 11, 3) and _received(anna, seven[0]) is None


def test_with_no_colleague_in_between_undo_and_redo_go_through(pair: Any, seven: list[int]) -> None:
    anna, ben = pair
    done = _ben_marks_received(ben, seven[:3])
    # Not in the way: a colleague's change to another student, and Ben's own edit of one of them.
    update_student(anna, seven[4], notes="elsewhere")
    with editing(seven[0], load_record(ben, seven[0]).version):
        update_student(ben, seven[0], notes="Ben's own")
    update_student(ben, seven[1], notes="Ben's, from the list")  # his own too, not based on a shown record
    bulk.undo(ben, done)
    assert [_received(anna, sid) for sid in seven[:3]] == [None, None, None]
    redone = bulk.apply_again(ben, done)
    assert [_received(anna, sid) for sid in seven[:3]] == [date(2025, 11, 20)] * 3
    bulk.undo(ben, redone)  # the undo of the redo: based on what the redo left
    assert _received(anna, seven[1]) is None
    assert load_record(anna, seven[0]).student["notes"] == "Ben's own"


def test_ones_own_bulk_change_does_not_block_the_undo_of_an_earlier_record_edit(pair: Any, seven: list[int]) -> None:
    anna, ben = pair
    sid = seven[0]
    with editing(sid, load_record(ben, sid).version):
        old = update_student(ben, sid, notes="Ben's note")
    done = _ben_marks_received(ben, [sid, seven[1]])
    bulk.undo(ben, done)  # Ctrl+Z: the bulk action
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **old)  # Ctrl+Z: the record edit, not taken for a colleague's
    assert load_record(anna, sid).student["notes"] == ""


def test_a_refused_check_leaves_the_next_undo_refused_too(pair: Any, seven: list[int]) -> None:
    """A refusal notes nothing: trying again does not slip the old values in."""
    anna, ben = pair
    done = _ben_marks_received(ben, seven[:2])
    update_student(anna, seven[0], notes="Anna's")
    for _ in range(2):
        with pytest.raises(StudentsChanged):
            bulk.undo(ben, done)
    assert _received(anna, seven[1]) == date(2025, 11, 20)


def test_the_versions_of_many_students_are_read_in_one_query(pair: Any, seven: list[int]) -> None:
    _anna, ben = pair
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(ben.engine, "before_cursor_execute", seen)
    try:
        with ben.read() as s:
            statements.clear()
            found = versions_of(s, [*seven, *range(10_000, 12_000)])  # 2,000 never recorded: version 0
    finally:
        event.remove(ben.engine, "before_cursor_execute", seen)
    assert len([st for st in statements if "audit_entry" in st]) == 1
    assert len(found) == 2_007 and found[10_000] == 0
    assert all(found[sid] > 0 for sid in seven)  # each was added with an audit entry
