"""History: the audit entries for this student (when, who, what, old, new)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from coordinator_app.services.record_view import HISTORY_LIMIT, StudentRecord
from coordinator_app.ui.record.base import RecordPage, cell, hint, table


def local_time(at: datetime) -> datetime:
    """The audit stores UTC without a zone (services/workspace.py); shown in this computer's time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone()


class HistoryPage(RecordPage):
    key = "history"
    title = "History"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        self.table = table(["When", "Who", "Action", "What", "Old", "New"])
        self.note = hint()
        layout.addWidget(self.table)
        layout.addWidget(self.note)

    def fill(self, record: StudentRecord) -> None:
        self.table.setRowCount(len(record.history))
        for r, line in enumerate(record.history):
            self.table.setItem(r, 0, cell(f"{local_time(line.at):%d-%m-%Y %H:%M}"))
            self.table.setItem(r, 1, cell(line.user))
            self.table.setItem(r, 2, cell(line.action))
            self.table.setItem(r, 3, cell(line.field.replace("_", " ")))
            self.table.setItem(r, 4, cell(line.old or ""))
            self.table.setItem(r, 5, cell(line.new or ""))
        if not record.history:
            self.note.setText("No changes recorded for this student yet (demo data is written without history).")
        elif len(record.history) >= HISTORY_LIMIT:
            self.note.setText(f"The latest {HISTORY_LIMIT} changes; older ones stay in the database.")
        else:
            self.note.setText("Removing a student keeps this trail.")
