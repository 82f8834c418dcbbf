"""Academic Core: the mentor, mentor meetings (add, edit, delete), first-year work, CV, final meeting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.people import parse_date
from coordinator_app.domain.programme import Programme
from coordinator_app.services import academic_core as service
from coordinator_app.services.record_view import Meeting, StudentRecord
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import DATE_HINT, FieldForm
from coordinator_app.ui.record.base import (
    PortfolioTable,
    RecordContext,
    RecordPage,
    cell,
    group,
    mark_received,
    scrolling,
    table,
)
from coordinator_app.ui.record.documents import DocumentsBox, portfolio_documents
from coordinator_app.ui.register_picker import RegisterPicker, cache_of
from coordinator_app.ui.undo import Created
from coordinator_app.ui.util import DONE_COLOUR, OVERDUE_COLOUR, day


class AcademicCorePage(RecordPage):
    key = "academic_core"
    title = "Academic Core"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.status = QLabel()
        self.status.setObjectName("core_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)

        self.mentor_form = FieldForm(self)
        self.mentor_name = QLineEdit()
        self.mentor_org = QLineEdit()
        self.mentor_email = QLineEdit()
        self.mentor_form.add_row("mentor", "Name", self.mentor_name)
        self.mentor_form.layout.addRow("Organisation", self.mentor_org)
        self.mentor_form.add_row("email", "E-mail", self.mentor_email)
        self.mentor_name.setPlaceholderText("type to choose from the people register")
        self.mentor_picker = RegisterPicker(self.mentor_name, cache_of(ctx.session), "people")
        self.mentor_picker.chosen.connect(self._choose_mentor)
        self.mentor_save = QPushButton("Save mentor")
        self.mentor_form.layout.addRow("", self.mentor_save)
        self.mentor_save.clicked.connect(self._save_mentor)

        self.meetings = table(["Date", "Topic", "Notes"])
        self.meetings.setMinimumHeight(120)
        self.meeting_documents = DocumentsBox(ctx, self._meeting_target, can_mark_received=False)
        self.meetings.itemSelectionChanged.connect(self.meeting_documents.refresh)
        self.meeting_documents.accept_drops_on(self.meetings, self._meeting_row)
        self.meeting_form = FieldForm(self, QFormLayout())
        self.m_date = QLineEdit()
        self.m_date.setPlaceholderText(DATE_HINT)
        self.m_topic = QLineEdit()
        self.m_notes = QPlainTextEdit()
        self.m_notes.setMaximumHeight(60)
        self.meeting_form.add_row("meeting_date", "Date", self.m_date)
        self.meeting_form.add_row("meeting", "Topic", self.m_topic)
        self.meeting_form.layout.addRow("Notes", self.m_notes)
        buttons = QHBoxLayout()
        self.m_add = QPushButton("Add meeting")
        self.m_save = QPushButton("Save changes")
        self.m_delete = QPushButton("Delete")
        for b in (self.m_add, self.m_save, self.m_delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.meeting_form.layout.addRow("", _row(buttons))
        self.m_add.clicked.connect(self._add_meeting)
        self.m_save.clicked.connect(self._save_meeting)
        self.m_delete.clicked.connect(self._delete_meeting)
        self.meetings.itemSelectionChanged.connect(self._select_meeting)

        self.portfolio = PortfolioTable(ctx)
        self.portfolio.received.connect(lambda item_id, when: mark_received(self.ctx, self.portfolio, item_id, when))
        self.documents = portfolio_documents(ctx, self.portfolio)

        left = QVBoxLayout()
        left.addWidget(group("Mentor", self.mentor_form.layout))
        left.addStretch(1)
        right = QVBoxLayout()
        mbox = QVBoxLayout()
        mbox.addWidget(self.meetings)
        mbox.addWidget(self.meeting_documents)
        mbox.addLayout(self.meeting_form.layout)
        right.addWidget(group("Mentor meetings", mbox))
        right.addStretch(1)
        # The status and the portfolio (what the coordinator chases) first and across the width,
        # as on the internship tab: every item on one line.
        grid.addWidget(self.status, 0, 0, 1, 2)
        portfolio_box = _box(self.portfolio)
        portfolio_box.addWidget(self.documents)
        grid.addWidget(group("Portfolio: first-year assignments, CV, final meeting", portfolio_box), 1, 0, 1, 2)
        grid.addLayout(left, 2, 0)
        grid.addLayout(right, 2, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))
        self.shown_meetings: tuple[Meeting, ...] = ()

    def applies(self, programme: Programme) -> bool:
        return programme.academic_core is not None

    def fill(self, record: StudentRecord) -> None:
        core = record.evaluation.academic_core
        if core is not None:
            meetings = f"{core.meetings_held} of at least {core.meetings_required} mentor meetings held"
            colour = DONE_COLOUR if core.enough_meetings else OVERDUE_COLOUR
            self.status.setText(f"<span style='color:{colour}'><b>{meetings}</b></span><br>Status: {core.label}")
        self.mentor_name.setText(record.mentor["name"])
        self.mentor_org.setText(record.mentor["organisation"])
        self.mentor_email.setText(record.mentor["email"])
        self.mentor_form.clear_errors()
        self.shown_meetings = record.meetings
        self.meetings.setRowCount(len(record.meetings))
        for r, meeting in enumerate(record.meetings):
            self.meetings.setItem(r, 0, cell(day(meeting.when), meeting.id))
            self.meetings.setItem(r, 1, cell(meeting.topic))
            self.meetings.setItem(r, 2, cell(meeting.notes.replace("\n", " ")))
        self.meeting_form.clear_errors()
        self._select_meeting()
        self.portfolio.fill(record.core_items, record.as_of)
        self.documents.fill(record.documents)
        self.meeting_documents.fill(record.documents)

    def _selected(self) -> Meeting | None:
        row = self.meetings.currentRow()
        if 0 <= row < len(self.shown_meetings) and self.meetings.selectionModel().hasSelection():
            return self.shown_meetings[row]
        return None

    def _select_meeting(self) -> None:
        meeting = self._selected()
        self.m_save.setEnabled(meeting is not None)
        self.m_delete.setEnabled(meeting is not None)
        if meeting is not None:
            self.m_date.setText(day(meeting.when))
            self.m_topic.setText(meeting.topic)
            self.m_notes.setPlainText(meeting.notes)

    def _save_mentor(self) -> None:
        record = self.ctx.record
        if record is None:
            return
        ws, sid = self.ctx.ws, record.id
        name, org, email = self.mentor_name.text(), self.mentor_org.text(), self.mentor_email.text()

        def save() -> tuple[dict[str, str] | None, list[int]]:
            added: list[int] = []  # a mentor typed who was not in the register yet: added to it
            return service.set_mentor(ws, sid, name, org, email, added=added), added

        def make_undo(result: tuple[dict[str, str] | None, list[int]]) -> Callable[[], Any]:
            # The undo takes the added person out of the register again (unless chosen elsewhere since).
            before, added = result
            if before is None:
                return lambda: service.clear_mentor(ws, sid, drop=added)
            return lambda: service.set_mentor(
                ws, sid, before["name"], before["organisation"], before["email"], drop=added
            )

        shown = " ".join(name.split())
        self.ctx.attempt(
            self.mentor_form,
            "mentor",
            f"set mentor to {shown}" if shown else "change mentor",
            save,
            make_undo,
            kinds=Kind.ACADEMIC_CORE,
        )

    def _meeting_row(self, row: int) -> tuple[str, int, str] | None:
        if 0 <= row < len(self.shown_meetings):
            meeting = self.shown_meetings[row]
            return ("mentor_meeting", meeting.id, f"the mentor meeting of {day(meeting.when)}")
        return None

    def _meeting_target(self) -> tuple[str, int, str] | None:
        meeting = self._selected()
        return self._meeting_row(self.shown_meetings.index(meeting)) if meeting is not None else None

    def _choose_mentor(self, person_id: int) -> None:
        """A mentor picked from the register: chosen by id, with their own organisation and e-mail."""
        record = self.ctx.record
        if record is None:
            return
        ws, sid = self.ctx.ws, record.id

        def make_undo(before: dict[str, str] | None) -> Callable[[], Any]:
            if before is None:
                return lambda: service.clear_mentor(ws, sid)
            return lambda: service.set_mentor(ws, sid, before["name"], before["organisation"], before["email"])

        self.ctx.attempt(
            self.mentor_form,
            "mentor",
            f"set mentor to {self.mentor_name.text()}",
            lambda: service.set_mentor(ws, sid, "", "", None, person_id=person_id),
            make_undo,
            kinds=Kind.ACADEMIC_CORE,
        )

    def _meeting_input(self) -> tuple[Any, str, str] | None:
        try:
            when = parse_date(self.m_date.text(), "meeting_date")
        except DomainError as exc:
            self.meeting_form.show_error("meeting_date", exc.message)
            return None
        return when, self.m_topic.text(), self.m_notes.toPlainText()

    def _add_meeting(self) -> None:
        values, record = self._meeting_input(), self.ctx.record
        if values is None or record is None:
            return
        ws, sid = self.ctx.ws, record.id
        when, topic, notes = values
        made = Created(self.ctx.ids, "mentor_meeting")  # a redo adds it again, with a new id

        def make_undo(new_id: int) -> Callable[[], Any]:
            meeting = made.at(new_id)
            return lambda: meeting.gone(service.delete_meeting(ws, meeting.id))

        if self.ctx.attempt(
            self.meeting_form,
            "meeting_date",
            f"add mentor meeting of {day(when)}",
            lambda: service.add_meeting(ws, sid, when, topic, notes),
            make_undo,
            kinds=Kind.ACADEMIC_CORE,
        ):
            self.m_date.clear()
            self.m_topic.clear()
            self.m_notes.clear()

    def _save_meeting(self) -> None:
        meeting = self._selected()
        values = self._meeting_input()
        if meeting is None or values is None:
            return
        ws = self.ctx.ws
        when, topic, notes = values
        row = self.ctx.ids.remember("mentor_meeting", meeting.id)
        self.ctx.attempt(
            self.meeting_form,
            "meeting_date",
            f"change mentor meeting of {day(meeting.when)}",
            lambda: service.update_meeting(ws, row.id, when, topic, notes),
            lambda before: lambda: service.update_meeting(ws, row.id, before.when, before.topic, before.notes),
            kinds=Kind.ACADEMIC_CORE,
        )

    def _delete_meeting(self) -> None:
        meeting = self._selected()
        if meeting is None:
            return
        ws = self.ctx.ws
        row = self.ctx.ids.remember("mentor_meeting", meeting.id)
        self.ctx.attempt(
            self.meeting_form,
            "meeting",
            f"delete mentor meeting of {day(meeting.when)}",
            lambda: row.gone(service.delete_meeting(ws, row.id)),
            lambda deleted: lambda: row.moved_to(service.restore_meeting(ws, deleted)),
            kinds=Kind.ACADEMIC_CORE,
        )


def _row(layout: QHBoxLayout) -> QWidget:
    holder = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    holder.setLayout(layout)
    return holder


def _box(widget: QWidget) -> QVBoxLayout:
    box = QVBoxLayout()
    box.addWidget(widget)
    return box
