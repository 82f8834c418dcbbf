"""Streaming sheets: typed cells, formats made once, and text that can never become a formula.

openpyxl write-only mode (performance.md s.5): each sheet streams to its own temporary
file, so memory stays flat whatever the cohort size. Column widths and frozen panes go
before the first row (they precede the rows in the XML); autofilter and conditional
formatting are written when the sheet is closed, so they are set in `finish()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from coordinator_app.domain.grades import NO_SHOW
from coordinator_app.domain.values import CellValue

if TYPE_CHECKING:
    from collections.abc import Generator

    from openpyxl.chart._chart import ChartBase
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
    from openpyxl.worksheet.filters import AutoFilter

    class StreamedSheet(WriteOnlyWorksheet):
        """A sheet of a write-only workbook as SheetWriter uses it: openpyxl's WriteOnlyWorksheet
        takes these from Worksheet when it is made, and its stubs do not name them."""

        row_dimensions: DimensionHolder[int, RowDimension]
        column_dimensions: DimensionHolder[str, ColumnDimension]
        auto_filter: AutoFilter
        conditional_formatting: ConditionalFormattingList

        def add_chart(self, chart: ChartBase, anchor: str | None = None) -> None: ...


# What the writer puts in a cell: a value (domain/values.CellValue, the same name the reading side
# uses) or the formatted cell it makes for a value that needs one.
Written: TypeAlias = CellValue | Cell


DATE_FORMAT = "dd-mm-yyyy"
MONTH_FORMAT = "mmm yyyy"
GRADE_FORMAT = "0.0"
INT_FORMAT = "0"
MAX_ROWS = 1_048_576  # rows per sheet in Excel (and LibreOffice 7.4); more go on in a continuation sheet

# Text starting with one of these is a formula to Excel or LibreOffice when typed or read
# from CSV; such text is always written as a string cell and marked "quote prefix" so that
# editing the cell in Excel keeps it text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
# Characters XML 1.0 cannot hold (openpyxl refuses them); dropped rather than failing an export.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")

RED_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
RED_FONT = Font(color="9C0006")
AMBER_FILL = PatternFill(start_color="FFEB9C", end_color="FFEB9C", fill_type="solid")
AMBER_FONT = Font(color="9C5700")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(start_color="DDE4EE", end_color="DDE4EE", fill_type="solid")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15.0  # points per line of 11-point text, Excel's default row height


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, format and width, and what it shows of a row's source."""

    header: str
    kind: str = "text"  # text | date | month | grade | int | number
    width: float | None = None
    wrap: bool = False  # long text (blockers, notes): wraps within the width instead of running past it
    value: Callable[[Any], CellValue] | None = None  # source -> the cell's value (SheetWriter.add)
    # The round trip (spreadsheets/round_trip.py): the stored field the column shows, which the
    # services may let a coordinator change in the file, and whether it tells which row is which.
    shows: str | None = None
    key: bool = False

    @property
    def number_format(self) -> str | None:
        return {"date": DATE_FORMAT, "month": MONTH_FORMAT, "grade": GRADE_FORMAT, "int": INT_FORMAT}.get(self.kind)

    def fitted_width(self) -> float:
        """Wide enough for the values (and for the header, up to a point: long headers wrap)."""
        content = self.width or {"date": 11, "month": 9, "grade": 6, "int": 6, "number": 8}.get(self.kind, 12)
        return float(min(max(content, min(len(self.header), 18)) + 2, 60))


def safe_text(value: str) -> str:
    if _ILLEGAL.search(value):
        return _ILLEGAL.sub("", value)
    return value


def put_text(cell: Cell, value: str) -> None:
    """Text into a cell of an ordinary (not streamed) workbook that stays text: openpyxl makes a
    formula of '=...', and Excel one of any formula start typed again, so such text is a string
    cell with the quote prefix (as SheetWriter writes it)."""
    cell.value = safe_text(value)
    if value[:1] in _FORMULA_FIRST:
        cell.data_type = "s"
        cell.quotePrefix = True


