"""Read a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) with python-calamine in a child process.

Why a child: calamine is native code. A 5 KB .xlsx with one cell at XFD1048576 makes it
ask for 512 GB, and a failed allocation in Rust aborts the whole process, the window
included; no Python `except` can catch that. So the parent (spreadsheets/reading_child.py) runs
each workbook in a child process of its own, with a memory limit the child sets on itself and
a time limit enforced from outside it: forked for the one workbook by a reading server started
once where the system can fork, else an interpreter of its own (spreadsheets/workbook_server.py,
`child_main`, the entry point of both). The child's `answer_for` is one pickle:
("ok", Sheet) or ("refused", message) or ("unreadable", error).
Only the header and the known columns travel back, so the parent holds at most
MAX_ROWS x 12 cells whatever the width of the sheet; they travel column by column, each
repeated value (a date, a grade) once, so the pickle is small and quick at both ends.

The child starts with as little as it can: `python -I -S` (no site-packages scan, no
environment), this package and python-calamine put on its path by the parent
(spreadsheets/reading.py), and only the standard library's re, zipfile, pickle and the
expat XML parser imported here (no typing, no dataclasses; not xml.etree, whose Python
layer over expat cost more to import than the two small parts it read; the .ods scan only
for an .ods): the interpreter and its imports were half of the child's CPU time.

Before calamine loads a sheet of an .xlsx/.xlsm, its XML is scanned (streamed, in C-speed
regular expressions) for the last row and column and for error cells (#N/A, #DIV/0!):
calamine reads an error cell as an empty one, and a sheet reaching past the limits is
refused by name before anything is allocated. Other formats are checked from calamine's own
range; the memory limit covers what that cannot see.
"""

from __future__ import annotations

import gc
import itertools
import operator
import pickle
import re
import zipfile
from functools import cache, partial
from posixpath import join, normpath
from xml.parsers import expat

from coordinator_app.spreadsheets.columns import (
    HEADER_SEARCH_ROWS,
    LEDGER,
    Refused,
    column_letter,
    header_row,
    is_empty,
    map_columns,
)
from coordinator_app.spreadsheets.warm_up_workbook import WARM_UP_PARTS

# -- the limits (docs/excel.md, "Files that are refused") ------------------------------------
MAX_FILE_BYTES = 100 * 2**20  # on disk, any format
MAX_UNPACKED_BYTES = 400 * 2**20  # an .xlsx/.ods unpacked (a zip bomb of 780 KB unpacked to 200 MB)
MAX_ROWS = 50_000  # rows of a sheet or lines of a CSV: 100 times a large cohort
MAX_COLUMNS = 1_000  # a full student-information-system export has about 40
MAX_CELLS = 1_500_000  # rows x columns of the sheet's used area (what calamine allocates)
# Address space of the reading child. The largest sheet within the limits above (37,000 rows x
# 40 columns) peaks at ~160 MB resident; with the importing process (~65 MB while it waits)
# an import stays under 400 MB whatever the file.
CHILD_MEMORY_BYTES = 320 * 2**20
CHILD_SECONDS = 15.0  # the rest of the 20 s an import may take is for checking the rows

TYPE_CHECKING = False  # typing is not imported in the child (see above); mypy reads these
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_OK, _REFUSED, _UNREADABLE = "ok", "refused", "unreadable"
REMOVE_EXCEL_PASSWORD = "Open it in Excel, remove the password (File > Info > Protect Workbook) and save it again."
REMOVE_CALC_PASSWORD = (
    "Open it in LibreOffice Calc, choose File > Save As, untick 'Save with password' and save it again."
)


