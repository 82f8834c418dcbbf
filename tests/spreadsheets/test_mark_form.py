"""Issue 19, item 4: a supervisor's mark form, pre-filled and protected, imported back into exactly its record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.services.internships import update_internship
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from coordinator_app.spreadsheets.mark_form import write_mark_form
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm


def _planned(ws: Workspace, number: str, kind: str = "minor") -> int:
    sid = add_pm(ws, number)
    update_internship(
        ws,
        sid,
        kind,
        host='=HYPERLINK("http://x")',
        department="Epidemiology",
        daily_supervisor="dr. A. Jansen",
        assessor="prof. dr. L. Visser",
    )
    return sid


def _marks(ws: Workspace, sid: int, kind: str = "minor") -> dict[str, Any]:
    with ws.read() as s:
        row = s.scalar(select(m.Internship).where(m.Internship.student_id == sid, m.Internship.kind == kind))
        return {
            f: getattr(row, f)
            for f in ("practical_mark", "supervisor_report_mark", "assessor_report_mark", "presentation_mark")
        }


def _fill(form: Path, target: Path, marks: dict[str, Any], **cells: Any) -> Path:
    wb = openpyxl.load_workbook(form)
    sheet = wb["Mark form"]
    for ref, value in {**marks, **cells}.items():
        sheet[ref] = value
    wb.save(target)
    return target


def test_the_form_is_prefilled_locked_and_validated(workspace: Workspace, tmp_path: Path) -> None:
    sid = _planned(workspace, "2712345")
    form = write_mark_form(workspace, sid, "minor", tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    sheet = wb["Mark form"]
    assert wb.sheetnames == ["Mark form", "Coordinator App"] and wb["Coordinator App"].sheet_state == "veryHidden"
    assert [sheet[f"B{n}"].value for n in range(3, 7)] == ["2712345", "Anouk de Vries", "PM", "Minor internship"]
    host = sheet["B7"]  # a formula-like host stays text
    assert host.value.startswith("=HYPERLINK") and host.data_type == "s" and host.quotePrefix
    # The parts and their weights from the programme (pm.toml): 0.4 practical, 0.4 report (two marks), 0.2 presentation.
    assert [(sheet[f"A{n}"].value, sheet[f"B{n}"].value) for n in range(12, 16)] == [
        ("Practical work", 0.4),
        ("Written report (supervisor)", 0.2),
        ("Written report (second assessor)", 0.2),
        ("Oral presentation", 0.2),
    ]
    assert sheet.protection.sheet
    assert all(not sheet[f"C{n}"].protection.locked for n in range(12, 16))
    assert sheet["B3"].protection.locked and sheet["B12"].protection.locked
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref) == "C12 C13 C14 C15" and validation.type == "custom"
    assert "ROUND(C12,1)=C12" in validation.formula1 and ">=1" in validation.formula1
    assert sheet["C17"].value.startswith("=IF(COUNT(C12:C15)=4,ROUND(")


def test_a_returned_form_is_reviewed_and_imported_into_its_record(workspace: Workspace, tmp_path: Path) -> None:
    sid = _planned(workspace, "2712345")
    form = write_mark_form(workspace, sid, "minor", tmp_path / "form.xlsx")
    back = _fill(form, tmp_path / "back.xlsx", {"C12": 7.5, "C13": 8, "C14": 7, "C15": 6.5})
    preview = preview_import(workspace, back, form_for=(sid, "minor"))
    assert preview.kind == "mark form"
    assert [(line.place.cell, line.what, line.old, line.new) for line in preview.review.lines] == [
        ("C12", "Minor internship", "", "7.5"),
        ("C13", "Minor internship", "", "8.0"),
        ("C14", "Minor internship", "", "7.0"),
        ("C15", "Minor internship", "", "6.5"),
    ]
    apply_import(workspace, preview)
    assert _marks(workspace, sid) == {
        "practical_mark": 7.5,
        "supervisor_report_mark": 8.0,
        "assessor_report_mark": 7.0,
        "presentation_mark": 6.5,
    }


def test_a_mark_outside_the_rules_is_refused_by_its_cell(workspace: Workspace, tmp_path: Path) -> None:
    sid = _planned(workspace, "2712345")
    form = write_mark_form(workspace, sid, "minor", tmp_path / "form.xlsx")
    back = _fill(form, tmp_path / "back.xlsx", {"C12": 10.5, "C13": 7.25})  # past the sheet's validation
    review = preview_import(workspace, back, form_for=(sid, "minor")).review
    assert [(line.status, line.place.cell, line.reason) for line in review.lines] == [
        ("refused", "C12", "A mark must be between 1.0 and 10.0; 10.5 is outside that range."),
        ("refused", "C13", "A mark has at most one decimal; 7.25 has more."),
    ]


@pytest.mark.parametrize("case", ["another student", "another internship", "a locked cell changed"])
def test_a_form_for_another_record_or_with_changed_locked_cells_is_refused(
    workspace: Workspace, tmp_path: Path, case: str, fingerprint_of: Any
) -> None:
    anouk = _planned(workspace, "2712345")
    daan = add_pm(workspace, "2798765", first="Daan", last="Bakker")
    update_internship(workspace, anouk, "major", host="Sanquin")
    form = write_mark_form(workspace, anouk, "minor", tmp_path / "form.xlsx")
    changed = {"B3": "2798765"} if case == "a locked cell changed" else {}
    back = _fill(form, tmp_path / "Mark form Anouk.xlsx", {"C12": 7.5}, **changed)
    expect = {
        "another student": (daan, "minor"),
        "another internship": (anouk, "major"),
        "a locked cell changed": (anouk, "minor"),
    }[case]
    before = fingerprint_of(workspace)
    with pytest.raises(ImportFileError) as refused:
        preview_import(workspace, back, form_for=expect)
    said = {
        "another student": "Mark form Anouk.xlsx is the mark form for the minor internship of 2712345 Anouk de Vries, "
        "not for the minor internship of 2798765 Daan Bakker. Import it from Anouk de Vries's "
        "record.",
        "another internship": "Mark form Anouk.xlsx is the mark form for the minor internship of 2712345 Anouk de "
        "Vries, not for the major internship of 2712345 Anouk de Vries. Import it for the "
        "minor internship.",
        "a locked cell changed": "Mark form Anouk.xlsx: locked cells of the form were changed: B3 (Student number: "
        "2712345 -> 2798765). The marks are not taken from a changed form: send the "
        "supervisor a new form (it is made for one student and one part).",
    }[case]
    assert str(refused.value) == said
    assert fingerprint_of(workspace) == before


def test_a_literature_study_form(workspace: Workspace, tmp_path: Path) -> None:
    from coordinator_app.services.internships import update_literature_study

    sid = add_pm(workspace)
    update_literature_study(workspace, sid, subject="Sepsis biomarkers", supervisor="dr. B. Smit")
    form = write_mark_form(workspace, sid, "literature", tmp_path / "lit.xlsx")
    sheet = openpyxl.load_workbook(form)["Mark form"]
    assert [(sheet[f"A{n}"].value, sheet[f"B{n}"].value) for n in range(12, 16)] == [
        ("Research outline", 0.1),
        ("Written report (supervisor)", 0.35),
        ("Written report (second assessor)", 0.35),
        ("Oral presentation", 0.2),
    ]
    back = _fill(form, tmp_path / "back.xlsx", {"C12": 6, "C13": 7, "C14": 8, "C15": 9})
    apply_import(workspace, preview_import(workspace, back, form_for=(sid, "literature")))
    with workspace.read() as s:
        study = s.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == sid))
        assert (
            study.outline_mark,
            study.supervisor_report_mark,
            study.assessor_report_mark,
            study.presentation_mark,
        ) == (6.0, 7.0, 8.0, 9.0)
