"""The cohort workbook's Dashboard sheet: the dashboard's five figures as tables, each with a native
Excel bar chart beside it (openpyxl charts, so Excel and LibreOffice draw them and the coordinator
can restyle or copy them into a slide).

Written in write-only mode like the other sheets: each figure is a title row, a header row and a
row per bar (label, number, and the places a specialization has), and its chart refers to those
cells. The figures are services/dashboard.py's, the same the window's Dashboard tab shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference

from coordinator_app.services.dashboard import CohortFigures, Figure
from coordinator_app.spreadsheets.cells import HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:
    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import StreamedSheet

TITLE = "Dashboard"
ROW_CM = 0.53  # an 11-point row, for sizing a chart to its table
GAP_ROWS = 2


def _cell(ws: StreamedSheet, value: str, *, bold: bool = False, header: bool = False) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    if bold or header:
        cell.font = HEADER_FONT
    if header:
        cell.fill = HEADER_FILL
    return cell


def write_dashboard(wb: Workbook, figures: CohortFigures) -> None:
    """The Dashboard sheet, last in the workbook."""
    ws: StreamedSheet = wb.create_sheet(TITLE)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 10
    ws.append(
        [_cell(ws, f"{figures.scope.label}: {figures.students:,} students, as of {figures.as_of:%d-%m-%Y}", bold=True)]
    )
    ws.append([])
    row = 3
    for figure in figures.figures:
        row = _figure(ws, figure, row)


def _figure(ws: StreamedSheet, figure: Figure, first: int) -> int:
    """Rows from `first` on; returns the row after the figure's block."""
    limits = any(bar.limit is not None for bar in figure.bars)
    ws.append([_cell(ws, figure.title, bold=True)])
    header = ["", figure.unit.capitalize(), *(["Places"] if limits else [])]
    ws.append([_cell(ws, h, header=True) for h in header])
    for bar in figure.bars:
        ws.append([bar.label, bar.count, *([bar.limit] if limits else [])])
    if not figure.bars or figure.note:
        ws.append([figure.note or "Nothing to show."])
    rows = len(figure.bars)
    end = first + 2 + rows + (1 if not figure.bars or figure.note else 0)
    if rows:
        _chart(ws, figure, first, rows, limits)
    block = max(end - first, 16)  # the chart's height in rows, at least
    for _ in range(block - (end - first) + GAP_ROWS):
        ws.append([])
    return first + block + GAP_ROWS


def _chart(ws: StreamedSheet, figure: Figure, first: int, rows: int, limits: bool) -> None:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars, first label at the top as in the window
    chart.style = 10
    chart.title = figure.title
    chart.legend = None if not limits else chart.legend
    chart.y_axis.title = figure.unit
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    header = first + 1
    data = Reference(ws, min_col=2, max_col=3 if limits else 2, min_row=header, max_row=header + rows)
    labels = Reference(ws, min_col=1, min_row=header + 1, max_row=header + rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.height = max(7.5, rows * ROW_CM + 3)
    chart.width = 16
    ws.add_chart(chart, f"E{first}")
