"""Ctrl+Z of a bulk action after a colleague changed one of its students (issue 13, item 3): nothing is
written, the window says who changed which student, and the step leaves the undo stack; a colleague's
change to another student does not stand in the way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from coordinator_app.services.students import update_student
from coordinator_app.store import models as m
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _received(cohort: Cohort, items: dict[int, int]) -> dict[int, date | None]:
    with cohort.ws.read() as s:
        return {sid: s.get(m.PortfolioItem, item).received_date for sid, item in items.items()}  # type: ignore[union-attr]


def _visible_box(qtbot: Any) -> QMessageBox:
    def boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(boxes()), timeout=5000)
    return boxes()[0]


@pytest.mark.slow  # over half a second of processor time (the window, a bulk apply, undo and redo)
def test_a_bulk_undo_after_a_colleagues_change_writes_nothing_and_says_who_changed_whom(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.services.bulk_actions import MarkReceived
    from coordinator_app.services.internships import update_internship
    from coordinator_app.ui.bulk_dialogs import run_bulk
    from coordinator_app.ui.changes import Kind

    colleague = cohort.ws  # another connection to the window's database: Anna's window
    colleague.user = "anna"
    update_internship(colleague, cohort.daan, "minor", start_date="2025-11-03")
    loa = {sid: cohort.item_id(sid, "minor_internship", "list_of_agreements") for sid in (cohort.anouk, cohort.daan)}
    action = MarkReceived(
        "minor_internship",
        "list_of_agreements",
        "List of Agreements (A)",
        "Minor internship",
        date(2025, 11, 20),
        colleague.as_of(),
    )
    run_bulk(window.session, window, lambda _ws: action, [cohort.anouk, cohort.daan], Kind.PORTFOLIO)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "bulkPreview") is not None, timeout=10000)
    preview = window.findChild(QDialog, "bulkPreview")
    qtbot.waitUntil(preview.isVisible, timeout=5000)
    stack = window.session.undo_stack
    steps = stack.count()
    qtbot.mouseClick(preview.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stack.count() == steps + 1, timeout=10000)
    applied = {cohort.anouk: date(2025, 11, 20), cohort.daan: date(2025, 11, 20)}
    assert _received(cohort, loa) == applied

    update_student(colleague, cohort.sanne, notes="Anna's, about another student")  # not in the way
    stack.undo()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    assert _received(cohort, loa) == {cohort.anouk: None, cohort.daan: None}
    stack.redo()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    assert _received(cohort, loa) == applied

    update_student(colleague, cohort.daan, notes="Anna's, after the bulk action")
    stack.undo()  # Ctrl+Z
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    box = _visible_box(qtbot)
    assert box.windowTitle() == "Not undone"
    assert box.text() == (
        "Could not undo 'mark List of Agreements (A) (minor internship) received on 20-11-2025 (2 students)': "
        "nothing was changed, someone else changed 1 of these students since: anna changed 2798765 Daan Bakker. "
        "Their changes stay."
    )
    box.close()
    assert _received(cohort, loa) == applied  # Anouk's, which Anna left alone, was not undone either
    student = cohort.student(cohort.daan)
    assert student is not None and student.notes == "Anna's, after the bulk action"
    stack.redo()  # the refused step is dropped, not redone
    assert stack.count() == steps and not window.session.busy