def fail_formula(letter: str, pass_marks: Mapping[str, float], programme_letter: str | None) -> str:
    """Red for a grade below the pass mark or a No Show. With programmes of different pass marks
    the row's programme picks its own, where the sheet has a Programme column (else the highest)."""
    marks = sorted(set(pass_marks.values()))
    if len(marks) == 1 or programme_letter is None:
        limit = f"{marks[-1]:g}"
    else:
        limit = "".join(f'IF(${programme_letter}2="{code}",{mark:g},' for code, mark in sorted(pass_marks.items()))
        limit += f"{marks[-1]:g}" + ")" * len(pass_marks)
    return f'OR(AND(ISNUMBER({letter}2),{letter}2<{limit}),{letter}2="{NO_SHOW}")'


class SheetWriter:
    """One sheet of a write-only workbook: `add` takes a row's source and writes each column's
    value of it; `append` takes the plain values per column. `pass_marks` (programme code ->
    pass mark) colours failed grades red."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        columns: Sequence[Column],
        frozen_columns: int = 0,
        pass_marks: Mapping[str, float] | None = None,
    ) -> None:
        self.wb, self.title, self.frozen_columns = wb, title, frozen_columns
        self.columns = list(columns)
        self.pass_marks = dict(pass_marks or {})
        self._values = [c.value or _nothing for c in self.columns]
        self.parts: list[tuple[StreamedSheet, int]] = []  # (finished sheet, its last row) when a sheet overflows
        self._start_sheet(wb.create_sheet(title))

    def _start_sheet(self, ws: StreamedSheet) -> None:
        """Widths, panes and the header of a new sheet (they precede the rows in the stream)."""
        self.ws = ws
        self.rows = 1
        # One reusable cell per formatted column: the writer serialises each row as it is
        # appended, so a template cell only has to carry this row's value (formats made once).
        self._typed: list[Cell | None] = []
        for column in self.columns:
            fmt = column.number_format
            cell = None
            if fmt:
                cell = WriteOnlyCell(self.ws)
                cell.number_format = fmt
            self._typed.append(cell)
        self._wrapped: list[Cell | None] = []
        # Characters per line of a wrapping column (a width unit is about one digit; a little
        # kept back for the margins and for words that do not fill a line).
        self._line_length: list[int] = []
        for column in self.columns:
            cell = None
            if column.wrap:
                cell = WriteOnlyCell(self.ws)
                cell.alignment = WRAP_ALIGNMENT
            self._wrapped.append(cell)
            self._line_length.append(max(int(column.fitted_width()) - 4, 8))
        self._wraps = any(c.wrap for c in self.columns)
        for n, column in enumerate(self.columns, 1):
            self.ws.column_dimensions[get_column_letter(n)].width = column.fitted_width()
        self.ws.freeze_panes = f"{get_column_letter(self.frozen_columns + 1)}2"
        if any(len(c.header) > c.fitted_width() for c in self.columns):
            self.ws.row_dimensions[1].height = 45
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.ws, value=column.header)
            cell.data_type = "s"
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            header.append(cell)
        self.ws.append(header)

    def _continue(self) -> None:
        """Excel holds at most 1,048,576 rows per sheet: go on in 'Title (2)' right after this one."""
        self.parts.append((self.ws, self.rows))
        index = self.wb.index(self.ws) + 1
        self._start_sheet(self.wb.create_sheet(f"{self.title} ({len(self.parts) + 1})", index))

    def add(self, source: object) -> None:
        """One row: each column's value of `source`."""
        self.append([value(source) for value in self._values])

    def append(self, values: Sequence[CellValue]) -> None:
        if self.rows >= MAX_ROWS:
            self._continue()
        # Most values go to openpyxl as they are: only text that needs care, yes/no and
        # formatted numbers and dates are replaced (this runs for every cell of the workbook).
        out: list[Any] = list(values)  # read by `type(value) is`, fast, which mypy does not narrow on
        del out[len(self._typed) :]
        for n, (value, typed) in enumerate(zip(out, self._typed)):
            kind = type(value)
            if kind is str:
                if not value:
                    out[n] = None
                elif value[0] in _FORMULA_FIRST:
                    out[n] = self._literal(value, self.columns[n].wrap)
                else:
                    if not value.isprintable() and _ILLEGAL.search(value):  # isprintable: a fast pre-check
                        out[n] = value = _ILLEGAL.sub("", value)
                    wrapped = self._wrapped[n]
                    if wrapped is not None:
                        wrapped.value = value
                        out[n] = wrapped
            elif value is None:
                continue
            elif kind is bool:
                out[n] = "yes" if value else "no"
            elif typed is not None and isinstance(value, (int, float, date)):
                typed.value = value
                out[n] = typed
            elif isinstance(value, str):  # a str subclass (a str Enum): its plain text, same care
                out[n] = self._text_cell(str.__str__(value), self.columns[n].wrap)
        if self._wraps:
            self._append_tall(values, out)
        else:
            self.ws.append(out)
        self.rows += 1

    def _append_tall(self, values: Sequence[CellValue], out: list[Written]) -> None:
        """A row whose wrapped text needs more than one line gets the height for it: Excel and
        LibreOffice keep a streamed row one line high, and wrapped lines then overlap the next row."""
        lines = 1
        for value, wraps, length in zip(values, self._wrapped, self._line_length):
            if wraps is not None and isinstance(value, str) and len(value) > length:
                lines = max(lines, -(-len(value) // length))
        if lines == 1:
            self.ws.append(out)
            return
        row = self.rows + 1
        self.ws.row_dimensions[row].height = lines * LINE_HEIGHT
        self.ws.append(out)  # the row is written out here, with its height
        del self.ws.row_dimensions[row]  # so memory stays flat over a long sheet

    def _text_cell(self, value: str, wrap: bool = False) -> str | Cell | None:
        if not value:
            return None
        if value[0] in _FORMULA_FIRST or wrap:
            return self._literal(value, wrap)
        return safe_text(value)

    def _literal(self, value: str, wrap: bool = False) -> Cell:
        """A string cell, never a formula: openpyxl would otherwise make '=...' a formula."""
        cell = WriteOnlyCell(self.ws)
        cell.value = safe_text(value)
        cell.data_type = "s"
        if value[:1] in _FORMULA_FIRST:
            cell.quotePrefix = True
        if wrap:
            cell.alignment = WRAP_ALIGNMENT
        return cell

    def column_letter(self, header: str) -> str:
        return get_column_letter(next(n for n, c in enumerate(self.columns, 1) if c.header == header))

    def _sheets(self) -> list[tuple[StreamedSheet, int]]:
        return [*self.parts, (self.ws, self.rows)]

    def finish(self) -> None:
        """Autofilter over everything and the conditional formats, now the last row is known."""
        grades = [get_column_letter(n) for n, c in enumerate(self.columns, 1) if c.kind == "grade"]
        programme = next((get_column_letter(n) for n, c in enumerate(self.columns, 1) if c.header == "Programme"), None)
        for ws, rows in self._sheets():
            last = max(rows, 2)
            ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{last}"
            if not self.pass_marks:
                continue
            for letter in grades:
                ws.conditional_formatting.add(
                    f"{letter}2:{letter}{last}",
                    FormulaRule(
                        formula=[fail_formula(letter, self.pass_marks, programme)], fill=RED_FILL, font=RED_FONT
                    ),
                )

    def highlight_status(self, header: str, red: str, amber: str) -> None:
        """Whole row red when its status says `red` (overdue), amber when it says `amber` (due soon)."""
        letter = self.column_letter(header)
        for ws, rows in self._sheets():
            ref = f"A2:{get_column_letter(len(self.columns))}{max(rows, 2)}"
            ws.conditional_formatting.add(
                ref, FormulaRule(formula=[f'${letter}2="{red}"'], fill=RED_FILL, font=RED_FONT)
            )
            ws.conditional_formatting.add(
                ref, FormulaRule(formula=[f'${letter}2="{amber}"'], fill=AMBER_FILL, font=AMBER_FONT)
            )

    def highlight_positive(self, header: str) -> None:
        """A count that should be zero (overdue items) in red when it is not."""
        letter = self.column_letter(header)
        for ws, rows in self._sheets():
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{max(rows, 2)}",
                FormulaRule(formula=[f"AND(ISNUMBER({letter}2),{letter}2>0)"], fill=RED_FILL, font=RED_FONT),
            )


def _nothing(source: object) -> None:
    return None


def discard(wb: Workbook | None) -> None:
    """Remove the per-sheet temporary files of a write-only workbook that will not be saved."""
    if wb is None:
        return
    for sheet in wb.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        rows = getattr(sheet, "_rows", None)
        try:
            if rows is not None:
                rows.close()  # ends the streamed <sheetData> element first
            writer.close()
        except Exception:
            pass
        try:
            writer.cleanup()
        except OSError:
            pass


def stream_plain_rows(sheet: Any) -> None:  # openpyxl's private writer parts: no stubs
    """Make a write-only sheet write its rows of plain ASCII text and whole numbers as sheet XML text,
    the bytes openpyxl writes for them, without openpyxl's Cell object, type checks and lxml calls per
    cell: the round-trip ledger's rows, ~30 % of a cohort workbook's cells. Call it before the first
    row; `sheet.append` works as before. The rows go to a temporary file and into the sheet's part
    when openpyxl closes the sheet; a row with anything else (other text, a formula start, an error
    code, another type, a row height) is written by openpyxl's own row writer."""
    import shutil
    import tempfile
    from io import BytesIO

    from lxml.etree import xmlfile
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    illegal = ILLEGAL_CHARACTERS_RE.search
    letters = [get_column_letter(n) for n in range(1, 65)]
    part = tempfile.TemporaryFile()  # noqa: SIM115 (open from the first row to the sheet's close)

    def text_of(values: Sequence[Any], r: str) -> str | None:
        """The row as openpyxl (lxml, ASCII with character references) writes it, or None."""
        out = [f'<row r="{r}">']
        for letter, value in zip(letters, values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if not value or not value.isascii() or value[0] == "=" or value in ERROR_CODES or illegal(value):
                    return None
                value = value[:32767]  # what openpyxl keeps of a longer text
                text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                space = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f'<c r="{letter}{r}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif kind is int:
                out.append(f'<c r="{letter}{r}" t="n"><v>{value:.16g}</v></c>')
            else:
                return None
        out.append("</row>")
        return "".join(out)

    def rows() -> Generator[None, Sequence[CellValue], None]:
        """openpyxl's WriteOnlyWorksheet._write_rows, the rows written aside."""
        writer = sheet._writer
        dimensions = sheet.row_dimensions
        n = 1
        try:
            while True:
                values = yield
                text = text_of(values, str(n)) if len(values) <= len(letters) and n not in dimensions else None
                if text is None:  # openpyxl's own row writer, into bytes
                    made = BytesIO()
                    with xmlfile(made) as xf:
                        writer.write_row(xf, sheet._values_to_row(values, n), n)
                    part.write(made.getvalue())
                else:
                    part.write(text.encode("ascii"))
                n += 1
        except GeneratorExit:
            pass
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            pass
        writer.xf.send(None)

    def close() -> None:
        """openpyxl closes the sheet (its top, an empty sheetData, its tail); the rows go in between."""
        type(sheet).close(sheet)
        path = sheet._writer.out
        with open(path, "rb") as fh:
            whole = fh.read()  # a few KB without the rows
        head, empty, tail = whole.partition(b"<sheetData></sheetData>")
        if not empty:
            raise AssertionError(f"no empty sheetData in the sheet written by openpyxl: {whole[:200]!r}")
        part.seek(0)
        with open(path, "wb") as fh:
            fh.write(head + b"<sheetData>")
            shutil.copyfileobj(part, fh, 1 << 20)
            fh.write(b"</sheetData>" + tail)
        part.close()

    sheet._get_writer()
    sheet._rows = rows()
    next(sheet._rows)
    sheet.close = close
