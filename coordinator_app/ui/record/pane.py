"""The record pane: the student chosen, or a hint where there is none.

The record view (a header and eight tabs, ~0.12 s of processor time in widgets) is made when first
needed: the first student shown, or the first use of `view` (a read-only window locks its
controls). A window where no student is opened never makes it, and its start is that much
lighter. It is kept for every database opened after; the view follows the session's changes
itself, and this pane puts the hint back when the student shown is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

if TYPE_CHECKING:
    from coordinator_app.services.record_view import StudentRecord
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.record.view import RecordView
    from coordinator_app.ui.session import WorkspaceSession


class RecordPane(QStackedWidget):
    """`deadlines_wanted` when the record asks for the programme's deadline schedule."""

    deadlines_wanted = Signal()
    remind_wanted = Signal(int)
    certificate_wanted = Signal()

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._view: RecordView | None = None
        self.placeholder = QLabel("Choose a student in the list, or double-click an item in the attention list.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.addWidget(self.placeholder)
        session.opened.connect(self._opened)

    @property
    def view(self) -> RecordView:
        """The record view, made now if it was not yet."""
        if self._view is None:
            from coordinator_app.ui.record.view import RecordView

            view = RecordView(self.session)
            view.student_gone.connect(lambda _id: self.setCurrentWidget(self.placeholder))
            view.deadlines_wanted.connect(self.deadlines_wanted)
            view.remind_wanted.connect(self.remind_wanted)
            view.certificate_wanted.connect(self.certificate_wanted)
            self.addWidget(view)
            self._view = view
        return self._view

    @property
    def is_made(self) -> bool:
        """Whether the record view has been made (no student shown yet: it need not be)."""
        return self._view is not None

    @property
    def record(self) -> StudentRecord | None:
        """The record shown, None when there is none (without making the view for it)."""
        return self._view.record if self._view is not None else None

    def _opened(self, _ws: Workspace) -> None:
        """Another database: nothing of the one before is shown or remembered."""
        from coordinator_app.ui.undo import IdBook

        if self._view is not None:
            self._view.clear()
            self._view.ids = IdBook()
        self.setCurrentWidget(self.placeholder)

    @property
    def student_id(self) -> int | None:
        return self._view.student_id if self._view is not None else None

    def show_student(self, student_id: int, tab: str | None = None, part: str = "") -> bool:
        """Show the student's record (on `tab`, at its `part`); False when there is no record to show."""
        if self.session.ws is None:
            return False
        view = self.view
        if not view.show_student(student_id, tab, part):
            return False
        self.setCurrentWidget(view)
        return True
