"""A coordinator's afternoon in an exported workbook, for the round-trip tests (services, CLI, window).

`edit_like_a_coordinator` opens the export with openpyxl and changes 50 cells as a coordinator would:
grades of the resits waiting and corrections of others, exam dates, received dates and notes, an
approval with its date, internship marks, hosts and part-time, the Literature Study, one grade
the rules refuse (11) and one host that is also changed in the app meanwhile (a conflict). It
returns what it changed, cell by cell, so a test can check the review and the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

KEYS = {
    "Courses": ("Student number", "Course code", "Attempt"),
    "Internships": ("Student number", "Internship"),
    "Portfolio": ("Student number", "Component", "Item"),
    "Literature Study": ("Student number",),
}
READ_BACK = {
    "Courses": ("Exam date", "Grade"),
    "Internships": (
        "Host",
        "Department",
        "Topic",
        "UMC",
        "Country",
        "Travel advice",
        "International Office notified",
        "Approval",
        "Approval date",
        "Start",
        "Part-time %",
        "Daily supervisor",
        "Second supervisor",
        "Assessor",
        "Assessor rank",
        "Assessor location",
        "Practical work",
        "Report (supervisor)",
        "Report (assessor)",
        "Presentation",
        "Marks registered on",
    ),
    "Portfolio": ("Received", "Note"),
    "Literature Study": (
        "Subject",
        "Supervisor",
        "Assessor",
        "Assessor rank",
        "Approval",
        "Approval date",
        "Start",
        "Survey outline",
        "Report (supervisor)",
        "Report (assessor)",
        "Presentation",
        "Marks registered on",
    ),
}


@dataclass
class Edited:
    """What was changed: (sheet, row, column) -> (key, old value, new value)."""

    path: Path
    cells: dict[tuple[str, int, str], tuple[tuple[Any, ...], Any, Any]] = field(default_factory=dict)
    illegal: tuple[str, int, str] | None = None
    conflict: tuple[str, int, str] | None = None
    conflict_student: str = ""  # student number whose host the app changes meanwhile


def _plain(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def editable_cells(path: Path) -> dict[tuple[str, tuple[Any, ...], str], Any]:
    """Every read-back cell of a workbook by (sheet, key, column): what the round trip compares."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for sheet, keys in KEYS.items():
        ws = wb[sheet]
        ws.reset_dimensions()  # a streamed workbook's stated size is not to be trusted
        rows = ws.iter_rows(values_only=True)
        header = list(next(rows))
        for row in rows:
            record = dict(zip(header, [*row, *[None] * (len(header) - len(row))]))
            key = tuple(str(record[k]) for k in keys)
            for column in READ_BACK[sheet]:
                out[(sheet, key, column)] = _plain(record[column])
    wb.close()
    return out


def edit_like_a_coordinator(source: Path, target: Path, today: date) -> Edited:
    wb = openpyxl.load_workbook(source)
    edited = Edited(target)
    used: set[tuple[str, int]] = set()

    def rows(sheet: str, want: Callable[[dict[str, Any]], bool], n: int) -> list[tuple[int, dict[str, Any]]]:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        found = []
        for r in range(2, ws.max_row + 1):
            record = dict(zip(header, (ws.cell(r, c).value for c in range(1, len(header) + 1))))
            if (sheet, r) not in used and want(record):
                found.append((r, record))
                used.add((sheet, r))
                if len(found) == n:
                    return found
        raise AssertionError(f"the demo has fewer than {n} such rows on {sheet}")

    def put(sheet: str, r: int, record: dict[str, Any], column: str, value: Any) -> tuple[str, int, str]:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        ws.cell(r, header.index(column) + 1).value = value
        key = tuple(str(record[k]) for k in KEYS[sheet])
        edited.cells[(sheet, r, column)] = (key, _plain(record[column]), value)
        return (sheet, r, column)

    def passing(record: dict[str, Any]) -> bool:
        grade = record["Grade"]
        return isinstance(grade, float) and 6.0 <= grade <= 9.0

    # The resits waiting for their grade, taken early: the date they were taken with it (a result
    # for an exam after today is refused, and the demo's resits are in January).
    for r, rec in rows("Courses", lambda rec: rec["Grade"] is None, 4):
        put("Courses", r, rec, "Grade", 7.0)
        put("Courses", r, rec, "Exam date", today)

    def correctable(record: dict[str, Any]) -> bool:
        return passing(record) and record["Grade"] not in (7.5, 8.0)

    for n, (r, rec) in enumerate(rows("Courses", correctable, 8)):  # corrections, as typed: 7,5 and 8
        put("Courses", r, rec, "Grade", "7,5" if n % 2 else 8)
    for r, rec in rows("Courses", lambda rec: passing(rec) and rec["Exam date"] is not None, 6):
        put("Courses", r, rec, "Exam date", _plain(rec["Exam date"]) + timedelta(days=1))
    r, rec = rows("Courses", passing, 1)[0]
    edited.illegal = put("Courses", r, rec, "Grade", 11)

    def open_item(record: dict[str, Any]) -> bool:
        due = _plain(record["Due"])
        return record["Received"] is None and due is not None and due <= today

    for r, rec in rows("Portfolio", open_item, 12):
        put("Portfolio", r, rec, "Received", min(_plain(rec["Due"]) + timedelta(days=3), today))
    for r, rec in rows("Portfolio", lambda rec: not rec["Note"], 2):
        put("Portfolio", r, rec, "Note", "Handed in on paper")

    r, rec = rows("Internships", lambda rec: rec["Approval"] == "requested", 1)[0]
    put("Internships", r, rec, "Approval", "approved")
    put("Internships", r, rec, "Approval date", today - timedelta(days=3))
    for n, (r, rec) in enumerate(rows("Internships", lambda rec: rec["Practical work"] is None, 4)):
        put("Internships", r, rec, "Practical work", 7.5 + n * 0.5)
    for r, rec in rows("Internships", lambda rec: bool(rec["Host"]), 2):
        put("Internships", r, rec, "Host", "Princess Máxima Center")
    r, rec = rows("Internships", lambda rec: rec["Part-time %"] == 100, 1)[0]
    put("Internships", r, rec, "Part-time %", 80)
    r, rec = rows("Internships", lambda rec: bool(rec["Host"]), 1)[0]
    edited.conflict = put("Internships", r, rec, "Host", "Sanquin Research")
    edited.conflict_student = str(rec["Student number"])

    for r, rec in rows("Literature Study", lambda rec: rec["Presentation"] not in (None, 8.5), 2):
        put("Literature Study", r, rec, "Presentation", 8.5)
    r, rec = rows("Literature Study", lambda rec: True, 1)[0]
    put("Literature Study", r, rec, "Supervisor", "dr. M. de Wit")
    assert len(edited.cells) == 50
    wb.save(target)
    return edited
