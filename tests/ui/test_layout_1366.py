"""The window at 1366x768 (the smallest screen it is made for), measured on the real widgets
offscreen (issue 16, item 15): what a coordinator needs is in view without sideways scrolling,
nothing is cut, and the toolbar does not move under the mouse."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QAbstractSpinBox, QStyle, QStyleOptionSpinBox

from coordinator_app.services.students import update_student
from coordinator_app.ui.list_rows import COHORT, COLUMNS, EC, EMAIL, NAME, OVERDUE, STATUS
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE

TEXT_MARGIN = 6  # a cell's text needs its width plus a few pixels of margin


def _open(window: Any, student_id: int, tab: str) -> Any:
    window.open_student(student_id, tab)
    assert window.record_pane.view.current_tab() == tab
    return window.record_pane.view.pages[tab]


def _fully_in_view(header: Any, section: int, viewport_width: int) -> bool:
    left = header.sectionViewportPosition(section)
    return left >= 0 and left + header.sectionSize(section) <= viewport_width


def test_every_list_column_is_in_view_without_scrolling(window: Any) -> None:
    assert window.width() == 1366
    view = window.students.view
    header = view.horizontalHeader()
    shown = [c for c in range(len(COLUMNS)) if not header.isSectionHidden(c)]
    # What the coordinator scans every day is among them (issue: Cohort, Status, EC and Overdue
    # needed sideways scrolling).
    assert {NAME, COHORT, STATUS, EC, OVERDUE} <= set(shown)
    width = view.viewport().width()
    assert all(_fully_in_view(header, c, width) for c in shown), [
        (COLUMNS[c], header.sectionViewportPosition(c), header.sectionSize(c), width) for c in shown
    ]
    assert view.horizontalScrollBar().maximum() == 0
    cells = view.fontMetrics()
    titles = header.fontMetrics()
    for c in shown:
        assert titles.horizontalAdvance(COLUMNS[c]) + TEXT_MARGIN <= header.sectionSize(c), COLUMNS[c]
        for row in range(window.students.model.rowCount()):
            text = window.students.model.index(row, c).data() or ""
            assert cells.horizontalAdvance(text) + TEXT_MARGIN <= header.sectionSize(c), (COLUMNS[c], text)


def test_hidden_columns_are_one_tick_away(window: Any) -> None:
    header = window.students.view.horizontalHeader()
    assert header.isSectionHidden(EMAIL)
    menu = window.students.columns.menu()
    ticks = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert list(ticks) == list(COLUMNS)
    assert not ticks["E-mail"].isChecked() and not ticks["Name"].isEnabled()
    ticks["E-mail"].setChecked(True)
    assert not header.isSectionHidden(EMAIL)
    assert header.sectionSize(EMAIL) >= window.students.view.fontMetrics().horizontalAdvance("s.dejong@student.vu.nl")
    usual = next(a for a in menu.actions() if a.text() == "Show the usual columns")
    usual.trigger()
    assert header.isSectionHidden(EMAIL)
    assert window.students.view.horizontalScrollBar().maximum() == 0
    # The same chooser is in the View menu.
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert any(a.menu() is not None and a.text() == "&Columns" for a in view_menu.actions())


def test_the_name_column_follows_the_width_of_the_list(window: Any, qtbot: Any) -> None:
    view = window.students.view
    header = view.horizontalHeader()
    before = header.sectionSize(NAME)
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: header.sectionSize(NAME) > before, timeout=3000)
    assert view.horizontalScrollBar().maximum() == 0


def test_the_undo_button_keeps_its_size_and_says_the_rest_in_its_tooltip(window: Any) -> None:
    bar = window.findChild(type(window.addToolBar("x")), "mainToolbar")
    undo = bar.widgetForAction(window.acts.undo)
    export = bar.widgetForAction(window.acts.export)
    width, export_at = undo.width(), export.x()
    command = QUndoCommand("Change approval of the major internship to approved")
    window.session.undo_stack.push(command)
    window.repaint()
    assert undo.text() == "Undo"
    assert (undo.width(), export.x()) == (width, export_at)
    assert "Undo Change approval of the major internship to approved" in undo.toolTip()
    assert window.acts.undo.text() == "&Undo Change approval of the major internship to approved"  # the Edit menu


def _arrow(spin: Any, up: bool = True) -> QPoint:
    option = QStyleOptionSpinBox()
    option.initFrom(spin)
    option.subControls = QStyle.SubControl.SC_SpinBoxUp | QStyle.SubControl.SC_SpinBoxDown
    option.buttonSymbols = QAbstractSpinBox.ButtonSymbols.UpDownArrows
    control = QStyle.SubControl.SC_SpinBoxUp if up else QStyle.SubControl.SC_SpinBoxDown
    return spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, control, spin).center()


def test_clicking_the_due_within_arrows_refreshes_the_attention_list(window: Any, qtbot: Any) -> None:
    spin = window.attention.within
    days = spin.value()
    with qtbot.waitSignal(window.attention.model.modelReset, timeout=5000):  # read again after a short pause
        qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=_arrow(spin))
        assert spin.value() == days + 1
    assert f"within {days + 1} days" in window.attention.summary.text()


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_the_portfolio_shows_every_item_on_one_line(window: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk, "internships")
    assert page.inner.currentIndex() == 0  # the minor internship, as it opens
    table = page.panels["minor"].portfolio.table
    assert table.rowCount() >= 8
    height = table.viewport().height()
    one_line = table.fontMetrics().height() * 1.6
    for row in range(table.rowCount()):
        assert table.rowViewportPosition(row) + table.rowHeight(row) <= height, row
        assert table.rowHeight(row) <= one_line
        name = table.item(row, 0).text()
        assert table.fontMetrics().horizontalAdvance(name) + TEXT_MARGIN <= table.columnWidth(0), name


def test_the_course_picker_shows_whole_names(window: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk, "courses")
    picker = page.course
    assert picker.count() > 4
    metrics = picker.fontMetrics()
    arrow = picker.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 12
    for i in range(picker.count()):
        assert metrics.horizontalAdvance(picker.itemText(i)) + arrow <= picker.width(), picker.itemText(i)
    right = picker.mapTo(page, QPoint(picker.width(), 0)).x()
    assert right <= page.width()


def test_the_courses_table_says_entered_on(window: Any, cohort: Cohort) -> None:
    page = _open(window, cohort.anouk, "courses")
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert "Entered on" in headers and "Registered" not in headers


def test_history_keeps_the_new_value_in_view_and_writes_dates_day_first(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.services.internships import update_internship

    long = "Discussed the planning of the major internship with the daily supervisor and the Examination Board; "
    update_student(cohort.ws, cohort.anouk, notes=long + "waiting for the signed List of Agreements.")
    update_student(cohort.ws, cohort.anouk, notes=long + "the List of Agreements came in on 20-11-2025.")
    update_internship(cohort.ws, cohort.anouk, "minor", start_date=date(2025, 11, 3))
    window.session.reload()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=10000)
    page = _open(window, cohort.anouk, "history")
    table = page.table
    header = table.horizontalHeader()
    width = table.viewport().width()
    assert table.rowCount() >= 2
    assert _fully_in_view(header, 5, width) and header.sectionSize(5) >= 120
    assert _fully_in_view(header, 4, width)
    shown = {table.item(r, 5).text() for r in range(table.rowCount())}
    assert "03-11-2025" in shown and not any(t.startswith("2025-11-03") for t in shown)
    olds = {table.item(r, 4).text() for r in range(table.rowCount())}
    assert "01-11-2025" in olds


def test_the_new_student_dialog_shows_every_line_of_its_message(qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.ui.dialogs import NewStudentDialog

    dialog = NewStudentDialog(cohort.ws)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.form.editors["student_number"].setText("12")  # type: ignore[attr-defined]
    dialog.submit()
    label = dialog.form.errors["student_number"]
    assert label.isVisible() and "is not a student number" in label.text()
    assert label.heightForWidth(label.width()) > label.fontMetrics().height()  # the message takes two lines
    assert label.height() >= label.heightForWidth(label.width())
    bottom = label.mapTo(dialog, QPoint(0, label.height())).y()
    assert bottom <= dialog.height()


def test_the_first_window_on_a_1366_screen_takes_its_width(window: Any, qtbot: Any) -> None:
    """Started for the first time on a 1366x768 laptop (a 28-pixel panel), the window fills the
    free area: at its old 1280 pixels the list needed a sideways scroll bar."""
    from PySide6.QtCore import QRect

    from coordinator_app.ui.app import first_size

    first_size(window, QRect(0, 0, 1366, 740))
    assert (window.width(), window.height()) == (1366, 740)
    qtbot.waitUntil(lambda: window.students.view.horizontalScrollBar().maximum() == 0, timeout=3000)
    first_size(window, QRect(0, 0, 2560, 1400))
    assert (window.width(), window.height()) == (1400, 820)
    assert window.x() == (2560 - 1400) // 2


def test_the_specialization_choices_show_whole_names(window: Any, cohort: Cohort) -> None:
    from PySide6.QtWidgets import QComboBox

    page = _open(window, cohort.anouk, "overview")
    combos = [page.findChild(QComboBox, f"preference{n}") for n in (1, 2, 3)]
    assert all(c is not None and c.isVisible() for c in combos)
    arrow = combos[0].style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 12
    for combo in combos:
        assert combo.count() > 2
        metrics = combo.fontMetrics()
        for i in range(combo.count()):
            assert metrics.horizontalAdvance(combo.itemText(i)) + arrow <= combo.width(), combo.itemText(i)


def test_the_optional_course_picker_shows_whole_names(window: Any, cohort: Cohort, qtbot: Any) -> None:
    # Another student's record first: the picker was sized once, for the first list it showed.
    _open(window, cohort.lars, "courses")
    page = _open(window, cohort.anouk, "courses")
    qtbot.wait(50)  # the layout follows the new names in the event loop
    picker = page.opt_course
    assert picker.count() > 2
    metrics = picker.fontMetrics()
    arrow = picker.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 12
    longest = max(range(picker.count()), key=lambda i: metrics.horizontalAdvance(picker.itemText(i)))
    assert len(picker.itemText(longest)) > 30  # a name that a half-row picker cut
    for i in range(picker.count()):
        assert metrics.horizontalAdvance(picker.itemText(i)) + arrow <= picker.width(), picker.itemText(i)
    right = picker.mapTo(page, QPoint(picker.width(), 0)).x()
    assert right <= page.width()


def test_the_attention_list_is_in_view_without_scrolling(window: Any, qtbot: Any) -> None:
    from coordinator_app.ui.attention_view import COLUMNS as ATTENTION_COLUMNS
    from coordinator_app.ui.attention_view import NUMBER, STUDENT, WHAT
    from coordinator_app.ui.main_window import ATTENTION_TAB

    window.show_tab(ATTENTION_TAB)
    qtbot.wait(50)
    table = window.attention.table
    header = table.horizontalHeader()
    shown = [c for c in range(len(ATTENTION_COLUMNS)) if not header.isSectionHidden(c)]
    assert WHAT in shown and STUDENT in shown
    for column in shown:
        assert _fully_in_view(header, column, table.viewport().width()), ATTENTION_COLUMNS[column]
    assert header.sectionSize(WHAT) >= 200  # what is due takes the room the others leave
    # The student number is a right-click on the header away.
    window.attention._header_menu(QPoint(10, 5))
    number = next(a for a in window.attention.header_menu.actions() if a.text() == "Student number")
    assert not number.isChecked()
    number.trigger()
    assert not header.isSectionHidden(NUMBER)


def test_due_and_when_fit_a_student_years_behind(window: Any, qtbot: Any) -> None:
    """The packaged window showed "1229 days l..." for a 2023 deadline: When was a fixed 95 pixels,
    whatever the font. Here with a larger font than the offscreen default, as on that screen."""
    from PySide6.QtWidgets import QApplication

    from coordinator_app.ui.attention_view import DUE, WHEN, AttentionView

    font = QApplication.font()
    larger = QApplication.font()
    larger.setPointSizeF(font.pointSizeF() * 1.4)
    QApplication.setFont(larger)
    try:
        view = AttentionView(window.session)
        qtbot.addWidget(view)
        header, cells = view.table.horizontalHeader(), view.table.fontMetrics()
        assert cells.horizontalAdvance("1229 days late") + TEXT_MARGIN <= header.sectionSize(WHEN)
        assert cells.horizontalAdvance("31-12-2026") + TEXT_MARGIN <= header.sectionSize(DUE)
    finally:
        QApplication.setFont(font)


def test_a_long_graduation_blocker_is_read_whole_without_scrolling_sideways(window: Any, cohort: Cohort) -> None:
    # Grades entered 24-11-2025 for a graduation on 28-11-2025: the blocker names both dates and the
    # 4-week rule, wider than the Readiness box; it was cut at "after 31-10-2025" behind a scroll bar.
    from coordinator_app.services.graduation import plan_graduation

    plan_graduation(cohort.ws, cohort.anouk, 2025, 11)
    page = _open(window, cohort.anouk, "graduation")
    blockers = page.blockers
    texts = [blockers.item(r).text() for r in range(blockers.count())]
    long = next(t for t in texts if "4 weeks before the graduation date" in t)
    assert blockers.fontMetrics().horizontalAdvance(long) > blockers.viewport().width()  # too long for one line
    assert blockers.horizontalScrollBar().maximum() == 0
    for r in range(blockers.count()):
        shown = blockers.visualItemRect(blockers.item(r))
        assert shown.left() >= 0 and shown.right() <= blockers.viewport().width(), texts[r]
