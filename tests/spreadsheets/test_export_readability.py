"""What a coordinator reads in the workbook (issue 16, item 13): only the sheets a programme has,
long text that wraps within a capped width, days late as positive numbers, a file name that says
what is in it, and a CLI line that names the file once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.cli import main
from coordinator_app.spreadsheets.export import SHEETS, default_file_name, export_to, sheets_for
from tests.conftest import copy_database

TODAY = date(2025, 11, 24)


def _load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def _headers(sheet) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in sheet[1]]


def _cells(sheet, header: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    index = _headers(sheet).index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, programmes, demo_database) -> dict[str, openpyxl.Workbook]:  # type: ignore[no-untyped-def]
    """The demo's workbooks (everyone, PM only, IMIM only) as of TODAY, exported once for this file
    from a copy of the session's demo."""
    from coordinator_app.services.workspace import Workspace

    folder = tmp_path_factory.mktemp("readability")
    copy_database(demo_database, folder / "demo.sqlite")
    ws = Workspace.open(folder / "demo.sqlite", programmes)
    ws.today = TODAY
    try:
        return {
            name: _load(export_to(ws, folder / f"{name}.xlsx", programme=programme, as_of=TODAY))
            for name, programme in (("all", None), ("PM", "PM"), ("IMIM", "IMIM"))
        }
    finally:
        ws.close()


@pytest.mark.slow
def test_an_imim_export_has_only_the_sheets_imim_fills(books: dict[str, openpyxl.Workbook]) -> None:
    wb = books["IMIM"]
    assert _visible(wb) == ["Overview", "Courses", "Attention", "Dashboard"]
    assert wb["Overview"].max_row > 1 and wb["Courses"].max_row > 1


@pytest.mark.slow
def test_pm_and_mixed_exports_keep_every_sheet(books: dict[str, openpyxl.Workbook]) -> None:
    assert _visible(books["PM"]) == list(SHEETS)
    assert _visible(books["all"]) == list(SHEETS)


def _visible(wb: openpyxl.Workbook) -> list[str]:
    """The sheets a coordinator sees (the round trip's ledger is the last, very hidden)."""
    assert wb.worksheets[-1].title == "Coordinator App" and wb.worksheets[-1].sheet_state == "veryHidden"
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]


def test_sheets_follow_the_programme_definitions(programmes) -> None:  # type: ignore[no-untyped-def]
    assert sheets_for([programmes["IMIM"]]) == ["Overview", "Courses", "Attention", "Dashboard"]
    assert sheets_for([programmes["PM"]]) == list(SHEETS)
    assert sheets_for([programmes["IMIM"], programmes["PM"]]) == list(SHEETS)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sheet_name, header",
    [
        ("Overview", "Graduation blockers"),
        ("Overview", "Academic Core"),
        ("Attention", "Item"),
    ],
)
def test_long_text_wraps_within_a_capped_width(
    books: dict[str, openpyxl.Workbook], sheet_name: str, header: str
) -> None:
    wb = books["all"]
    sheet = wb[sheet_name]
    cells = [c for c in _cells(sheet, header) if isinstance(c.value, str)]
    letter = cells[0].column_letter
    width = sheet.column_dimensions[letter].width
    assert 30 <= width <= 62, width
    assert all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in cells)
    if header == "Graduation blockers":  # the reason for wrapping: text longer than the column
        assert max(len(c.value) for c in cells) > width


@pytest.mark.slow
def test_a_row_with_wrapped_text_is_tall_enough_for_it(books: dict[str, openpyxl.Workbook]) -> None:
    """A streamed row stays one line high in Excel and LibreOffice unless it says otherwise: the
    wrapped lines of the blockers then overlapped the rows below (seen in LibreOffice's PDF)."""
    wb = books["all"]
    sheet = wb["Overview"]
    blockers = _cells(sheet, "Graduation blockers")
    long = [c for c in blockers if isinstance(c.value, str) and len(c.value) > 60]
    short = [c for c in blockers if not c.value]
    assert long and short
    for c in long:
        height = sheet.row_dimensions[c.row].height
        assert height is not None and height >= 15 * 2, (c.value, height)
    assert all(sheet.row_dimensions[c.row].height is None for c in short[:20])


@pytest.mark.slow
def test_short_text_is_not_wrapped(books: dict[str, openpyxl.Workbook]) -> None:
    wb = books["all"]
    assert not any(c.alignment.wrap_text for c in _cells(wb["Overview"], "Surname"))


@pytest.mark.slow
def test_the_attention_sheet_counts_days_late_upwards(books: dict[str, openpyxl.Workbook]) -> None:
    wb = books["all"]
    sheet = wb["Attention"]
    headers = _headers(sheet)
    assert "Days" not in headers and headers[2:4] == ["Days late", "Days left"]
    rows = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    late = [r for r in rows if r["Status"] == "overdue"]
    soon = [r for r in rows if r["Status"] == "due soon"]
    assert late and soon
    for r in late:
        assert r["Days late"] == (TODAY - r["Due"].date()).days > 0 and r["Days left"] is None
    for r in soon:
        assert r["Days left"] == (r["Due"].date() - TODAY).days >= 0 and r["Days late"] is None


@pytest.mark.slow
def test_the_courses_sheet_says_entered_on(books: dict[str, openpyxl.Workbook]) -> None:
    headers = _headers(books["PM"]["Courses"])
    assert "Entered on" in headers and "Registered on" not in headers


@pytest.mark.parametrize(
    "programme, cohort, name",
    [
        ("PM", 2024, "PM cohort 2024-2025 (2026-12-02).xlsx"),
        ("IMIM", None, "IMIM all cohorts (2026-12-02).xlsx"),
        (None, 2025, "Cohort 2025-2026 (2026-12-02).xlsx"),
        (None, None, "All students (2026-12-02).xlsx"),
    ],
)
def test_default_file_name(programme: str | None, cohort: int | None, name: str) -> None:
    assert default_file_name(programme, cohort, date(2026, 12, 2)) == name


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_the_cli_names_the_file_once(
    demo_workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        main(
            [
                "export",
                "--db",
                str(demo_workspace.path),
                "--cohort",
                "2024",
                "--programme",
                "PM",
                "--as-of",
                "24-11-2025",
                "-o",
                "cohort-2024.xlsx",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.strip()
    assert out.startswith("Saved ") and out.count("cohort-2024.xlsx") == 1
    students = _load(tmp_path / "cohort-2024.xlsx")["Overview"].max_row - 1
    assert out.removesuffix(out[out.rindex(" in ") :]) == f"Saved {students} students to cohort-2024.xlsx"
