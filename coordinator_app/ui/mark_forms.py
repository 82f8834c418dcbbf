"""File > Mark form: a supervisor's form for the selected student's internship or Literature Study,
written to send, and the returned form imported into exactly that record (with the review)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui.forms import error_label, grow_to_fit

if TYPE_CHECKING:
    from coordinator_app.services.imports.plan import ImportResult
    from coordinator_app.services.imports.workbook import Applied
    from coordinator_app.ui.session import WorkspaceSession

PARTS = (("minor", "Minor internship"), ("major", "Major internship"), ("literature", "Literature Study"))


class MarkFormDialog(QDialog):
    def __init__(self, parent: QWidget | None, session: WorkspaceSession, student_id: int, label: str) -> None:
        super().__init__(parent)
        self.session, self.student_id = session, student_id
        self.written: Path | None = None
        self.imported: ImportResult | Applied | None = None
        self.setWindowTitle("Mark form")
        layout = QVBoxLayout(self)
        note = QLabel(
            f"A form for {label}'s supervisor or assessor: the marked parts with their weights, only the mark "
            "cells open (1.0 to 10.0, one decimal). The returned form is imported into this record only."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.part = QComboBox()
        for key, name in PARTS:
            self.part.addItem(name, key)
        form.addRow("For", self.part)
        layout.addLayout(form)
        self.write_button = QPushButton("Write the form…")
        self.write_button.clicked.connect(lambda: self.write())
        self.import_button = QPushButton("Import the returned form…")
        self.import_button.clicked.connect(lambda: self.import_returned())
        layout.addWidget(self.write_button)
        layout.addWidget(self.import_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = error_label(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def chosen(self) -> str:
        return str(self.part.currentData())

    def write(self, target: Path | None = None) -> None:
        from coordinator_app.spreadsheets.mark_form import write_mark_form

        ws = self.session.ws
        if ws is None:
            return
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Write the mark form",
                str(Path.home() / f"Mark form {self.part.currentText()}.xlsx"),
                "Excel workbook (*.xlsx)",
            )
            if not name:
                return
            target = Path(name if name.lower().endswith(".xlsx") else f"{name}.xlsx")
        sid, part = self.student_id, self.chosen()
        self.error.hide()
        self.session.jobs.run(
            lambda: write_mark_form(ws, sid, part, target),
            self._written,
            self._failed,
            label=f"Writing {target.name}…",
            parent_widget=self,
        )

    def _written(self, path: Path) -> None:
        self.written = path
        self.status.setText(f"Saved {path}. Send it to the supervisor; import it here when it comes back.")

    def _failed(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem

        if not isinstance(exc, (DomainError, DatabaseProblem)):
            raise exc
        self.error.setText(str(exc))
        self.error.show()
        grow_to_fit(self)

    def import_returned(self) -> None:
        from coordinator_app.services.imports.workbook import Applied
        from coordinator_app.ui.changes import Changes, Kind
        from coordinator_app.ui.exchange import ImportDialog
        from coordinator_app.ui.review import push_undo

        ws = self.session.ws
        if ws is None:
            return
        imported = ImportDialog.ask(self, ws, self.session.jobs, form_for=(self.student_id, self.chosen()))
        if imported is None:
            return
        self.imported = imported
        assert isinstance(imported, Applied)  # a mark form is a workbook the app made
        push_undo(self.session, imported)
        self.session.notify(Changes.of(Kind.INTERNSHIPS | Kind.LITERATURE | Kind.PORTFOLIO, [self.student_id]))
        self.status.setText(f"Imported: {imported.summary()}")
