"""What the record tabs show must be what is stored and what the rules say (issue 16).

Driven through a real RecordView: choose, type and click as a coordinator would, then read
what the widgets show and what the database holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from coordinator_app.services.courses import record_grade, set_optional_course
from coordinator_app.services.internships import update_literature_study
from coordinator_app.services.record_view import load_record
from coordinator_app.ui.record.view import RecordView
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def view(record_view: RecordView) -> RecordView:
    """The record on its own (tests/ui/conftest.record_view)."""
    return record_view


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
    qtbot.mouseClick(page.opt_save, Qt.MouseButton.LeftButton)  # the click of issue 16
    assert cohort.everything() == stored
    assert ec(cohort, sid) == before == 24 + 6


def test_the_approval_form_shows_what_is_stored_for_the_course_it_names(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    sid = _approved_proteomics(cohort)
    page = open_tab(view, sid, "courses")
    choose(qtbot, page.opt_course, "PM-OPT-PROT")
    assert page.opt_status.currentData() == "approved"
    assert page.opt_date.text() == "15-10-2025"
    assert page.opt_save.isEnabled()
    choose(qtbot, page.opt_course, "PM-OPT-CARD")
    assert (page.opt_status.currentData(), page.opt_date.text()) == ("requested", "")
    choose(qtbot, page.opt_course, "PM-OPT-ENTR")  # not chosen by the student yet: a new request
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


def test_an_approved_optional_course_without_attempts_can_be_graded(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    sid = cohort.daan
    set_optional_course(cohort.ws, sid, "PM-OPT-PROT", "approved", date(2025, 10, 15))
    set_optional_course(cohort.ws, sid, "PM-OPT-CARD", "requested")
    page = open_tab(view, sid, "courses")
    codes = {page.course.itemData(i) for i in range(page.course.count())}
    assert "PM-OPT-PROT" in codes
    assert "PM-OPT-CARD" not in codes  # only approved beforehand counts
    page.course.setCurrentIndex(page.course.findData("PM-OPT-PROT"))
    qtbot.keyClicks(page.grade, "8")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert cohort.grades(sid, "PM-OPT-PROT") == [(1, 8.0, False)]
    assert "6 of 120 EC" in page.ec_label.text()


def test_an_approved_course_from_outside_the_programme_can_be_graded(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
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


# -- item 5: IMIM in the attention list and its own components on the Courses tab -----------------


def test_the_imim_courses_tab_shows_imim_components_not_compulsory_courses(view: RecordView, cohort: Cohort) -> None:
    record_grade(cohort.ws, cohort.lars, "IMIM-S1", "7")
    record_grade(cohort.ws, cohort.lars, "IMIM-BBB1", "8")
    page = open_tab(view, cohort.lars, "courses")
    text = page.ec_label.text()
    assert "compulsory" not in text
    assert "20 of 120 EC" in text
    assert "Semester courses 15 of 45 EC" in text
    assert "Bench to Bedside and Back (BBB1-3) 5 of 15 EC" in text
    assert "Degree project 0 of 30 EC" in text
    pm = open_tab(view, cohort.anouk, "courses")
    assert "4 compulsory courses passed" in pm.ec_label.text()


def test_the_imim_tab_checks_only_imim_things(view: RecordView, cohort: Cohort) -> None:
    record_grade(cohort.ws, cohort.lars, "IMIM-S1", "4")  # resit 31-01-2025, no result: not an IMIM check
    page = open_tab(view, cohort.lars, "imim")
    shown = page.problems.text()
    assert "Participation fee not paid." in shown and "University of year 2 not recorded." in shown
    assert "resit" not in shown
    view.show_tab("overview")
    assert "no result recorded for the resit" in view.pages["overview"].warnings.text()


# -- item 8: the ceremony after the graduation month -----------------------------------------------


@pytest.mark.parametrize("month, ceremony", [(9, "January 2027"), (1, "June 2027"), (5, "September 2027")])
def test_the_graduation_tab_shows_the_first_ceremony_after_the_month(
    view: RecordView, qtbot: Any, cohort: Cohort, month: int, ceremony: str
) -> None:
    page = open_tab(view, cohort.anouk, "graduation")
    page.month.setCurrentIndex(page.month.findData(month))
    page.year.setValue(2026 if month >= 9 else 2027)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    assert page.form.editors["ceremony"].text() == ceremony


# -- item 10: approvals are not "valid" without the assessor's rank; flags on their tabs ----------


def test_an_approved_internship_without_the_assessors_rank_is_not_shown_valid(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    page = open_tab(view, cohort.anouk, "internships")  # approved in the fixture, no rank recorded
    status = page.panels["minor"].status.text()
    assert "approval valid" not in status
    assert "approved, assessor's rank not recorded" in status
    assert "the assessor's rank is not recorded (at least Assistant professor (UD) is required)" in status
    choose(qtbot, page.panels["minor"].forms[1].editors["assessor_rank"], "UHD")
    status = page.panels["minor"].status.text()
    assert status.startswith("approval valid")
    assert "rank is not recorded" not in status


def test_the_graduation_tab_says_a_planned_month_has_passed(view: RecordView, cohort: Cohort) -> None:
    from coordinator_app.services.graduation import plan_graduation

    plan_graduation(cohort.ws, cohort.anouk, 2025, 6)
    page = open_tab(view, cohort.anouk, "graduation")
    assert "Graduation planned for June 2025 has passed and the student is not ready" in page.ready.text()


# -- item 11: the Literature Study tab says what is missing -------------------------------------


def test_the_literature_tab_says_what_is_missing(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    update_literature_study(
        cohort.ws,
        cohort.anouk,
        subject="Pharmacogenomics",
        start_date="03-11-2025",
        supervisor="dr. A. Jansen",
        assessor="dr. A. Jansen",
        assessor_rank="UD",
    )
    page = open_tab(view, cohort.anouk, "literature")
    status = page.status.text()
    assert "Not complete yet; missing: Examination Board approval (not requested)" in status
    assert "Survey Outline not received" in status and "Literature Study report not received" in status
    assert "marks: research outline, oral presentation, report (supervisor), report (assessor)" in status
    assert "is also the Amsterdam UMC assessor" in status
    plan, marks = page.forms
    plan.editors["approval_date"].setText("20-10-2025")  # typed, then the decision chosen
    choose(qtbot, plan.editors["approval_status"], "approved")
    for field, value in (
        ("outline_mark", "7"),
        ("supervisor_report_mark", "7"),
        ("assessor_report_mark", "7,5"),
        ("presentation_mark", "8"),
    ):
        type_into(qtbot, marks.editors[field], value)
    status = page.status.text()
    assert "approval" not in status.split("⚠")[0] and "marks:" not in status
    assert "Survey Outline not received" in status


def test_the_window_lists_an_imim_students_items_and_opens_the_imim_tab(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.ui.main_window import RECORD_TAB

    model = window.attention.model
    rows = {model.item(r).what: r for r in range(model.rowCount()) if model.item(r).student_id == cohort.lars}
    assert {"participation fee not paid", "English test not recorded", "university of year 2 not recorded"} <= set(rows)
    row = rows["participation fee not paid"]
    assert model.index(row, 0).data() is not None
    shown = {model.index(row, c).data() for c in range(model.columnCount())}
    assert "Fees" in shown and "s3100001" in shown
    table = window.attention.table
    rect = table.visualRect(model.index(row, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == RECORD_TAB
    assert window.record_pane.view.student_id == cohort.lars
    assert window.record_pane.view.current_tab() == "imim"
