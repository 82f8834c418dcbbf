"""Read student lists and exam results from .xlsx, .xls, .ods (python-calamine) and .csv.

`preview_import` reads the file, finds its columns by their English or Dutch names and has
services/imports.py check every row: nothing is written. `apply_import` then writes all
accepted rows in one transaction: the rows as the preview checked them, checked again only
when the database changed in between. A file that cannot be used at all (not a spreadsheet,
password protected, empty, missing required columns) raises ImportFileError with one
message a coordinator can act on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coordinator_app.services.imports import (
    ImportPlan,
    ImportResult,
    PlannedRow,
    Rejection,
    apply_plan,
    plan_results,
    plan_students,
)
from coordinator_app.services.imports.workbook import Applied, apply_review
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.columns import ALIASES
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.reading import Table, open_table
from coordinator_app.spreadsheets.returned import WorkbookPreview, preview_app_workbook

__all__ = [
    "ALIASES",
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "PlannedRow",
    "Rejection",
    "WorkbookPreview",
    "apply_import",
    "open_table",
    "preview_import",
]

REQUIRED = {"students": ("student_number", "first_name", "last_name"), "results": ("student_number", "grade")}
LABELS = {
    "student_number": "Student number (Studentnummer)",
    "first_name": "First name (Voornaam)",
    "last_name": "Surname (Achternaam)",
    "grade": "Grade (Cijfer)",
    "course": "Course (Vak)",
}


@dataclass
class ImportPreview:
    """What importing `path` would do. `plan` holds the checked rows for apply_import."""

    path: Path
    kind: str
    sheet: str
    columns: dict[str, str]  # field -> the file's header
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


def preview_import(
    ws: Workspace,
    path: Path,
    kind: str | None = None,
    *,
    programme: str | None = None,
    cohort: int | None = None,
    course: str | None = None,
    form_for: tuple[int, str] | None = None,
) -> ImportPreview | WorkbookPreview:
    """Check the file and every row; nothing is written. `programme`, `cohort` and `course`
    fill in what the file leaves out (a results list for one course often has no course column).
    `form_for` (student id, "minor" | "major" | "literature"): a mark form must be this record's."""
    with _no_collector_pauses():
        return _preview(ws, Path(path), kind, programme, cohort, course, form_for)


def _preview(
    ws: Workspace,
    path: Path,
    kind: str | None,
    programme: str | None,
    cohort: int | None,
    course: str | None,
    form_for: tuple[int, str] | None = None,
) -> ImportPreview | WorkbookPreview:
    if kind is not None and kind not in REQUIRED:
        raise ImportFileError(f"An import is of 'students' or 'results', not '{kind}'.", "kind")
    table: Table = open_table(path)
    if table.workbook is not None:  # the app's own export or mark form, back with changes
        return preview_app_workbook(ws, path, table.workbook, form_for)
    index, names = table.index, table.names
    kind = kind or detect_kind(set(index))
    if kind is None:
        raise ImportFileError(
            f"{path.name}: cannot tell whether this is a student list or exam results. The first row should name "
            "the columns, like Student number, First name, Surname (a student list) or Student number, Grade "
            "(results).",
            "file",
        )
    required = list(REQUIRED[kind]) + (["course"] if kind == "results" and not course else [])
    missing = [f for f in required if f not in index]
    if missing:
        extra = " (or choose the course for the whole file)" if "course" in missing else ""
        raise ImportFileError(
            f"{path.name} misses the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(LABELS.get(f, f) for f in missing)}{extra}. Columns found: {table.columns_found()}.",
            "file",
        )
    # A CSV's rows are read only now that its header is known to be usable. Results are checked
    # column by column (a grade or a date is the same cell down the column).
    no_rows = ImportFileError(f"{path.name} has column names but no rows below them.", "file")
    if kind == "students":
        rows = table.rows()
        if not rows:
            raise no_rows
        plan = plan_students(ws, rows, names, path.name, programme=programme, cohort=cohort)
    else:
        columns = table.columns()
        if not len(columns):
            raise no_rows
        plan = plan_results(ws, columns, names, path.name, programme=programme, course=course)
    return ImportPreview(path, kind, table.sheet, names, plan, table.ignored)


def apply_import(
    ws: Workspace, preview: ImportPreview | WorkbookPreview, *, skip_rejected: bool = False
) -> ImportResult | Applied:
    """Write the accepted rows in one transaction. Refuses (ImportRefused) while rows are
    rejected unless `skip_rejected` is True: then only the accepted rows are written. A workbook
    the app made: its reviewed changes (services/imports/workbook.py apply_review)."""
    if isinstance(preview, WorkbookPreview):
        return apply_review(ws, preview.review, skip_rejected=skip_rejected)
    with _no_collector_pauses():
        return apply_plan(ws, preview.plan, skip_rejected=skip_rejected)