class Sheet:
    """The part of a sheet an import needs (what the child sends back): its header and, for the
    non-empty rows below it, their row numbers and the known columns' cells, column by column."""

    def __init__(self, name: str, header_row: int, header: list[Any], fields: list[str]) -> None:
        self.name = name
        self.header_row = header_row  # spreadsheet row number of the header (1-based)
        self.header = header
        self.fields = fields  # the known fields, in the order of `columns`
        self.numbers: list[int] = []  # the spreadsheet row number of each row kept
        self.columns: list[list[Any]] = [[] for _ in fields]  # per field, its cell in each row kept
        # (row number, field, cell reference, error text) of error cells in the known columns
        self.errors: list[tuple[int, str, str, str]] = []

    @property
    def rows(self) -> list[tuple[int, tuple[Any, ...]]]:
        """(row number, values in the order of `fields`) of each row kept."""
        values = zip(*self.columns) if self.columns else itertools.repeat(())
        return list(zip(self.numbers, values))


def too_many_rows(name: str, rows: int | str) -> str:
    return (
        f"{name} has {rows} rows; an import reads at most {MAX_ROWS:,}. Import one programme's students or one "
        "course's results at a time (filter the list in Excel and save the filtered rows)."
    )


def _reach_scanned(name: str, sheet: str, rows: tuple[int, str], seen: SheetScan) -> None:
    """`_reach` for the streamed scan's running corner."""
    _reach(name, sheet, seen.last_row, seen.last_column, rows)


def _reach(name: str, sheet: str, last_row: int, last_column: int, rows: tuple[int, str] = (MAX_ROWS, "")) -> None:
    """Refuse a sheet whose used area is past the limits, naming its last cell. `rows`: the most rows,
    and what to say past them instead (an app's own workbook, app_workbook.read_app_workbook)."""
    corner = f"{column_letter(last_column)}{last_row + 1}"
    advice = (
        "Delete the rows and columns beyond the list (in Excel, Ctrl+End shows the last cell in use) and save it again."
    )
    if last_row + 1 > rows[0]:
        raise Refused(
            rows[1]
            or f"The sheet '{sheet}' of {name} reaches row {last_row + 1:,} (cell {corner}); an import reads "
            f"at most {MAX_ROWS:,} rows. {advice}"
        )
    if last_column + 1 > MAX_COLUMNS:
        raise Refused(
            f"The sheet '{sheet}' of {name} reaches column {column_letter(last_column)} (cell {corner}); "
            f"an import reads at most {MAX_COLUMNS:,} columns. {advice}"
        )
    if (last_row + 1) * (last_column + 1) > MAX_CELLS:
        raise Refused(
            rows[1]
            or f"The sheet '{sheet}' of {name} spans {last_row + 1:,} rows by {last_column + 1:,} columns "
            f"(to cell {corner}); an import reads at most {MAX_CELLS:,} cells. Delete the columns the "
            "import does not need, or split the list."
        )


# -- the .xlsx scan -----------------------------------------------------------------------------

# Namespaces as expat reports them with namespace_separator=" ": "uri name".
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
# Elements may carry a namespace prefix (<x:c>, as the .NET Open XML SDK writes them).
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_COLUMN = re.compile(rb"<" + _P + rb'c\b[^>]*?\br="([A-Z]{1,3})[0-9]')
_DIGITS = re.compile(rb"[0-9]{1,9}")
_ROW_NUMBER = re.compile(rb"<" + _P + rb'row\b[^>]*?\br="([0-9]{1,9})"')
_CELL_ROW = re.compile(rb"<" + _P + rb'c\b[^>]*?\br="[A-Z]{1,3}([0-9]{1,9})"')
_ERROR_CELL = re.compile(rb"<(" + _P + rb')c\b([^>]*?\bt="e"[^>]*)>(.*?)</\1c>', re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,9})"')
_VALUE = re.compile(rb"<" + _P + rb"v>([^<]{1,64})</")
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


