"""The round-trip ledger within a sheet's limits: it goes on in further very hidden sheets past
cells.MAX_ROWS rows, a row's long values go on in further cells, a workbook larger than an import's
50,000 rows a sheet comes back, one too large to come back or with a damaged ledger is refused clearly."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.domain.people import NOTES_LIMIT
from coordinator_app.services.portfolio import mark_received
from coordinator_app.spreadsheets import app_workbook, cells
from coordinator_app.spreadsheets.app_workbook import CELL_TEXT, LEDGER, AppWorkbook, ledger_part
from coordinator_app.spreadsheets.columns import Refused
from coordinator_app.spreadsheets.export import export_to
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.importer import preview_import
from coordinator_app.spreadsheets.round_trip import Ledger, read_ledger
from coordinator_app.spreadsheets.workbook_reader import read_workbook
from coordinator_app.store import models as m

TODAY = date(2025, 11, 24)
LONG_NOTE = ("Ééüßøåñ“中文”—\n" * 3000)[:NOTES_LIMIT]  # every character escaped: \\uXXXX or \\n


def _ledger_book(path: Path, rows: int, values: Any = None) -> Path:
    """A write-only workbook with only a ledger: `rows` rows of a section 'Courses'."""
    wb = openpyxl.Workbook(write_only=True)
    wb.create_sheet("Courses").append(["Student number", "Grade"])
    ledger = Ledger(wb, "cohort workbook", {"as_of": "2025-11-24"})
    ledger.section("Courses", ["Student number"], ["Grade"], [["result", "grade"]])
    for n in range(rows):
        ledger.row("Courses", [f"26{n:05d}"], "result", (n, "PM-PERS", 1), values if values is not None else [n / 2])
    ledger.move_last()
    wb.save(path)
    return path


def test_the_ledger_goes_on_in_further_very_hidden_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cells, "MAX_ROWS", 10)
    path = _ledger_book(tmp_path / "book.xlsx", 35)  # 1 + 1 + 35 rows: 4 sheets of at most 10
    wb = openpyxl.load_workbook(path)
    parts = [LEDGER, f"{LEDGER} (2)", f"{LEDGER} (3)", f"{LEDGER} (4)"]
    assert wb.sheetnames == ["Courses", *parts]
    assert [wb[n].sheet_state for n in parts] == ["veryHidden"] * 4
    assert [wb[n].max_row for n in parts] == [10, 10, 10, 7]
    book = read_workbook(str(path), "book.xlsx")
    assert isinstance(book, AppWorkbook)
    rows = read_ledger(book).sections["Courses"].rows
    assert len(rows) == 35
    assert [rows[json.dumps([f"26{n:05d}"])].values for n in range(35)] == [[n / 2] for n in range(35)]
    assert rows[json.dumps(["2600034"])].key == (34, "PM-PERS", 1)


def test_a_part_missing_in_the_middle_ends_the_ledger_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts are found by name, in order: the reader stops at the first one not there."""
    monkeypatch.setattr(cells, "MAX_ROWS", 10)
    path = _ledger_book(tmp_path / "book.xlsx", 35)
    wb = openpyxl.load_workbook(path)
    del wb[ledger_part(3)]
    wb.save(path)
    book = read_workbook(str(path), "book.xlsx")
    assert len(read_ledger(book).sections["Courses"].rows) == 18


