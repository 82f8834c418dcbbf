"""Issue 19: a workbook that comes back, reviewed and applied (services/imports/workbook.py), on SQLite
and on PostgreSQL: the review's rehearsal (every change through its service in a transaction that is
rolled back) writes nothing, the changes go in as one transaction through the services, a conflict
keeps the app's value, a refused cell is named, and the whole import is taken back as one step."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.services.courses import record_grade
from coordinator_app.services.imports import ImportRefused
from coordinator_app.services.imports.workbook import (
    CHANGE,
    CONFLICT,
    REFUSED,
    Edit,
    Place,
    apply_review,
    review_workbook,
    undo_applied,
)
from coordinator_app.services.imports.workbook_parts import INTERNSHIP, ITEM, RESULT
from coordinator_app.services.internships import update_internship
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm, audit_rows, snapshot_db

EXAM = date(2025, 1, 20)


def _two_students(ws: Workspace) -> tuple[int, int]:
    anouk = add_pm(ws, "2712345")
    bram = add_pm(ws, "2712346", first="Bram", last="Smit")
    record_grade(ws, anouk, "PM-PERS", "6,0", exam_date=EXAM)
    update_internship(ws, anouk, "minor", host="Sanquin Research")
    update_internship(ws, bram, "minor", host="UMC Utrecht")
    return anouk, bram


def _edits(anouk: int, bram: int) -> list[Edit]:
    """The cells a coordinator changed, as spreadsheets/round_trip.py hands them over."""

    def at(sheet: str, row: int, column: str) -> Place:
        return Place(sheet, row, column, f"{column[:1]}{row}")

    return [
        Edit(at("Courses", 2, "Grade"), RESULT, (anouk, "PM-PERS", 1), "grade", 6.0, 7.5),
        Edit(at("Courses", 2, "Exam date"), RESULT, (anouk, "PM-PERS", 1), "exam_date", EXAM, date(2025, 1, 21)),
        Edit(at("Internships", 2, "Practical work"), INTERNSHIP, (anouk, "minor"), "practical_mark", None, 11),
        Edit(at("Internships", 3, "Host"), INTERNSHIP, (bram, "minor"), "host", "UMC Utrecht", "Princess Máxima"),
        Edit(
            at("Internships", 2, "Host"), INTERNSHIP, (anouk, "minor"), "host", "Sanquin Research", "Sanquin Research "
        ),
        Edit(
            at("Portfolio", 4, "Received"),
            ITEM,
            (anouk, "academic_core", "first_year_assignments"),
            "received_date",
            None,
            date(2025, 9, 1),
        ),
    ]


def _stored(ws: Workspace, anouk: int, bram: int) -> dict[str, Any]:
    with ws.read() as s:
        result = s.scalars(select(m.CourseResult).where(m.CourseResult.student_id == anouk)).one()
        hosts = dict(s.execute(select(m.Internship.student_id, m.Internship.host)).all())
        received = s.scalar(
            select(m.PortfolioItem.received_date).where(
                m.PortfolioItem.student_id == anouk, m.PortfolioItem.kind == "first_year_assignments"
            )
        )
        return {"grade": result.grade, "exam": result.exam_date, "hosts": hosts, "received": received}


def test_the_review_sorts_each_cell_and_its_rehearsal_writes_nothing(workspace: Workspace) -> None:
    anouk, bram = _two_students(workspace)
    update_internship(workspace, bram, "minor", host="VU Amsterdam")  # meanwhile, in the app
    before = snapshot_db(workspace)
    review = review_workbook(workspace, _edits(anouk, bram), "PM back.xlsx")
    assert snapshot_db(workspace) == before  # the rehearsal was rolled back, on either engine
    lines = {(line.place.sheet, line.place.column, line.status): line for line in review.lines}
    assert set(lines) == {
        ("Courses", "Grade", CHANGE),
        ("Courses", "Exam date", CHANGE),
        ("Internships", "Practical work", REFUSED),
        ("Internships", "Host", CONFLICT),
        ("Portfolio", "Received", CHANGE),
    }  # "Sanquin Research " is the exported host written differently: no line
    grade = lines[("Courses", "Grade", CHANGE)]
    assert (grade.student_number, grade.what, grade.old, grade.new) == ("2712345", "PM-PERS attempt 1", "6.0", "7.5")
    conflict = lines[("Internships", "Host", CONFLICT)]
    assert (conflict.exported, conflict.old, conflict.new) == ("UMC Utrecht", "VU Amsterdam", "Princess Máxima")
    assert "10" in lines[("Internships", "Practical work", REFUSED)].reason
    assert review.summary() == "3 changes for 1 student, 1 conflict, 1 refused"


def test_applying_is_one_transaction_through_the_services_and_one_undo(workspace: Workspace) -> None:
    anouk, bram = _two_students(workspace)
    update_internship(workspace, bram, "minor", host="VU Amsterdam")
    review = review_workbook(workspace, _edits(anouk, bram), "PM back.xlsx")
    before, stored = snapshot_db(workspace), _stored(workspace, anouk, bram)
    with pytest.raises(ImportRefused, match=r"1 cell of PM back\.xlsx is refused: Internships, row 2, Practical work"):
        apply_review(workspace, review)
    assert snapshot_db(workspace) == before

    applied = apply_review(workspace, review, skip_rejected=True)
    assert (
        applied.summary()
        == "3 changes for 1 student imported; 1 conflict kept the app's value; 1 refused cells skipped"
    )
    after = _stored(workspace, anouk, bram)
    assert (after["grade"], after["exam"], after["received"]) == (7.5, date(2025, 1, 21), date(2025, 9, 1))
    assert after["hosts"] == {anouk: "Sanquin Research", bram: "VU Amsterdam"}  # the conflict kept the app's value
    assert [a.new_value for a in audit_rows(workspace, "import workbook")] == ["PM back.xlsx"]
    with workspace.read() as s:  # judged by the commit: the EC total follows the passed course
        assert s.get(m.Student, anouk).ec_earned > 0

    undo_applied(workspace, applied)
    assert _stored(workspace, anouk, bram) == stored


def test_a_value_changed_in_the_app_after_the_review_stops_the_whole_import(workspace: Workspace) -> None:
    anouk, bram = _two_students(workspace)
    review = review_workbook(workspace, _edits(anouk, bram), "PM back.xlsx")
    record_grade(workspace, anouk, "PM-PERS", "8,0", attempt=1)  # a colleague, after the review
    before = snapshot_db(workspace)
    with pytest.raises(
        ImportRefused, match=r"Courses, row 2, Grade \(2712345 PM-PERS attempt 1\) was changed in the app"
    ):
        apply_review(workspace, review, skip_rejected=True)
    assert snapshot_db(workspace) == before


def test_an_exported_workbook_comes_back_through_the_file(workspace: Workspace, tmp_path: Path) -> None:
    """The whole round trip on either engine: export, a cell changed with openpyxl, preview, apply."""
    from coordinator_app.spreadsheets.export import export_to
    from coordinator_app.spreadsheets.importer import WorkbookPreview, apply_import, preview_import

    anouk, bram = _two_students(workspace)
    out = export_to(workspace, tmp_path / "PM.xlsx", programme="PM")
    wb = openpyxl.load_workbook(out)
    sheet = wb["Courses"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "2712345")
    sheet.cell(row, header.index("Grade") + 1).value = "7,5"
    wb.save(tmp_path / "PM back.xlsx")

    preview = preview_import(workspace, tmp_path / "PM back.xlsx")
    assert isinstance(preview, WorkbookPreview)
    assert [(str(line.place), line.old, line.new) for line in preview.review.lines] == [
        (f"Courses, row {row}, Grade", "6.0", "7.5")
    ]
    apply_import(workspace, preview)
    assert _stored(workspace, anouk, bram)["grade"] == 7.5
