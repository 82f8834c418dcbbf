"""File > Export to Excel and File > Import: dialogs over the Qt-free spreadsheets package.

Both run their work through ui/jobs.py: the export is a generator of progress steps (closing
it cancels and removes the half-written file), the import is checked first (a preview, nothing
written) and applied only when the coordinator says so.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.spreadsheets.export_plan import default_file_name, sheets_for
from coordinator_app.ui.forms import error_label, grow_to_fit, side_by_side
from coordinator_app.ui.jobs import Cancelled, Job, JobRunner
from coordinator_app.ui.record.base import cell, counted, table
from coordinator_app.ui.review import ReviewTable

if TYPE_CHECKING:
    from coordinator_app.services.imports.plan import ImportResult
    from coordinator_app.services.imports.workbook import Applied
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.export import SavedWorkbook
    from coordinator_app.spreadsheets.importer import ImportPreview
    from coordinator_app.spreadsheets.returned import WorkbookPreview


SKIP_ROWS = "Import the accepted rows and skip the refused ones"
SKIP_CELLS = "Import the accepted changes and skip the refused cells"


class ExportDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        ws: Workspace,
        jobs: JobRunner,
        programme: str | None,
        cohort: int | None,
        student_ids: list[int] | None,
    ) -> None:
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.programme, self.cohort, self.student_ids = programme, cohort, student_ids
        self.saved: Path | None = None
        self.said = ""  # the export's last words: what was saved where (and if it cannot come back, why)
        self.comes_back = True
        self.job: Job | None = None
        self.setWindowTitle("Export to Excel")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        scope = f"{programme or 'all programmes'}, {f'cohort {cohort}-{cohort + 1}' if cohort else 'all cohorts'}"
        self.whole = QRadioButton(f"Everyone in {scope}")
        self.listed = QRadioButton(
            f"Only the {counted(len(student_ids), 'student')} now in the list"
            if student_ids
            else "Only the students now in the list (no search or filter is active)"
        )
        self.listed.setEnabled(bool(student_ids))
        (self.listed if student_ids else self.whole).setChecked(True)
        box = QVBoxLayout()
        box.addWidget(self.whole)
        box.addWidget(self.listed)
        holder = QWidget()
        holder.setLayout(box)
        box.setContentsMargins(0, 0, 0, 0)
        form.addRow("Students", holder)
        # The day the statuses (overdue, due soon, stage) are worked out for, as `export --as-of`.
        self.today = ws.as_of()
        self.as_of = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.as_of.setDisplayFormat("dd-MM-yyyy")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDateRange(QDate(1990, 1, 1), QDate(2100, 12, 31))
        self.as_of_note = QLabel()
        form.addRow("Status as of", side_by_side(self.as_of, self.as_of_note))
        self._default_target = str(Path.home() / default_file_name(programme, cohort, self.today))
        self.target = QLineEdit(self._default_target)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        form.addRow("Save as", side_by_side(self.target, browse))
        layout.addLayout(form)
        chosen = [ws.programmes[programme]] if programme in ws.programmes else list(ws.programmes.values())
        sheets = QLabel(f"Sheets: {', '.join(sheets_for(chosen))}.")
        sheets.setWordWrap(True)
        layout.addWidget(sheets)
        self.as_of.dateChanged.connect(self._as_of_changed)
        self._as_of_changed()
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def chosen_as_of(self) -> date:
        chosen = self.as_of.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def _as_of_changed(self) -> None:
        """Say which day it is relative to today, and keep the proposed file name's date in step
        (unless the coordinator typed a name of their own)."""
        day = self.chosen_as_of()
        self.as_of_note.setText("today" if day == self.today else f"{day:%A}; today is {self.today:%d-%m-%Y}")
        if self.target.text() == self._default_target:
            self._default_target = str(Path.home() / default_file_name(self.programme, self.cohort, day))
            self.target.setText(self._default_target)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to Excel", self.target.text(), "Excel workbook (*.xlsx)")
        if name:
            self.target.setText(name if name.lower().endswith(".xlsx") else f"{name}.xlsx")

    def start(self) -> None:
        from coordinator_app.spreadsheets.export import export_workbook

        target = Path(self.target.text().strip()).expanduser()
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        ids = self.student_ids if self.listed.isChecked() else None
        ws, programme, cohort, as_of = self.ws, self.programme, self.cohort, self.chosen_as_of()
        self.error.hide()
        self.buttons.setEnabled(False)
        self.job = self.jobs.run(
            lambda: export_workbook(ws, target, programme=programme, cohort=cohort, student_ids=ids, as_of=as_of),
            lambda saved: self._done(target, saved),
            self._failed,
            label=f"Exporting to {target.name}…",
            parent_widget=self,
            cancellable=True,
        )

    def _done(self, target: Path, saved: SavedWorkbook) -> None:
        self.saved = target
        self.said = saved.said
        self.comes_back = saved.comes_back
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem

        self.buttons.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.error.setText("Export cancelled; nothing was saved.")
        elif isinstance(exc, (DomainError, DatabaseProblem)):
            self.error.setText(str(exc))
        else:
            raise exc
        self.error.show()
        grow_to_fit(self)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ws: Workspace,
        jobs: JobRunner,
        programme: str | None,
        cohort: int | None,
        student_ids: list[int] | None,
    ) -> Path | None:
        dialog = cls(parent, ws, jobs, programme, cohort, student_ids)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            if parent is not None and hasattr(parent, "statusBar"):
                # Kept on screen (no time-out) when the workbook is too large to come back.
                shown_for = 10000 if dialog.comes_back else 0
                parent.statusBar().showMessage(dialog.said or f"Exported to {dialog.saved}", shown_for)
            return dialog.saved
        return None


def _start_reading_server() -> None:
    from coordinator_app.spreadsheets.reading_child import start_reader

    start_reader()


class ImportDialog(QDialog):
    """Choose a file, check it (nothing written), then import the accepted rows."""

    def __init__(
        self, parent: QWidget | None, ws: Workspace, jobs: JobRunner, form_for: tuple[int, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.form_for = form_for  # a mark form imported from a record: it must be that record's
        self.preview: ImportPreview | WorkbookPreview | None = None
        # What was imported (ImportResult | Applied): Any, as the name hides QDialog.result().
        self.result: Any = None
        self.setWindowTitle("Import a mark form" if form_for else "Import from Excel or CSV")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("an .xlsx, .xls, .ods or .csv file")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        form.addRow("File", side_by_side(self.path, browse))
        self.kind = QComboBox()
        self.kind.addItem("Tell from the columns", None)
        self.kind.addItem("A student list", "students")
        self.kind.addItem("Exam results", "results")
        form.addRow("It is", self.kind)
        self.programme = QComboBox()
        self.programme.addItem("From the file", None)
        for code, p in ws.programmes.items():
            self.programme.addItem(f"{p.name} ({code})", code)
        form.addRow("Programme", self.programme)
        self.cohort = QLineEdit()
        self.cohort.setPlaceholderText("from the file, or a start year like 2025")
        form.addRow("Cohort", self.cohort)
        self.course = QLineEdit()
        self.course.setPlaceholderText("course code, when the file holds one course's results")
        form.addRow("Course", self.course)
        layout.addLayout(form)
        self._form = form
        self.check_button = QPushButton("Check the file")
        self.check_button.clicked.connect(self.check)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.summary = QLabel("Nothing is written until you press Import.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        # What the import will do, per student and field (review.py); what is refused below it.
        self.review = ReviewTable()
        layout.addWidget(self.review, 2)
        self.refusals = table(["Row", "Column", "Why it is refused"])
        self.refusals.setMinimumHeight(120)
        layout.addWidget(self.refusals, 1)
        self.skip = QCheckBox(SKIP_ROWS)
        layout.addWidget(self.skip)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(900, 600)
        # While the coordinator chooses a file, the reading server starts (spreadsheets/reading_child.py):
        # the first workbook of the session does not wait for it. Off the GUI thread; nothing to report.
        threading.Thread(target=_start_reading_server, name="start the reading server", daemon=True).start()

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import", str(Path.home()), "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)"
        )
        if name:
            self.path.setText(name)

    def _fail(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem

        self.check_button.setEnabled(True)
        if not isinstance(exc, (DomainError, DatabaseProblem, Cancelled)):
            raise exc
        self.error.setText(
            "Cancelled; nothing was imported." if isinstance(exc, Cancelled) else self._with_tick_box(exc)
        )
        self.error.show()

    def _with_tick_box(self, exc: BaseException) -> str:
        """A refusal over rejected rows says which tick box imports only the accepted ones."""
        from coordinator_app.services.imports import ImportRefused

        if not isinstance(exc, ImportRefused) or not exc.skippable:
            return str(exc)
        return f"{exc.problems} Correct the file, or tick '{self.skip.text()}' and press Import again."

    def check(self) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.lookup import parse_cohort
        from coordinator_app.spreadsheets.importer import preview_import

        self.error.hide()
        path = Path(self.path.text().strip()).expanduser()
        try:
            cohort = parse_cohort(self.cohort.text()) if self.cohort.text().strip() else None
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        ws, kind, programme, course = (
            self.ws,
            self.kind.currentData(),
            self.programme.currentData(),
            self.course.text().strip() or None,
        )
        self.check_button.setEnabled(False)
        form_for = self.form_for
        self.jobs.run(
            lambda: preview_import(
                ws, path, kind, programme=programme, cohort=cohort, course=course, form_for=form_for
            ),
            self._checked,
            self._fail,
            label=f"Checking {path.name}…",
            parent_widget=self,
            cancellable=True,
        )

    def _checked(self, preview: ImportPreview | WorkbookPreview) -> None:
        from coordinator_app.services.imports.plan import Rejection
        from coordinator_app.services.imports.workbook import ReviewLine
        from coordinator_app.spreadsheets.returned import WorkbookPreview

        self.preview = preview
        self.check_button.setEnabled(True)
        # The app's own workbook (an export, a mark form) says what it holds and for whom: the fields
        # that tell a foreign file's kind, programme, cohort and course are not used, so not shown;
        # what is accepted or refused there is a cell, not a row.
        own = isinstance(preview, WorkbookPreview)
        for field in (self.kind, self.programme, self.cohort, self.course):
            self._form.setRowVisible(field, not own)
        self.skip.setText(SKIP_CELLS if own else SKIP_ROWS)
        self.summary.setText(preview.summary())
        self.review.show_preview(preview)
        rejected: Sequence[ReviewLine | Rejection] = preview.rejected
        self.refusals.setRowCount(len(rejected))
        for r, rejection in enumerate(rejected):
            if isinstance(rejection, ReviewLine):  # a workbook the app made: its sheet, row and column
                where, column = f"{rejection.place.sheet}, row {rejection.place.row}", rejection.place.column
                who = f"{rejection.student_number} {rejection.what}: " if rejection.student_number else ""
                why = who + rejection.reason
            else:
                where, column, why = str(rejection.row), rejection.column, rejection.reason
            self.refusals.setItem(r, 0, cell(where))
            self.refusals.setItem(r, 1, cell(column))
            self.refusals.setItem(r, 2, cell(why))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(preview.new or preview.updated))

    def apply(self) -> None:
        from coordinator_app.spreadsheets.importer import apply_import

        if self.preview is None:
            return
        ws, preview, skip = self.ws, self.preview, self.skip.isChecked()
        self.buttons.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self._fail(exc)

        self.jobs.run(
            lambda: apply_import(ws, preview, skip_rejected=skip),
            self._applied,
            failed,
            label="Importing…",
            parent_widget=self,
        )

    def _applied(self, result: ImportResult | Applied) -> None:
        self.result = result
        self.buttons.setEnabled(True)
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, ws: Workspace, jobs: JobRunner, form_for: tuple[int, str] | None = None
    ) -> ImportResult | Applied | None:
        """What was imported (None when nothing was)."""
        dialog = cls(parent, ws, jobs, form_for)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
            if parent is not None and hasattr(parent, "statusBar"):
                parent.statusBar().showMessage(f"Imported: {dialog.result.summary()}", 10000)
            return dialog.result
        return None