class SheetScan:
    def __init__(self) -> None:
        self.last_row = -1  # 0-based; -1: no cells
        self.last_column = -1
        self.errors: dict[tuple[int, int], str] = {}  # (row, column) 0-based -> "#N/A"


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from the workbook and its relationships."""
    try:
        sheets = _elements(archive.read("xl/workbook.xml"), f"{_MAIN}sheet")
        rels = _elements(archive.read("xl/_rels/workbook.xml.rels"), _RELS)
    except (KeyError, expat.ExpatError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in sheets:
        target = targets.get(sheet.get(_REL_ID), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            )
    return parts


def _elements(xml: bytes, tag: str) -> list[dict[str, str]]:
    """The attributes of every `tag` element ("namespace name") of a small XML part, in order."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == tag:
            found.append(attributes)

    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return found


def scan_xlsx_sheet(
    archive: zipfile.ZipFile, part: str, check: Callable[[SheetScan], None] = lambda scan: None
) -> SheetScan:
    """The last row and column in use and the error cells, streamed chunk by chunk: a cell
    element cut by a chunk's end is carried into the next one. `check` runs after each chunk,
    so a sheet past the limits is refused as soon as that shows (a zip bomb is not unpacked to its end)."""
    scan = SheetScan()
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                cut = len(data)
            else:  # whole rows: a cell's tag and its value stay together
                cut = data.rfind(b"row>") + len(b"row>")  # </row> or </x:row>
                if cut < len(b"row>"):
                    cut = data.rfind(b">") + 1 or len(data)
            _scan_part(data[:cut], scan)
            check(scan)
            carry = data[cut:]
            if not chunk:
                return scan


def _widest_last_cell(data: bytes) -> bytes:
    """The widest column letters among the last cell of each row (one look per row, not per cell;
    the looks run in C: split, and rfind mapped over the rows: about half the time of a loop)."""
    rows = data.split(b"row>")  # </row> or </x:row>
    found = {
        row[at + 5 : at + 8] for row, at in zip(rows, map(bytes.rfind, rows, itertools.repeat(b'c r="'))) if at >= 0
    }
    return max((letters.rstrip(b'0123456789"') for letters in found), key=_by_width, default=b"")


