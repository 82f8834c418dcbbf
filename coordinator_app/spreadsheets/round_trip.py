"""The round trip: an exported workbook carries what it exported, so the one that comes back can be read.

Export side: `Ledger` writes a very hidden sheet ("Coordinator App") beside the visible ones.
For each sheet a coordinator may change cells of, it names the columns that identify a row (the
student number, the course code and attempt, ...) and the columns read back (those showing a
stored field the services let a coordinator change); for each row, which part of which record
it is and the values the export wrote in those columns. Excel and LibreOffice keep a very hidden
sheet and the coordinator never sees it; sorting, filtering or hiding rows does not matter,
because rows are found again by their identifying cells, not by their position.

Import side: `edits_of` turns what the reading child sent back (spreadsheets/app_workbook.py)
into the cells that differ from what was exported, for services/imports/workbook.py to review.
Rows the export did not have, rows given twice and error cells are refused by sheet, row and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coordinator_app.services.imports.workbook import Edit, Place
from coordinator_app.services.imports.workbook_parts import ITEM, LITERATURE, RESULT, changeable
from coordinator_app.spreadsheets import app_workbook, cells
from coordinator_app.spreadsheets.app_workbook import (
    CELL_TEXT,
    MARKER,
    SECTION,
    AppWorkbook,
    SheetData,
    ledger_part,
)
from coordinator_app.spreadsheets.cells import Column, stream_plain_rows
from coordinator_app.spreadsheets.import_file_error import ImportFileError

VERSION = 1

# What part of a record each row of a round-trip sheet is, and its natural key (services' terms).
ROW_PARTS: dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]] = {
    "Courses": (RESULT, lambda line: (line.student.record.id, line.part.code, line.part.attempt)),
    "Internships": ("internship", lambda line: (line.student.record.id, line.part.kind)),
    "Portfolio": (ITEM, lambda line: (line.student.record.id, line.part.component, line.part.kind)),
    "Literature Study": (LITERATURE, lambda line: (line.student.record.id,)),
}


def encode_value(value: Any) -> Any:
    """A cell's value as the ledger sheet keeps it in JSON (a date as {"date": "yyyy-mm-dd"})."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)  # a str Enum: its plain text
    return value


def decode_value(value: Any) -> Any:
    """The value `encode_value` kept."""
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    return value