def test_a_long_non_ascii_note_goes_on_in_further_cells_and_comes_back_whole(tmp_path: Path) -> None:
    values = [LONG_NOTE, date(2025, 1, 2)]
    path = _ledger_book(tmp_path / "book.xlsx", 3, values)
    sheet = openpyxl.load_workbook(path)[LEDGER]
    texts = [c.value for c in sheet[3][5:] if c.value]
    whole = json.dumps([LONG_NOTE, {"date": "2025-01-02"}])  # ~180,000 characters
    assert "".join(texts) == whole
    assert len(texts) == -(-len(whole) // CELL_TEXT) == 6
    assert all(len(t) <= CELL_TEXT for t in texts)
    book = read_workbook(str(path), "book.xlsx")
    rows = read_ledger(book).sections["Courses"].rows
    assert [r.values for r in rows.values()] == [values] * 3


def test_a_ledger_past_the_rows_the_app_reads_back_is_refused_in_the_coordinators_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ledger_book(tmp_path / "big.xlsx", 30)
    monkeypatch.setattr(app_workbook, "MAX_BACK_ROWS", 20)  # the scan of the sheet refuses it
    with pytest.raises(Refused, match=r"big.xlsx is a workbook the app exported, too large to read back.*Export one"):
        read_workbook(str(path), "big.xlsx")
    monkeypatch.setattr(cells, "MAX_ROWS", 10)
    path = _ledger_book(tmp_path / "parts.xlsx", 30)  # each part within the rows, all together past them
    with pytest.raises(Refused, match=r"parts.xlsx is a workbook the app exported, too large to read back"):
        read_workbook(str(path), "parts.xlsx")
    monkeypatch.setattr(app_workbook, "MAX_BACK_ROWS", 1000)
    monkeypatch.setattr(app_workbook, "MAX_KEPT_CELLS", 6 * 20)  # every cell kept, the ledger's too
    with pytest.raises(Refused, match=r"parts.xlsx is a workbook the app exported, too large to read back"):
        read_workbook(str(path), "parts.xlsx")


@pytest.mark.slow  # 60,000 ledger rows written and read by the reading child: a few seconds
def test_a_ledger_of_more_rows_than_an_import_reads_comes_back_through_the_reading_child(tmp_path: Path) -> None:
    from coordinator_app.spreadsheets.reading_child import read_in_child
    from coordinator_app.spreadsheets.workbook_reader import MAX_ROWS

    assert app_workbook.MAX_BACK_ROWS > MAX_ROWS + 10_000
    path = _ledger_book(tmp_path / "big.xlsx", MAX_ROWS + 10_000)
    answer, book = read_in_child(path)
    assert answer == "ok", book
    rows = read_ledger(book).sections["Courses"].rows
    assert len(rows) == MAX_ROWS + 10_000
    assert rows[json.dumps(["2659999"])].values == [59999 / 2]


def _export(ws: Any, path: Path) -> Path:
    return export_to(ws, path, programme="PM", cohort=2024, as_of=TODAY)


def _ledger_cell(path: Path, out: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb[LEDGER])
    wb.save(out)
    return out


@pytest.mark.slow  # two cohort exports and their imports
def test_a_damaged_ledger_is_refused_clearly_and_nothing_is_written(
    demo_workspace: Any, tmp_path: Path, fingerprint_of: Any
) -> None:
    out = _export(demo_workspace, tmp_path / "PM.xlsx")
    before = fingerprint_of(demo_workspace)

    def values_cut(sheet: Any) -> None:
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "row" and r[1].value == "Courses")
        row[5].value = row[5].value[:-3]  # as a cell cut at its limit

    def about_broken(sheet: Any) -> None:
        sheet["D1"].value = "{not json"

    def values_not_a_list(sheet: Any) -> None:
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "row" and r[1].value == "Portfolio")
        row[5].value = '{"date": "31-31-2025"}'

    for change, where in [
        (values_cut, r"its row for row \d+ of the sheet 'Courses'"),
        (about_broken, "a row of it cannot be read"),
        (values_not_a_list, r"its row for row \d+ of the sheet 'Portfolio'"),
    ]:
        damaged = _ledger_cell(out, tmp_path / f"{change.__name__}.xlsx", change)
        with pytest.raises(ImportFileError, match=rf"hidden record of what it exported .* is damaged \({where}\)"):
            preview_import(demo_workspace, damaged)
    assert fingerprint_of(demo_workspace) == before


