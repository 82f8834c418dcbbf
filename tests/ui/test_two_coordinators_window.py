"""Two coordinators, one student, in the window (issue 13, item 3): a colleague saves the student shown
here; the next save here is refused naming who changed what, the record shows the colleague's change,
and what was typed stays in its field, saved by pressing Enter again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def test_a_colleagues_save_meanwhile_refuses_mine_reloads_and_keeps_what_i_typed(
        window: Any, qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    window.open_student(cohort.sanne, "overview")
    view = window.record_pane.view
    form = view.pages["overview"].form
    colleague = Workspace.open(cohort.ws.location, programmes, daily_backup=False)
    colleague.user = "anna"
    try:
        update_student(colleague, cohort.sanne, last_name="Jansen")     # Anna, in her own window
    finally:
        colleague.close()
    before = cohort.everything()
    email = form.editors["email"]
    email.selectAll()
    qtbot.keyClicks(email, "sanne@example.org")
    qtbot.keyClick(email, Qt.Key.Key_Return)

    message = view.message_text()
    assert message.startswith("Not saved:") and "anna" in message and "last name from 'de Jong' to 'Jansen'" in message
    assert cohort.everything() == before                                 # nothing of mine was written
    assert form.editors["last_name"].text() == "Jansen"                  # the record shows Anna's change
    assert view.title.text() == "Sanne Jansen"
    assert email.text() == "sanne@example.org"                           # what I typed is still there
    assert "Press Enter to save it again" in form.error_text("email")
    row = window.students.model.row_of(cohort.sanne)
    qtbot.waitUntil(lambda: window.students.model.index(row, 1).data() == "Jansen, Sanne", timeout=5000)
    assert window.session.undo_stack.count() == 0

    qtbot.keyClick(email, Qt.Key.Key_Return)                             # apply it again, on Anna's record
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
