"""File > Results for the SIS: one course's results as the student information system's upload sheet.

The course comes from the programmes in the toolbar's scope, the cohort from its cohort box (or all);
the decimal mark the SIS is set to is remembered between sessions. The dialog stays open after a
sheet is saved, so the next course's sheet is one choice and one click away.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.spreadsheets.sis import default_results_name
from coordinator_app.ui.forms import error_label, grow_to_fit
from coordinator_app.ui.settings import settings

if TYPE_CHECKING:
    from coordinator_app.ui.session import WorkspaceSession

DECIMAL_KEY = "sis/decimal"


class ResultsSheetDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, session: WorkspaceSession, programme: str | None, cohort: int | None
    ) -> None:
        super().__init__(parent)
        self.session, self.cohort = session, cohort
        self.saved: Path | None = None
        self.setWindowTitle("Results for the SIS")
        ws = session.ws
        assert ws is not None
        layout = QVBoxLayout(self)
        note = QLabel(
            "An upload sheet for the student information system: student number, grade, exam date and attempt, "
            "one row per graded attempt of the course."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.course = QComboBox()
        chosen = [ws.programmes[programme]] if programme in ws.programmes else list(ws.programmes.values())
        self.programme_of: dict[str, str] = {}
        for p in sorted(chosen, key=lambda p: p.code):
            for course in p.courses:
                self.course.addItem(f"{course.code}  {course.name}", course.code)
                self.programme_of[course.code] = p.code
        form.addRow("Course", self.course)
        self.only_cohort = QCheckBox(f"Only the {cohort}-{cohort + 1} cohort" if cohort else "All cohorts")
        self.only_cohort.setChecked(bool(cohort))
        self.only_cohort.setEnabled(bool(cohort))
        form.addRow("Students", self.only_cohort)
        self.comma = QRadioButton("Comma (7,5)")
        self.point = QRadioButton("Point (7.5)")
        group = QButtonGroup(self)
        for button in (self.comma, self.point):
            group.addButton(button)
        (self.point if settings().value(DECIMAL_KEY, "comma", type=str) == "point" else self.comma).setChecked(True)
        marks = QWidget()
        row = QHBoxLayout(marks)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.comma)
        row.addWidget(self.point)
        row.addStretch(1)
        form.addRow("Decimal mark", marks)
        self.target = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.target, 1)
        line.addWidget(browse)
        form.addRow("Save as", holder)
        layout.addLayout(form)
        self._proposed = ""
        self.course.currentIndexChanged.connect(lambda _i: self._propose())
        self._propose()
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def decimal(self) -> str:
        return "point" if self.point.isChecked() else "comma"

    def _propose(self) -> None:
        """The file name follows the course, unless the coordinator typed their own."""
        data = self.course.currentData()
        if data is None or self.target.text() not in ("", self._proposed):
            return
        folder = Path(self._proposed).parent if self._proposed else Path.home()
        self._proposed = str(folder / default_results_name(str(data)))
        self.target.setText(self._proposed)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Results for the SIS", self.target.text(), "CSV for the SIS (*.csv);;Excel workbook (*.xlsx)"
        )
        if name:
            self.target.setText(name if name.lower().endswith((".csv", ".xlsx")) else f"{name}.csv")

    def save(self) -> None:
        from coordinator_app.spreadsheets.sis import write_results_sheet

        ws = self.session.ws
        course = self.course.currentData()
        if ws is None or course is None:
            return
        programme = self.programme_of[course]
        target = Path(self.target.text().strip()).expanduser()
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_name(f"{target.name}.csv")
        decimal, cohort = self.decimal(), self.cohort if self.only_cohort.isChecked() else None
        settings().setValue(DECIMAL_KEY, decimal)
        self.error.hide()
        self.buttons.setEnabled(False)
        self.session.jobs.run(
            lambda: write_results_sheet(ws, course, target, decimal=decimal, programme=programme, cohort=cohort),
            lambda done: self._saved(course, *done),
            self._failed,
            label=f"Writing {target.name}…",
            parent_widget=self,
        )

    def _saved(self, course: str, path: Path, rows: int) -> None:
        self.saved = path
        self.buttons.setEnabled(True)
        self.status.setText(f"Saved {rows:,} result{'' if rows == 1 else 's'} of {course} to {path}.")
        # The next course's sheet is proposed in the same folder.
        self._proposed = str(path)
        self.target.setText(self._proposed)

    def _failed(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem

        self.buttons.setEnabled(True)
        if not isinstance(exc, (DomainError, DatabaseProblem)):
            raise exc
        self.status.clear()
        self.error.setText(str(exc))
        self.error.show()
        grow_to_fit(self)
