"""Bulk actions on the students selected: ask what, show per student what will change, then apply.

The preview (services/bulk.py) is read off the GUI thread and lists every student: what changes
(before -> after), what is already so, and what a rule refuses with its reason. Nothing is written
before the coordinator presses Apply; then the change is one transaction and one step on the undo
stack (Edit > Undo takes it back for every student at once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.errors import DomainError
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.util import OVERDUE_COLOUR

if TYPE_CHECKING:
    from coordinator_app.services.bulk import BulkAction, Done, Preview
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

_RED = QBrush(QColor(OVERDUE_COLOUR))
_GREY = QBrush(QColor("#5f6368"))


class PreviewDialog(QDialog):
    """Every student with what the action does to them; Apply changes those it can."""

    def __init__(self, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkPreview")
        self.preview = preview
        title = preview.action[:1].upper() + preview.action[1:]
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        change, same, refused = len(preview.to_change), len(preview.unchanged), len(preview.refused)
        parts = [f"{change} student{'s' if change != 1 else ''} will change"]
        if same:
            parts.append(f"{same} already so (left as they are)")
        if refused:
            parts.append(f"{refused} refused (the reason is in their line; they are left out)")
        self.summary = QLabel(f"<b>{title}</b><br>{'; '.join(parts)}. Nothing is changed until you press Apply.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(preview.lines), 3)
        self.table.setObjectName("bulkLines")
        self.table.setHorizontalHeaderLabels(["Student", "Now", "Will be"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Refused first: they are what the coordinator must read.
        order = sorted(preview.lines, key=lambda line: (not line.refused, line.unchanged))
        for r, line in enumerate(order):
            after = f"not changed: {line.refused}" if line.refused else ("already so" if line.unchanged else line.after)
            for c, text in enumerate((line.student, line.before, after)):
                item = QTableWidgetItem(text)
                if line.refused:
                    item.setForeground(_RED)
                elif line.unchanged:
                    item.setForeground(_GREY)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply = buttons.addButton(
            f"Apply to {change} student{'s' if change != 1 else ''}", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply.setObjectName("applyBulk")
        self.apply.setEnabled(change > 0)
        self.apply.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)


def run_bulk(
    session: WorkspaceSession,
    parent: QWidget,
    make: Callable[[Workspace], BulkAction],
    student_ids: Sequence[int],
    kinds: Kind,
    shown: Callable[[QDialog], None] | None = None,
) -> None:
    """Preview `make(ws)` on the students (off the GUI thread), show it, and apply it on Apply."""
    from coordinator_app.services import bulk

    ws = session.ws
    if ws is None:
        return
    ids = list(student_ids)
    if not ids:
        QMessageBox.information(parent, "Nothing selected", "Select one or more students in the list first.")
        return
    try:
        action = make(ws)
    except DomainError as exc:
        QMessageBox.information(parent, "Not done", exc.message)
        return

    def done(preview: Preview) -> None:
        dialog = PreviewDialog(preview, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: apply_undoably(session, parent, action, preview, kinds))
        dialog.open()
        if shown is not None:
            shown(dialog)

    session.run(lambda w: bulk.preview(w, action, ids), done, "Looking at the students…", modal=True)


def apply_undoably(
    session: WorkspaceSession, parent: QWidget, action: BulkAction, preview: Preview, kinds: Kind
) -> None:
    """Apply the preview in one transaction off the GUI thread (500 students take most of a second),
    then put it on the undo stack as one step."""
    from coordinator_app.services import bulk
    from coordinator_app.services.errors import DatabaseProblem
    from coordinator_app.ui.undo import BackgroundCommand

    ws = session.ws
    if ws is None:
        return

    def pushed(done: Done) -> None:
        students = list(done.students)

        def told() -> None:
            if session.ws is ws:  # not after another database was opened meanwhile
                session.notify(Changes.of(kinds, students))

        def off_the_gui_thread(
            work: Callable[[], Any],
            finished: Callable[[Any], None],
            failed: Callable[[BaseException], None],
            label: str,
        ) -> None:
            # Undo and redo of 500 students take as long as the apply: on `reads`, one thread, in the
            # order asked; the progress dialog (after ~600 ms) holds the window until done.
            session.reads.run(work, finished, failed, label=label, parent_widget=parent)

        many = f"{len(students)} student{'s' if len(students) != 1 else ''}"
        session.undo_stack.push(
            BackgroundCommand(
                f"{done.action[:1].upper()}{done.action[1:]} ({many})",
                lambda: bulk.apply_again(ws, done),
                lambda result: lambda: bulk.undo(ws, result),
                done,
                told,
                session.report_undo_failure,
                off_the_gui_thread,
            )
        )
        told()

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, (DomainError, DatabaseProblem)):
            raise exc
        # open(), not exec(): a nested event loop inside the job's callback would hold up the window's.
        box = QMessageBox(QMessageBox.Icon.Warning, "Nothing was changed", str(exc), parent=parent)
        box.setObjectName("bulkRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    session.jobs.run(
        lambda: bulk.apply(ws, action, preview), pushed, refused, label="Applying the change…", parent_widget=parent
    )


# -- what to do: one small form per action ----------------------------------------------------------------
class AskDialog(QDialog):
    """A form with OK/Cancel whose `value()` builds the action (a refusal shows under the form)."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = error_label(self)
        self.layout_.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview…")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)
        self.build: Callable[[], Any] = lambda: None
        self.result_value: Any = None

    def _ok(self) -> None:
        try:
            self.result_value = self.build()
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.accept()


def date_edit(value: date) -> QLineEdit:
    edit = QLineEdit(f"{value:%d-%m-%Y}")
    edit.setPlaceholderText("dd-mm-yyyy")
    return edit
