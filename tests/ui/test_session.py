"""The workspace session, the seam every pane (and team mode's live refresh) hangs on: it opens the
database off the GUI thread (`opened`, `open_failed`), says what changed (`changed`: which students,
which kinds of data, by whom) and when another window or process restored a backup (`replaced`,
then everything changed from elsewhere). The panes follow `changed` by themselves."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QUndoCommand

from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.courses import record_grade
from coordinator_app.services.errors import DatabaseReplaced
from coordinator_app.services.students import NewStudent, add_student, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.ui.changes import Changes, Kind, Origin
from coordinator_app.ui.list_rows import EC, NAME
from coordinator_app.ui.session import WorkspaceSession
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def session(qtbot: Any, programmes: Any) -> Any:
    made: list[WorkspaceSession] = []

    def make(path: Path) -> WorkspaceSession:
        session = WorkspaceSession(path, TODAY, programmes)
        made.append(session)
        return session

    yield make
    for session in made:
        session.finish(10000)


def test_the_session_opens_the_database_off_the_gui_thread_and_says_opened(
    qtbot: Any, session: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_on: list[threading.Thread] = []
    real_open = Workspace.open.__func__  # type: ignore[attr-defined]

    def watched(cls: type[Workspace], *args: Any, **kwargs: Any) -> Workspace:
        opened_on.append(threading.current_thread())
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Workspace, "open", classmethod(watched))
    s = session(cohort.ws.path)
    assert s.ws is None
    with qtbot.waitSignal(s.opened, timeout=15000) as opened:
        assert s.open(cohort.ws.path)
    ws = opened.args[0]
    assert isinstance(ws, Workspace) and s.ws is ws and ws.path == cohort.ws.path
    assert ws.today == TODAY
    assert opened_on and opened_on[0] is not threading.main_thread()


def test_a_database_that_cannot_be_opened_is_said_with_open_failed(qtbot: Any, session: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    s = session(empty)
    with qtbot.assertNotEmitted(s.opened), qtbot.waitSignal(s.open_failed, timeout=15000) as failed:
        s.open(empty)
    assert "empty" in str(failed.args[0]) and s.ws is None


def test_changed_says_which_students_what_kind_of_data_and_by_whom(qtbot: Any, session: Any, cohort: Cohort) -> None:
    s = session(cohort.ws.path)
    with qtbot.assertNotEmitted(s.changed):
        s.notify(Changes.of(Kind.RESULTS, [cohort.daan]))  # nothing is open: nobody to tell
    with qtbot.waitSignal(s.opened, timeout=15000):
        s.open(cohort.ws.path)
    with qtbot.waitSignal(s.changed, timeout=1000) as told:
        s.notify(Changes.of(Kind.RESULTS, [cohort.daan], Origin.ELSEWHERE))
    changes = told.args[0]
    assert changes.students == frozenset({cohort.daan}) and changes.kinds == Kind.RESULTS
    assert changes.origin is Origin.ELSEWHERE
    assert changes.touches(cohort.daan) and not changes.touches(cohort.anouk)
    assert changes.any_of(Kind.RESULTS | Kind.STUDENT) and not changes.any_of(Kind.PRESENCE)
    with qtbot.waitSignal(s.changed, timeout=1000) as told:
        s.reload()  # View > Reload
    assert told.args[0] == Changes(Kind.EVERYTHING, None, Origin.THIS_WINDOW) and told.args[0].touches(cohort.anouk)


def test_a_restore_elsewhere_says_replaced_then_everything_changed_from_elsewhere(
    qtbot: Any, session: Any, cohort: Cohort
) -> None:
    s = session(cohort.ws.path)
    with qtbot.waitSignal(s.opened, timeout=15000):
        s.open(cohort.ws.path)
    s.undo_stack.push(QUndoCommand("an edit made before the restore"))
    # Another process's backup and new student: this window hears of both as a colleague's changes.
    with qtbot.waitSignal(s.colleague_saved, timeout=5000):
        copy = back_up_now(cohort.ws).path
    with qtbot.waitSignal(s.colleague_saved, timeout=5000):
        add_student(cohort.ws, NewStudent("PM", 2025, "2799999", "Added", "Later"))
    restore_backup(cohort.ws.path, copy)  # as `coordinator-app restore` does, in its own process
    seen: list[Any] = []
    s.replaced.connect(lambda: seen.append(("replaced", s.undo_stack.count(), s.replaced_pending)))
    s.changed.connect(lambda changes: seen.append(("changed", changes, s.replaced_pending)))
    with qtbot.waitSignals([s.replaced, s.changed], order="strict", timeout=10000):
        s.replaced_watch.check_now()  # what its timer does every few seconds
    # No undo may write an old edit into the restored data, and nothing is written until it is read.
    assert seen == [("replaced", 0, True), ("changed", Changes(Kind.EVERYTHING, None, Origin.ELSEWHERE), True)]
    assert not s.replaced_pending and s.ws is not None and not s.ws.was_replaced()
    # The restore is not also taken for a colleague's change: nothing more is read again.
    with qtbot.assertNotEmitted(s.changed, wait=1500):
        pass
    update_student(s.ws, cohort.daan, first_name="Daniel")  # writes go into the restored data again


def test_a_look_that_answers_after_the_restore_was_read_in_is_not_a_second_restore(
    qtbot: Any, session: Any, cohort: Cohort
) -> None:
    """On a slow disk the watch's look may start before the window reads the restored data in and
    answer after: that answer is stale. Forced here: the look is held until the adoption is done."""
    s = session(cohort.ws.path)
    with qtbot.waitSignal(s.opened, timeout=15000):
        s.open(cohort.ws.path)
    copy = back_up_now(cohort.ws).path
    restore_backup(cohort.ws.path, copy)
    ws = s.ws
    looked, answer = threading.Event(), threading.Event()
    was_replaced = ws.was_replaced

    def slow_look() -> bool:
        found = was_replaced()
        looked.set()
        answer.wait(10)
        return found

    ws.was_replaced = slow_look
    s.replaced_watch.check_now()  # the timer's look: sees the restore, then the disk is slow
    assert looked.wait(10)
    ws.was_replaced = was_replaced
    # Meanwhile a write is refused: the window reads the restored data in.
    with qtbot.waitSignals([s.replaced, s.changed], order="strict", timeout=10000), pytest.raises(DatabaseReplaced):
        update_student(ws, cohort.daan, first_name="Daniel")
    assert not s.replaced_pending and not ws.was_replaced()
    s.undo_stack.push(QUndoCommand("an edit in the restored data"))
    with qtbot.assertNotEmitted(s.replaced, wait=500), qtbot.assertNotEmitted(s.changed, wait=500):
        answer.set()  # the slow look answers "replaced", about the data shown before
    assert s.undo_stack.count() == 1  # kept: nothing was restored since
    update_student(ws, cohort.daan, first_name="Daniel")


# -- the panes follow `changed` by themselves --------------------------------------------------------------


def test_a_grade_recorded_in_another_window_reaches_the_list_record_and_attention(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    window.open_student(cohort.daan, "courses")
    page = window.record_pane.view.pages["courses"]
    model = window.students.model
    assert model.index(model.row_of(cohort.daan), EC).data() == "0" and "0 of 120 EC" in page.ec_label.text()
    other = Workspace.open(cohort.ws.path, daily_backup=False)  # another window on the same database
    try:
        other.today = TODAY
        record_grade(other, cohort.daan, "PM-PERS", "7")
    finally:
        other.close()
    assert model.index(model.row_of(cohort.daan), EC).data() == "0"  # nobody said anything yet
    with qtbot.waitSignal(window.attention.model.modelReset, timeout=10000):
        window.session.notify(Changes.of(Kind.RESULTS, [cohort.daan], Origin.ELSEWHERE))
        assert model.index(model.row_of(cohort.daan), EC).data() == "6"  # the list's row, at once
        assert "6 of 120 EC" in page.ec_label.text()  # the record shown
    assert window.record_pane.view.student_id == cohort.daan  # nothing moved under the coordinator


def test_a_student_added_elsewhere_comes_into_the_list_when_everything_changed(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    other = Workspace.open(cohort.ws.path, daily_backup=False)
    try:
        added = add_student(other, NewStudent("IMIM", 2025, "s3100099", "Zoë", "Aalders", "z.aalders@student.rug.nl"))
    finally:
        other.close()
    window.students.search.setText("aalders")
    with qtbot.waitSignal(window.students.filled, timeout=10000):
        window.session.notify(Changes.everything(Origin.ELSEWHERE))
    model = window.students.model
    assert model.total == 5 and [model.student_id(r) for r in range(model.rowCount())] == [added]
    assert model.index(0, NAME).data() == "Aalders, Zoë"
    assert window.students.counts.text() == "1 of 5 students shown"
    cohorts = [window.students.cohort_box.itemText(i) for i in range(window.students.cohort_box.count())]
    assert cohorts == ["All cohorts", "2025-2026", "2024-2025"]


def test_a_few_students_changed_are_read_at_once_many_all_over_again(window: Any, qtbot: Any, cohort: Cohort) -> None:
    with qtbot.assertNotEmitted(window.students.filled, wait=200):  # one row, read here and shown now
        window.session.notify(Changes.of(Kind.STUDENT, [cohort.daan]))
    with qtbot.waitSignal(window.students.filled, timeout=10000):  # a bulk action: every row, off the GUI thread
        window.session.notify(Changes.of(Kind.STUDENT, range(1, 30)))
    assert window.students.model.total == 4
