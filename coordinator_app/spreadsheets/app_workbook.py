"""Reading a workbook the app made itself (a cohort export, a mark form), in the reading child.

Such a workbook carries a very hidden sheet, the ledger (spreadsheets/round_trip.py writes it):
its first row says what the workbook is; "sheet" rows name, per sheet, the columns that identify
a row and the columns read back; "cells" rows name a sheet read whole (a mark form, a few dozen
cells); the other rows say what the export wrote. The child reads the ledger and then only those
columns of every sheet it names, each sheet through the same limits as any import
(workbook_reader.checked_sheet), and sends back plain rows: the parent decides what they mean.

Plain Python with light imports: it runs in the reading child (spreadsheets/workbook_reader.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from coordinator_app.spreadsheets.columns import (
    HEADER_SEARCH_ROWS,
    LEDGER,
    Refused,
    column_letter,
    is_empty,
    label,
)

MARKER = "Coordinator App workbook"  # its first cell
SECTION, WHOLE = "sheet", "cells"
MAX_KEPT_CELLS = 3_000_000  # over all sheets, the ledger's included
# Rows of the ledger (all its sheets together) and of each sheet it names, in place of an import's
# 50,000 a sheet (workbook_reader.MAX_ROWS): the ledger has ~20 rows a student, so ~3,750 students
# come back. Bound by the reading child's memory (workbook_reader.CHILD_MEMORY_BYTES, 320 MB of
# address space), whose peak is while it pickles its answer: 165 MB resident for 3,000 students
# (58,909 ledger rows), 303 MB for 4,600 (91,641 rows). Every other limit of an import still holds
# (columns, cells of a sheet, time), and MAX_KEPT_CELLS bounds all the cells kept.
MAX_BACK_ROWS = 75_000
LEDGER_WIDTH = 6  # kind, sheet, identifying cells, part, key, values (these go on in the next cells when long)
CELL_TEXT = 32_767  # characters a cell holds (Excel; openpyxl cuts longer text)


def ledger_part(n: int) -> str:
    """The ledger's nth sheet: "Coordinator App", then "Coordinator App (2)", ... (round_trip.Ledger)."""
    return LEDGER if n == 1 else f"{LEDGER} ({n})"


def too_big(name: str) -> str:
    return (
        f"{name} is a workbook the app exported, too large to read back: the app reads back workbooks of at most "
        f"{MAX_BACK_ROWS:,} rows (about {MAX_BACK_ROWS // 20:,} students). Export one cohort or one programme at a "
        "time, change those workbooks and import each of them."
    )


@dataclass
class SheetData:
    """The columns of one sheet the ledger asks for (or every cell, for a sheet read whole)."""

    name: str
    header_row: int  # 1-based; 0 for a sheet read whole
    columns: list[str]  # the headers found, in the order of each row's values
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (row number, values)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, header, cell, error text)
    missing: list[str] = field(default_factory=list)  # asked-for headers the sheet does not have
    letters: list[str] = field(default_factory=list)  # each column's letter, as `columns`


@dataclass
class AppWorkbook:
    """What the child sends back for a workbook the app made: the ledger's rows and the sheets it names."""

    ledger: list[tuple[Any, ...]]
    sheets: dict[str, SheetData] = field(default_factory=dict)


class NotAppWorkbook(Exception):
    """The ledger sheet is there but is not the app's (another program's sheet with that name)."""


Checked = Callable[[str, tuple[int, str]], "tuple[Any, dict[tuple[int, int], str]] | None"]