@pytest.mark.slow  # a cohort export and its import
def test_a_32767_character_non_ascii_note_comes_back_unchanged(demo_workspace: Any, tmp_path: Path) -> None:
    with demo_workspace.read() as s:
        item = s.scalars(
            select(m.PortfolioItem)
            .join(m.Student, m.Student.id == m.PortfolioItem.student_id)
            .join(m.Cohort, m.Cohort.id == m.Student.cohort_id)
            .join(m.Programme, m.Programme.id == m.Student.programme_id)
            .where(m.Programme.code == "PM", m.Cohort.start_year == 2024)
            .order_by(m.PortfolioItem.id)
        ).first()
        item_id, received = item.id, item.received_date
    mark_received(demo_workspace, item_id, received, LONG_NOTE)
    out = _export(demo_workspace, tmp_path / "PM.xlsx")
    wb = openpyxl.load_workbook(out)
    assert len([r for r in wb["Portfolio"].iter_rows(values_only=True) if LONG_NOTE in r]) == 1  # all of it
    wb.save(tmp_path / "saved again.xlsx")  # opened and saved, as Excel does
    assert preview_import(demo_workspace, tmp_path / "saved again.xlsx").review.lines == []
    sheet = wb["Portfolio"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Note")].value == LONG_NOTE)
    row[header.index("Note")].value = LONG_NOTE[:-1] + "!"
    wb.save(tmp_path / "changed.xlsx")
    lines = preview_import(demo_workspace, tmp_path / "changed.xlsx").review.lines
    assert [(line.status, line.new) for line in lines] == [("change", LONG_NOTE[:-1] + "!")]


@pytest.mark.slow  # a cohort export in parts and its import
def test_an_export_with_its_ledger_in_parts_reads_back_the_same(
    demo_workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cells, "MAX_ROWS", 100)
    out = _export(demo_workspace, tmp_path / "PM.xlsx")
    wb = openpyxl.load_workbook(out)
    parts = [n for n in wb.sheetnames if n.startswith(LEDGER)]
    assert len(parts) > 2 and parts == [ledger_part(n) for n in range(1, len(parts) + 1)]
    assert wb.sheetnames[-len(parts) :] == parts  # the last sheets, in order
    assert all(wb[n].sheet_state == "veryHidden" and wb[n].max_row <= 100 for n in parts)
    assert all(wb[n].max_row <= 100 for n in wb.sheetnames)
    wb.save(tmp_path / "saved again.xlsx")
    assert preview_import(demo_workspace, tmp_path / "saved again.xlsx").review.lines == []
    # A grade on the last row of the Courses sheet: its ledger row is in a later part.
    sheet = wb["Courses"]
    header = [c.value for c in sheet[1]]
    grade = sheet.cell(sheet.max_row, header.index("Grade") + 1)
    grade.value = 9.5 if grade.value != 9.5 else 9.0
    wb.save(tmp_path / "changed.xlsx")
    lines = preview_import(demo_workspace, tmp_path / "changed.xlsx").review.lines
    assert [(line.status, line.new) for line in lines] == [("change", f"{grade.value:.1f}")]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_workbook_with_its_ledger_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice opens it and saves it again with every part (still very hidden), read back the same."""
    monkeypatch.setattr(cells, "MAX_ROWS", 10)
    path = _ledger_book(tmp_path / "book.xlsx", 35, [LONG_NOTE[:100], 1])
    (tmp_path / "out").mkdir()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    saved = tmp_path / "out" / "book.xlsx"
    wb = openpyxl.load_workbook(saved)
    assert [n for n in wb.sheetnames if n.startswith(LEDGER)] == [ledger_part(n) for n in range(1, 5)]
    assert {wb[n].sheet_state for n in wb.sheetnames[1:]} <= {"hidden", "veryHidden"}  # LibreOffice: hidden
    rows = read_ledger(read_workbook(str(saved), "book.xlsx")).sections["Courses"].rows
    assert [r.values for r in rows.values()] == [[LONG_NOTE[:100], 1]] * 35


@pytest.mark.slow  # a cohort export
def test_an_export_too_large_to_come_back_says_so_when_saved(
    demo_workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.spreadsheets.export import export_workbook

    last = list(export_workbook(demo_workspace, tmp_path / "PM.xlsx", programme="PM", cohort=2024, as_of=TODAY))[-1]
    assert last.message == f"Saved {last.message.split()[1]} students to {tmp_path / 'PM.xlsx'}"
    monkeypatch.setattr(app_workbook, "MAX_BACK_ROWS", 50)
    monkeypatch.setattr(cells, "MAX_ROWS", 20)  # counted over the ledger's parts
    last = list(export_workbook(demo_workspace, tmp_path / "big.xlsx", programme="PM", cohort=2024, as_of=TODAY))[-1]
    assert last.message.endswith(
        "big.xlsx (too large to import back into the app, more than 50 rows to compare: to change cells in Excel "
        "and import the changes, export one cohort or one programme at a time)"
    )
    with pytest.raises(Refused, match=r"big\.xlsx is a workbook the app exported, too large to read back"):
        read_workbook(str(tmp_path / "big.xlsx"), "big.xlsx")  # the reading child, here with the patched limits
