"""Open the file a coordinator chose for an import, whatever it turns out to be.

An import must never take the app down or hang it: the file is looked at (a regular file,
its size, its first bytes) before anything reads it; a workbook is read by python-calamine
in a child process of its own with a memory and time limit (spreadsheets/workbook_reader.py;
forked by a reading server started once, where the system can fork); a CSV is
read here with the csv module, its header first and then its rows streamed, up to the same
row limit. What cannot be read raises ImportFileError with one line a coordinator can act on.
The limits and why they are what they are: docs/excel.md, "Files that are refused".
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coordinator_app.services.imports import CELL_PROBLEMS, Columns
from coordinator_app.spreadsheets import workbook_reader as limits
from coordinator_app.spreadsheets.app_workbook import AppWorkbook
from coordinator_app.spreadsheets.columns import column_letter, header_row, is_empty, label, map_columns
from coordinator_app.spreadsheets.import_file_error import refuse as _refuse
from coordinator_app.spreadsheets.reading_child import read_in_child, too_big

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# An encrypted .xlsx is an OLE2 container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
REMOVE_EXCEL_PASSWORD = limits.REMOVE_EXCEL_PASSWORD
# What Excel shows in a cell whose formula failed (and writes as text into a CSV).
ERROR_CODES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SAMPLE = 1 << 16


@dataclass
class Table:
    """A file's header and, on demand, its rows below it as {field: cell} (only the known columns)."""

    sheet: str
    header_row: int  # spreadsheet row / CSV line of the header (1-based)
    header: list[str]
    index: dict[str, int]
    names: dict[str, str]
    ignored: list[str]
    _rows: Callable[[], list[tuple[int, dict[str, Any]]]] = field(repr=False)
    # A workbook the app made (an export, a mark form): every sheet it reads back (app_workbook.py).
    workbook: AppWorkbook | None = None
    # A workbook's rows as they came from the reading child, column by column.
    _columns: Callable[[], Columns] | None = field(default=None, repr=False)

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """The non-empty rows below the header; a CSV is read only now (its header was checked first)."""
        return self._rows()

    def columns(self) -> Columns:
        """The same rows column by column (no dictionary per row, for a check that goes by column)."""
        return self._columns() if self._columns is not None else Columns.of_rows(self._rows())

    def columns_found(self) -> str:
        return ", ".join(text for text in self.header if text) or "none"


def error_cell(cell: str, code: str) -> str:
    return f"cell {cell} holds the error {code} instead of a value; correct the formula or type the value"


def broken_text(cell: str) -> str:
    return (
        f"cell {cell} holds text that is not valid Unicode (a broken character, as from a damaged copy and "
        "paste); retype it"
    )


# -- the file itself ------------------------------------------------------------------------------


