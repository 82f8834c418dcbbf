"""Small dialogs: a new student, removing one, the first start, About.

Each opens through a classmethod `ask()` so tests can stand in for the coordinator.
"""

from __future__ import annotations

import html
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.location import Location
from coordinator_app.ui.forms import FieldForm, error_label, grow_to_fit

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

DEMO_STUDENTS = 200


class NewStudentDialog(QDialog):
    """Add a student: the service checks everything; its message shows next to the field."""

    def __init__(
        self, ws: Workspace, parent: QWidget | None = None, programme: str | None = None, cohort: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.student_id: int | None = None
        self.setWindowTitle("New student")
        layout = QVBoxLayout(self)
        self.form = FieldForm(self)
        f = self.form
        self.programme = QComboBox()
        # The whole programme name shows ("…Innovative Medicine (IMIM)"), never cut off.
        self.programme.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for code, p in ws.programmes.items():
            self.programme.addItem(f"{p.name} ({code})", code)
        f.add_row("programme", "Programme", self.programme)
        self.cohort = QSpinBox()
        self.cohort.setRange(1990, 2100)
        today = ws.as_of()
        self.cohort.setValue(cohort or (today.year if today.month >= 9 else today.year - 1))
        f.add_row("cohort", "Cohort (start year)", self.cohort)
        f.text("student_number", "Student number", "2712345 or s2712345")
        f.text("first_name", "First name")
        f.text("last_name", "Last name")
        f.text("email", "E-mail")
        self.specialization = QComboBox()
        f.add_row("specialization", "Specialization", self.specialization)
        layout.addLayout(f.layout)
        self.general_error = error_label(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add student")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.programme.currentIndexChanged.connect(self._programme_changed)
        if programme:
            self.programme.setCurrentIndex(max(self.programme.findData(programme), 0))
        self._programme_changed()
        # At least 460 px wide for the error messages, wider when the fields need it: a strut,
        # not setMinimumWidth(), which would override the layout's own minimum and cut the
        # programme box off.
        layout.addStrut(460 - layout.contentsMargins().left() - layout.contentsMargins().right())

    def _programme_changed(self) -> None:
        programme = self.ws.programmes[self.programme.currentData()]
        self.specialization.clear()
        self.specialization.addItem("(later)", None)
        for spec in programme.specializations:
            self.specialization.addItem(spec.name, spec.key)
        self.specialization.setEnabled(bool(programme.specializations))

    def value(self, name: str) -> str:
        return self.form.line(name).text()

    def submit(self) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem
        from coordinator_app.services.students import NewStudent, add_student

        self.form.clear_errors()
        self.general_error.hide()
        new = NewStudent(
            self.programme.currentData(),
            self.cohort.value(),
            self.value("student_number"),
            self.value("first_name"),
            self.value("last_name"),
            self.value("email"),
            self.specialization.currentData(),
        )
        try:
            self.student_id = add_student(self.ws, new)
        except DomainError as exc:
            if not self.form.show_error(exc.field, exc.message):
                self.general_error.setText(exc.message)
                self.general_error.show()
            grow_to_fit(self)  # every line of the message shows
            return
        except DatabaseProblem as exc:
            self.general_error.setText(str(exc))
            self.general_error.show()
            grow_to_fit(self)
            return
        self.accept()

    @classmethod
    def ask(
        cls, ws: Workspace, parent: QWidget | None = None, programme: str | None = None, cohort: int | None = None
    ) -> int | None:
        dialog = cls(ws, parent, programme, cohort)
        return dialog.student_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class ConfirmRemoval:
    @classmethod
    def ask(cls, parent: QWidget | None, label: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Remove student", f"Remove {label}?", QMessageBox.StandardButton.Cancel, parent
        )
        box.setInformativeText(
            "The student leaves every list, count, check and export. Their records and "
            "history are kept: Undo (Ctrl+Z) brings them back, and so does File > Removed "
            "students, any time later."
        )
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is remove


class StartChoice(Enum):
    EMPTY = "empty"
    DEMO = "demo"
    QUIT = "quit"


class FirstStart:
    """No database at the path to open: start empty there (the default), look at made-up demo
    students first, or quit without creating anything (a mistyped --db path)."""

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path, demo_path: Path) -> StartChoice:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Welcome to Coordinator App",
            f"There is no database at:\n{path}\n\nStart with an empty database there?",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        empty = box.addButton("Start empty", QMessageBox.ButtonRole.AcceptRole)
        if demo_path == path:  # a path given with --db
            demo = box.addButton(
                f"Fill it with {DEMO_STUDENTS} made-up demo students", QMessageBox.ButtonRole.ActionRole
            )
            where = (
                f"The made-up students would go into this new database, {path.name}.\n"
                "Quit creates nothing (no folder, no file): check the path, or start again with "
                "--db and the right one."
            )
        else:  # the default database, where the real students belong
            verb = "Open the demo" if demo_path.exists() else f"Try {DEMO_STUDENTS} made-up demo students"
            demo = box.addButton(f"{verb} (separate file)", QMessageBox.ButtonRole.ActionRole)
            where = (
                f"The demo is a separate file, {demo_path.name}, in the same folder: made-up students "
                "never go into your own database.\nQuit creates nothing."
            )
        leave = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setInformativeText(where)
        box.setDefaultButton(empty)  # Enter: nothing made up ends up in a real database
        box.setEscapeButton(leave)  # Esc and closing the dialog create nothing
        box.exec()
        clicked = box.clickedButton()
        if clicked is empty:
            return StartChoice.EMPTY
        return StartChoice.DEMO if clicked is demo else StartChoice.QUIT


def about_text(db_path: Path | Location | None) -> str:
    from coordinator_app import APP_NAME, __version__
    from coordinator_app.paths import user_data_dir

    where = str(db_path) if db_path else "no database open"
    if isinstance(db_path, Location) and db_path.server is not None:
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            f"<p><b>Database:</b> {db_path.name} (team mode: {html.escape(str(db_path))})<br>"
            f"<b>Your data folder:</b> {user_data_dir()}<br>"
            "Copies made with Back up now go to <i>server-backups</i> in your data folder.</p>"
            "<p>The app connects only to that database server.</p>"
        )
    if isinstance(db_path, Location):
        where = str(db_path.path)
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Student progress for (bio)medical master's programmes: courses and resits, internships and "
        "their portfolios, Literature Study, Academic Core and graduation.</p>"
        f"<p><b>Database:</b> {where}<br>"
        f"<b>Your data folder:</b> {user_data_dir()}<br>"
        "Backups are written to the <i>backups</i> folder next to the database.</p>"
        "<p>Everything stays on this computer: the app makes no network connections.</p>"
    )


def show_about(parent: QWidget | None, db_path: Path | Location | None) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("About Coordinator App")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(db_path))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
