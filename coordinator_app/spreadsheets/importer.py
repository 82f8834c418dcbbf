"""Read student lists and exam results from .xlsx, .xls, .ods (python-calamine) and .csv.

`preview_import` reads the file, finds its columns by their English or Dutch names and has
services/imports.py check every row: nothing is written. `apply_import` then writes all
accepted rows in one transaction: the rows as the preview checked them, checked again only
when the database changed in between. A file that cannot be used at all (not a spreadsheet,
password protected, empty, missing required columns) raises ImportFileError with one
message a coordinator can act on.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.imports import (
    ImportPlan, ImportResult, PlannedRow, Rejection, apply_plan, plan_results, plan_students,
)
from coordinator_app.services.workspace import Workspace

__all__ = ["ImportFileError", "ImportPreview", "ImportResult", "PlannedRow", "Rejection", "apply_import",
           "preview_import", "read_table"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# An encrypted .xlsx is an OLE2 container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

# Column names as student information systems and course coordinators write them, compared
# after lower-casing and dropping everything but letters and digits ("E-mail" -> "email").
ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": ("studentnumber", "studentnummer", "studentnr", "studentno", "studentid", "snumber",
                       "snummer", "number", "nummer", "student"),
    "first_name": ("firstname", "voornaam", "givenname", "roepnaam", "forename", "voornamen"),
    "infix": ("infix", "tussenvoegsel", "tussenvoegsels", "prefix"),
    "last_name": ("surname", "lastname", "achternaam", "familyname", "familienaam", "naam"),
    "email": ("email", "emailaddress", "emailadres", "mail", "mailadres"),
    "programme": ("programme", "program", "opleiding", "programma", "masterprogramme"),
    "cohort": ("cohort", "cohortyear", "startyear", "startjaar", "cohortjaar", "jaar", "year"),
    "specialization": ("specialization", "specialisation", "specialisatie", "track", "richting"),
    "grade": ("grade", "cijfer", "result", "resultaat", "mark", "eindcijfer", "finalgrade"),
    "exam_date": ("examdate", "toetsdatum", "examendatum", "date", "datum", "testdate", "tentamendatum"),
    "attempt": ("attempt", "poging", "gelegenheid", "kans", "attemptnumber", "pogingnummer"),
    "course": ("course", "coursecode", "vak", "vakcode", "cursus", "cursuscode", "coursename", "module"),
}
REQUIRED = {"students": ("student_number", "first_name", "last_name"), "results": ("student_number", "grade")}
LABELS = {"student_number": "Student number (Studentnummer)", "first_name": "First name (Voornaam)",
          "last_name": "Surname (Achternaam)", "grade": "Grade (Cijfer)", "course": "Course (Vak)"}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was read into the database."""


@dataclass
class ImportPreview:
    """What importing `path` would do. `plan` holds the checked rows for apply_import."""

    path: Path
    kind: str
    sheet: str
    columns: dict[str, str]                 # field -> the file's header
    plan: ImportPlan
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def new(self) -> list[PlannedRow]:
        return self.plan.new

    @property
    def updated(self) -> list[PlannedRow]:
        return self.plan.updated

    @property
    def unchanged(self) -> list[PlannedRow]:
        return self.plan.unchanged

    @property
    def rejected(self) -> list[Rejection]:
        return self.plan.rejected

    def summary(self) -> str:
        return f"{self.path.name} ({self.kind}): {self.plan.summary()}"


def _normalise(header: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(header or "").casefold())


