"""Issue 19, the round trip: an exported cohort workbook, changed by a coordinator, imported back.

The export carries a very hidden ledger of what it wrote; the import recognises it, reads every
sheet, and reviews each changed cell per student and field: changes (old -> new), conflicts (changed
in the app since the export too: never applied), refusals named by sheet, row and column. What is
accepted is applied in one transaction and taken back as one step.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from coordinator_app.services.imports import ImportRefused
from coordinator_app.services.imports.workbook import apply_review, undo_applied
from coordinator_app.services.internships import update_internship
from coordinator_app.spreadsheets.export import export_to
from coordinator_app.spreadsheets.importer import WorkbookPreview, apply_import, preview_import
from coordinator_app.store import models as m
from tests.conftest import copy_database
from tests.spreadsheets.round_trip_helpers import edit_like_a_coordinator, editable_cells

TODAY = date(2025, 11, 24)


def _student_id(ws, number: str) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return int(s.scalar(select(m.Student.id).where(m.Student.student_number == number)))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, programmes, demo_database):  # type: ignore[no-untyped-def]
    """One demo database (a copy of the session's), its PM export and the coordinator's edit of it,
    made once for the module."""
    from coordinator_app.services.workspace import Workspace

    folder = tmp_path_factory.mktemp("round trip")
    copy_database(demo_database, folder / "demo.sqlite")
    ws = Workspace.open(folder / "demo.sqlite", programmes, daily_backup=False)
    ws.today = TODAY
    try:
        out = export_to(ws, folder / "PM.xlsx", programme="PM", as_of=TODAY)
    finally:
        ws.close()
    return folder / "demo.sqlite", out, edit_like_a_coordinator(out, folder / "PM back.xlsx", TODAY)


@pytest.fixture
def exported(shared, tmp_path: Path, programmes):  # type: ignore[no-untyped-def]
    """The shared export and edit, against this test's own copy of the database."""
    from coordinator_app.services.workspace import Workspace

    database, out, edited = shared
    shutil.copy(database, tmp_path / "demo.sqlite")
    ws = Workspace.open(tmp_path / "demo.sqlite", programmes, daily_backup=False)
    ws.today = TODAY
    yield ws, out, edited
    ws.close()


@pytest.mark.slow
def test_fifty_cells_changed_by_a_coordinator_come_back_cell_by_cell(exported, tmp_path: Path) -> None:
    ws, out, edited = exported
    # Meanwhile, in the app: the host of one internship the sheet also changes (a conflict).
    conflict_key = edited.cells[edited.conflict][0]
    kind = "minor" if conflict_key[1].startswith("Minor") else "major"
    update_internship(ws, _student_id(ws, edited.conflict_student), kind, host="VU Amsterdam")

    preview = preview_import(ws, edited.path)
    assert isinstance(preview, WorkbookPreview) and preview.kind == "cohort workbook"
    review = preview.review
    where = {(line.place.sheet, line.place.row, line.place.column): line for line in review.lines}
    # Exactly the 50 edited cells are in the review, and nothing else: not the empty resit rows
    # left alone, not the computed columns, not the cells written back as they were exported.
    assert set(where) == set(edited.cells)
    assert len(review.changes) == 48 and len(review.conflicts) == 1 and len(review.refused) == 1
    illegal = where[edited.illegal]
    assert illegal.status == "refused"
    assert "between 1.0 and 10.0" in illegal.reason and illegal.place.cell == f"K{edited.illegal[1]}"
    conflict = where[edited.conflict]
    assert conflict.status == "conflict"
    assert (conflict.old, conflict.new) == ("VU Amsterdam", "Sanquin Research")
    assert conflict.exported == edited.cells[edited.conflict][1]
    for spot, (key, old, new) in edited.cells.items():
        line = where[spot]
        assert line.student_number == key[0]
        if line.status == "change":
            assert (line.old, line.new) == (_shown(old, spot[2]), _shown(new, spot[2])), (spot, line)
    students = len({edited.cells[spot][0][0] for spot in edited.cells if spot not in (edited.illegal, edited.conflict)})
    assert preview.summary() == (
        f"PM back.xlsx (a cohort workbook exported by the app): 48 changes for {students} students, 1 conflict, "
        "1 refused"
    )

    # The refusal holds the import back until the coordinator says to skip it; nothing is written.
    with pytest.raises(ImportRefused, match=r"Courses, row \d+, Grade"):
        apply_import(ws, preview)
    applied = apply_import(ws, preview, skip_rejected=True)
    assert applied.changed == 48 and applied.conflicts == 1 and applied.skipped == 1

    # The database, cell by cell: a new export holds what the sheet said, except the refused grade
    # (as before) and the conflict (the app's value).
    before = editable_cells(out)
    after = editable_cells(export_to(ws, tmp_path / "again.xlsx", programme="PM", as_of=TODAY))
    wanted = dict(before)
    for spot, (key, _old, new) in edited.cells.items():
        sheet, _, column = spot
        if spot == edited.illegal:
            continue
        wanted[(sheet, key, column)] = "VU Amsterdam" if spot == edited.conflict else _stored(new, column)
    assert after == wanted

    # One step back: everything as it was before the import (the app's own change stays).
    undo_applied(ws, applied)
    before[(edited.conflict[0], conflict_key, "Host")] = "VU Amsterdam"
    assert editable_cells(export_to(ws, tmp_path / "undone.xlsx", programme="PM", as_of=TODAY)) == before
    # And forward again, the same changes.
    apply_review(ws, review, skip_rejected=True)
    assert editable_cells(export_to(ws, tmp_path / "redone.xlsx", programme="PM", as_of=TODAY)) == wanted


MARKS = {"Grade", "Practical work", "Presentation"}


def _shown(value, column: str) -> str:  # type: ignore[no-untyped-def]
    """A cell's value as the review says it: marks with one decimal, dates day first."""
    if value is None:
        return ""
    if column in MARKS:
        return f"{float(str(value).replace(',', '.')):.1f}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value)


def _stored(value, column: str):  # type: ignore[no-untyped-def]
    """A typed cell as the export writes it back (a grade typed '7,5' is the number 7.5)."""
    return float(str(value).replace(",", ".")) if column in MARKS else value


@pytest.mark.slow
def test_a_workbook_is_applied_in_one_transaction_and_audited(exported) -> None:  # type: ignore[no-untyped-def]
    ws, _, edited = exported
    with ws.read() as s:
        audits = s.scalar(select(func.count()).select_from(m.AuditEntry))
    preview = preview_import(ws, edited.path)
    with ws.read() as s:  # the review rehearsed every change and rolled it back
        assert s.scalar(select(func.count()).select_from(m.AuditEntry)) == audits
    apply_import(ws, preview, skip_rejected=True)
    with ws.read() as s:
        actions = dict(
            s.execute(
                select(m.AuditEntry.action, func.count()).where(m.AuditEntry.id > audits).group_by(m.AuditEntry.action)
            ).all()
        )
    assert actions["import workbook"] == 1
    assert actions["record grade"] == 12 + 6  # the grades (a resit's with its date) and the exam dates


@pytest.mark.slow
def test_a_change_in_the_app_after_the_review_stops_the_import(exported) -> None:  # type: ignore[no-untyped-def]
    ws, _, edited = exported
    preview = preview_import(ws, edited.path)
    line = next(line for line in preview.review.changes if line.place.column == "Practical work")
    update_internship(ws, line.key[0], line.key[1], practical_mark=5.0)
    with pytest.raises(ImportRefused, match="changed in the app since the review"):
        apply_import(ws, preview, skip_rejected=True)
    with ws.read() as s:  # nothing of the other 47 changes was written
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "import workbook")) == 0


