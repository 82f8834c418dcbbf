"""An attention line about the major internship opens the major internship's panel (it opened the minor's)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from coordinator_app.services.internships import update_internship
from coordinator_app.ui.changes import Changes
from coordinator_app.ui.main_window import RECORD_TAB
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _double_click(window: Any, qtbot: Any, row: int) -> None:
    table = window.attention.table
    rect = table.visualRect(window.attention.model.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_major_internship_line_opens_the_major_panel_and_a_minor_line_the_minor(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    # Anouk's major internship starts in a week, its approval only requested: a line about the major.
    update_internship(cohort.ws, cohort.anouk, "major", approval_status="requested", start_date="2025-12-01")
    window.session.notify(Changes.everything())
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    model = window.attention.model
    rows = {
        model.item(r).part: r
        for r in range(model.rowCount())
        if model.item(r).student_id == cohort.anouk and model.item(r).tab == "internships"
    }
    assert set(rows) == {"minor", "major"}
    assert model.item(rows["major"]).component == "Major internship"
    for part, expected in (("major", "Major internship"), ("minor", "Minor internship"), ("major", "Major internship")):
        _double_click(window, qtbot, rows[part])
        assert window.tabs.currentIndex() == RECORD_TAB
        view = window.record_pane.view
        assert view.current_tab() == "internships"
        inner = view.pages["internships"].inner
        assert inner.tabText(inner.currentIndex()) == expected
        window.show_tab(0)
