"""History: the audit entries for this student (when, who, what, old, new)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from PySide6.QtWidgets import QHeaderView, QVBoxLayout

from coordinator_app.services.record_view import HISTORY_LIMIT, StudentRecord
from coordinator_app.ui.record.base import RecordContext, RecordPage, cell, hint, table
from coordinator_app.ui.util import day

COLUMNS = ["When", "Who", "Action", "What", "Old", "New"]
WHEN, WHO, ACTION, WHAT, OLD, NEW = range(len(COLUMNS))
_STORED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shown_value(value: str | None) -> str:
    """An old or new value as the record shows it: a stored date (the audit keeps yyyy-mm-dd)
    as the app writes dates everywhere else, dd-mm-yyyy."""
    if not value:
        return ""
    if _STORED_DATE.match(value):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def local_time(at: datetime) -> datetime:
    """The audit stores UTC without a zone (services/workspace.py); shown in this computer's time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone()


class HistoryPage(RecordPage):
    key = "history"
    title = "History"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        self.table = table(COLUMNS)
        # When, who, action and field as wide as their text; old and new share the rest, so the
        # new value is always in view (long values are cut, whole in their tooltip).
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (OLD, NEW):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.note = hint()
        layout.addWidget(self.table)
        layout.addWidget(self.note)

    def fill(self, record: StudentRecord) -> None:
        self.table.setRowCount(len(record.history))
        for r, line in enumerate(record.history):
            self.table.setItem(r, 0, cell(f"{local_time(line.at):%d-%m-%Y %H:%M}"))
            self.table.setItem(r, 1, cell(line.user))
            self.table.setItem(r, 2, cell(line.action))
            self.table.setItem(r, WHAT, cell(line.what))
            for column, value in ((OLD, shown_value(line.old)), (NEW, shown_value(line.new))):
                item = cell(value)
                item.setToolTip(value)
                self.table.setItem(r, column, item)
        if not record.history:
            self.note.setText("No changes recorded for this student yet (demo data is written without history).")
        elif len(record.history) >= HISTORY_LIMIT:
            self.note.setText(f"The latest {HISTORY_LIMIT} changes; older ones stay in the database.")
        else:
            self.note.setText("Removing a student keeps this trail.")