@pytest.mark.slow  # over 1 s of processor time in the whole run: a cohort export and its import
def test_an_untouched_export_changes_nothing(demo_workspace, tmp_path: Path) -> None:
    out = export_to(demo_workspace, tmp_path / "all.xlsx", cohort=2024, as_of=TODAY)
    wb = openpyxl.load_workbook(out)
    wb.save(tmp_path / "saved again.xlsx")  # opened and saved, as Excel does
    preview = preview_import(demo_workspace, tmp_path / "saved again.xlsx")
    assert preview.review.lines == []
    with pytest.raises(ImportRefused, match="changes nothing"):
        apply_import(demo_workspace, preview)


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_sorted_rows_and_a_title_row_still_find_their_record(demo_workspace, tmp_path: Path) -> None:
    """Rows are found by their identifying cells, not their place: a coordinator sorts and inserts."""
    out = export_to(demo_workspace, tmp_path / "PM.xlsx", programme="PM", cohort=2024, as_of=TODAY)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Courses"]
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    rows.reverse()
    grade = header.index("Grade")
    # A grade corrected (the demo has no registration still waiting for one).
    target = next(r for r in rows if isinstance(r[grade], float) and r[grade] != 6.5)
    target[grade] = 6.5
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(["Courses of PM, checked by the exam office"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    wb.save(tmp_path / "sorted.xlsx")
    review = preview_import(demo_workspace, tmp_path / "sorted.xlsx").review
    assert [(line.status, line.new, line.student_number) for line in review.lines] == [("change", "6.5", target[0])]


@pytest.mark.slow  # over 1 s of processor time in the whole run: a cohort export and its import
def test_rows_the_export_did_not_have_are_refused_by_sheet_row_and_column(demo_workspace, tmp_path: Path) -> None:
    out = export_to(demo_workspace, tmp_path / "PM.xlsx", programme="PM", cohort=2024, as_of=TODAY)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Courses"]
    header = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    extra = list(first)
    extra[header.index("Attempt")] = 9  # attempt 9 of the same course
    sheet.append(extra)
    sheet.append(first)  # a row given twice
    wb.save(tmp_path / "extra.xlsx")
    review = preview_import(demo_workspace, tmp_path / "extra.xlsx").review
    refused = [(line.place.row, line.place.column, line.reason) for line in review.refused]
    last = sheet.max_row
    assert refused == [
        (
            last - 1,
            "Student number",
            f"this row ({first[0]} {first[header.index('Course code')]} 9) was not in the export; add a new attempt in "
            "the app, or import it as a results list",
        ),
        (last, "Student number", "this row is here twice (also row 2); keep one"),
    ]
