"""A workbook the app made, come back: a cohort export with a coordinator's changes, or a mark form
a supervisor filled in. Read (in the reading child, spreadsheets/app_workbook.py) and turned into
the review of services/imports/workbook.py; nothing is written here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coordinator_app.services.imports.workbook import Review, ReviewLine, review_workbook
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.app_workbook import AppWorkbook
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.round_trip import edits_of, read_ledger

COHORT_WORKBOOK, MARK_FORM = "cohort workbook", "mark form"


@dataclass
class WorkbookPreview:
    """What importing a workbook the app made would change (`review`); nothing written yet."""

    path: Path
    kind: str  # COHORT_WORKBOOK | MARK_FORM
    review: Review
    about: dict[str, Any]
    sheet: str = "every sheet"

    @property
    def changes(self) -> list[ReviewLine]:
        return self.review.changes

    @property
    def conflicts(self) -> list[ReviewLine]:
        return self.review.conflicts

    @property
    def rejected(self) -> list[ReviewLine]:
        return self.review.refused

    # The counts a student-list preview has, for what shows either kind.
    @property
    def new(self) -> list[Any]:
        return []

    @property
    def updated(self) -> list[ReviewLine]:
        return self.review.changes

    @property
    def unchanged(self) -> list[Any]:
        return []

    def summary(self) -> str:
        what = "a cohort workbook exported by the app" if self.kind == COHORT_WORKBOOK else "a mark form"
        return f"{self.path.name} ({what}): {self.review.summary()}"


def preview_app_workbook(
    ws: Workspace, path: Path, book: AppWorkbook, expect: tuple[int, str] | None = None
) -> WorkbookPreview:
    ledger = read_ledger(book)
    if ledger.kind == MARK_FORM:
        from coordinator_app.spreadsheets.mark_form import form_edits

        edits, problems = form_edits(ws, path.name, book, ledger, expect)
    elif ledger.kind == COHORT_WORKBOOK:
        edits, problems = edits_of(book, ledger)
    else:
        raise ImportFileError(
            f"{path.name} was made by a newer Coordinator App ('{ledger.kind}'); import it there.", "file"
        )
    review = review_workbook(ws, edits, path.name, problems)
    return WorkbookPreview(path, ledger.kind, review, ledger.about)
