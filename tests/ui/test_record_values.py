"""What the record tabs show must be what is stored and what the rules say (issue 16).

Driven through a real RecordView: choose, type and click as a coordinator would, then read
what the widgets show and what the database holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit

from coordinator_app.services.courses import record_grade, set_optional_course
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.record_view import load_record
from coordinator_app.ui.record.view import RecordView
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def view(qtbot: Any, cohort: Cohort) -> Iterator[RecordView]:
    stack = QUndoStack()
    record_view = RecordView(cohort.ws, stack)
    qtbot.addWidget(record_view)
    record_view.resize(1366, 768)
    record_view.show()
    yield record_view
    stack.clear()


def open_tab(view: RecordView, student_id: int, tab: str) -> Any:
    assert view.show_student(student_id, tab)
    view.show_tab(tab)
    assert view.current_tab() == tab
    return view.pages[tab]


def type_into(qtbot: Any, editor: QLineEdit, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def choose(qtbot: Any, combo: QComboBox, value: Any) -> None:
    """Pick an entry the way the mouse does: the list's current entry changes, `activated` follows."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def ec(cohort: Cohort, student_id: int) -> int:
    return load_record(cohort.ws, student_id).evaluation.ec_total


# -- item 1: "Save approval" shows and keeps what is stored ----------------------------------------

def _approved_proteomics(cohort: Cohort) -> int:
    sid = cohort.anouk
    set_optional_course(cohort.ws, sid, "PM-OPT-CARD", "requested")
    set_optional_course(cohort.ws, sid, "PM-OPT-PROT", "approved", date(2025, 10, 15))
    record_grade(cohort.ws, sid, "PM-OPT-PROT", "7,5")
    return sid


def test_save_approval_is_impossible_before_a_course_is_chosen(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    sid = _approved_proteomics(cohort)
    page = open_tab(view, sid, "courses")
    assert page.opt_course.currentData() is None
    assert "Choose an optional course" in page.opt_course.currentText()
    assert not page.opt_save.isEnabled()
    before, stored = ec(cohort, sid), cohort.everything()
    qtbot.mouseClick(page.opt_save, Qt.MouseButton.LeftButton)          # the click of issue 16
    assert cohort.everything() == stored
    assert ec(cohort, sid) == before == 24 + 6


def test_the_approval_form_shows_what_is_stored_for_the_course_it_names(view: RecordView, qtbot: Any,
                                                                          cohort: Cohort) -> None:
    sid = _approved_proteomics(cohort)
    page = open_tab(view, sid, "courses")
    choose(qtbot, page.opt_course, "PM-OPT-PROT")
    assert page.opt_status.currentData() == "approved"
    assert page.opt_date.text() == "15-10-2025"
    assert page.opt_save.isEnabled()
    choose(qtbot, page.opt_course, "PM-OPT-CARD")
    assert (page.opt_status.currentData(), page.opt_date.text()) == ("requested", "")
    choose(qtbot, page.opt_course, "PM-OPT-ENTR")          # not chosen by the student yet: a new request
    assert (page.opt_status.currentData(), page.opt_date.text()) == ("requested", "")
    # Back to Proteomics and Save as shown: the stored approval and its credits stay.
    choose(qtbot, page.opt_course, "PM-OPT-PROT")
    stored = ec(cohort, sid)
    qtbot.mouseClick(page.opt_save, Qt.MouseButton.LeftButton)
    line = next(o for o in load_record(cohort.ws, sid).optional if o.code == "PM-OPT-PROT")
    assert (line.status, line.decided_on) == ("approved", date(2025, 10, 15))
    assert ec(cohort, sid) == stored == 30
    # After the save the form still names Proteomics and shows it as stored.
    assert page.opt_course.currentData() == "PM-OPT-PROT"
    assert (page.opt_status.currentData(), page.opt_date.text()) == ("approved", "15-10-2025")


def test_another_student_starts_with_no_course_chosen(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    sid = _approved_proteomics(cohort)
    page = open_tab(view, sid, "courses")
    choose(qtbot, page.opt_course, "PM-OPT-PROT")
    open_tab(view, cohort.daan, "courses")
    assert page.opt_course.currentData() is None
    assert not page.opt_save.isEnabled()


# -- item 2: an approved optional course can get its first grade -----------------------------------

def test_an_approved_optional_course_without_attempts_can_be_graded(view: RecordView, qtbot: Any,
                                                                    cohort: Cohort) -> None:
    sid = cohort.daan
    set_optional_course(cohort.ws, sid, "PM-OPT-PROT", "approved", date(2025, 10, 15))
    set_optional_course(cohort.ws, sid, "PM-OPT-CARD", "requested")
    page = open_tab(view, sid, "courses")
    codes = {page.course.itemData(i) for i in range(page.course.count())}
    assert "PM-OPT-PROT" in codes
    assert "PM-OPT-CARD" not in codes          # only approved beforehand counts
    page.course.setCurrentIndex(page.course.findData("PM-OPT-PROT"))
    qtbot.keyClicks(page.grade, "8")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert cohort.grades(sid, "PM-OPT-PROT") == [(1, 8.0, False)]
    assert "6 of 120 EC" in page.ec_label.text()


def test_an_approved_course_from_outside_the_programme_can_be_graded(view: RecordView, qtbot: Any,
                                                                      cohort: Cohort) -> None:
    from coordinator_app.services.courses import add_external_course

    sid = cohort.daan
    code = add_external_course(cohort.ws, sid, "Summer school genomics", 3)
    set_optional_course(cohort.ws, sid, code, "approved", date(2025, 10, 15), credit_form_received=True)
    page = open_tab(view, sid, "courses")
    assert page.course.findData(code) >= 0
    page.course.setCurrentIndex(page.course.findData(code))
    qtbot.keyClicks(page.grade, "7")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert cohort.grades(sid, code) == [(1, 7.0, False)]
    assert "3 of 120 EC" in page.ec_label.text()


# -- item 3: the report mean is rounded half up ----------------------------------------------------

def test_the_internship_report_mean_of_7_and_7_5_shows_7_3(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.anouk, "internships")
    panel = page.panels["minor"]
    marks = panel.forms[-1]
    type_into(qtbot, marks.editors["supervisor_report_mark"], "7")
    type_into(qtbot, marks.editors["assessor_report_mark"], "7,5")
    assert marks.editors["report_mean"].text() == "7.3"


def test_the_literature_report_mean_of_7_and_7_5_shows_7_3(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    update_literature_study(cohort.ws, cohort.anouk, subject="Pharmacogenomics")
    page = open_tab(view, cohort.anouk, "literature")
    marks = page.forms[1]
    type_into(qtbot, marks.editors["supervisor_report_mark"], "7")
    type_into(qtbot, marks.editors["assessor_report_mark"], "7,5")
    assert marks.editors["report_mean"].text() == "7.3"
    # and the result: 0.1 x 6.5 + 0.7 x 7.25 + 0.2 x 8.0 = 7.325 -> 7.3
    type_into(qtbot, marks.editors["outline_mark"], "6,5")
    type_into(qtbot, marks.editors["presentation_mark"], "8")
    assert marks.editors["result"].text() == "7.3 (pass)"
