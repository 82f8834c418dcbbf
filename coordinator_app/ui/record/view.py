"""The student record: a header, a message line and the tabs; every edit goes through `attempt`.

A saved edit (and its undo or redo) is told to the workspace session as a `Changes` of that
student; the list, the attention view and this record itself follow that one signal.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.errors import DatabaseBusy, DatabaseProblem, RecordChanged
from coordinator_app.services.record_versions import editing
from coordinator_app.services.record_view import StudentRecord, load_record
from coordinator_app.ui.changes import Changes, Kind, Origin
from coordinator_app.ui.forms import FieldForm, shown_text
from coordinator_app.ui.record.academic_core import AcademicCorePage
from coordinator_app.ui.record.base import Label, RecordPage, ShowsErrors
from coordinator_app.ui.record.courses import CoursesPage
from coordinator_app.ui.record.graduation import GraduationPage
from coordinator_app.ui.record.history import HistoryPage
from coordinator_app.ui.record.imim import ImimPage
from coordinator_app.ui.record.internships import InternshipsPage
from coordinator_app.ui.record.literature import LiteraturePage
from coordinator_app.ui.record.overview import OverviewPage
from coordinator_app.ui.undo import IdBook, ServiceCommand

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

PAGES: tuple[type[RecordPage], ...] = (
    OverviewPage,
    CoursesPage,
    ImimPage,
    InternshipsPage,
    LiteraturePage,
    AcademicCorePage,
    GraduationPage,
    HistoryPage,
)


class RecordView(QWidget):
    """Shows one student (the RecordContext of its tabs); `student_gone(id)` when the student shown is
    no longer there (removed, or not in a restored backup)."""

    student_gone = Signal(int)
    deadlines_wanted = Signal()  # the Graduation tab asks for the programme's deadline schedule
    filled = Signal()  # a tab was filled (a read-only window locks what it made)
    remind_wanted = Signal(int)  # Remind… for the student shown
    certificate_wanted = Signal()  # the Overview of a student who stopped offers the attendance certificate

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_stack = session.undo_stack
        self.record: StudentRecord | None = None
        self.ids = IdBook()  # rows that commands on the stack refer to (see ui/undo.py)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.subtitle, 1)
        self.remind = QPushButton("Remind…")
        self.remind.setObjectName("recordRemind")
        self.remind.setToolTip("Draft reminders about this student's overdue and due-soon items")
        self.remind.clicked.connect(self._remind)
        head.addWidget(self.remind)
        layout.addLayout(head)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        self.banner_close = QPushButton("Dismiss")
        self.banner_close.setObjectName("keepEnabled")  # also in a read-only window
        self.banner_close.setFlat(True)
        self.banner_close.hide()
        self.banner_close.clicked.connect(self.clear_message)
        banner_row.addWidget(self.banner_close)
        layout.addLayout(banner_row)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.pages: dict[str, RecordPage] = {}
        for page_type in PAGES:
            page = page_type(self)
            self.pages[page.key] = page
            self.tabs.addTab(page, page.title)
        # Only the tab in view is filled; the others when they are first shown (opening a record
        # at 100k students must stay well within 50 ms).
        self._stale: set[str] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        session.changed.connect(self._changed)

    # -- showing -----------------------------------------------------------------------------------
    @property
    def ws(self) -> Workspace:
        """The open database (the record is shown only while one is open)."""
        ws = self.session.ws
        assert ws is not None, "the record is used with no database open"
        return ws

    @property
    def student_id(self) -> int | None:
        return self.record.id if self.record else None

    def show_student(self, student_id: int, tab: str | None = None, part: str = "") -> bool:
        """Load and show a student (on `tab`, at its `part`: "major" shows the major internship's panel);
        False (with a message) when the student no longer exists."""
        try:
            record = load_record(self.ws, student_id)
        except NotFound as exc:
            self.message(str(exc), error=True)
            return False
        if self.record is None or self.record.id != student_id:
            self.clear_message()
        self._fill(record, tab)
        page = self.pages.get(tab or "")
        if part and page is not None and self.tabs.currentWidget() is page:
            page.show_part(part)
        return True

    def show_tab(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None and self.tabs.isTabVisible(self.tabs.indexOf(page)):
            self.tabs.setCurrentWidget(page)
            self._tab_shown()

    def _tab_shown(self, _index: int = -1) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, RecordPage) and page.key in self._stale and self.record is not None:
            self._stale.discard(page.key)
            page.fill(self.record)
            self.filled.emit()

    def current_tab(self) -> str:
        page = self.tabs.currentWidget()
        return page.key if isinstance(page, RecordPage) else ""

    def reload(self) -> None:
        if self.record is not None:
            student_id = self.record.id
            try:
                self._fill(load_record(self.ws, student_id))
            except NotFound:
                self.clear()
                self.student_gone.emit(student_id)

    def _changed(self, changes: Changes) -> None:
        if not changes.touches(self.student_id):
            return
        if changes.origin is not Origin.ELSEWHERE:
            self.reload()
            return
        # Someone else saved this student: show it, but not at the cost of what is being typed here.
        typing = self._typing()
        said = typing[0].error_text(typing[1]) if typing is not None else ""
        self.reload()
        if typing is not None:
            form, name, typed, stored = typing
            form.put_back(name, typed)
            if form.stored(name) != stored:
                form.show_error(
                    name,
                    f"Changed meanwhile by someone else to '{shown_text(form.stored(name))}'; what you typed is "
                    "kept: Enter saves it over that.",
                )
            elif said:  # another save elsewhere (or the same one told again) left this field as it was
                form.show_error(name, said)

    def _typing(self) -> tuple[FieldForm, str, Any, Any] | None:
        """The field of the tab in view that has the keyboard and holds typing not saved yet."""
        focus = QApplication.focusWidget()
        page = self.tabs.currentWidget()
        if focus is None or page is None:
            return None
        for form in page.findChildren(FieldForm):
            for name, editor in form.editors.items():
                if (editor is focus or editor.isAncestorOf(focus)) and form.is_edited(name):
                    return form, name, form.typed(name), form.stored(name)
        return None

    def _remind(self) -> None:
        if self.student_id is not None:
            self.remind_wanted.emit(self.student_id)

    def show_deadlines(self) -> None:
        self.deadlines_wanted.emit()

    def make_certificate(self) -> None:
        self.certificate_wanted.emit()

    def _fill(self, record: StudentRecord, tab: str | None = None) -> None:
        # No intermediate paints (progress bars repaint on every setValue otherwise).
        self.setUpdatesEnabled(False)
        try:
            self._fill_pages(record, tab)
        finally:
            self.setUpdatesEnabled(True)

    def _fill_pages(self, record: StudentRecord, tab: str | None) -> None:
        self.record = record
        s = record.student
        self.title.setText(f"{s['first_name']} {s['last_name']}")
        self.subtitle.setText(
            f"{s['student_number']}  ·  {record.programme.code}  ·  cohort {record.cohort}-"
            f"{record.cohort + 1}  ·  {s['status']}  ·  {record.evaluation.ec_total} of "
            f"{record.programme.total_ec} EC"
        )
        self._stale = set()
        blocked = self.tabs.blockSignals(True)
        for page in self.pages.values():
            index = self.tabs.indexOf(page)
            visible = page.applies(record.programme)
            if self.tabs.isTabVisible(index) != visible:
                self.tabs.setTabVisible(index, visible)
            if visible:
                self._stale.add(page.key)
        wanted = self.pages.get(tab or "")
        if wanted is not None and self.tabs.isTabVisible(self.tabs.indexOf(wanted)):
            self.tabs.setCurrentWidget(wanted)
        self.tabs.blockSignals(blocked)
        self._tab_shown()

    def clear(self) -> None:
        self.record = None
        self.title.setText("")
        self.subtitle.setText("")

    # -- editing -----------------------------------------------------------------------------------
    def attempt(
        self,
        form: ShowsErrors | None,
        field: str | None,
        label: Label,
        do: Callable[[], Any],
        make_undo: Callable[[Any], Callable[[], Any] | None] | None = None,
        *,
        kinds: Kind,
    ) -> bool:
        """Run one edit through its service. A refused edit shows its message next to the field
        (nothing was saved and the typed text stays); a busy database gets a calm message.

        `label` says what the edit did in the coordinator's words (it becomes "Undo <label>" in the
        Edit menu); it may be a function of the service's result, for what only the service knows.
        `kinds`: what of the student's data the edit changes (the session tells every pane)."""
        if form is not None:
            form.clear_errors()
        if self.session.read_only is not None:  # every edit control is off; this is the last guard
            self.message(self.session.read_only, error=True)
            return False
        record = self.record
        try:
            # Based on the record as shown: refused when a colleague saved this student meanwhile.
            with editing(record.id, record.version) if record is not None else nullcontext() as seen:
                result = do()
        except RecordChanged as exc:
            self._reload_keeping(form, field, exc)
            return False
        except DomainError as exc:
            shown = form is not None and (
                form.show_error(exc.field, exc.message) or form.show_error(field, exc.message)
            )
            if not shown:
                self.message(exc.message, error=True)
            return False
        except DatabaseBusy as exc:
            self.message(str(exc) or "The database is busy; nothing was saved. Try again in a moment.")
            return False
        except DatabaseProblem as exc:
            self.message(str(exc), error=True)
            return False
        self.clear_message()
        if seen is not None and self.record is not None and self.record.id == seen.student_id:
            self.record = replace(self.record, version=seen.version)  # this save is not a colleague's
        student_id = self.student_id
        if make_undo is not None and make_undo(result) is not None:
            text = label(result) if callable(label) else label

            # An undo (or redo) may come when another student is shown: it names its own student.
            # A note the edit left on this student's record (the "new attempt" banner) describes
            # what its undo takes back, and what its redo says again: it goes first.
            def fresh(action: Callable[[], Any]) -> Callable[[], Any]:
                def run() -> Any:
                    if self.student_id == student_id:
                        self.clear_message()
                    return action()

                return run

            self.undo_stack.push(
                ServiceCommand(
                    text[:1].upper() + text[1:],
                    fresh(do),
                    lambda result: fresh(_keep(make_undo)(result)),
                    result,
                    lambda: self._changed_student(student_id, kinds),
                    self._report,
                    (self.ws.saved_versions, seen.student_id) if seen is not None else None,
                )
            )
        self._changed_student(student_id, kinds)
        return True

    def _reload_keeping(self, form: ShowsErrors | None, field: str | None, exc: RecordChanged) -> None:
        """A colleague saved this student meanwhile: show the record as it is now, with what was typed
        still in its field (not saved) and the message naming who changed what."""
        keep = form if isinstance(form, FieldForm) and field is not None and field in form.editors else None
        typed = keep.typed(field) if keep is not None and field is not None else None
        # Every pane reads this student again (this record included), as after a colleague's change.
        self.session.notify(Changes.of(Kind.EVERYTHING, [exc.student_id], Origin.ELSEWHERE))
        if keep is not None and field is not None:
            keep.put_back(field, typed)
            keep.show_error(field, "Not saved yet: what you typed is kept here. Press Enter to save it again.")
        self.message(str(exc), error=True)

    def _changed_student(self, student_id: int | None, kinds: Kind) -> None:
        if student_id is not None:
            self.session.notify(Changes.of(kinds, [student_id]))

    def _report(self, text: str) -> None:
        self.message(text, error=True)

    def message(self, text: str, error: bool = False) -> None:
        colour = ("#fce8e6", "#b3261e") if error else ("#fff4e0", "#5f4300")
        self.banner.setStyleSheet(f"background: {colour[0]}; color: {colour[1]}; padding: 6px; border-radius: 4px;")
        self.banner.setText(text)
        self.banner.show()
        self.banner_close.show()

    def clear_message(self) -> None:
        self.banner.hide()
        self.banner_close.hide()
        self.banner.setText("")

    def message_text(self) -> str:
        return self.banner.text() if not self.banner.isHidden() else ""


def _keep(make_undo: Callable[[Any], Callable[[], Any] | None]) -> Callable[[Any], Callable[[], Any]]:
    """A redo that changed nothing leaves nothing to undo: use a no-op then."""

    def wrapped(result: object) -> Callable[[], Any]:
        return make_undo(result) or (lambda: None)

    return wrapped