def first_bytes(path: Path) -> bytes:
    """The first 64 KB of a regular file within the size limit. A device (/dev/zero), a pipe or a
    folder is refused before it is read: reading one would never end or never start."""
    name = path.name or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError as exc:
        raise _refuse(f"There is no file {path}.") from exc
    except IsADirectoryError as exc:
        raise _refuse(f"{path} is a folder, not a file.") from exc
    except PermissionError as exc:
        raise _refuse(f"No permission to read {path}.") from exc
    except OSError as exc:
        raise _refuse(f"{path} cannot be opened: {exc.strerror or exc}.") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(f"{path} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(f"{path} is not a file but a device or a pipe; choose the spreadsheet or CSV file itself.")
        if info.st_size > limits.MAX_FILE_BYTES:
            raise _refuse(
                f"{name} is {info.st_size / 2**20:,.0f} MB; an import reads files of at most "
                f"{limits.MAX_FILE_BYTES // 2**20} MB. Is it the right file? A student list or results list "
                "is far smaller."
            )
        return os.read(fd, _SAMPLE)
    finally:
        os.close(fd)


def open_table(path: Path) -> Table:
    """The file's header and a way to read its rows; raises ImportFileError for a file that cannot be used."""
    path = Path(path)
    head = first_bytes(path)
    name = path.name
    if not head:
        raise _refuse(f"{name} is empty (0 bytes).")
    if head.startswith(b"%PDF"):
        raise _refuse(f"{name} is a PDF document, not a spreadsheet. Ask for the list as an Excel (.xlsx) or CSV file.")
    if head.startswith(_OLE2) and any(marker in head for marker in _ENCRYPTED_MARKERS):
        raise _refuse(f"{name} is password protected (encrypted). {REMOVE_EXCEL_PASSWORD}")
    suffix = path.suffix.lower()
    if head.startswith((_ZIP, _OLE2)) or suffix in SPREADSHEET_SUFFIXES:
        return _workbook_table(path, head)
    if suffix in TEXT_SUFFIXES or not suffix:
        return _csv_table(path, head)
    raise _refuse(f"{name} is not a spreadsheet: use .xlsx, .xls, .ods or .csv.")


# -- workbooks: read in a child process (spreadsheets/reading_child.py) --------------------------


def _workbook_table(path: Path, head: bytes) -> Table:
    name = path.name
    answer, payload = read_in_child(path)
    if answer == "refused":
        raise _refuse(payload or too_big(name))
    if answer != "ok":
        if head.startswith(_OLE2):
            raise _refuse(
                f"{name} cannot be opened: it is password protected (encrypted) or damaged. {REMOVE_EXCEL_PASSWORD}"
            )
        raise _refuse(f"{name} is not a spreadsheet that can be read ({payload}). Save it from Excel as .xlsx or .csv.")
    if isinstance(payload, AppWorkbook):
        return Table("every sheet", 1, [], {}, {}, [], list, workbook=payload)
    sheet: limits.Sheet = payload
    index, names, ignored = map_columns(sheet.header)

    def rows() -> list[tuple[int, dict[str, Any]]]:
        fields = sheet.fields
        problems: dict[int, list[tuple[str, str]]] = {}
        for row, field_name, cell, code in sheet.errors:
            if field_name:
                problems.setdefault(row, []).append((field_name, error_cell(cell, code)))
        out = [(n, dict(zip(fields, values))) for n, values in sheet.rows]
        if problems:
            for n, raw in out:
                if n in problems:
                    raw[CELL_PROBLEMS] = problems[n]
        return out

    def columns() -> Columns:
        problems: dict[int, list[tuple[str, str]]] = {}
        for row, field_name, cell, code in sheet.errors:
            if field_name:
                problems.setdefault(row, []).append((field_name, error_cell(cell, code)))
        return Columns(sheet.numbers, dict(zip(sheet.fields, sheet.columns)), problems)

    if not sheet.header and sheet.errors:
        first = sheet.errors[0]
        raise _refuse(
            f"{name} holds no values, only error cells ({first[3]} in {first[2]}"
            f"{' and more' if len(sheet.errors) > 1 else ''}). Correct the formulas or paste the values."
        )
    header = [label(v) for v in sheet.header]
    return Table(sheet.name, sheet.header_row, header, index, names, ignored, rows, _columns=columns)


# -- CSV: the header first, then the rows streamed ------------------------------------------------------


def _encoding(head: bytes) -> tuple[str, int]:
    """(codec, bytes of byte-order mark). UTF-16 as Excel's "Unicode Text" writes it (with a BOM);
    UTF-8 with or without BOM; else Windows-1252 (older Excel). A NUL byte in UTF-8/1252 text
    means it is not a text file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"), 2
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le", 0  # UTF-16 without its mark: every other byte is NUL
    try:
        codecs.getincrementaldecoder("utf-8")("surrogatepass").decode(head, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        return "cp1252", 0


class _Lines:
    """The file's lines, decoded, each at most the csv module's field limit long, counting lines and
    noticing the two things a cell check then looks for: '#' (Excel error texts) and broken text."""

    def __init__(self, stream: io.TextIOBase, name: str) -> None:
        self.stream, self.name = stream, name
        self.number = 0
        self.flagged = False

    def __iter__(self) -> Iterator[str]:
        limit = csv.field_size_limit()
        while True:
            line = self.stream.readline(limit + 1)
            if not line:
                return
            self.number += 1
            if len(line) > limit and not line.endswith(("\n", "\r")):
                raise _refuse(
                    f"{self.name}: line {self.number:,} is longer than {limit:,} characters; this is not a "
                    "student or results list. Save the list itself as .csv or .xlsx."
                )
            if "\x00" in line:
                raise _refuse(f"{self.name} is not a text (CSV) file. Save the list as .xlsx or .csv.")
            if "#" in line or (not line.isascii() and _SURROGATE.search(line)):
                self.flagged = True
            yield line


def _delimiter(sample: str) -> str:
    first = sample.splitlines()[0] if sample.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = max(";,\t", key=first.count)
    # The header line decides when the sniffer is unsure (a name with a comma in it).
    if first.count(delimiter) == 0 and (first.count(";") or first.count(",") or first.count("\t")):
        delimiter = max(";,\t", key=first.count)
    return delimiter


def _csv_table(path: Path, head: bytes) -> Table:
    codec, bom = _encoding(head)
    name = path.name
    sample = head[bom:].decode(codec, errors="replace")[:8192]
    if "\x00" in sample:
        raise _refuse(f"{name} is not a text (CSV) file. Save the list as .xlsx or .csv.")
    delimiter = _delimiter(sample)
    try:
        return _CsvReading(path, codec, bom, delimiter).table()
    except UnicodeDecodeError:
        if codec != "utf-8":
            raise _refuse(
                f"{name} is not valid {codec.upper()} text. Save the list again as .csv (UTF-8) or .xlsx."
            ) from None
        # UTF-8 at the start, something else further on: an older Excel's Windows-1252 after all.
        return _CsvReading(path, "cp1252", 0, delimiter).table()


class _CsvReading:
    def __init__(self, path: Path, codec: str, bom: int, delimiter: str) -> None:
        self.path, self.codec, self.bom, self.delimiter = path, codec, bom, delimiter
        self.name = path.name

    def _records(self) -> Iterator[tuple[int, list[str], bool]]:
        """(line where the record starts, its cells, whether a cell check is needed). A quote that
        opens a cell and never closes is refused naming its line, instead of swallowing the rows
        after it into one cell."""
        with open(self.path, "rb") as raw:
            raw.seek(self.bom)
            # A broken UTF-8/UTF-16 character comes through as a lone surrogate and is named by its cell
            # (_check_cells); an older Excel's Windows-1252 replaces its few undefined bytes, as before.
            errors = "replace" if self.codec == "cp1252" else "surrogatepass"
            stream = io.TextIOWrapper(raw, encoding=self.codec, errors=errors, newline="")
            lines = _Lines(stream, self.name)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            start = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise _refuse(self._bad_quote(start, str(exc))) from exc
                flagged, lines.flagged = lines.flagged, False
                yield start, cells, flagged
                start = lines.number + 1

    def _bad_quote(self, line: int, problem: str) -> str:
        if "expected after" in problem:
            return (
                f'{self.name}: line {line:,} has a quote (") that closes in the middle of a cell. Remove the quote, '
                "or put the whole cell in quotes, and import again."
            )
        return (
            f'{self.name}: the quote (") on line {line:,} opens a cell that is never closed, so every line after '
            "it would be read as part of that one cell. Remove the quote, or close it, and import again."
        )

    def table(self) -> Table:
        records = self._records()
        top: list[tuple[int, list[str], bool]] = []
        for record in records:
            if not is_empty(record[1]):
                top.append(record)
            if len(top) >= 10:
                break
        h = header_row([cells for _, cells, _ in top])
        if h is None:
            raise _refuse(f"{self.name} is empty: there are no rows to import.")
        header_line, header, _ = top[h]
        index, names, ignored = map_columns(header)
        rest = top[h + 1 :]

        def rows() -> list[tuple[int, dict[str, Any]]]:
            return self._rows(header_line, len(header), index, rest, records)

        return Table("CSV", header_line, [label(v) for v in header], index, names, ignored, rows)

    def _rows(
        self,
        header_line: int,
        width: int,
        index: dict[str, int],
        first: list[tuple[int, list[str], bool]],
        records: Iterator[tuple[int, list[str], bool]],
    ) -> list[tuple[int, dict[str, Any]]]:
        fields = list(index.items())
        out: list[tuple[int, dict[str, Any]]] = []
        count = header_line
        for line, cells, flagged in itertools.chain(first, records):  # streamed: never the whole file
            count += 1
            if count > limits.MAX_ROWS:
                raise _refuse(limits.too_many_rows(self.name, f"more than {limits.MAX_ROWS:,}"))
            if is_empty(cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            raw: dict[str, Any] = {f: cells[i] for f, i in fields}
            if flagged:
                self._check_cells(line, cells, index, raw)
            self._swallowed_rows(line, raw, width)
            out.append((line, raw))
        return out

    def _check_cells(self, line: int, cells: list[str], index: dict[str, int], raw: dict[str, Any]) -> None:
        problems = []
        for f, i in index.items():
            value = cells[i].strip()
            cell = f"{column_letter(i)}{line}"
            if value in ERROR_CODES:
                problems.append((f, error_cell(cell, value)))
            elif _SURROGATE.search(cells[i]):
                problems.append((f, broken_text(cell)))
                raw[f] = ""
        if problems:
            raw[CELL_PROBLEMS] = problems

    def _swallowed_rows(self, line: int, raw: dict[str, Any], width: int) -> None:
        """A quoted cell running over lines that look like rows of their own: two stray quotes took
        the rows between them into one cell."""
        if width < 3:
            return
        for value in raw.values():
            if type(value) is str and "\n" in value:
                inner = value.split("\n")[1:]
                if any(part.count(self.delimiter) >= width - 1 for part in inner):
                    raise _refuse(
                        f'{self.name}: the quote (") on line {line:,} opens a cell that runs over the '
                        "lines after it, which look like rows of their own. Remove the quote, or close it "
                        "where the cell ends, and import again."
                    )
