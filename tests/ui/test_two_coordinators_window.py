"""Two coordinators, one student, in the window (issue 13, item 3): a colleague saves the student shown
here; the next save here is refused naming who changed what, the record shows the colleague's change,
and what was typed stays in its field, saved by pressing Enter again."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE
SCHEDSTAT = Path("/proc/thread-self/schedstat")  # Linux: this thread's time spent waiting for a processor


def waited_for_a_processor() -> float:
    """Seconds this thread (the GUI thread) has spent ready to run but waiting for a processor: on a
    busy machine that is the machine's time, not the window's. 0 where the system does not say."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def test_a_colleagues_save_meanwhile_refuses_mine_reloads_and_keeps_what_i_typed(
    window: Any, qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    # Anna saves before this window has heard of it (the change feed takes up to a second or two; here
    # it is stopped so the race is certain): the save here must still not overwrite hers silently.
    window.session.colleague_watch.watch(None)
    window.open_student(cohort.sanne, "overview")
    view = window.record_pane.view
    form = view.pages["overview"].form
    colleague = Workspace.open(cohort.ws.location, programmes, daily_backup=False)
    colleague.user = "anna"
    try:
        update_student(colleague, cohort.sanne, last_name="Jansen")  # Anna, in her own window
    finally:
        colleague.close()
    before = cohort.everything()
    email = form.editors["email"]
    email.selectAll()
    qtbot.keyClicks(email, "sanne@example.org")
    qtbot.keyClick(email, Qt.Key.Key_Return)

    message = view.message_text()
    assert message.startswith("Not saved:") and "anna" in message and "last name from 'de Jong' to 'Jansen'" in message
    assert cohort.everything() == before  # nothing of mine was written
    assert form.editors["last_name"].text() == "Jansen"  # the record shows Anna's change
    assert view.title.text() == "Sanne Jansen"
    assert email.text() == "sanne@example.org"  # what I typed is still there
    assert "Press Enter to save it again" in form.error_text("email")
    row = window.students.model.row_of(cohort.sanne)
    qtbot.waitUntil(lambda: window.students.model.index(row, 1).data() == "Jansen, Sanne", timeout=5000)
    assert window.session.undo_stack.count() == 0

    qtbot.keyClick(email, Qt.Key.Key_Return)  # apply it again, on Anna's record
    student = cohort.student(cohort.sanne)
    assert student is not None and (student.email, student.last_name) == ("sanne@example.org", "Jansen")
    assert view.message_text() == "" and form.error_text("email") == ""
    # My next save is based on my own: not taken for a colleague's.
    notes = form.editors["notes"]
    notes.setPlainText("Called about the thesis")
    form.committed.emit("notes", "Called about the thesis")
    assert view.message_text() == ""
    student = cohort.student(cohort.sanne)
    assert student is not None and student.notes == "Called about the thesis"


def test_a_colleagues_save_shows_here_within_two_seconds_and_what_i_type_stays(
    window: Any, qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    """Issue 13, item 4: no F5. The list row, the record and the status bar follow a colleague's save (here
    another process's connection to the same file: PRAGMA data_version); a field being typed in keeps
    the typing and says that it was changed meanwhile."""
    window.open_student(cohort.sanne, "overview")
    view = window.record_pane.view
    form = view.pages["overview"].form
    email = form.editors["email"]
    email.setFocus()
    qtbot.waitUntil(email.hasFocus, timeout=10000)  # the window made active: slow on a busy machine
    email.selectAll()
    qtbot.keyClicks(email, "sanne@example.org")  # typing, not saved yet
    row = window.students.model.row_of(cohort.sanne)
    colleague = Workspace.open(cohort.ws.location, programmes, daily_backup=False)
    colleague.user = "anna"
    try:
        update_student(colleague, cohort.sanne, last_name="Jansen", email="s.jansen@student.vu.nl")
        # Issue 13's "within 2 s", from Anna's commit, less what the machine kept the window waiting
        # for a processor (load 10+ on 2 cores: seconds); wall time alone where the system does not say.
        saved, waited = time.monotonic(), waited_for_a_processor()
        qtbot.waitUntil(lambda: window.students.model.index(row, 1).data() == "Jansen, Sanne", timeout=10000)
        wall, starved = time.monotonic() - saved, waited_for_a_processor() - waited
        assert wall - starved < 2.0, (
            f"{wall:.2f} s, {starved:.2f} s of it waiting for a processor, load {os.getloadavg()}"
        )
        qtbot.waitUntil(lambda: view.title.text() == "Sanne Jansen", timeout=5000)
        assert form.editors["last_name"].text() == "Jansen"
        assert email.text() == "sanne@example.org"  # my typing is still there
        qtbot.waitUntil(
            lambda: "s.jansen@student.vu.nl" in form.error_text("email"), timeout=5000
        )  # and I am told hers came meanwhile
        assert "anna saved changes to 1 student" in window.statusBar().currentMessage()
        # Her next save, of another field, shows too; what I was told about the email stays.
        update_student(colleague, cohort.sanne, notes="Anna's note")
        qtbot.waitUntil(lambda: form.editors["notes"].toPlainText() == "Anna's note", timeout=10000)
        assert email.text() == "sanne@example.org"
        assert "s.jansen@student.vu.nl" in form.error_text("email")
        # What this window saves itself is not read back as a colleague's change.
        qtbot.keyClick(email, Qt.Key.Key_Return)
        student = cohort.student(cohort.sanne)
        assert student is not None and student.email == "sanne@example.org"
        with qtbot.assertNotEmitted(window.session.colleague_saved, wait=1500):
            update_student(window.session.ws, cohort.sanne, notes="saved here, by the window's own workspace")
        assert email.text() == "sanne@example.org" and view.message_text() == ""
    finally:
        colleague.close()
