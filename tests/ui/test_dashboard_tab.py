"""The Dashboard tab (issue 15, item 3): built when first opened, its charts the service's figures,
a click on a bar narrows the student list to that bar's students."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt

from coordinator_app.services.students import update_student
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE

DASHBOARD_TAB = 2


def open_dashboard(window: Any, qtbot: Any) -> Any:
    assert window.dashboard is None  # not built at start-up
    window.show_tab(DASHBOARD_TAB)
    qtbot.waitUntil(lambda: window.dashboard is not None and window.dashboard.figures is not None, timeout=10000)
    return window.dashboard


def bars(chart: Any) -> dict[str, int]:
    return {b.label: b.value for b in chart.bars}


@pytest.mark.slow  # builds the dashboard twice: over a second of processor time
def test_the_dashboard_shows_the_scope_chosen(window: Any, qtbot: Any, cohort: Cohort) -> None:
    dashboard = open_dashboard(window, qtbot)
    assert window.tabs.tabText(DASHBOARD_TAB) == "Dashboard" and window.tabs.currentWidget() is dashboard
    assert dashboard.summary.text().startswith("All programmes, all cohorts: 4 students")
    # Anouk's minor began on 1 November; the others have only courses.
    assert bars(dashboard.charts["where"])["minor internship"] == 1
    assert bars(dashboard.charts["where"])["courses"] == 3
    places = dashboard.charts["places"]
    assert [(b.label, b.value, b.limit) for b in places.bars if b.value] == [("Medical Imaging 2024-2025", 1, 20)]
    assert places.value_text(places.bars[0]) == "1 of 20"
    # The list's programme box: the dashboard follows it.
    window.students.programme_box.setCurrentIndex(window.students.programme_box.findData("IMIM"))
    window.students.programme_box.activated.emit(window.students.programme_box.currentIndex())
    qtbot.waitUntil(lambda: dashboard.summary.text().startswith("IMIM, all cohorts: 1 students"), timeout=10000)
    assert "minor internship" not in bars(dashboard.charts["where"])


def test_clicking_a_bar_shows_its_students_in_the_list(window: Any, qtbot: Any, cohort: Cohort) -> None:
    dashboard = open_dashboard(window, qtbot)
    chart = dashboard.charts["where"]
    index = [b.label for b in chart.bars].index("courses")
    centre = chart.bar_rect(index).center()
    # A chart is a QChartView: the mouse goes to its viewport.
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=QPointF(centre.x(), centre.y()).toPoint())
    qtbot.waitUntil(lambda: window.students.model.shown == 3, timeout=10000)
    shown = {window.students.model.student_id(r) for r in range(window.students.model.shown)}
    assert shown == {cohort.daan, cohort.sanne, cohort.lars}
    chip = window.students.only_chip
    assert chip.isVisible() and chip.text() == "Only Where: courses (3)  ✕"
    chip.click()
    assert window.students.model.shown == 4 and not chip.isVisible()


def test_the_dashboard_follows_a_change(window: Any, qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.ui.changes import Changes

    dashboard = open_dashboard(window, qtbot)
    update_student(cohort.ws, cohort.daan, status="stopped")
    window.session.notify(Changes.everything())
    qtbot.waitUntil(lambda: bars(dashboard.charts["where"]).get("stopped") == 1, timeout=10000)


def test_the_chart_by_keyboard_and_its_note(qtbot: Any) -> None:
    from coordinator_app.ui.dashboard.bar_chart import BarChart, ChartBar

    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_bars(
        "Places", [ChartBar("Medical Imaging", 21, 20), ChartBar("Biomarkers", 0, 20), ChartBar("TD", 5, 20)]
    )
    assert [chart.value_text(b) for b in chart.bars] == ["21 of 20", "0 of 20", "5 of 20"]
    assert chart.accessibleDescription() == "Medical Imaging: 21 of 20; Biomarkers: 0 of 20; TD: 5 of 20"
    chart.show()
    chart.setFocus()
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        qtbot.keyClick(chart, Qt.Key.Key_Down)
        qtbot.keyClick(chart, Qt.Key.Key_Down)
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert clicked.args == [2]
    with qtbot.assertNotEmitted(chart.bar_clicked):  # a bar of nobody: nothing to show
        qtbot.keyClick(chart, Qt.Key.Key_Up)
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    chart.set_bars("Overdue", [ChartBar("List of Agreements (A)", 0)], note="Nothing overdue.")
    assert chart._only_note() and chart.sizeHint().height() < 80


def test_a_limit_is_drawn_as_places_taken_over_and_free(qtbot: Any) -> None:
    """Qt Charts draws a specialization's places stacked: taken within the 20, taken over it (red), free."""
    from coordinator_app.ui.dashboard.bar_chart import BarChart, ChartBar

    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(500, 200)
    chart.set_bars(
        "Places", [ChartBar("Medical Imaging", 21, 20), ChartBar("Biomarkers", 0, 20), ChartBar("TD", 5, 20)]
    )
    within, over, free = chart._sets
    # Bottom-up in Qt Charts: TD, Biomarkers, Medical Imaging.
    assert [within.at(i) for i in range(3)] == [5, 0, 20]
    assert [over.at(i) for i in range(3)] == [0, 0, 1]
    assert [free.at(i) for i in range(3)] == [15, 20, 0]
    assert chart._categories is not None
    # A long name is elided to the labels' budget; the count stays whole (the name is whole in the
    # chart's accessible description).
    labels = chart._categories.categories()
    assert labels[:2] == ["TD (5 of 20)", "Biomarkers (0 of 20)"]
    assert labels[2].startswith("Medical") and labels[2].endswith("… (21 of 20)")
    assert "Medical Imaging: 21 of 20" in chart.accessibleDescription()
    chart.show()
    qtbot.waitExposed(chart)
    with qtbot.assertNotEmitted(chart.bar_clicked):  # nobody in it: nothing to show
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_rect(1).center().toPoint())
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_rect(2).center().toPoint())
    assert clicked.args == [2]