def key_text(value: Any) -> str:
    """An identifying cell as text, the same whether written by the export or read back by calamine
    (2 and 2.0 are "2"; a date is its ISO day)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_text() -> Callable[[Any], str]:
    """`json.dumps` with its defaults, without making a new encoder for every call (json.dumps makes
    one per call: two thirds of its time on the ledger's short lists, three per exported row). The
    text is the same (tests/spreadsheets/test_round_trip_ledger.py)."""
    from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]

    if c_make_encoder is None:  # a Python without the json accelerator
        return json.dumps
    encoder = c_make_encoder(None, _refuse, encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encoder(value, 0))


_json = _json_text()
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})  # written into the ledger unchanged by encode_value


class Ledger:
    """The hidden sheet of a write-only workbook (module docstring). It goes on in further very hidden
    sheets, "Coordinator App (2)", "(3)"..., once one holds cells.MAX_ROWS rows (Excel's and
    LibreOffice's most), and a row's values longer than a cell holds go on in the next cells of the row."""

    def __init__(self, wb: Any, kind: str, about: dict[str, Any]) -> None:
        self.wb = wb
        self.sheets: list[Any] = []
        self.sheet = self._part()  # the first part: its first row says what the workbook is
        self.append([MARKER, VERSION, kind, json.dumps(about, default=str)])

    def _part(self) -> Any:
        title = ledger_part(len(self.sheets) + 1)
        sheet = self.wb.create_sheet(title)
        sheet.sheet_state = "veryHidden"
        if getattr(self.wb, "write_only", False):
            stream_plain_rows(sheet)  # its text and numbers as sheet XML: most of the export's cells
        self.sheets.append(sheet)
        self.current, self.rows, self.room = sheet, 0, cells.MAX_ROWS
        return sheet

    def append(self, row: list[Any]) -> None:
        if self.rows >= self.room:
            self._part()
        self.rows += 1
        self.current.append(row)

    def after_saving(self) -> str:
        """What the export says of the workbook coming back, after "Saved 6,000 students to X": nothing,
        or that it is too large to (app_workbook.MAX_BACK_ROWS)."""
        most = app_workbook.MAX_BACK_ROWS
        if (len(self.sheets) - 1) * self.room + self.rows <= most:
            return ""
        return (
            f" (too large to import back into the app, more than {most:,} rows to compare: to change cells in "
            "Excel and import the changes, export one cohort or one programme at a time)"
        )

    def move_last(self) -> None:
        """Put the ledger's sheets last, in order (after the Dashboard, made once the figures are known)."""
        for sheet in self.sheets:
            names = self.wb.sheetnames
            self.wb.move_sheet(sheet.title, len(names) - 1 - names.index(sheet.title))

    def section(self, title: str, keys: list[str], read: list[str], fields: list[list[str]]) -> None:
        self.append([SECTION, title, json.dumps(keys), json.dumps(read), json.dumps(fields)])

    def row(self, title: str, keys: list[Any], part: str, key: tuple[Any, ...], values: list[Any]) -> None:
        # Runs for most rows of the workbook: key_text and encode_value only where they change something.
        plain = _AS_THEY_ARE
        if self.rows >= self.room:
            self._part()
        self.rows += 1
        text = _json([v if type(v) in plain else encode_value(v) for v in values])
        row = [
            "row",
            title,
            _json([" ".join(k.split()) if type(k) is str else key_text(k) for k in keys]),
            part,
            _json(key),
            text,
        ]
        if len(text) > CELL_TEXT:  # a long note, escaped: on in the next cells, joined on reading
            row[5:] = [text[n : n + CELL_TEXT] for n in range(0, len(text), CELL_TEXT)]
        self.current.append(row)

    def follow(self, title: str, writer: Any) -> Any:
        """`writer` (a SheetWriter) with each row it writes also noted here; a sheet without
        columns a coordinator may change, or one the workbook does not have, is returned as it is."""
        if title not in ROW_PARTS or not hasattr(writer, "columns"):
            return writer
        part, key_of = ROW_PARTS[title]
        columns: list[Column] = writer.columns
        keys = [n for n, c in enumerate(columns) if c.key]
        read = [n for n, c in enumerate(columns) if c.shows and changeable(part, c.shows)]
        if not read:
            return writer
        self.section(
            title,
            [columns[n].header for n in keys],
            [columns[n].header for n in read],
            [[part, str(columns[n].shows)] for n in read],
        )
        return _Followed(self, writer, title, part, key_of, keys, read)


@dataclass
class _Followed:
    ledger: Ledger
    writer: Any
    title: str
    part: str
    key_of: Callable[[Any], tuple[Any, ...]]
    keys: list[int]
    read: list[int]
    values: list[Callable[[Any], Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = [c.value or (lambda _s: None) for c in self.writer.columns]

    def add(self, source: Any) -> None:
        row = [value(source) for value in self.values]
        self.writer.append(row)
        self.ledger.row(
            self.title, [row[n] for n in self.keys], self.part, self.key_of(source), [row[n] for n in self.read]
        )

    def __getattr__(self, name: str) -> Any:  # finish, highlight_status, ...: the writer's own
        return getattr(self.writer, name)


# -- reading it back -------------------------------------------------------------------------------


@dataclass
class Exported:
    """What the ledger says of one row: which part of which record, and the values written. Kept as
    the ledger's JSON text and decoded only for a row that is looked at (most rows of a big export
    come back as they went)."""

    part: str
    key_text: str
    values_text: str
    twice: bool = False  # two rows of the export had the same identifying cells (cannot tell them apart)

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(json.loads(self.key_text))

    @property
    def values(self) -> list[Any]:
        return [decode_value(v) for v in json.loads(self.values_text)]


@dataclass
class Section:
    title: str
    keys: list[str]
    read: list[str]
    fields: list[tuple[str, str]]
    rows: dict[str, Exported] = field(default_factory=dict)  # the identifying cells as the ledger's JSON -> row


def identity_text(identity: tuple[str, ...]) -> str:
    """Identifying cells (key_text) as the ledger writes them (Ledger.row): the same JSON text."""
    return json.dumps(list(identity))


@dataclass
class LedgerRead:
    kind: str
    about: dict[str, Any]
    sections: dict[str, Section]
    cells: list[tuple[Any, ...]]  # the ledger's other rows (a mark form's locked cells)


DAMAGED = (
    "The app's hidden record of what it exported in this workbook is damaged ({what}), so the changes cannot be "
    "told from what was there. Nothing was imported. Export the students again and make the changes in the new workbook."
)


def _damaged(what: str) -> ImportFileError:
    return ImportFileError(DAMAGED.format(what=what), "file")


def read_ledger(book: AppWorkbook) -> LedgerRead:
    """The ledger's rows; a ledger another program changed is refused (DAMAGED), never a crash."""
    try:
        return _read_ledger(book)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise _damaged("a row of it cannot be read") from exc


def _read_ledger(book: AppWorkbook) -> LedgerRead:
    head = book.ledger[0]
    about = json.loads(head[3]) if len(head) > 3 and head[3] else {}
    read = LedgerRead(str(head[2]), about, {}, [])
    sections = read.sections
    for row in book.ledger[1:]:
        kind = row[0]
        if kind == "row":
            section = sections.get(row[1])
            if section is None:
                continue
            rows = section.rows
            keys = row[2]
            if keys in rows:
                rows[keys].twice = True
            else:
                rows[keys] = Exported(str(row[3]), row[4], row[5])
        elif kind == SECTION:
            sections[row[1]] = Section(
                row[1], json.loads(row[2]), json.loads(row[3]), [tuple(f) for f in json.loads(row[4])]
            )
        else:
            read.cells.append(row)
    return read


def same_cell(exported: Any, cell: Any) -> bool:
    """Whether a cell still holds what the export wrote (a cautious look: a 'no' sends the cell on to
    the review, which reads both as the service would)."""
    if exported is None or exported == "":
        return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())
    if isinstance(exported, bool):
        return isinstance(cell, str) and cell.strip() == ("yes" if exported else "no")
    if isinstance(exported, date):
        if isinstance(cell, datetime):
            return cell.date() == exported
        return isinstance(cell, date) and cell == exported
    if isinstance(exported, (int, float)):
        return isinstance(cell, (int, float)) and not isinstance(cell, bool) and float(cell) == float(exported)
    if isinstance(exported, str):
        return isinstance(cell, str) and " ".join(cell.split()) == " ".join(exported.split())
    return False


def edits_of(book: AppWorkbook, ledger: LedgerRead) -> tuple[list[Edit], list[tuple[Place, str]]]:
    """The cells that differ from what was exported, and what is refused on the file's side."""
    edits: list[Edit] = []
    problems: list[tuple[Place, str]] = []
    for title, section in ledger.sections.items():
        data = book.sheets.get(title)
        if data is None:
            continue  # the sheet was deleted: nothing of it comes back
        if data.header_row == 0:
            problems.append(
                (
                    Place(title, 1, section.keys[0]),
                    f"the columns {', '.join(section.keys)} are not all there any more, so the rows cannot be "
                    "told apart; export again and change the cells, not these columns",
                )
            )
            continue
        edits_in, problems_in = _sheet_edits(data, section)
        edits += edits_in
        problems += problems_in
    return edits, problems


def _sheet_edits(data: SheetData, section: Section) -> tuple[list[Edit], list[tuple[Place, str]]]:
    edits: list[Edit] = []
    problems: list[tuple[Place, str]] = []
    position = {name: n for n, name in enumerate(data.columns)}
    keys = [position[k] for k in section.keys]
    # (position in the row, header, position among the exported values, (part, field))
    read = [
        (n, name, i, section.fields[i]) for i, name in enumerate(section.read) if (n := position.get(name)) is not None
    ]
    letters = dict(zip(data.columns, data.letters))
    first_key = section.keys[0]
    errors = {(row, header): (cell, text) for row, header, cell, text in data.errors}
    exported_rows = section.rows
    seen: dict[tuple[str, ...], int] = {}
    for number, values in data.rows:
        identity = tuple(key_text(values[n]) for n in keys)
        if not any(identity):
            continue
        exported = exported_rows.get(identity_text(identity))
        if exported is None or exported.twice or identity in seen:
            place = Place(data.name, number, first_key, f"{letters[first_key]}{number}")
            if exported is None:
                shown_row = " ".join(i for i in identity if i)
                problems.append((place, f"this row ({shown_row}) was not in the export; {_add_it(section)}"))
            elif exported.twice:
                problems.append((place, "the export had two rows like this one; change them in the app"))
            else:
                problems.append((place, f"this row is here twice (also row {seen[identity]}); keep one"))
            continue
        seen[identity] = number
        try:
            before_values = exported.values
            if len(before_values) != len(section.read):
                raise ValueError(len(before_values))
        except (ValueError, TypeError, KeyError) as exc:  # json.loads, decode_value
            raise _damaged(f"its row for row {number} of the sheet '{data.name}'") from exc
        key: tuple[Any, ...] | None = None
        for n, name, i, (part, field_name) in read:
            if errors and (number, name) in errors:
                cell, text = errors[(number, name)]
                place = Place(data.name, number, name, f"{letters[name]}{number}")
                problems.append((place, f"cell {cell} holds the error {text} instead of a value; type the value"))
                continue
            before = before_values[i]
            if not same_cell(before, values[n]):
                try:
                    key = key or exported.key
                except (ValueError, TypeError) as exc:
                    raise _damaged(f"its row for row {number} of the sheet '{data.name}'") from exc
                place = Place(data.name, number, name, f"{letters[name]}{number}")
                edits.append(Edit(place, part, key, field_name, before, values[n]))
    return edits, problems


def _add_it(section: Section) -> str:
    if section.title == "Courses":
        return "add a new attempt in the app, or import it as a results list"
    return "add it in the app"
