"""An undo or redo is a save too (issue 13, item 3): when a colleague changed the student after this
window's own last save of it, the undo is refused naming who changed what, and the colleague's change
stays. Two sessions on one database: two connections to one file, or two to one server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from coordinator_app.services.errors import RecordChanged
from coordinator_app.services.record_versions import editing
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, snapshot_db


@pytest.fixture
def pair(make_workspace: Callable[..., Workspace], programmes: dict[str, Any]) -> Any:
    anna = make_workspace()
    anna.user = "anna"
    ben = Workspace.open(anna.location, programmes, daily_backup=False)
    ben.today, ben.user = anna.today, "ben"
    yield anna, ben
    ben.close()


def _edit(ws: Workspace, sid: int, **changes: Any) -> dict[str, Any]:
    """What the record view does: a save based on the record as shown."""
    with editing(sid, load_record(ws, sid).version):
        return update_student(ws, sid, **changes)


def test_an_undo_after_a_colleagues_change_is_refused_and_hers_stays(pair: Any) -> None:
    anna, ben = pair
    sid = add_pm(anna)
    old = _edit(ben, sid, notes="Ben's note")
    update_student(anna, sid, notes="Anna's note, after Ben's")  # Anna, in her window
    before = snapshot_db(ben)
    with pytest.raises(RecordChanged) as refused, ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **old)  # Ben's Ctrl+Z
    assert "anna" in refused.value.meanwhile and "Anna's note, after Ben's" in refused.value.meanwhile
    assert snapshot_db(ben) == before
    assert load_record(anna, sid).student["notes"] == "Anna's note, after Ben's"


def test_undo_and_redo_of_ones_own_saves_in_a_row_go_through(pair: Any) -> None:
    anna, ben = pair
    sid = add_pm(anna)
    first = _edit(ben, sid, notes="one")
    second = _edit(ben, sid, notes="two")
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **second)  # undo "two"
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **first)  # undo "one"
    assert load_record(anna, sid).student["notes"] == ""
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, notes="one")  # redo
    assert load_record(anna, sid).student["notes"] == "one"
    # A colleague's change to another student does not stand in the way.
    other = add_pm(anna, "2712399")
    update_student(anna, other, notes="elsewhere")
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, notes="two")
    assert load_record(anna, sid).student["notes"] == "two"


def test_a_redo_after_a_colleagues_change_is_refused_too(pair: Any) -> None:
    anna, ben = pair
    sid = add_pm(anna)
    old = _edit(ben, sid, last_name="Jansen")
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **old)  # undo: back to "de Vries"
    update_student(anna, sid, last_name="Bakker")
    with pytest.raises(RecordChanged), ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, last_name="Jansen")  # redo
    assert load_record(anna, sid).student["last_name"] == "Bakker"


def test_an_undo_after_ones_own_other_changes_goes_through_and_a_colleagues_still_stops_it(pair: Any) -> None:
    """Ben's own saves not made from the record (a removal and its undo, a bulk action, a note typed
    from a list) moved the version on too: they are his, so his Ctrl+Z of the name goes through. Anna's
    change after them still stops it. Ben's change feed reading in between forgets nothing."""
    from coordinator_app.services.change_feed import ChangeFeed

    anna, ben = pair
    sid = add_pm(anna)
    old = _edit(ben, sid, last_name="Jansen")
    update_student(ben, sid, notes="from the list, not the record")  # his own, not `editing`
    feed = ChangeFeed(ben, 0)
    try:
        feed.poll()  # his window's feed reads his entries (and must keep knowing they are his)
    finally:
        feed.close()
    with ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, **old)  # Ctrl+Z of the name
    assert load_record(anna, sid).student["last_name"] != "Jansen"
    update_student(ben, sid, last_name="Jansen again")
    update_student(anna, sid, notes="Anna's")
    with pytest.raises(RecordChanged), ben.saved_versions.based_on_own_save(sid):
        update_student(ben, sid, last_name="x")


def test_own_writes_are_kept_as_few_ranges_and_found() -> None:
    from coordinator_app.services.own_writes import OwnWrites

    own = OwnWrites()
    own.add(10, 12)
    own.add(12, 15)  # straight after: one range (10, 15]
    own.add(20, 21)
    own.add(3, 5)  # an earlier one, kept in order
    assert [e for e in range(25) if e in own] == [4, 5, 11, 12, 13, 14, 15, 21]
    assert own._afters == [3, 10, 20] and own._uptos == [5, 15, 21]
    assert "11" not in own
