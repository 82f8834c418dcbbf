"""Short fields (dates, grades) show their whole text at the smallest supported window, 1366x768.

A width fixed in pixels let the layout squeeze the portfolio's "Received" date field until
"24-11-2025" showed as "4-11-2025"; fields are now sized from their own font, and no record tab
may need a sideways scroll bar at that size.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QScrollArea

from coordinator_app.ui.forms import fit_width
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _shows_whole(edit: QLineEdit, text: str) -> bool:
    # The text area is the widget minus its frame and inner padding (a few pixels each side).
    return edit.width() - 8 >= edit.fontMetrics().horizontalAdvance(text)


def test_the_short_fields_of_the_record_show_a_whole_date_and_grade(window: Any, qtbot: Any, cohort: Cohort) -> None:
    window.open_student(cohort.anouk, "internships")
    panel = window.record_pane.view.pages["internships"].panels["minor"]
    qtbot.waitExposed(window)
    assert _shows_whole(panel.portfolio.date, "24-11-2025")
    assert _shows_whole(panel.int_start, "from (dd-mm-yyyy)")
    assert _shows_whole(panel.int_end, "until (dd-mm-yyyy)")
    window.open_student(cohort.anouk, "courses")
    courses = window.record_pane.view.pages["courses"]
    assert _shows_whole(courses.grade, "7,5 or NS")
    assert _shows_whole(courses.exam, "exam date (dd-mm-yyyy)")


def test_fit_width_follows_the_font(qtbot: Any) -> None:
    small, large = QLineEdit(), QLineEdit()
    qtbot.addWidget(small)
    qtbot.addWidget(large)
    font = QFont(large.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    large.setFont(font)
    fit_width(small, "24-11-2025")
    fit_width(large, "24-11-2025")
    assert large.width() > 1.6 * small.width()
    assert _shows_whole(small, "24-11-2025") and _shows_whole(large, "24-11-2025")


@pytest.mark.slow
def test_no_record_tab_scrolls_sideways_at_1366_by_768(window: Any, qtbot: Any, cohort: Cohort) -> None:
    assert window.width() == 1366
    for student in (cohort.anouk, cohort.lars):
        for tab in window.record_pane.view.pages:
            page = window.record_pane.view.pages[tab]
            window.open_student(student, tab)
            qtbot.wait(10)
            if window.record_pane.view.current_tab() != tab:  # a tab this student's programme does not have
                continue
            for area in page.findChildren(QScrollArea):
                if area.isVisible() and area.widget() is not None:
                    assert area.widget().minimumSizeHint().width() <= area.viewport().width(), (student, tab)
                    assert not area.horizontalScrollBar().isVisible(), (student, tab)