_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def _sniff_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(1 << 16)
    except FileNotFoundError as exc:
        raise ImportFileError(f"There is no file {path}.", "file") from exc
    except IsADirectoryError as exc:
        raise ImportFileError(f"{path} is a folder, not a file.", "file") from exc


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) as written by modern tools, else Windows-1252 (older Excel)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> tuple[str, list[list[Any]]]:
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise ImportFileError(f"{path.name} is not a text (CSV) file. Save the list as .xlsx or .csv.", "file")
    sample = text[:8192]
    first = sample.splitlines()[0] if sample.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = max(";,\t", key=first.count)
    # The header line decides when the sniffer is unsure (a name with a comma in it).
    if first.count(delimiter) == 0 and (first.count(";") or first.count(",")):
        delimiter = ";" if first.count(";") >= first.count(",") else ","
    return "CSV", [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_workbook(path: Path, head: bytes) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for unreadable files
        if head.startswith(_OLE2):
            raise ImportFileError(
                f"{path.name} cannot be opened: it is password protected (encrypted) or damaged. "
                "Open it in Excel, remove the password (File > Info > Protect Workbook) and save it again.", "file") from exc
        raise ImportFileError(f"{path.name} is not a spreadsheet that can be read ({exc}). "
                              "Save it from Excel as .xlsx or .csv.", "file") from exc
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001
            raise ImportFileError(f"The sheet '{name}' of {path.name} cannot be read: {exc}.", "file") from exc
        if any(any(v not in ("", None) for v in row) for row in rows):
            return name, rows
    first = wb.sheet_names[0] if wb.sheet_names else "(none)"
    raise ImportFileError(f"{path.name} is empty: the sheet '{first}' has no rows.", "file")


def read_table(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows) of the first non-empty sheet; raises ImportFileError for a bad file."""
    path = Path(path)
    head = _sniff_bytes(path)
    if not head:
        raise ImportFileError(f"{path.name} is empty (0 bytes).", "file")
    if head.startswith(b"%PDF"):
        raise ImportFileError(f"{path.name} is a PDF document, not a spreadsheet. "
                              "Ask for the list as an Excel (.xlsx) or CSV file.", "file")
    if head.startswith(_OLE2) and any(marker in head for marker in _ENCRYPTED_MARKERS):
        raise ImportFileError(f"{path.name} is password protected (encrypted). Open it in Excel, remove the "
                              "password (File > Info > Protect Workbook) and save it again.", "file")
    suffix = path.suffix.lower()
    if head.startswith((_ZIP, _OLE2)) or suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(path, head)
    if suffix in TEXT_SUFFIXES or not suffix:
        return _read_csv(path)
    raise ImportFileError(f"{path.name} is not a spreadsheet: use .xlsx, .xls, .ods or .csv.", "file")


def _header_row(rows: list[list[Any]]) -> int:
    """The first row that names at least two known columns (a title line may come first)."""
    for n, row in enumerate(rows[:10]):
        if sum(1 for v in row if _normalise(v) in _LOOKUP) >= 2:
            return n
    return next(n for n, row in enumerate(rows) if any(v not in ("", None) for v in row))


def _columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for n, value in enumerate(header):
        field_name = _LOOKUP.get(_normalise(value))
        if field_name and field_name not in index:
            index[field_name] = n
            names[field_name] = str(value).strip()
        elif str(value).strip():
            ignored.append(str(value).strip())
    return index, names, ignored


def detect_kind(fields: set[str]) -> str | None:
    if "grade" in fields:
        return "results"
    if {"first_name", "last_name"} & fields:
        return "students"
    return None


@contextmanager
def _no_collector_pauses() -> Iterator[None]:
    """Hold Python's cycle collector while a file is checked or written. A 10,000-row file makes
    ~200,000 small objects (cells, row dictionaries, tuples) that form no cycles, and each time
    enough have piled up the collector walks every live object: in the benchmark those walks
    took longer than the checks themselves. Collection resumes (and catches up) afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def preview_import(ws: Workspace, path: Path, kind: str | None = None, *, programme: str | None = None,
                   cohort: int | None = None, course: str | None = None) -> ImportPreview:
    """Check the file and every row; nothing is written. `programme`, `cohort` and `course`
    fill in what the file leaves out (a results list for one course often has no course column)."""
    with _no_collector_pauses():
        return _preview(ws, Path(path), kind, programme, cohort, course)


def _preview(ws: Workspace, path: Path, kind: str | None, programme: str | None, cohort: int | None,
             course: str | None) -> ImportPreview:
    if kind is not None and kind not in REQUIRED:
        raise ImportFileError(f"An import is of 'students' or 'results', not '{kind}'.", "kind")
    sheet, rows = read_table(path)
    if not any(any(v not in ("", None) for v in row) for row in rows):
        raise ImportFileError(f"{path.name} is empty: there are no rows to import.", "file")
    h = _header_row(rows)
    index, names, ignored = _columns(rows[h])
    kind = kind or detect_kind(set(index))
    if kind is None:
        raise ImportFileError(
            f"{path.name}: cannot tell whether this is a student list or exam results. The first row should name "
            "the columns, like Student number, First name, Surname (a student list) or Student number, Grade "
            "(results).", "file")
    required = list(REQUIRED[kind]) + (["course"] if kind == "results" and not course else [])
    missing = [f for f in required if f not in index]
    if missing:
        found = ", ".join(str(v) for v in rows[h] if str(v).strip()) or "none"
        extra = " (or choose the course for the whole file)" if "course" in missing else ""
        raise ImportFileError(
            f"{path.name} misses the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(LABELS.get(f, f) for f in missing)}{extra}. Columns found: {found}.", "file")
    body = rows[h + 1:]
    data: list[tuple[int, dict[str, Any]]] = []
    width = len(rows[h])
    fields = list(index.items())
    for n, row in enumerate(body, start=h + 2):        # spreadsheet row numbers: the header is row h+1
        if row.count("") + row.count(None) == len(row):   # an empty line (counted in C, not per cell)
            continue
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        data.append((n, {f: row[i] for f, i in fields}))
    if not data:
        raise ImportFileError(f"{path.name} has column names but no rows below them.", "file")
    if kind == "students":
        plan = plan_students(ws, data, names, path.name, programme=programme, cohort=cohort)
    else:
        plan = plan_results(ws, data, names, path.name, programme=programme, course=course)
    return ImportPreview(path, kind, sheet, names, plan, ignored)


def apply_import(ws: Workspace, preview: ImportPreview, *, skip_rejected: bool = False) -> ImportResult:
    """Write the accepted rows in one transaction. Refuses (ImportRefused) while rows are
    rejected unless `skip_rejected` is True: then only the accepted rows are written."""
    with _no_collector_pauses():
        return apply_plan(ws, preview.plan, skip_rejected=skip_rejected)
