"""The cohort workbook's Dashboard sheet (issue 15): the dashboard's figures as tables with native
Excel bar charts that refer to them, for the programme and cohort (or the students) exported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.services.dashboard import Scope, cohort_figures
from coordinator_app.services.demo import build_demo
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.export import export_to

AS_OF = date(2025, 11, 24)
# A 300-student demo exported twice: over a second of processor time per test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard-sheet") / "demo.sqlite"
    build_demo(path, students=300, seed=7, as_of=AS_OF)
    return path


@pytest.fixture
def ws(demo: Path) -> Workspace:
    workspace = Workspace.open(demo)
    workspace.today = AS_OF
    yield workspace
    workspace.close()


def blocks(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, dict[str, tuple[int, ...]]]:
    """Figure title -> bar label -> the numbers on its row."""
    found: dict[str, dict[str, tuple[int, ...]]] = {}
    title = None
    for row in sheet.iter_rows(min_row=3, values_only=True):
        first = row[0]
        if first is not None and row[1] is None and (len(row) < 3 or row[2] is None) and title is None:
            title = first
            found[title] = {}
        elif first is None and row[1] is not None:
            continue  # the header row
        elif first is not None and isinstance(row[1], int):
            found[title][first] = tuple(v for v in row[1:] if v is not None)
        elif first is None:
            title = None
    return found


@pytest.mark.parametrize("programme, cohort", [("PM", 2024), ("IMIM", None)])
def test_the_dashboard_sheet_holds_the_figures_and_their_charts(
    ws: Workspace, tmp_path: Path, programme: str, cohort: int | None
) -> None:
    target = export_to(ws, tmp_path / "cohort.xlsx", programme=programme, cohort=cohort, as_of=AS_OF)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[-1] == "Dashboard"
    sheet = book["Dashboard"]
    figures = cohort_figures(ws, Scope(programme, cohort), AS_OF)
    assert sheet["A1"].value.startswith(f"{figures.scope.label}: {figures.students:,} students, as of 24-11-2025")
    written = blocks(sheet)
    for figure in figures.figures:
        expected = {b.label: (b.count, *((b.limit,) if b.limit is not None else ())) for b in figure.bars}
        assert written.get(figure.title, {}) == expected, figure.title
    charts = sheet._charts
    assert len(charts) == sum(1 for f in figures.figures if f.bars)
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert titles == [f.title for f in figures.figures if f.bars]
    # Each chart's series refer to the numbers of its own table.
    for chart, figure in zip(charts, [f for f in figures.figures if f.bars]):
        reference = chart.series[0].val.numRef.f
        first_row = int(reference.split("$")[-3].rstrip(":"))
        assert sheet.cell(first_row, 1).value == figure.bars[0].label
        assert sheet.cell(first_row, 2).value == figure.bars[0].count


def test_a_selection_of_students_is_what_the_dashboard_sheet_counts(ws: Workspace, tmp_path: Path) -> None:
    chosen = cohort_figures(ws, Scope("PM", 2024), AS_OF)
    from coordinator_app.services.dashboard import WHERE, students_of

    bar = max(chosen.figure(WHERE).bars, key=lambda b: b.count)
    ids = students_of(ws, chosen, bar)
    target = export_to(ws, tmp_path / "some.xlsx", programme="PM", cohort=2024, student_ids=ids, as_of=AS_OF)
    sheet = openpyxl.load_workbook(target)["Dashboard"]
    assert sheet["A1"].value.startswith(f"{len(ids):,} students chosen (PM, cohort 2024-2025)")
    where = blocks(sheet)["Where students are"]
    assert where[bar.label] == (len(ids),) and sum(v[0] for v in where.values()) == len(ids)
