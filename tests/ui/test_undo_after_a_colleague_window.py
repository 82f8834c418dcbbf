"""Ctrl+Z after a colleague changed the student (issue 13, item 3): the undo is refused, says who changed
what, and the colleague's change stays; without a colleague in between the undo goes through."""

from __future__ import annotations

from typing import Any

import pytest

from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _save_notes(window: Any, cohort: Cohort, text: str) -> None:
    window.open_student(cohort.sanne, "overview")
    form = window.record_pane.view.pages["overview"].form
    form.editors["notes"].setPlainText(text)
    form.committed.emit("notes", text)


@pytest.mark.slow  # over a second of processor time: a second workspace opened
def test_an_undo_after_a_colleagues_change_is_refused_and_hers_stays(
    window: Any, qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    _save_notes(window, cohort, "Mine, to be undone")
    stack = window.session.undo_stack
    assert stack.count() == 1
    colleague = Workspace.open(cohort.ws.location, programmes, daily_backup=False)
    colleague.user = "anna"
    try:
        update_student(colleague, cohort.sanne, notes="Anna's, after mine")
    finally:
        colleague.close()
    stack.undo()
    message = window.record_pane.view.message_text()
    assert message.startswith("Could not undo") and "anna" in message and "Anna's, after mine" in message
    student = cohort.student(cohort.sanne)
    assert student is not None and student.notes == "Anna's, after mine"


def test_an_undo_with_no_colleague_in_between_goes_through(window: Any, qtbot: Any, cohort: Cohort) -> None:
    _save_notes(window, cohort, "first")
    _save_notes(window, cohort, "second")
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    student = cohort.student(cohort.sanne)
    assert student is not None and student.notes == ""
    window.session.undo_stack.redo()
    student = cohort.student(cohort.sanne)
    assert student is not None and student.notes == "first"
    assert window.record_pane.view.message_text() == ""
