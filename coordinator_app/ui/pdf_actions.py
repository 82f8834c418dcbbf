"""File > Save report as PDF, Print report (Ctrl+P), Attendance certificate and Reports for the list.

Every document is made in the job runner: the student's record is read, laid out and painted off
the GUI thread (Qt paints a QPdfWriter or a QPrinter from a worker thread), so the window never
waits on the database or the layout. The dialogs (where to save, which printer, the coordinator's
name) are asked on the GUI thread before the job starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui.jobs import Cancelled

if TYPE_CHECKING:
    from collections.abc import Generator

    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QMainWindow

    from coordinator_app.pdf.batch import BatchResult, Progress
    from coordinator_app.services.record_view import StudentRecord
    from coordinator_app.ui.list_pane import StudentListPane
    from coordinator_app.ui.record.pane import RecordPane
    from coordinator_app.ui.session import WorkspaceSession

PDF_FILTER = "PDF document (*.pdf)"


def _as_pdf(name: str) -> Path:
    path = Path(name.strip()).expanduser()
    return path if path.suffix.lower() == ".pdf" else path.with_name(f"{path.name}.pdf")


class PdfActions:
    """The documents' actions; `add_to(menu)` puts them in the File menu. Methods take the answer a
    dialog would give (`target`, `name`) so tests can drive them without a modal dialog."""

    def __init__(
        self, window: QMainWindow, session: WorkspaceSession, students: StudentListPane, record_pane: RecordPane
    ) -> None:
        self.window, self.session, self.students, self.record_pane = window, session, students, record_pane
        self.save_pdf = self._make("Save report as &PDF…", lambda: self.save_report(), "Ctrl+Shift+P")
        self.print = self._make("&Print report…", lambda: self.print_report(), QKeySequence.StandardKey.Print)
        self.certificate = self._make("Attendance &certificate…", lambda: self.make_certificate())
        self.batch = self._make("&Reports for the list…", lambda: self.reports_for_list())
        self.save_pdf.setStatusTip("The progress report of the student whose record is open, as a PDF")
        self.certificate.setStatusTip("For a student who stopped without finishing: the components completed")

    def _make(
        self, text: str, slot: Callable[[], object], shortcut: str | QKeySequence.StandardKey | None = None
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def actions(self) -> tuple[QAction, ...]:
        return (self.save_pdf, self.print, self.certificate, self.batch)

    def add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        for action in self.actions:
            menu.addAction(action)

    # -- helpers ---------------------------------------------------------------------------------------
    def _student(self) -> int | None:
        shown = self.record_pane.student_id
        chosen = shown if shown is not None else self.students.selected_student()
        if chosen is None:
            self._tell("Choose a student first: open their record, or select them in the list.")
        return chosen

    def _label(self, student_id: int) -> str:
        row = self.students.student(student_id)
        return f"{row.student_number} {row.first_name} {row.last_name}" if row else f"student {student_id}"

    def _tell(self, message: str, title: str = "") -> None:
        if title:
            QMessageBox.information(self.window, title, message)
        else:
            self.window.statusBar().showMessage(message, 10000)

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            from coordinator_app.domain.errors import DomainError
            from coordinator_app.services.errors import DatabaseProblem

            if isinstance(exc, Cancelled):
                self._tell(f"{what} cancelled.")
            elif isinstance(exc, (DomainError, DatabaseProblem, OSError)):
                self._tell(str(exc), f"{what}: not made")
            else:
                raise exc

        return failed

    def _ask_target(self, title: str, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.window, title, str(Path.home() / suggested), PDF_FILTER)
        return _as_pdf(name) if name else None

    # -- one student's report --------------------------------------------------------------------------
    def save_report(self, target: Path | None = None) -> None:
        ws, sid = self.session.ws, self._student()
        if ws is None or sid is None:
            return
        from coordinator_app.pdf.files import pdf_name, write_report
        from coordinator_app.services.record_view import load_record

        target = target or self._ask_target(
            "Save report as PDF", pdf_name(self._label(sid), "progress report", ws.as_of())
        )
        if target is None:
            return
        self.session.jobs.run(
            lambda: write_report(load_record(ws, sid), target),
            lambda saved: self._tell(f"Saved the progress report of {self._label(sid)} in {saved}."),
            self._failed("Progress report"),
            label=f"Writing {target.name}…",
            parent_widget=self.window,
        )

    def print_report(self, printer: QPrinter | None = None) -> None:
        """Ctrl+P: the print dialog, then the report painted on the printer in the job runner."""
        ws, sid = self.session.ws, self._student()
        if ws is None or sid is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from coordinator_app.pdf.files import report_document
        from coordinator_app.pdf.pages import render
        from coordinator_app.services.record_view import load_record

        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(f"Progress report {self._label(sid)}")
            if QPrintDialog(printer, self.window).exec() != QDialog.DialogCode.Accepted:
                return
        self._printer = printer  # kept alive until the job has painted on it
        self.session.jobs.run(
            lambda: render(printer, [report_document(load_record(ws, sid))]),
            lambda pages: self._tell(f"Printed the progress report of {self._label(sid)} ({pages} pages)."),
            self._failed("Printing"),
            label="Printing the progress report…",
            parent_widget=self.window,
        )

    # -- the attendance certificate ----------------------------------------------------------------------
    def make_certificate(self, target: Path | None = None, name: str | None = None) -> None:
        """Read the record (job); refused with the reason, or signed and saved (a second job)."""
        ws, sid = self.session.ws, self._student()
        if ws is None or sid is None:
            return
        from coordinator_app.services.record_view import load_record

        self.session.jobs.run(
            lambda: load_record(ws, sid),
            lambda record: self._certificate_for(record, target, name),
            self._failed("Attendance certificate"),
            label="Reading the record…",
            parent_widget=self.window,
        )

    def _certificate_for(self, record: StudentRecord, target: Path | None, name: str | None) -> None:
        from coordinator_app.pdf.files import pdf_name, write_certificate
        from coordinator_app.pdf.settings import coordinator_name, set_coordinator_name
        from coordinator_app.services.certificate import certificate_from, refusal

        reason = refusal(record)
        if reason is not None:
            self._tell(reason, "No attendance certificate")
            return
        signer = name if name is not None else coordinator_name()
        if not signer:
            # The name is one setting with the reminders' (Edit > Settings): asked there, kept there.
            from coordinator_app.ui.settings_dialog import SettingsDialog

            dialog = SettingsDialog(
                self.window,
                why="The attendance certificate is signed by the programme coordinator: your name, as it should appear.",
            )
            if not dialog.exec():
                return
            signer = coordinator_name()
        if not " ".join(signer.split()):
            self._tell("The certificate is signed by the coordinator: give your name.", "Attendance certificate")
            return
        if name is not None:
            set_coordinator_name(signer)
        label = f"{record.student['student_number']} {record.name}"
        target = target or self._ask_target(
            "Save attendance certificate", pdf_name(label, "attendance certificate", record.as_of)
        )
        if target is None:
            return
        cert = certificate_from(record, signer)
        self.session.jobs.run(
            lambda: write_certificate(cert, target),
            lambda saved: self._tell(
                f"Saved the attendance certificate of {record.name}: {len(cert.parts)} components, {cert.ec} EC, in {saved}."
            ),
            self._failed("Attendance certificate"),
            label=f"Writing {target.name}…",
            parent_widget=self.window,
        )

    # -- many reports ----------------------------------------------------------------------------------------
    def reports_for_list(self, choice: BatchChoice | None = None) -> None:
        ws = self.session.ws
        if ws is None:
            return
        programme, cohort, scope = self.students.scope()
        listed = self.students.shown_students()
        choice = choice or BatchDialog.ask(self.window, scope, listed, ws.as_of())
        if choice is None:
            return
        from coordinator_app.pdf.batch import reports_in_one_pdf, reports_into_folder
        from coordinator_app.services.report_students import students_for_documents

        ids_wanted = listed if choice.only_listed else None

        def work() -> Generator[Progress, None, BatchResult]:
            ids = students_for_documents(ws, programme, cohort, ids_wanted)
            if choice.one_pdf:
                return (yield from reports_in_one_pdf(ws, ids, choice.target, f"Progress reports, {scope}"))
            return (yield from reports_into_folder(ws, ids, choice.target))

        self.session.jobs.run(
            work,
            lambda result: self._tell(f"{result.message}."),
            self._failed("Progress reports"),
            label="Writing progress reports…",
            parent_widget=self.window,
            cancellable=True,
        )


class BatchChoice:
    def __init__(self, only_listed: bool, one_pdf: bool, target: Path) -> None:
        self.only_listed, self.one_pdf, self.target = only_listed, one_pdf, target


class BatchDialog(QDialog):
    """Whose reports (the students in the list, or everyone in the programme and cohort chosen) and
    where (a PDF each in a folder, or one PDF)."""

    def __init__(self, parent: QWidget | None, scope: str, listed: list[int] | None, day: date) -> None:
        super().__init__(parent)
        self.setWindowTitle("Progress reports")
        self.day = day
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Whose reports</b>"))
        self.everyone = QRadioButton(f"Everyone in {scope}")
        self.listed = QRadioButton(
            f"Only the {len(listed)} students now in the list"
            if listed
            else "Only the students now in the list (no search or filter is active)"
        )
        self.listed.setEnabled(bool(listed))
        (self.listed if listed else self.everyone).setChecked(True)
        layout.addWidget(self.everyone)
        layout.addWidget(self.listed)
        layout.addWidget(QLabel("<b>Where</b>"))
        self.folder = QRadioButton("A PDF for each student, in a folder")
        self.one = QRadioButton("All in one PDF, each report from a new page")
        self.folder.setChecked(True)
        layout.addWidget(self.folder)
        layout.addWidget(self.one)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose where…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, scope: str, listed: list[int] | None, day: date) -> BatchChoice | None:
        dialog = cls(parent, scope, listed, day)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if dialog.one.isChecked():
            name, _ = QFileDialog.getSaveFileName(
                parent,
                "Save the reports as one PDF",
                str(Path.home() / f"Progress reports ({day:%Y-%m-%d}).pdf"),
                PDF_FILTER,
            )
            return BatchChoice(dialog.listed.isChecked(), True, _as_pdf(name)) if name else None
        folder = QFileDialog.getExistingDirectory(parent, "Folder for the reports", str(Path.home()))
        return BatchChoice(dialog.listed.isChecked(), False, Path(folder)) if folder else None
