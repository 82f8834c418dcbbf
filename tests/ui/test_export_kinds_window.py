"""Issue 19 in the window: File > Results for the SIS (item 3) and File > Export to the programme's template
(item 2), each driven through its real dialog with qtbot and the written file read back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from coordinator_app.services.courses import record_grade
from tests.ui.conftest import OFFSCREEN_NOISE


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@OFFSCREEN_NOISE
def test_results_for_the_sis_from_the_file_menu(window: Any, qtbot: Any, cohort: Any, tmp_path: Path) -> None:
    record_grade(cohort.ws, cohort.daan, "PM-PERS", "5,4")
    seen: dict[str, Any] = {}

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            fill(dialog)
        finally:
            dialog.reject()  # a failed check must not leave the modal dialog waiting

    def fill(dialog: Any) -> None:
        seen["title"] = dialog.windowTitle()
        seen["courses"] = [dialog.course.itemText(i) for i in range(dialog.course.count())]
        dialog.course.setCurrentIndex(dialog.course.findData("PM-PERS"))
        seen["proposed"] = Path(dialog.target.text()).name
        dialog.target.setText(str(tmp_path / "pers.csv"))
        dialog.buttons.accepted.emit()  # Save
        qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
        seen["status"] = dialog.status.text()
        # A course without results says so, and the dialog stays open for the next one.
        dialog.course.setCurrentIndex(dialog.course.findData("PM-MI2"))
        seen["next"] = Path(dialog.target.text())
        dialog.point.setChecked(True)
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
        seen["error"] = dialog.error.text()

    QTimer.singleShot(0, in_the_dialog)
    window.acts.results_sheet.trigger()
    assert seen["title"] == "Results for the SIS"
    assert (
        "PM-PERS  Personalized Medicine" in seen["courses"]
        and "IMIM-S1  Molecular and cellular mechanisms of disease (semester 1)" in seen["courses"]
    )  # all programmes in the toolbar's scope
    assert seen["proposed"] == "PM-PERS results for the SIS.csv"
    assert seen["status"] == f"Saved 2 results of PM-PERS to {tmp_path / 'pers.csv'}."
    rows = _rows(tmp_path / "pers.csv")
    assert [r[:2] + r[3:] for r in rows] == [
        ["Student number", "Grade", "Attempt"],
        ["2712345", "7,0", "1"],
        ["2798765", "5,4", "1"],
    ]
    assert seen["next"] == tmp_path / "PM-MI2 results for the SIS.csv"  # the same folder as the last sheet
    assert seen["error"] == "PM-MI2 Medical Imaging II has no results yet; nothing to upload."
    assert not seen["next"].exists()
    # The decimal mark chosen is remembered for the next time.
    from coordinator_app.ui.results_sheet import DECIMAL_KEY
    from coordinator_app.ui.settings import settings

    assert settings().value(DECIMAL_KEY) == "point"


@OFFSCREEN_NOISE
def test_export_to_the_programmes_template_from_the_file_menu(
    window: Any, qtbot: Any, cohort: Any, tmp_path: Path
) -> None:
    import json

    import openpyxl

    from coordinator_app.ui.template_export import ITS_FORMULA, NOT_FILLED
    from tests.spreadsheets.template_helpers import faculty_template

    template = faculty_template(tmp_path / "faculteit.xlsx")
    seen: dict[str, Any] = {}

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            fill(dialog)
        finally:
            dialog.reject()

    def fill(dialog: Any) -> None:
        seen["title"] = dialog.windowTitle()
        dialog.template.setText(str(template))
        dialog.read_template()
        qtbot.waitUntil(lambda: dialog.header is not None, timeout=10000)
        seen["note"] = dialog.map_note.text()
        seen["table"] = [
            [dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text(), dialog.boxes[r].currentText()]
            for r in range(dialog.table.rowCount())
        ]
        seen["target"] = Path(dialog.target.text())
        ec = dialog.boxes[5]
        ec.setCurrentIndex(ec.findData("EC total (of 120)"))
        dialog.target.setText(str(tmp_path / "gevuld.xlsx"))
        dialog.buttons.accepted.emit()  # Fill
        qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
        seen["status"] = dialog.status.text()

    QTimer.singleShot(0, in_the_dialog)
    window.acts.template_export.trigger()
    assert seen["title"] == "Export to the programme's template"
    assert seen["note"] == (
        "Proposed from the template's header names; change any column before filling. Sheet 'Voortgang', header on "
        "row 4."
    )
    assert seen["table"] == [
        ["A", "Nr.", ITS_FORMULA],
        ["B", "Studentnummer", "Student number"],
        ["C", "Achternaam", "Surname"],
        ["D", "Voornaam", "First name"],
        ["E", "Cohort", "Cohort"],
        ["F", "EC behaald", NOT_FILLED],
        ["G", "Opmerking", NOT_FILLED],
        ["H", "Status", ITS_FORMULA],
    ]
    assert seen["target"] == tmp_path / "faculteit all filled.xlsx"
    assert seen["status"] == f"Saved 4 students to {tmp_path / 'gevuld.xlsx'}."
    sheet = openpyxl.load_workbook(tmp_path / "gevuld.xlsx")["Voortgang"]
    rows = {sheet.cell(r, 2).value: [sheet.cell(r, c).value for c in range(3, 7)] for r in range(5, 9)}
    assert rows["2712345"] == ["de Vries", "Anouk", "2024-2025", 24]  # four courses of 6 EC
    assert rows["s3100001"][:3] == ["Eriksson", "Lars", "2024-2025"]
    saved = json.loads((tmp_path / "faculteit.xlsx.columns.json").read_text("utf-8"))
    assert saved["all programmes"]["columns"]["F"] == "EC total (of 120)"
    # The next time, the template is remembered and the map comes back as it was saved.
    seen.clear()

    def look_again() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            qtbot.waitUntil(lambda: dialog.header is not None, timeout=10000)
            seen["template"] = dialog.template.text()
            seen["F"] = dialog.boxes[5].currentText()
            seen["note"] = dialog.map_note.text()
        finally:
            dialog.reject()

    QTimer.singleShot(0, look_again)
    window.acts.template_export.trigger()
    assert seen["template"] == str(template) and seen["F"] == "EC total (of 120)"
    assert seen["note"].startswith("Columns as mapped before (faculteit.xlsx.columns.json).")