def read_app_workbook(checked: Checked, names: list[str], name: str) -> AppWorkbook:
    """`checked(sheet, (rows, past))`: the sheet held to the limits, with at most `rows` rows (`past`: the
    refusal beyond them), and its error cells
    (or None when empty); `names`: the workbook's sheets; `name`: the file's, for the messages."""
    ledger: list[tuple[Any, ...]] = []
    n = 1
    while ledger_part(n) in names:
        found = _held(checked, ledger_part(n), name)
        if found is None:
            if n == 1:
                raise NotAppWorkbook()
        else:
            ledger += _ledger_rows(found[0])
            if n == 1 and (not ledger or ledger[0][0] != MARKER):
                raise NotAppWorkbook()
            if len(ledger) > MAX_BACK_ROWS:
                raise Refused(too_big(name))
        n += 1
    if not ledger:
        raise NotAppWorkbook()
    out = AppWorkbook(ledger)
    kept = len(ledger) * LEDGER_WIDTH
    if kept > MAX_KEPT_CELLS:
        raise Refused(too_big(name))
    for row in ledger[1:]:
        if row[0] not in (SECTION, WHOLE) or not isinstance(row[1], str):
            continue
        found = _held(checked, row[1], name) if row[1] in names else None
        if found is None:
            continue  # the sheet was deleted or emptied: nothing of it comes back
        sheet, errors = found
        if row[0] == WHOLE:
            data = _whole(sheet, row[1], errors)
        else:
            data = _columns(sheet, row[1], json.loads(row[2]), json.loads(row[2]) + json.loads(row[3]), errors)
        kept += len(data.rows) * max(len(data.columns), 1)
        if kept > MAX_KEPT_CELLS:
            raise Refused(too_big(name))
        out.sheets[row[1]] = data
    return out


def _held(checked: Checked, sheet: str, name: str) -> tuple[Any, dict[tuple[int, int], str]] | None:
    """`checked` with the rows of the app's own workbook: a sheet past them, or past the cells of a
    sheet, is one too large to come back."""
    return checked(sheet, (MAX_BACK_ROWS, too_big(name)))


def _ledger_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """The ledger's rows, a row's values that went on in further cells joined again (round_trip.Ledger)."""
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows():
        if is_empty(row):
            continue
        if len(row) > LEDGER_WIDTH and row[0] == "row" and row[LEDGER_WIDTH] not in ("", None):
            rows.append((*row[: LEDGER_WIDTH - 1], "".join(str(v) for v in row[LEDGER_WIDTH - 1 :] if v)))
        else:
            rows.append(tuple(row[:7]))
    return rows


def _whole(sheet: Any, name: str, errors: dict[tuple[int, int], str]) -> SheetData:
    first_row, first_column = sheet.start
    data = SheetData(name, 0, [])
    for n, row in enumerate(sheet.iter_rows(), first_row + 1):
        if not is_empty(row):
            data.rows.append((n, (first_column, *row)))  # the first value: the column the row starts at
    for (r, c), text in sorted(errors.items()):
        data.errors.append((r + 1, "", f"{column_letter(c)}{r + 1}", text))
    return data


def _columns(
    sheet: Any, name: str, keys: list[str], wanted: list[str], errors: dict[tuple[int, int], str]
) -> SheetData:
    """The wanted columns below the header: the first of the top rows that holds every key header
    (a row inserted above the export's header is passed over)."""
    rows = sheet.iter_rows()
    first_row, first_column = sheet.start
    top: list[list[Any]] = []
    header_at = None
    for row in rows:
        top.append(row)
        texts = {label(v) for v in row}
        if all(k in texts for k in keys):
            header_at = len(top) - 1
            break
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    if header_at is None:
        return SheetData(name, 0, [], missing=list(keys))
    header = [label(v) for v in top[header_at]]
    positions = {text: n for n, text in reversed(list(enumerate(header))) if text}
    present = [w for w in wanted if w in positions]
    data = SheetData(name, first_row + header_at + 1, present, missing=[w for w in wanted if w not in positions])
    picks = [positions[w] for w in present]
    data.letters = [column_letter(first_column + p) for p in picks]
    width = max(picks, default=-1) + 1
    by_column = {first_column + positions[w]: w for w in present}
    n = data.header_row
    pick = itemgetter(*picks) if len(picks) > 1 else (lambda row: (row[picks[0]],))
    kept = data.rows
    for row in rows:
        n += 1
        if is_empty(row):
            continue
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        kept.append((n, pick(row)))
    for (r, c), text in sorted(errors.items()):
        if r + 1 > data.header_row and c in by_column:
            data.errors.append((r + 1, by_column[c], f"{column_letter(c)}{r + 1}", text))
    return data