def _by_width(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _scan_part(data: bytes, scan: SheetScan) -> None:
    """Rows and cells come in order (the format says so, and Excel, LibreOffice and openpyxl
    keep it): the last row tag gives the last row, each row's last cell its widest column.
    A file that breaks the order can hide a far cell from this scan, not from the child's
    memory limit. Positions written other than as the first attribute take the slower way."""
    row = data.rfind(b'row r="')
    if row >= 0:
        number = _DIGITS.match(data, row + 7)
        scan.last_row = max(scan.last_row, int(number.group()) - 1) if number else scan.last_row
    elif b"row" in data:
        rows = _ROW_NUMBER.findall(data) or _CELL_ROW.findall(data)
        if rows:
            scan.last_row = max(scan.last_row, max(map(int, rows)) - 1)
    if data.find(b'c r="') >= 0:
        widest = _widest_last_cell(data)
    elif b"<c " in data or b":c " in data:
        widest = max(set(_CELL_COLUMN.findall(data)), key=lambda c: (len(c), c), default=b"")
    else:
        widest = b""
    if widest:
        scan.last_column = max(scan.last_column, _column_number(widest))
    if b't="e"' in data:
        for _, attributes, body in _ERROR_CELL.findall(data):
            ref, value = _REF.search(attributes), _VALUE.search(body)
            if ref is not None:
                position = (int(ref.group(2)) - 1, _column_number(ref.group(1)))
                scan.errors[position] = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"


# -- reading ------------------------------------------------------------------------------------


def read_workbook(path: str, name: str) -> Sheet | Any:
    """The first sheet with data, its header found and its known columns kept; for a workbook the app
    made (an export, a mark form), the columns of every sheet it reads back (AppWorkbook). Raises Refused."""
    from python_calamine import CalamineWorkbook

    archive = _zip(path)
    parts: dict[str, str] = {}
    ods_errors: dict[str, dict[tuple[int, int], str]] = {}
    if archive is not None:
        _check_archive(archive, name)
        parts = xlsx_sheet_parts(archive)
        if not parts:
            from coordinator_app.spreadsheets.ods_scan import scan_ods_errors

            ods_errors = scan_ods_errors(archive)
    wb = CalamineWorkbook.from_path(path)
    if LEDGER in wb.sheet_names:  # the app's own export or mark form: every sheet is read
        from coordinator_app.spreadsheets import app_workbook

        try:
            return app_workbook.read_app_workbook(
                lambda sheet, rows: checked_sheet(wb, archive, parts, ods_errors, name, sheet, rows),
                wb.sheet_names,
                name,
            )
        except app_workbook.NotAppWorkbook:
            pass  # another program's sheet of that name: read as any workbook
    for sheet_name in wb.sheet_names:
        checked = checked_sheet(wb, archive, parts, ods_errors, name, sheet_name)
        if checked is None:
            continue
        found = _known_columns(checked[0], sheet_name, checked[1])
        if found is not None:
            return found
    first = wb.sheet_names[0] if wb.sheet_names else "(none)"
    raise Refused(f"{name} is empty: the sheet '{first}' has no rows.")


def checked_sheet(
    wb: Any,
    archive: zipfile.ZipFile | None,
    parts: dict[str, str],
    ods_errors: dict[str, dict[tuple[int, int], str]],
    name: str,
    sheet_name: str,
    rows: tuple[int, str] = (MAX_ROWS, ""),
) -> tuple[Any, dict[tuple[int, int], str]] | None:
    """A sheet within the limits (refused by name, before calamine loads it, when its XML reaches past
    them) and its error cells; None for an empty sheet. `rows`: as `_reach`."""
    scan = None
    part = parts.get(sheet_name)
    if archive is not None and part is not None and part in archive.namelist():
        # No cell found is no proof of an empty sheet (cells without positions): calamine decides.
        scan = scan_xlsx_sheet(archive, part, partial(_reach_scanned, name, sheet_name, rows))
    sheet = wb.get_sheet_by_name(sheet_name)
    if sheet.start is None or sheet.end is None:
        return None
    _reach(name, sheet_name, sheet.end[0], sheet.end[1], rows)
    return sheet, scan.errors if scan else ods_errors.get(sheet_name, {})


def _zip(path: str) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(path) if zipfile.is_zipfile(path) else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # calamine says what is wrong with it


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """A zip bomb (a small file that unpacks to hundreds of MB) and a password-protected .ods
    (its parts are encrypted; calamine only says the XML is broken)."""
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(
            f"{name} unpacks to {unpacked / 2**20:,.0f} MB; an import reads workbooks that unpack to at "
            f"most {MAX_UNPACKED_BYTES // 2**20} MB. A student or results list is far smaller: save the list "
            "itself as a new .xlsx or .csv file and import that."
        )
    try:
        manifest = archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return
    if manifest.file_size < 2**20 and b"encryption-data" in archive.read(manifest):
        raise Refused(f"{name} is password protected (encrypted). {REMOVE_CALC_PASSWORD}")


def _known_columns(sheet: Any, sheet_name: str, errors: dict[tuple[int, int], str]) -> Sheet | None:
    """The header and, below it, the known columns of every non-empty row (None: no data at all)."""
    first_column = sheet.start[1]
    rows = sheet.iter_rows()
    top: list[list[Any]] = []
    filled = 0
    for row in rows:  # the rows that may hold the header
        top.append(row)
        filled += not is_empty(row)
        if filled >= HEADER_SEARCH_ROWS:
            break
    h = header_row(top)
    if h is None:
        if errors:
            empty = Sheet(sheet_name, 1, [], [])
            empty.errors = [(r + 1, "", f"{column_letter(c)}{r + 1}", text) for (r, c), text in sorted(errors.items())]
            return empty
        return None
    index, _, _ = map_columns(top[h])
    fields = list(index)
    positions = [index[f] for f in fields]
    width = max(positions, default=-1) + 1
    result = Sheet(sheet_name, h + 1, list(top[h]), fields)
    by_column = {first_column + p: f for f, p in index.items()}
    for (r, c), text in sorted(errors.items()):
        if r > h and c in by_column:
            result.errors.append((r + 1, by_column[c], f"{column_letter(c)}{r + 1}", text))
    marked = {r for r, _, _, _ in result.errors}
    pick = operator.itemgetter(*positions) if len(positions) > 1 else (lambda row: tuple(row[p] for p in positions))
    picked: list[tuple[Any, ...]] = []
    append, keep = picked.append, result.numbers.append
    n = h + 1
    for row in itertools.chain(top[h + 1 :], rows):  # one row at a time: never the whole sheet as Python lists
        n += 1
        if row.count("") + row.count(None) == len(row) and n not in marked:  # is_empty, without the call
            continue
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        keep(n)
        append(pick(row))
    if picked and positions:
        result.columns = [_shared(column) for column in zip(*picked)]
    return result


def _shared(column: tuple[Any, ...]) -> list[Any]:
    """The column with each repeated value as one object, so the pickle writes it once and
    refers to it after that (a date or a grade down 10,000 rows). Keyed by type as well:
    1.0, 1 and True are equal, but a cell keeps its own."""
    if len(set(column[:64])) > 48:  # a column of distinct values (student numbers): nothing to share
        return list(column)
    seen: dict[tuple[type, Any], Any] = {}
    same = seen.setdefault
    return [same((value.__class__, value), value) for value in column]


# -- warming up the reading server -------------------------------------------------------------------


def warm_up() -> None:
    """Read a two-row workbook made here, in memory, the way a coordinator's file is read. A process's
    first read sets up what python-calamine, zipfile and this module then keep; each child forked by
    the reading server did that again (~2.5 ms of a 1,000-row file's ~9 ms). The server does this
    once at its start, so its children inherit it; a file it is given it still never opens."""
    import io

    from python_calamine import CalamineWorkbook

    data = io.BytesIO(_warm_up_file())
    archive = zipfile.ZipFile(data)
    _check_archive(archive, "warm-up")
    scan = scan_xlsx_sheet(archive, xlsx_sheet_parts(archive)["Cijfers"])
    data.seek(0)
    sheet = CalamineWorkbook.from_filelike(data).get_sheet_by_name("Cijfers")
    read = _known_columns(sheet, "Cijfers", scan.errors)
    if read is None or [[str(cell) for cell in column] for column in read.columns] != [
        ["2600001"],
        ["7.5"],
        ["2025-09-30"],
    ]:
        raise ValueError("the reading server's warm-up read a different workbook")
    pickle.dumps((_OK, read), protocol=pickle.HIGHEST_PROTOCOL)


@cache
def _warm_up_file() -> bytes:
    """The warm-up workbook as a file's bytes, zipped once: the reading server's children, which each
    warm up again (spreadsheets/workbook_server.py), inherit them."""
    import io

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as made:
        for part, xml in WARM_UP_PARTS.items():
            made.writestr(part, xml)
    return data.getvalue()


# -- the child process ----------------------------------------------------------------------------


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimit; the parent's checks and time limit still apply
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = CHILD_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(CHILD_MEMORY_BYTES, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):  # macOS does not enforce RLIMIT_AS: the time limit still applies
        pass


def answer_for(path: str, name: str) -> bytes:
    """The child's answer about one workbook, pickled."""
    _limit_memory()
    # The rows read make many small objects and no cycles: the cycle collector's passes over them
    # were wasted work (~5 % of the child), and the process ends right after answering.
    gc.disable()
    try:
        answer: tuple[str, Any] = (_OK, read_workbook(path, name))
    except Refused as exc:
        answer = (_REFUSED, str(exc))
    except MemoryError:
        answer = (_REFUSED, "")
    except Exception as exc:
        answer = (_UNREADABLE, f"{type(exc).__name__}: {exc}"[:300])
    return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
