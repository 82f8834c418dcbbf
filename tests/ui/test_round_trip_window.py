"""Issue 19 through the window: File > Import of an exported workbook a coordinator changed.

The dialog shows the review as a table (each change per student and field, old -> new; the conflict
with a change made in the app meanwhile), the refused grade by sheet, row and column; Import writes
the accepted changes, and one Undo takes all of them back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from coordinator_app.services.internships import update_internship
from coordinator_app.spreadsheets.export import export_to
from coordinator_app.store import models as m
from tests.spreadsheets.round_trip_helpers import edit_like_a_coordinator, editable_cells
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY


@pytest.fixture
def demo_window(qtbot: Any, tmp_path: Path, programmes: Any) -> Any:
    from coordinator_app.services.demo import build_demo
    from coordinator_app.ui.main_window import MainWindow

    build_demo(tmp_path / "demo.sqlite", students=120, seed=3, as_of=TODAY)
    win = MainWindow(tmp_path / "demo.sqlite", today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=20000)
    yield win
    win.session.wait(10000)


@OFFSCREEN_NOISE
@pytest.mark.slow
def test_the_import_dialog_reviews_a_changed_export_and_one_undo_takes_it_back(
    demo_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = demo_window
    ws = win.session.ws
    out = export_to(ws, tmp_path / "PM.xlsx", programme="PM", as_of=TODAY)
    edited = edit_like_a_coordinator(out, tmp_path / "PM back.xlsx", TODAY)
    conflict_key = edited.cells[edited.conflict][0]
    with ws.read() as s:
        sid = s.scalar(select(m.Student.id).where(m.Student.student_number == edited.conflict_student))
    update_internship(ws, sid, "minor" if conflict_key[1].startswith("Minor") else "major", host="VU Amsterdam")
    before = editable_cells(out)
    seen: dict[str, Any] = {}

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        seen["title"] = dialog.windowTitle()
        dialog.path.setText(str(edited.path))
        dialog.check_button.click()
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        seen["summary"] = dialog.summary.text()
        seen["skip"] = dialog.skip.text()
        seen["foreign fields shown"] = [
            f.isVisible() for f in (dialog.kind, dialog.programme, dialog.cohort, dialog.course)
        ]
        seen["review"] = dialog.review.lines()
        seen["refused"] = [
            [dialog.refusals.item(r, c).text() for c in range(3)] for r in range(dialog.refusals.rowCount())
        ]
        dialog.skip.setChecked(True)
        dialog.buttons.accepted.emit()  # Import

    QTimer.singleShot(0, in_the_dialog)
    win.acts.import_file.trigger()  # File > Import from Excel…: the dialog runs until Import is done
    qtbot.waitUntil(lambda: win.session.undo_stack.count() == 1, timeout=20000)

    assert seen["title"] == "Import from Excel or CSV"
    assert seen["skip"] == "Import the accepted changes and skip the refused cells"
    assert seen["foreign fields shown"] == [False, False, False, False]  # the workbook says what it holds
    assert "48 changes" in seen["summary"] and "1 conflict, 1 refused" in seen["summary"]
    review = seen["review"]
    assert len(review) == 49  # 48 changes and the conflict; the refusal is in the table below
    sheet, row, column = edited.illegal
    assert seen["refused"] == [
        [
            f"{sheet}, row {row}",
            column,
            f"{edited.cells[edited.illegal][0][0]} {edited.cells[edited.illegal][0][1]} attempt "
            f"{edited.cells[edited.illegal][0][2]}: A grade must be between 1.0 and 10.0; 11 is "
            "outside that range.",
        ]
    ]
    conflict = [line for line in review if line[-1].startswith("Conflict")]
    assert len(conflict) == 1 and conflict[0][1] == "Host" and conflict[0][4:6] == ["VU Amsterdam", "Sanquin Research"]
    approval = next(line for line in review if line[1] == "Approval")
    assert approval[4:7] == ["requested", "approved", "Change"]
    grades = [line for line in review if line[1] == "Grade"]
    assert len(grades) == 12 and {line[5] for line in grades} == {"7.0", "7.5", "8.0"}

    after = editable_cells(export_to(ws, tmp_path / "after.xlsx", programme="PM", as_of=TODAY))
    changed = {k for k in before if before[k] != after[k]}
    assert len(changed) == 48 + 1  # the 48 changes, and the host the app changed itself
    assert win.acts.undo.text() == "&Undo Import PM back.xlsx"

    win.acts.undo.trigger()  # one step back: the whole workbook
    before[("Internships", conflict_key, "Host")] = "VU Amsterdam"
    assert editable_cells(export_to(ws, tmp_path / "undone.xlsx", programme="PM", as_of=TODAY)) == before
    win.acts.redo.trigger()
    assert editable_cells(export_to(ws, tmp_path / "redone.xlsx", programme="PM", as_of=TODAY)) == after


@OFFSCREEN_NOISE
def test_a_mark_form_from_the_window_comes_back_into_its_record(
    window: Any, qtbot: Any, cohort: Any, tmp_path: Path
) -> None:
    import openpyxl

    from coordinator_app.ui.mark_forms import MarkFormDialog

    dialog = MarkFormDialog(window, window.session, cohort.anouk, "2712345 Anouk de Vries")
    qtbot.addWidget(dialog)
    assert dialog.chosen() == "minor"
    dialog.write(tmp_path / "form.xlsx")
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10000)
    assert "Saved" in dialog.status.text()
    wb = openpyxl.load_workbook(tmp_path / "form.xlsx")
    wb["Mark form"]["C12"] = 8.5
    wb.save(tmp_path / "returned.xlsx")
    seen: dict[str, Any] = {}

    def in_the_import_dialog() -> None:
        importing = QApplication.activeModalWidget()
        seen["title"] = importing.windowTitle()
        importing.path.setText(str(tmp_path / "returned.xlsx"))
        importing.check_button.click()
        qtbot.waitUntil(lambda: importing.preview is not None, timeout=10000)
        seen["review"] = importing.review.lines()
        importing.buttons.accepted.emit()

    QTimer.singleShot(0, in_the_import_dialog)
    dialog.import_returned()
    assert seen["title"] == "Import a mark form"
    assert seen["review"] == [
        ["Mark form, row 12", "Practical work", "2712345 Anouk de Vries", "Minor internship", "", "8.5", "Change"]
    ]
    assert dialog.status.text().startswith("Imported: 1 change for 1 student imported")
    with cohort.ws.read() as s:
        mark = s.scalar(select(m.Internship.practical_mark).where(m.Internship.student_id == cohort.anouk))
    assert mark == 8.5
    assert window.session.undo_stack.count() == 1
    window.acts.undo.trigger()
    with cohort.ws.read() as s:
        assert s.scalar(select(m.Internship.practical_mark).where(m.Internship.student_id == cohort.anouk)) is None

    # The same form imported as Daan's is refused by name, in the dialog.
    other = MarkFormDialog(window, window.session, cohort.daan, "2798765 Daan Bakker")
    qtbot.addWidget(other)

    def refused_in_the_dialog() -> None:
        importing = QApplication.activeModalWidget()
        importing.path.setText(str(tmp_path / "returned.xlsx"))
        importing.check_button.click()
        qtbot.waitUntil(lambda: not importing.error.isHidden(), timeout=10000)
        seen["error"] = importing.error.text()
        importing.reject()

    QTimer.singleShot(0, refused_in_the_dialog)
    other.import_returned()
    assert seen["error"] == (
        "returned.xlsx is the mark form for the minor internship of 2712345 Anouk de Vries, not "
        "for the minor internship of 2798765 Daan Bakker. Import it from Anouk de Vries's record."
    )
