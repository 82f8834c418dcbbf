"""The record view (a header and eight tabs) is made when the first student is shown, not with the
window: a window where no student is opened never pays for it. Made while the window has the
keyboard, it must not take the keyboard away (a check box shown before it had a parent became a
window of its own, and the field being typed in lost its typing to a save)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def test_the_record_is_made_when_the_first_student_is_shown(window: Any, cohort: Cohort) -> None:
    assert not window.record_pane.is_made and window.record_pane.student_id is None
    assert window.record_pane.record is None
    window.open_student(cohort.daan, "overview")
    assert window.record_pane.is_made
    assert window.record_pane.student_id == cohort.daan
    assert window.record_pane.view.title.text() == "Daan Bakker"


def test_making_the_record_opens_no_window_of_its_own_and_keeps_the_keyboard(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shown: list[str] = []
    made_windows = app.focusWindowChanged.connect(lambda w: shown.append(w.objectName() if w else "none"))
    window.open_student(cohort.anouk, "internships")  # its tabs hold the documents boxes
    qtbot.wait(50)  # let any window shown meanwhile take focus
    app.focusWindowChanged.disconnect(made_windows)
    assert [w for w in app.topLevelWidgets() if w.isVisible()] == [window]
    assert shown == [] and window.isActiveWindow()
