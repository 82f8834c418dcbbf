"""A supervisor's mark form: one internship or Literature Study, pre-filled, to send and import back.

The form (one sheet, "Mark form") names the student, the host and the assessors, and lists the
marked parts with their weights; only the mark cells can be typed in (the sheet is protected, the
other cells locked), and each mark cell takes a number from 1.0 to 10.0 with one decimal (data
validation: Excel and LibreOffice refuse anything else as it is typed). A line works out the final
mark as the app will. The ledger (spreadsheets/round_trip.py) remembers who and what the form is
for, the locked cells and the marks as sent.

When it comes back, the form is imported into exactly the record it was made for, through the
same review as a cohort workbook. A form for another student or another part than the one the
coordinator imports it for, and a form whose locked cells were changed, are refused by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coordinator_app.domain.grades import format_mark
from coordinator_app.durable import replace_durably
from coordinator_app.services.imports.workbook import Edit, Place
from coordinator_app.services.mark_forms import MarkForm, mark_form, part_name, student_label
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.app_workbook import LEDGER, WHOLE, AppWorkbook
from coordinator_app.spreadsheets.cells import GRADE_FORMAT, HEADER_FILL, HEADER_FONT, CellValue, put_text
from coordinator_app.spreadsheets.columns import column_letter
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.round_trip import Ledger, LedgerRead, decode_value, encode_value, same_cell

SHEET = "Mark form"
FIRST_MARK_ROW = 12


def default_form_name(form: MarkForm) -> str:
    return f"Mark form {form.title} {form.student_number} {form.student}.xlsx"


def write_mark_form(ws: Workspace, student_id: int, part: str, target: Path) -> Path:
    """Write the form of one student's `part` ("minor", "major", "literature") to `target`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    form = mark_form(ws, student_id, part)
    target = Path(target)
    wb = Workbook()
    sheet = wb.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = SHEET
    ledger = Ledger(
        wb,
        "mark form",
        {"student_id": form.student_id, "student_number": form.student_number, "part": form.part},
    )
    ledger.sheet.append([WHOLE, SHEET])
    locked: list[tuple[str, str, CellValue]] = []

    def fixed(ref: str, label: str, value: CellValue) -> None:
        if isinstance(value, str):
            put_text(sheet[ref], value)
        else:
            sheet[ref].value = value
        locked.append((ref, label, value))

    sheet["A1"] = f"Assessment: {form.title}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:D1")
    rows = [
        ("Student number", form.student_number),
        ("Student", form.student),
        ("Programme", form.programme),
        ("Part", form.title),
        *form.details,
    ]
    for n, (label, value) in enumerate(rows, 3):
        sheet[f"A{n}"] = label
        sheet[f"A{n}"].font = HEADER_FONT
        fixed(f"B{n}", label, value or "")
    header = FIRST_MARK_ROW - 1
    for col, text in zip("ABCD", ("Part", "Weight", "Mark (1.0-10.0)", "Marked by")):
        cell = sheet[f"{col}{header}"]
        cell.value, cell.font, cell.fill = text, HEADER_FONT, HEADER_FILL
    check = DataValidation(
        type="custom",
        formula1=f"AND(ISNUMBER(C{FIRST_MARK_ROW}),C{FIRST_MARK_ROW}>={form.lowest:g},"
        f"C{FIRST_MARK_ROW}<={form.highest:g},ROUND(C{FIRST_MARK_ROW},1)=C{FIRST_MARK_ROW})",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a mark",
        error=f"A mark is a number from {format_mark(form.lowest)} to {format_mark(form.highest)} with at most one decimal, like 7.5.",
        showInputMessage=True,
        promptTitle="Mark",
        prompt=f"{format_mark(form.lowest)} to {format_mark(form.highest)}, one decimal",
    )
    sheet.add_data_validation(check)
    terms = []
    for n, marked in enumerate(form.marks, FIRST_MARK_ROW):
        put_text(sheet[f"A{n}"], marked.name)
        fixed(f"B{n}", f"weight of {marked.name}", marked.weight)
        sheet[f"B{n}"].number_format = "0%"
        mark = sheet[f"C{n}"]
        mark.value = marked.mark
        mark.number_format = GRADE_FORMAT
        mark.protection = Protection(locked=False)
        check.add(mark.coordinate)
        sheet[f"D{n}"] = marked.who
        ledger.sheet.append(
            [
                "mark",
                f"C{n}",
                marked.name,
                form.record_part,
                json.dumps(list(form.key)),
                marked.field,
                json.dumps(encode_value(marked.mark)),
            ]
        )
        terms.append(f"B{n}*C{n}")
    last = FIRST_MARK_ROW + len(form.marks) - 1
    total = last + 2
    sheet[f"A{total}"] = "Final mark"
    sheet[f"A{total}"].font = HEADER_FONT
    marks = f"C{FIRST_MARK_ROW}:C{last}"
    sheet[f"C{total}"] = f'=IF(COUNT({marks})={len(form.marks)},ROUND({"+".join(terms)},1),"")'
    sheet[f"C{total}"].number_format = GRADE_FORMAT
    sheet[f"A{total + 2}"] = (
        f"Type each mark from {format_mark(form.lowest)} to {format_mark(form.highest)} with at most one decimal in column C; the "
        f"other cells are locked. The written report's mark is the mean of both report marks; a final mark of "
        f"{format_mark(form.pass_mark)} or more is a pass. Return this file as it is: the coordinator imports it into "
        f"{form.student}'s record."
    )
    sheet[f"A{total + 2}"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(f"A{total + 2}:D{total + 2}")
    sheet.row_dimensions[total + 2].height = 75
    for col, width in zip("ABCD", (34, 40, 16, 24)):
        sheet.column_dimensions[col].width = width
    for ref, label, held in locked:
        ledger.sheet.append(["locked", ref, label, json.dumps(encode_value(held))])
    sheet.protection.sheet = True  # no password: the locks stop slips; the ledger notices the rest
    wb.active = 0
    temporary = target.with_name(f".{target.name}.part")
    try:
        wb.save(temporary)
        replace_durably(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        from coordinator_app.spreadsheets.export import ExportError

        raise ExportError(f"Could not write {target}: {exc.strerror or exc}.", "target") from exc
    return target


def form_edits(
    ws: Workspace, name: str, book: AppWorkbook, ledger: LedgerRead, expect: tuple[int, str] | None
) -> tuple[list[Edit], list[tuple[Place, str]]]:
    """The marks of a returned form as the review takes them. Refuses (ImportFileError) a form for
    another student or part than `expect` (student id, part), or one whose locked cells were changed."""
    about = ledger.about
    sid, part = int(about["student_id"]), str(about["part"])
    number = str(about["student_number"])
    try:
        found_number, student = student_label(ws, sid)
    except Exception as exc:
        raise ImportFileError(f"{name} is the mark form of student {number}, who is not in this database.") from exc
    if found_number != number:
        raise ImportFileError(f"{name} is the mark form of student {number}, who is not in this database.")
    if expect is not None and (expect[0], expect[1]) != (sid, part):
        expected_number, expected = student_label(ws, expect[0])
        where = f"Import it for the {part_name(part)}." if expect[0] == sid else f"Import it from {student}'s record."
        raise ImportFileError(
            f"{name} is the mark form for the {part_name(part)} of {number} {student}, not for the "
            f"{part_name(expect[1])} of {expected_number} {expected}. {where}"
        )
    grid = _grid(book)
    changed = []
    for row in ledger.cells:
        if row[0] == "locked":
            sent = decode_value(json.loads(row[3]))
            if not same_cell(sent, grid.get(row[1])):
                changed.append(f"{row[1]} ({row[2]}: {_said(sent)} -> {_said(grid.get(row[1]))})")
    if changed:
        raise ImportFileError(
            f"{name}: locked cells of the form were changed: {'; '.join(changed)}. The marks are not taken from a "
            "changed form: send the supervisor a new form (it is made for one student and one part)."
        )
    edits = []
    for row in ledger.cells:
        if row[0] == "mark":
            ref = str(row[1])
            place = Place(SHEET, int("".join(ch for ch in ref if ch.isdigit())), str(row[2]), ref)
            edits.append(
                Edit(
                    place,
                    str(row[3]),
                    tuple(json.loads(row[4])),
                    str(row[5]),
                    decode_value(json.loads(row[6])),
                    grid.get(ref),
                )
            )
    return edits, []


def _said(value: object) -> str:
    return "(empty)" if value in (None, "") else str(value)


def _grid(book: AppWorkbook) -> dict[str, Any]:
    data = book.sheets.get(SHEET)
    if data is None:
        raise ImportFileError(f"The sheet '{SHEET}' is missing: this is not the form as it was sent.")
    grid = {}
    for n, values in data.rows:
        first, *cells = values
        for i, value in enumerate(cells):
            if value not in (None, ""):
                grid[f"{column_letter(first + i)}{n}"] = value
    return grid


__all__ = ["LEDGER", "default_form_name", "form_edits", "write_mark_form"]
