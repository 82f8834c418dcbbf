"""The real window: removing a student is undone with Ctrl+Z and restored later from "Removed
students"; the graduation deadline dialog changes the deadline the record shows, and Ctrl+Z
takes the change back."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.students import update_student
from coordinator_app.ui.main_window import RECORD_TAB
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE

CTRL = Qt.KeyboardModifier.ControlModifier


def _confirm(monkeypatch: pytest.MonkeyPatch, answer: bool = True) -> list[str]:
    from coordinator_app.ui.dialogs import ConfirmRemoval

    asked: list[str] = []
    monkeypatch.setattr(ConfirmRemoval, "ask", classmethod(lambda cls, parent, label: asked.append(label) or answer))
    return asked


def _attention_for(window: Any, student_id: int) -> list[str]:
    return [i.what for i in window.attention.model.items if i.student_id == student_id]


def _shown(qtbot: Any, dialog: Any) -> None:
    """Shown and active, as a modal dialog is: keys and focus go to it."""
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)


# -- removing and bringing back --------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_z_brings_a_removed_student_back_into_the_list(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _confirm(monkeypatch)
    window.open_student(cohort.anouk, "overview")
    assert _attention_for(window, cohort.anouk)  # the overdue List of Agreements
    with qtbot.waitSignal(window.attention.model.modelReset, timeout=10000):  # the attention list is read again
        window.acts.remove.trigger()
        assert asked == ["2712345 Anouk de Vries"]
        assert window.students.model.row_of(cohort.anouk) is None and window.students.model.total == 3
        assert window.record_pane.currentWidget() is window.record_pane.placeholder
        assert "Undo (Ctrl+Z) brings them back" in window.statusBar().currentMessage()
    assert _attention_for(window, cohort.anouk) == []
    assert window.acts.undo.isEnabled() and window.acts.undo.text() == "&Undo Remove 2712345 Anouk de Vries"

    window.activateWindow()
    with qtbot.waitSignal(window.attention.model.modelReset, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # Ctrl+Z
        assert window.students.model.total == 4
        row = window.students.model.row_of(cohort.anouk)
        assert row is not None and window.students.model.index(row, 1).data() == "de Vries, Anouk"
        assert window.tabs.currentIndex() == RECORD_TAB and window.record_pane.view.student_id == cohort.anouk
        assert window.record_pane.view.title.text() == "Anouk de Vries"
    assert _attention_for(window, cohort.anouk)
    # Redo removes again.
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.students.model.row_of(cohort.anouk) is None


@pytest.mark.slow
def test_edits_made_before_a_removal_stay_undoable(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    _confirm(monkeypatch)
    window.open_student(cohort.sanne, "overview")
    last = window.record_pane.view.pages["overview"].form.editors["last_name"]
    last.selectAll()
    qtbot.keyClicks(last, "Jansen")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    window.acts.remove.trigger()
    assert window.session.undo_stack.count() == 2  # the removal did not clear the stack
    window.acts.undo.trigger()  # the removal
    window.acts.undo.trigger()  # the name
    assert cohort.student(cohort.sanne).last_name == "de Jong"
    assert window.students.model.index(window.students.model.row_of(cohort.sanne), 1).data() == "de Jong, Sanne"


@pytest.mark.slow
def test_removed_students_are_restored_from_the_dialog_with_the_keyboard(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch, qtmodeltester: Any
) -> None:
    from coordinator_app.ui.removed_students import RemovedStudentsDialog

    _confirm(monkeypatch)
    for sid in (cohort.daan, cohort.lars):
        window.open_student(sid, "overview")
        window.acts.remove.trigger()
    assert window.students.model.total == 2
    assert window.acts.removed.text() == "Removed s&tudents…"
    assert window.acts.removed in window.menuBar().actions()[0].menu().actions()

    dialog = RemovedStudentsDialog(window.session, cohort.ws, window)
    _shown(qtbot, dialog)
    qtmodeltester.check(dialog.table.model())
    shown = [[dialog.table.item(r, c).text() for c in (0, 1, 2, 3, 4)] for r in range(dialog.table.rowCount())]
    assert shown == [
        ["s3100001", "Lars Eriksson", "IMIM", "2024-2025", "active"],
        ["2798765", "Daan Bakker", "PM", "2025-2026", "active"],
    ]
    assert dialog.table.item(0, 6).text() == cohort.ws.user
    assert dialog.selected() == cohort.lars  # the newest removal first
    qtbot.keyClicks(dialog.search, "daan")
    assert dialog.table.isRowHidden(0) and dialog.selected() == cohort.daan
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert "Restored 2798765 Daan Bakker" in dialog.status.text()
    assert window.students.model.row_of(cohort.daan) is not None and window.students.model.total == 3
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["s3100001"]
    assert dialog.table.isRowHidden(0)  # the filter still says "daan"
    dialog.search.clear()
    # Undo in the dialog removes Daan again, and the dialog lists him once more.
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)
    assert window.students.model.row_of(cohort.daan) is None
    assert sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())) == ["2798765", "s3100001"]


@pytest.mark.slow
def test_a_restore_into_a_full_specialization_says_why_in_the_dialog(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.ui.removed_students import RemovedStudentsDialog

    _confirm(monkeypatch)
    window.open_student(cohort.anouk, "overview")  # Medical Imaging, cohort 2024
    window.acts.remove.trigger()
    for n in range(20):
        add_student(cohort.ws, NewStudent("PM", 2024, f"27100{n:02d}", "Kim", f"Jansen {n}", "", "medical_imaging"))
    before = cohort.everything()
    dialog = RemovedStudentsDialog(window.session, cohort.ws, window)
    _shown(qtbot, dialog)
    dialog.table.selectRow(0)
    dialog.restore_selected()
    assert not dialog.error.isHidden()
    assert "2712345 Anouk de Vries cannot come back yet: Medical Imaging is full" in dialog.error.text()
    assert cohort.everything() == before
    assert dialog.table.rowCount() == 1


@pytest.mark.slow
def test_an_undo_that_cannot_be_done_is_said_without_blocking(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.services.students import NewStudent, add_student

    _confirm(monkeypatch)
    window.open_student(cohort.anouk, "overview")
    window.acts.remove.trigger()
    for n in range(20):
        add_student(cohort.ws, NewStudent("PM", 2024, f"27100{n:02d}", "Kim", f"Jansen {n}", "", "medical_imaging"))
    window.acts.undo.trigger()
    assert window.students.model.row_of(cohort.anouk) is None
    assert "Could not undo 'remove 2712345 Anouk de Vries'" in window.statusBar().currentMessage()
    assert "Medical Imaging is full" in window.statusBar().currentMessage()


# -- the deadline schedule -------------------------------------------------------------------------------


@pytest.fixture
def planned(cohort: Cohort) -> int:
    """Daan (PM, cohort 2025) planned to graduate in January 2027: no published deadline there."""
    plan_graduation(cohort.ws, cohort.daan, 2027, 1)
    update_student(cohort.ws, cohort.daan, tuition_paid=True)
    return cohort.daan


@pytest.mark.slow
def test_the_schedule_dialogs_edit_changes_the_deadline_in_the_record(
    window: Any, qtbot: Any, cohort: Cohort, planned: int, qtmodeltester: Any
) -> None:
    from coordinator_app.ui.deadlines_dialog import DEADLINE, SOURCE, DeadlinesDialog

    window.open_student(planned, "graduation")
    page = window.record_pane.view.pages["graduation"]
    assert page.deadline.text() == "01-01-2027  (computed default)"

    dialog = DeadlinesDialog(window.session, cohort.ws, window, "PM", (2027, 1))
    _shown(qtbot, dialog)
    qtmodeltester.check(dialog.table.model())
    assert dialog.year.text() == "2026-2027"
    row = dialog.table.currentRow()
    assert dialog.table.item(row, 0).text() == "January 2027"
    assert dialog.table.item(row, SOURCE).text() == "computed default"
    assert dialog.table.item(row, DEADLINE).font().italic()  # a default looks like one
    assert dialog.table.item(row, 4).text() == "1"  # Daan is planned then

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # edit this month's deadline
    assert dialog.deadline.hasFocus() and dialog.deadline.selectedText() == "01-01-2027"
    qtbot.keyClicks(dialog.deadline, "8-1-2027")
    qtbot.keyClick(dialog.deadline, Qt.Key.Key_Return)

    assert page.deadline.text() == "08-01-2027  (entered)"
    assert dialog.table.item(row, DEADLINE).text() == "08-01-2027"
    assert dialog.table.item(row, DEADLINE).font().weight() == QFont.Weight.Bold
    assert dialog.table.item(row, SOURCE).text() == "entered (clear: computed default 01-01-2027)"
    assert dialog.status.text() == (
        "The PM deadline for graduating in January 2027 is now 08-01-2027; Academic Core due dates moved for 1 student."
    )
    assert window.acts.undo.text() == "&Undo Set the PM deadline for January 2027 to 08-01-2027"

    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)  # Ctrl+Z in the dialog
    assert page.deadline.text() == "01-01-2027  (computed default)"
    assert dialog.table.item(row, SOURCE).text() == "computed default"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert page.deadline.text() == "08-01-2027  (entered)"
    # Delete clears the entered deadline; the default applies again.
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert page.deadline.text() == "01-01-2027  (computed default)"
    assert window.acts.undo.text() == "&Undo Clear the PM deadline entered for January 2027"


def test_the_published_schedule_shows_as_such_and_a_wrong_date_is_refused(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.ui.deadlines_dialog import DEADLINE, SOURCE, DeadlinesDialog

    dialog = DeadlinesDialog(window.session, cohort.ws, window, "PM", (2025, 1))
    _shown(qtbot, dialog)
    shown = [
        (dialog.table.item(r, 0).text(), dialog.table.item(r, DEADLINE).text(), dialog.table.item(r, SOURCE).text())
        for r in range(dialog.table.rowCount())
    ]
    assert shown[0] == ("September 2024", "16-09-2024", "programme schedule")
    assert shown[4] == ("January 2025", "13-01-2025", "programme schedule")
    assert shown[8] == ("May 2025", "02-05-2025", "computed default")
    before = cohort.everything()
    dialog.table.selectRow(4)
    dialog.deadline.setText("13-01-2024")  # the original page's typo
    dialog.set_selected()
    assert not dialog.error.isHidden() and "not on 13-01-2024" in dialog.error.text()
    dialog.deadline.setText("next friday")
    dialog.set_selected()
    assert "'next friday' is not a date" in dialog.error.text()
    assert cohort.everything() == before and window.session.undo_stack.count() == 0
    # Another academic year and programme.
    dialog.year.setValue(2025)
    assert dialog.table.item(0, 0).text() == "September 2025"
    dialog.programme.setCurrentIndex(dialog.programme.findData("IMIM"))
    assert {dialog.table.item(r, SOURCE).text() for r in range(12)} == {"computed default"}


def test_the_graduation_tab_and_the_edit_menu_open_the_schedule(
    window: Any, cohort: Cohort, planned: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.ui.deadlines_dialog import DeadlinesDialog

    opened: list[tuple[Any, ...]] = []
    monkeypatch.setattr(DeadlinesDialog, "ask", classmethod(lambda cls, *a: opened.append(a[3:])))
    window.open_student(planned, "graduation")
    window.record_pane.view.pages["graduation"].schedule_button.click()
    assert opened == [("PM", (2027, 1))]
    edit = window.menuBar().actions()[1].menu()
    assert window.acts.deadlines in edit.actions() and window.acts.deadlines.text() == "Graduation &deadlines…"
    window.acts.deadlines.trigger()
    assert len(opened) == 2
