"""The "Record a result" form on the Courses tab, in the real window: it belongs to the student shown,
an exam after today has no result yet, and the Edit menu says whose grade an undo takes back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE  # today is 24-11-2025 (tests/ui/conftest.py)


def _open(window: Any, student_id: int) -> Any:
    window.open_student(student_id, "courses")
    view = window.record_pane.view
    assert view.student_id == student_id and view.current_tab() == "courses"
    return view.pages["courses"]


def _click_record(qtbot: Any, page: Any) -> None:
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)


def _outlined(editor: Any) -> bool:
    return "border" in editor.styleSheet()


def test_what_was_typed_for_one_student_is_not_in_the_form_of_the_next(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan)
    page.course.setCurrentIndex(page.course.findData("PM-BCRR"))
    qtbot.keyClicks(page.grade, "8,2")
    qtbot.keyClicks(page.exam, "20-11-2025")
    before = cohort.everything()

    page = _open(window, cohort.sanne)  # not recorded: another student is opened
    assert (page.course.currentText(), page.grade.text(), page.exam.text()) == ("Choose a course…", "", "")
    _click_record(qtbot, page)
    assert page.grade_form.error_text("grade") == "Choose the course first."
    assert cohort.everything() == before  # nothing for Sanne, nothing for Daan
    assert window.session.undo_stack.count() == 0


def test_the_course_stays_chosen_for_the_next_result_of_the_same_student(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    page = _open(window, cohort.daan)
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "6")
    _click_record(qtbot, page)
    assert cohort.grades(cohort.daan, "PM-PERS") == [(1, 6.0, False)]
    assert page.course.currentData() == "PM-PERS" and page.grade.text() == ""


def test_an_exam_date_after_today_is_refused_under_the_date_field(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan)
    before = cohort.everything()
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "6")
    qtbot.keyClicks(page.exam, "15-06-2026")  # a year typo
    _click_record(qtbot, page)
    assert "15-06-2026 is after today (24-11-2025)" in page.grade_form.error_text("exam_date")
    assert page.grade_form.error_text("grade") == ""
    assert _outlined(page.exam) and not _outlined(page.grade)
    assert cohort.everything() == before
    assert "0 of 120 EC" in page.ec_label.text()
    assert (page.grade.text(), page.exam.text()) == ("6", "15-06-2026")  # kept, to correct

    page.exam.selectAll()
    qtbot.keyClicks(page.exam, "15-11-2025")
    qtbot.keyClick(page.exam, Qt.Key.Key_Return)  # Enter in the date field records, as in the grade field
    assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 6.0, False)]
    assert page.grade_form.error_text("exam_date") == "" and not _outlined(page.exam)
    assert "6 of 120 EC" in page.ec_label.text()


def test_a_date_that_does_not_exist_marks_the_date_field(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan)
    before = cohort.everything()
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "6")
    qtbot.keyClicks(page.exam, "31-02-2025")
    qtbot.keyClick(page.exam, Qt.Key.Key_Return)
    assert "'31-02-2025' is not a date" in page.grade_form.error_text("exam_date")
    assert _outlined(page.exam) and not _outlined(page.grade)
    assert cohort.everything() == before


def test_no_date_for_an_exam_scheduled_after_today_asks_for_the_date(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan)  # cohort 2025: Imaging Principles' exam is on 31-12-2025
    shown = " ".join(label.text() for label in page.findChildren(QLabel) if label.isVisible())
    assert "Exam date left empty: the scheduled exam date is used" in shown
    before = cohort.everything()
    page.course.setCurrentIndex(page.course.findData("PM-IMGP"))
    qtbot.keyClicks(page.grade, "6,5")
    qtbot.keyClick(page.grade, Qt.Key.Key_Return)
    message = page.grade_form.error_text("exam_date")
    assert "No exam date was given" in message and "scheduled for 31-12-2025" in message
    assert _outlined(page.exam)
    assert cohort.everything() == before


def test_undo_names_the_student_and_takes_the_new_attempt_note_away(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk)  # passed Personalized Medicine with 7.0
    view = window.record_pane.view
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "8")
    _click_record(qtbot, page)
    assert "recorded as a new attempt" in view.message_text()
    assert window.acts.undo.text() == "&Undo Record grade 8.0 for Anouk de Vries, Personalized Medicine"

    _open(window, cohort.daan)  # the undo still says whose grade it is
    assert "Anouk de Vries" in window.acts.undo.text()
    _open(window, cohort.anouk)
    window.acts.undo.trigger()
    assert [g for _n, g, _resit in cohort.grades(cohort.anouk, "PM-PERS")] == [7.0]
    assert view.message_text() == ""  # the note was about the attempt just taken back
    assert window.acts.redo.text() == "&Redo Record grade 8.0 for Anouk de Vries, Personalized Medicine"
