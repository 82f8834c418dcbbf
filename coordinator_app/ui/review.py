"""The import's review as a table: each change per student and field, old -> new, and each conflict.

A workbook the app exported (or a mark form) comes back as a review (services/imports/workbook.py):
its changes and its conflicts (changed in the app since the export and in the file: the app's value
stays) are lines here, named by sheet, row and column; what the rules refuse is in the dialog's
table of refusals. A student list or results list shows its new rows and its changed fields the
same way. Applying a workbook is one step on the window's undo stack (`push_undo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHeaderView, QTableWidget

from coordinator_app.domain.grades import NO_SHOW
from coordinator_app.ui.record.base import cell, table

if TYPE_CHECKING:
    from collections.abc import Iterator

    from coordinator_app.services.imports.workbook import Applied
    from coordinator_app.spreadsheets.importer import ImportPreview
    from coordinator_app.spreadsheets.returned import WorkbookPreview
    from coordinator_app.ui.session import WorkspaceSession

HEADERS = ["Where", "Column", "Student", "Part", "In the app", "In the file", "What happens"]
CONFLICT_COLOUR = "#fde2b0"
SHOWN = 5000  # lines in the table; the summary above it counts them all


class ReviewTable(QTableWidget):
    """The review's lines (HEADERS), conflicts shaded."""

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        made = table(HEADERS)  # the dialogs' table settings, taken over
        self.setHorizontalHeaderLabels(HEADERS)
        self.verticalHeader().hide()
        self.setEditTriggers(made.editTriggers())
        self.setSelectionBehavior(made.selectionBehavior())
        self.setSelectionMode(made.selectionMode())
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setMinimumHeight(160)
        made.deleteLater()

    def show_preview(self, preview: ImportPreview | WorkbookPreview) -> None:
        rows = list(_lines(preview))
        self.setRowCount(min(len(rows), SHOWN))
        for r, (values, conflict) in enumerate(rows[:SHOWN]):
            for c, text in enumerate(values):
                self.setItem(r, c, cell(text, background=CONFLICT_COLOUR if conflict else None))

    def lines(self) -> list[list[str]]:
        """What the table shows, row by row (tests, and a coordinator's copy)."""
        out = []
        for r in range(self.rowCount()):
            items = [self.item(r, c) for c in range(self.columnCount())]
            out.append([item.text() if item is not None else "" for item in items])
        return out


def _lines(preview: Any) -> Iterator[tuple[list[str], bool]]:  # either preview, told apart by its review
    review = getattr(preview, "review", None)
    if review is not None:
        for line in review.lines:
            if line.status == "refused":
                continue
            where = f"{line.place.sheet}, row {line.place.row}"
            if line.status == "conflict":
                what = (
                    f"Conflict: changed in the app since the export (was {line.exported or 'empty'}); "
                    "the app's value stays"
                )
            else:
                what = "Change"
            yield (
                [
                    where,
                    line.place.column,
                    f"{line.student_number} {line.student}",
                    line.what,
                    line.old,
                    line.new,
                    what,
                ],
                line.status == "conflict",
            )
        return
    columns = getattr(preview, "columns", {})
    for row in preview.new:
        yield (
            [f"row {row.row}", "", row.student_number, _new_part(row.values), "", _new_value(row.values), "New"],
            False,
        )
    for row in preview.updated:
        for name, (old, new) in row.changes.items():
            yield (
                [
                    f"row {row.row}",
                    columns.get(name, name),
                    row.student_number,
                    _new_part(row.values),
                    _text(old),
                    _text(new),
                    "Change",
                ],
                False,
            )


def _new_part(values: dict[str, Any]) -> str:
    if "course_code" in values:
        return f"{values['course_code']} attempt {values.get('attempt') or ''}".strip()
    return "student"


def _new_value(values: dict[str, Any]) -> str:
    if "course_code" in values:
        return NO_SHOW if values.get("no_show") else _text(values.get("grade"))
    return " ".join(str(values.get(k) or "") for k in ("first_name", "last_name")).strip()


def _text(value: object) -> str:
    from datetime import date

    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value)


def push_undo(session: WorkspaceSession, applied: Applied) -> None:
    """The changes an imported workbook made, as ONE step of the window's undo stack."""
    from coordinator_app.services.imports.workbook import apply_review, undo_applied
    from coordinator_app.ui.changes import Changes
    from coordinator_app.ui.undo import ServiceCommand

    ws = session.ws
    if ws is None:
        return
    review = applied.review
    session.undo_stack.push(
        ServiceCommand(
            f"Import {review.source}",
            lambda: apply_review(ws, review, skip_rejected=True),
            lambda done: lambda: undo_applied(ws, done),
            applied,
            lambda: session.notify(Changes.everything()),
            session.report_undo_failure,
        )
    )
