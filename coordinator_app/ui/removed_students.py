"""Removing a student (undoable) and the "Removed students" dialog that brings them back later.

A removal keeps every record (services/students.py): Undo restores the student, and so does the
dialog, any time later. Both go through the session's undo stack, so a restore can be undone
too, and each tells the session that the student left or came back (every pane follows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import students as service
from coordinator_app.services.errors import DatabaseProblem
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.record.history import local_time
from coordinator_app.ui.undo import ServiceCommand, undo_shortcuts

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession


def remove_undoably(session: WorkspaceSession, ws: Workspace, student_id: int) -> str:
    """Remove the student and put "Remove <student>" on the undo stack; returns how they are named.
    A refusal (DomainError, DatabaseProblem) propagates: nothing was pushed."""
    label = service.remove_student(ws, student_id)
    _push(
        session,
        f"Remove {label}",
        lambda: service.remove_student(ws, student_id),
        lambda: service.restore_student(ws, student_id),
        label,
        student_id,
    )
    return label


def restore_undoably(session: WorkspaceSession, ws: Workspace, student_id: int) -> str:
    """Restore a removed student, undoable like any edit."""
    label = service.restore_student(ws, student_id)
    _push(
        session,
        f"Restore {label}",
        lambda: service.restore_student(ws, student_id),
        lambda: service.remove_student(ws, student_id),
        label,
        student_id,
    )
    return label


def _push(
    session: WorkspaceSession, text: str, do: Callable[[], str], undo: Callable[[], str], label: str, student_id: int
) -> None:
    def placed() -> None:
        session.notify(Changes.of(Kind.PRESENCE, [student_id]))

    session.undo_stack.push(ServiceCommand(text, do, lambda _label: undo, label, placed, session.report_undo_failure))
    placed()


COLUMNS = ("Number", "Name", "Programme", "Cohort", "Status", "Removed on", "Removed by")


class RemovedStudentsDialog(QDialog):
    """The removed students, newest first; Restore (Enter or double-click) brings one back."""

    def __init__(self, session: WorkspaceSession, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.ws = session, ws
        stack = session.undo_stack
        self.setWindowTitle("Removed students")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Removed students are out of every list, count, check and export; their records and "
            "history are kept. Restore brings a student back as they were."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter on number or name")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("removedStudents")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(
            "No removed students. A student removed with File > Remove student waits here until restored."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.status = QLabel()
        self.status.setObjectName("removedStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = error_label(self)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setDefault(True)
        self.restore_button.setToolTip("Bring the selected student back into every list (Enter)")
        row.addWidget(self.restore_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        # Undo and redo work here as in the window (the dialog is modal).
        undo_shortcuts(self, stack)
        # Whatever moved the stack (these shortcuts, the window's Edit menu), the list follows.
        stack.indexChanged.connect(self._stack_moved)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.search.textChanged.connect(self._filter)
        self.resize(760, 420)
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        self.rows = service.removed_students(self.ws)
        self.table.setRowCount(len(self.rows))
        for r, student in enumerate(self.rows):
            values = (
                student.student_number,
                student.name,
                student.programme,
                f"{student.cohort}-{student.cohort + 1}",
                student.status,
                f"{local_time(student.removed_at):%d-%m-%Y %H:%M}",
                student.removed_by,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, student.id)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(self.rows))
        self.search.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        self.table.clearSelection()
        self._filter(self.search.text())

    def _stack_moved(self, _index: int) -> None:
        if self.isVisible():
            self.refresh()

    def _filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for r, student in enumerate(self.rows):
            hay = f"{student.student_number} {student.name}".casefold()
            self.table.setRowHidden(r, bool(wanted) and wanted not in hay)
        if self.selected() is None:  # the selection went out of sight: the first one shown
            shown = [r for r in range(len(self.rows)) if not self.table.isRowHidden(r)]
            if shown:
                self.table.selectRow(shown[0])
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.table.isRowHidden(rows[0].row()):
            return None
        return self.rows[rows[0].row()].id

    def restore_selected(self) -> None:
        student_id = self.selected()
        if student_id is None:
            return
        self.error.hide()
        try:
            label = restore_undoably(self.session, self.ws, student_id)
        except (DomainError, DatabaseProblem) as exc:  # a full specialization, a busy database: said here
            self.error.setText(str(exc))
            self.error.show()
            return
        self.status.setText(f"Restored {label}: back in the list. Undo (Ctrl+Z) removes them again.")
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.restore_selected()
            return
        super().keyPressEvent(event)

    @classmethod
    def ask(cls, session: WorkspaceSession, ws: Workspace, parent: QWidget | None = None) -> None:
        dialog = cls(session, ws, parent)
        dialog.exec()
        dialog.deleteLater()
