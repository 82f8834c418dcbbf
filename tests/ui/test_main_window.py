"""The real window, driven as a coordinator would: search, record grades, portfolio, undo, attention."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit

from coordinator_app.domain.attention import Urgency
from coordinator_app.store.errors import BUSY_MESSAGE, DatabaseBusy
from coordinator_app.ui.main_window import ATTENTION_TAB, RECORD_TAB
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def test_the_attention_list_is_what_a_coordinator_sees_first(window: Any, cohort: Cohort) -> None:
    assert window.tabs.currentIndex() == ATTENTION_TAB
    items = window.attention.model.items
    assert any(
        i.student_id == cohort.anouk and i.what.startswith("List of Agreements") and i.urgency == Urgency.OVERDUE
        for i in items
    )
    # Anouk's List of Agreements, her first-year assignments and the assessor's rank of her approved
    # minor; Lars's English test, participation fee and university of year 2: six, nothing due soon.
    assert sorted((i.student_id, i.urgency) for i in items) == sorted(
        [(cohort.anouk, Urgency.OVERDUE)] * 3 + [(cohort.lars, Urgency.OVERDUE)] * 3
    )
    assert window.attention.summary.text() == (
        "All programmes, all cohorts: 6 overdue, 0 due within 14 days (as of Mon 24-11-2025)"
    )
    assert str(cohort.ws.path) in window.database_status.path_label.text()
    assert window.students.counts.text() == "4 of 4 students shown"


@pytest.mark.parametrize(
    "typed, expected",
    [("de ", {"2712345", "2711111"}), ("27987", {"2798765"}), ("LARS@student", {"s3100001"}), ("nobody", set())],
)
def test_search_narrows_the_list_on_number_name_and_email(
    window: Any, qtbot: Any, typed: str, expected: set[str]
) -> None:
    assert window.students.model.rowCount() == 4
    # Shortcuts reach only the active window; right after start-up it may not be active yet.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.students.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F goes to the search box
    qtbot.waitUntil(window.students.search.hasFocus, timeout=2000)
    qtbot.keyClicks(window.students.search, typed)
    shown = {window.students.model.index(r, 0).data() for r in range(window.students.model.rowCount())}
    assert shown == expected
    assert window.students.counts.text() == f"{len(expected)} of 4 students shown"
    window.students.search.clear()
    assert window.students.model.rowCount() == 4


def test_quick_filters_and_programme_selector_narrow_the_list(window: Any, cohort: Cohort) -> None:
    window.students.programme_box.setCurrentIndex(window.students.programme_box.findData("IMIM"))
    window.students.programme_box.activated.emit(window.students.programme_box.currentIndex())
    assert [window.students.model.student_id(r) for r in range(window.students.model.rowCount())] == [cohort.lars]
    window.students.programme_box.setCurrentIndex(0)
    window.students.programme_box.activated.emit(0)
    window.students.overdue_only.setChecked(True)  # as the attention list: Lars's IMIM items too
    assert {window.students.model.student_id(r) for r in range(window.students.model.rowCount())} == {
        cohort.anouk,
        cohort.lars,
    }
    window.students.overdue_only.setChecked(False)
    window.students.stage_box.setCurrentIndex(window.students.stage_box.findData("minor"))
    window.students.stage_box.activated.emit(window.students.stage_box.currentIndex())
    assert [window.students.model.student_id(r) for r in range(window.students.model.rowCount())] == [cohort.anouk]


def _open(window: Any, student_id: int, tab: str) -> Any:
    window.open_student(student_id, tab)
    view = window.record_pane.view
    assert view.student_id == student_id
    assert view.current_tab() == tab
    return view.pages[tab]


def test_typing_7_comma_5_as_a_grade_shows_7_point_5_and_the_ec(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan, "courses")
    assert "0 of 120 EC" in page.ec_label.text()
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "7,5")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert cohort.grades(cohort.daan, "PM-PERS") == [(1, 7.5, False)]
    model = page.model
    shown = [
        model.index(r, 0, model.index(t, 0)).siblingAtColumn(4).data()
        for t in range(model.rowCount())
        for r in range(model.rowCount(model.index(t, 0)))
    ]
    assert "7.5" in shown
    assert "6 of 120 EC" in page.ec_label.text()
    assert page.grade.text() == ""  # ready for the next one
    row = window.students.model.row_of(cohort.daan)
    assert window.students.model.index(row, 8).data() == "6"  # the list's EC column follows


def test_an_invalid_grade_shows_the_message_and_saves_nothing(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan, "courses")
    before = cohort.everything()
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "11")
    qtbot.keyClick(page.grade, Qt.Key.Key_Return)
    assert "between 1.0 and 10.0" in page.grade_form.error_text("grade")
    assert page.grade.text() == "11"  # what was typed stays
    assert cohort.everything() == before
    assert window.session.undo_stack.count() == 0


def test_an_invalid_field_shows_its_message_next_to_it(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan, "overview")
    before = cohort.everything()
    email = page.form.editors["email"]
    email.selectAll()
    qtbot.keyClicks(email, "not-an-address")
    qtbot.keyClick(email, Qt.Key.Key_Return)
    assert "is not an e-mail address" in page.form.error_text("email")
    assert page.form.error_text("first_name") == ""
    assert cohort.everything() == before


def test_marking_the_list_of_agreements_received_clears_it_from_attention(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    def open_loa() -> list[Any]:
        return [
            i
            for i in window.attention.model.items
            if i.student_id == cohort.anouk and i.what.startswith("List of Agreements")
        ]

    assert open_loa()
    page = _open(window, cohort.anouk, "internships")
    panel = page.panels["minor"]
    assert panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("20-11-2025")
    qtbot.mouseClick(panel.portfolio.mark_button, Qt.MouseButton.LeftButton)
    item = next(i for i in panel.portfolio.items if i.kind == "list_of_agreements")
    assert item.received is not None and item.urgency == Urgency.DONE
    qtbot.waitUntil(lambda: not open_loa() and not window.session.busy, timeout=10000)


def test_a_grade_for_a_course_already_passed_says_it_became_a_new_attempt(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    page = _open(window, cohort.anouk, "courses")  # passed PM-PERS with 7.0
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "8")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert [g for _n, g, _resit in cohort.grades(cohort.anouk, "PM-PERS")] == [7.0, 8.0]
    assert "already passed with 7.0" in window.record_pane.view.message_text()
    assert "new attempt" in window.record_pane.view.message_text()
    page = _open(window, cohort.daan, "courses")  # nothing passed yet: no such note
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "6,5")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert window.record_pane.view.message_text() == ""


def test_a_received_date_in_the_future_is_refused_and_saves_nothing(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk, "internships")
    panel = page.panels["minor"]
    before = cohort.everything()
    panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("01-12-2030")
    qtbot.mouseClick(panel.portfolio.mark_button, Qt.MouseButton.LeftButton)
    assert "in the future" in panel.portfolio.error.text() and panel.portfolio.error.isVisible()
    assert cohort.everything() == before


def test_undo_restores_the_old_value_in_the_database_and_redo_repeats(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.sanne, "overview")
    last = page.form.editors["last_name"]
    last.selectAll()
    qtbot.keyClicks(last, "Jansen")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert cohort.student(cohort.sanne).last_name == "Jansen"
    assert window.session.undo_stack.count() == 1
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    assert cohort.student(cohort.sanne).last_name == "de Jong"
    assert last.text() == "de Jong"
    row = window.students.model.row_of(cohort.sanne)
    assert window.students.model.index(row, 1).data() == "de Jong, Sanne"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert cohort.student(cohort.sanne).last_name == "Jansen"


def test_undo_of_a_grade_takes_back_the_grade_and_its_resit(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.daan, "courses")
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "4,0")
    qtbot.keyClick(page.grade, Qt.Key.Key_Return)
    assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 4.0, False), (2, None, False)]  # resit registered
    window.acts.undo.trigger()
    assert cohort.grades(cohort.daan, "PM-DSB") == []


def test_double_click_in_attention_opens_the_record_on_the_right_tab(window: Any, qtbot: Any, cohort: Cohort) -> None:
    model = window.attention.model
    row = next(
        r
        for r in range(model.rowCount())
        if model.item(r).student_id == cohort.anouk and model.item(r).tab == "internships"
    )
    table = window.attention.table
    rect = table.visualRect(model.index(row, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == RECORD_TAB
    assert window.record_pane.view.student_id == cohort.anouk
    assert window.record_pane.view.current_tab() == "internships"
    assert window.students.view.currentIndex().row() == window.students.model.row_of(cohort.anouk)


def test_an_imim_student_sees_imim_things_and_not_pm_tabs(window: Any, cohort: Cohort) -> None:
    window.open_student(cohort.lars, "overview")
    tabs = window.record_pane.view.tabs
    visible = {tabs.widget(i).key for i in range(tabs.count()) if tabs.isTabVisible(i)}
    assert visible == {"overview", "courses", "imim", "graduation", "history"}
    window.record_pane.view.show_tab("imim")
    page = window.record_pane.view.pages["imim"]
    assert page.form.editors["year1_university"].currentData() == "Uppsala"
    assert "University of year 2 not recorded" in page.problems.text()
    window.record_pane.view.show_tab("courses")
    courses = window.record_pane.view.pages["courses"]
    codes = {courses.course.itemData(i) for i in range(courses.course.count())}
    assert {"IMIM-BBB1", "IMIM-BBB2", "IMIM-BBB3", "IMIM-DP"} <= codes
    assert courses.optional_group.isHidden()


def test_a_busy_database_gives_a_calm_message_and_keeps_the_input(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(window, cohort.daan, "overview")

    def busy(*_a: Any, **_k: Any) -> None:
        raise DatabaseBusy(BUSY_MESSAGE)

    monkeypatch.setattr("coordinator_app.ui.record.overview.update_student", busy)
    first = page.form.editors["first_name"]
    first.selectAll()
    qtbot.keyClicks(first, "Daniel")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert "busy" in window.record_pane.view.message_text()
    assert first.text() == "Daniel"
    assert cohort.student(cohort.daan).first_name == "Daan"


@pytest.mark.slow
def test_a_mentor_meeting_is_added_edited_and_deleted(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.sanne, "academic_core")
    page.m_date.setText("10-11-2025")
    page.m_topic.setText("Career plans")
    qtbot.mouseClick(page.m_add, Qt.MouseButton.LeftButton)
    assert [m.topic for m in window.record_pane.view.record.meetings] == ["Career plans"]
    assert "1 of at least 2" in page.status.text()
    page.meetings.selectRow(0)
    page.m_topic.setText("Career and PhD plans")
    qtbot.mouseClick(page.m_save, Qt.MouseButton.LeftButton)
    assert [m.topic for m in window.record_pane.view.record.meetings] == ["Career and PhD plans"]
    page.meetings.selectRow(0)
    qtbot.mouseClick(page.m_delete, Qt.MouseButton.LeftButton)
    assert window.record_pane.view.record.meetings == ()


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_interruptions_push_the_planned_end_back(window: Any, qtbot: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk, "internships")
    panel = page.panels["minor"]
    before = panel.form.editors if False else panel.forms[3].editors["planned_end"].text()
    assert before.startswith("20-02-2026")  # 16 weeks from 1 November, inclusive
    panel.int_start.setText("22-12-2025")
    panel.int_end.setText("04-01-2026")
    qtbot.mouseClick(panel.int_add, Qt.MouseButton.LeftButton)
    assert panel.forms[3].editors["planned_end"].text().startswith("06-03-2026")
    panel.interruptions.selectRow(0)
    qtbot.mouseClick(panel.int_remove, Qt.MouseButton.LeftButton)
    assert panel.forms[3].editors["planned_end"].text().startswith("20-02-2026")


def test_add_and_remove_a_student(window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.ui.dialogs import ConfirmRemoval, NewStudentDialog

    dialog = NewStudentDialog(cohort.ws, window, "PM", 2025)
    qtbot.addWidget(dialog)
    dialog.form.editors["student_number"].setText("12")  # type: ignore[attr-defined]
    dialog.submit()
    assert "is not a student number" in dialog.form.error_text("student_number")
    dialog.form.editors["student_number"].setText("2755555")  # type: ignore[attr-defined]
    dialog.form.editors["first_name"].setText("Noor")  # type: ignore[attr-defined]
    dialog.form.editors["last_name"].setText("Visser")  # type: ignore[attr-defined]
    dialog.submit()
    assert dialog.student_id is not None
    monkeypatch.setattr(NewStudentDialog, "ask", classmethod(lambda cls, *a, **k: dialog.student_id))
    window.acts.new.trigger()
    assert window.students.model.total == 5
    assert window.record_pane.view.student_id == dialog.student_id
    asked: list[str] = []
    monkeypatch.setattr(ConfirmRemoval, "ask", classmethod(lambda cls, parent, label: asked.append(label) or True))
    window.acts.remove.trigger()
    assert asked == ["2755555 Noor Visser"]
    assert window.students.model.total == 4
    assert cohort.student(dialog.student_id) is None
    assert any(a[3] == "remove student" for a in cohort.everything()["audit_entry"])  # the trail stays


def test_removal_is_not_done_without_confirmation(window: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.ui.dialogs import ConfirmRemoval

    window.open_student(cohort.daan, "overview")
    monkeypatch.setattr(ConfirmRemoval, "ask", classmethod(lambda cls, parent, label: False))
    window.acts.remove.trigger()
    assert cohort.student(cohort.daan) is not None
    assert window.students.model.total == 4


def test_shortcuts_and_menus(window: Any) -> None:
    assert window.acts.new.shortcut() == QKeySequence("Ctrl+N")
    assert window.acts.find.shortcut() == QKeySequence("Ctrl+F")
    assert window.acts.undo.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in window.acts.redo.shortcuts()
    assert window.acts.export.shortcut() == QKeySequence("Ctrl+E")
    assert window.selection.remind.shortcut() == QKeySequence("Ctrl+M")
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "Plan", "Students", "View", "Help"]


def test_about_names_the_version_and_where_the_data_lives(window: Any) -> None:
    from coordinator_app import __version__
    from coordinator_app.ui.dialogs import about_text

    text = about_text(window.session.path)
    assert __version__ in text and str(window.session.path) in text and "data folder" in text


def test_window_state_and_databases_are_remembered(window: Any, qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    from coordinator_app.ui import settings
    from coordinator_app.ui.list_rows import EMAIL
    from coordinator_app.ui.main_window import MainWindow

    window.splitter.setSizes([400, 966])
    window.students.columns.show_column(EMAIL, True)  # shown through the column chooser
    window.students.view.horizontalHeader().resizeSection(EMAIL, 333)
    window.close()
    # Started on it (as with --db): listed under Open recent, but not what a plain start opens.
    assert settings.recent_databases()[0] == cohort.ws.path.resolve()
    assert settings.chosen_database() is None
    again = MainWindow(cohort.ws.path, programmes=programmes)
    qtbot.addWidget(again)
    assert not again.students.view.horizontalHeader().isSectionHidden(EMAIL)
    assert again.students.view.horizontalHeader().sectionSize(EMAIL) == 333


def test_search_box_is_a_line_edit_with_a_placeholder(window: Any) -> None:
    assert isinstance(window.students.search, QLineEdit)
    assert "number, name or e-mail" in window.students.search.placeholderText()


def test_the_new_student_dialog_shows_the_whole_programme_name(qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.ui.dialogs import NewStudentDialog

    dialog = NewStudentDialog(cohort.ws)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.programme
    longest = max((box.itemText(i) for i in range(box.count())), key=box.fontMetrics().horizontalAdvance)
    assert "Innovative Medicine (IMIM)" in longest
    # The box is as wide as it asks to be for its longest item: nothing is cut off ("…(IM").
    assert box.width() >= box.sizeHint().width() > box.fontMetrics().horizontalAdvance(longest)
    assert dialog.width() >= 460
