"""Upload sheets for the student information system: one course's results, in its columns.

Student number, grade, exam date and attempt, one row per graded attempt. The grade is written as
text with the decimal mark the SIS import is set to ("7,5" or "7.5", No Show as NS), because a
number's decimal mark in a workbook follows the computer it is opened on. As .csv (`;`-separated
UTF-8 with a byte-order mark, dates dd-mm-yyyy: spreadsheets/csv_out.py) or .xlsx (dates as dates).
The same columns read back through the results import (`import --course CODE`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import NO_SHOW, Grade, format_mark
from coordinator_app.durable import replace_durably
from coordinator_app.services.sis_results import course_results
from coordinator_app.services.workspace import Workspace

HEADER = ("Student number", "Grade", "Exam date", "Attempt")
DECIMALS = {"comma": ",", "point": "."}


def grade_text(grade: Grade, decimal: str) -> str:
    """A grade as the upload sheet writes it: one decimal (the app's rounding), with the chosen mark."""
    if grade.no_show:
        return NO_SHOW
    return format_mark(grade.value).replace(".", DECIMALS[decimal])


def default_results_name(course_code: str, suffix: str = ".csv") -> str:
    return f"{course_code} results for the SIS{suffix}"


def write_results_sheet(
    ws: Workspace,
    course: str,
    target: Path,
    *,
    decimal: str = "comma",
    programme: str | None = None,
    cohort: int | None = None,
) -> tuple[Path, int]:
    """Write one course's results to `target` (.csv or .xlsx); returns the path and the number of rows."""
    if decimal not in DECIMALS:
        raise DomainError(f"The decimal mark is 'comma' or 'point', not '{decimal}'.", "decimal")
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DomainError(f"An upload sheet is a .csv or .xlsx file, not {target.name}.", "target")
    if not target.parent.is_dir():
        raise DomainError(f"The folder {target.parent} does not exist.", "target")
    results = course_results(ws, course, programme, cohort)
    if not results.rows:
        raise DomainError(f"{results.code} {results.name} has no results yet; nothing to upload.", "course")
    rows = [(number, grade_text(grade, decimal), when, attempt) for number, grade, when, attempt in results.rows]
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f"{suffix}.part", dir=target.parent)
    temporary = Path(name)
    try:
        if suffix == ".csv":
            from coordinator_app.spreadsheets.csv_out import write_csv

            with os.fdopen(fd, "wb") as out:
                write_csv(out, HEADER, rows)
        else:
            os.close(fd)
            _xlsx(temporary, rows)
        replace_durably(temporary, target)
    except OSError as exc:
        raise DomainError(
            f"Could not write {target}: {exc.strerror or exc}. Nothing was saved there.", "target"
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target, len(rows)


def _xlsx(path: Path, rows: list[tuple[Any, ...]]) -> None:
    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import Column, SheetWriter

    wb = Workbook(write_only=True)
    sheet = SheetWriter(
        wb,
        "Results",
        [
            Column("Student number", width=14),
            Column("Grade", width=8),
            Column("Exam date", "date"),
            Column("Attempt", "int"),
        ],
        frozen_columns=1,
    )
    for row in rows:
        sheet.append(row)
    sheet.finish()
    wb.save(path)
