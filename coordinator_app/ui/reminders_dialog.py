"""Remind…: the drafts for the attention lines or students chosen, to review before anything leaves.

The drafts are made off the GUI thread (services/reminders.py `draft`), one per recipient. The
coordinator reads (and may edit) each, then opens one in the default mail program (a mailto: link
through QDesktopServices), writes them all as .eml files into a folder, or copies the addresses for
one message in BCC. Recipients without an address are listed as "no address" and never get a
message; items nobody is to be reminded about are listed with the reason. Whatever goes to the
mail program is recorded as a reminder per item (the attention list then says "reminded today").
The app itself sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.util import OVERDUE_COLOUR

if TYPE_CHECKING:
    from coordinator_app.domain.attention import AttentionItem
    from coordinator_app.domain.reminders import Draft, Drafts
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

COLUMNS = ("To", "Role", "Items", "Address", "Done")
TO, ROLE, ITEMS, ADDRESS, DONE = range(len(COLUMNS))
_GREY = QBrush(QColor("#5f6368"))
_RED = QBrush(QColor(OVERDUE_COLOUR))


def start_reminders(
    session: WorkspaceSession,
    parent: QWidget,
    items: Sequence[AttentionItem] | None = None,
    students: Sequence[int] | None = None,
    within: int = 14,
) -> None:
    """Draft reminders for these attention lines (or every overdue and due-soon item of these
    students), then show the review. Nothing chosen: say so, open nothing."""
    if session.ws is None:
        return
    chosen_items = list(items or [])
    chosen_students = list(students or [])
    if not chosen_items and not chosen_students:
        _tell(parent, "Select one or more attention lines or students first.")
        return
    signature, language = saved.signature(), saved.reminder_language()

    def work(ws: Workspace) -> Drafts:
        from coordinator_app.services.reminders import draft, items_of_students

        found = chosen_items or items_of_students(ws, chosen_students, within)
        return draft(ws, found, signature, language)

    def done(drafts: Drafts) -> None:
        if not drafts.drafts and not drafts.unsent:
            _tell(parent, "Nothing is overdue or due soon for the students chosen.")
            return
        dialog = RemindersDialog(session, drafts, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    session.run(work, done, "Preparing the reminders…", modal=True)


def _tell(parent: QWidget, text: str) -> None:
    """A window-modal note opened with open(): exec() inside a job's callback would nest an event loop."""
    box = QMessageBox(QMessageBox.Icon.Information, "Remind", text, parent=parent)
    box.setObjectName("remindNote")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class RemindersDialog(QDialog):
    """The review: drafts on the left, the one selected on the right, what to do with them below."""

    def __init__(self, session: WorkspaceSession, drafts: Drafts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersDialog")
        self.session = session
        self.drafts = drafts
        self.rows: list[Draft] = list(drafts.drafts)
        self.done_text: dict[int, str] = {}
        self.setWindowTitle("Reminders: review before sending")
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(len(self.rows), len(COLUMNS))
        self.table.setObjectName("drafts")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(TO, QHeaderView.ResizeMode.Stretch)
        for r, d in enumerate(self.rows):
            self._fill_row(r, d)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(TO, QHeaderView.ResizeMode.Stretch)
        left_layout.addWidget(self.table, 1)
        self.unsent = QLabel(self._unsent_text())
        self.unsent.setObjectName("unsent")
        self.unsent.setWordWrap(True)
        self.unsent.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unsent.setVisible(bool(drafts.unsent))
        left_layout.addWidget(self.unsent)
        split.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.to_line = QLabel()
        self.to_line.setObjectName("draftTo")
        self.to_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subject = QLineEdit()
        self.subject.setObjectName("draftSubject")
        self.body = QPlainTextEdit()
        self.body.setObjectName("draftBody")
        right_layout.addWidget(self.to_line)
        right_layout.addWidget(self.subject)
        right_layout.addWidget(self.body, 1)
        split.addWidget(right)
        split.setSizes([430, 570])
        layout.addWidget(split, 1)
        self.message = QLabel()
        self.message.setObjectName("remindMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Open in mail program")
        self.open_button.setToolTip("Open the selected draft in your mail program, to check and send (Enter)")
        self.write_button = QPushButton("&Write all as .eml files…")
        self.write_button.setToolTip(
            "Write every draft with an address into a new folder, to open in Outlook or Thunderbird"
        )
        self.copy_button = QPushButton("&Copy addresses (BCC)")
        self.copy_button.setToolTip("Copy every address, to send one message to all of them in BCC")
        close = QPushButton("Close")
        for button in (self.open_button, self.write_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.open_button.setDefault(True)
        sendable = bool(drafts.with_address)
        self.write_button.setEnabled(sendable)
        self.copy_button.setEnabled(sendable)
        self.open_button.clicked.connect(self.open_selected)
        self.write_button.clicked.connect(self.choose_folder)
        self.copy_button.clicked.connect(self.copy_addresses)
        close.clicked.connect(self.accept)
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._show(row))
        self.subject.textEdited.connect(self._subject_edited)
        self.body.textChanged.connect(self._body_edited)
        self.resize(1060, 640)
        if self.rows:
            self.table.selectRow(0)
        self._show(0 if self.rows else -1)

    # -- the list -----------------------------------------------------------------------------------------
    def _summary(self) -> str:
        d = self.drafts
        with_address, without = len(d.with_address), len(d.without_address)
        items = sum(len(x.items) for x in d.drafts)
        text = f"{with_address} message{'s' if with_address != 1 else ''} to review about {items} item{'s' if items != 1 else ''}"
        if without:
            text += f"; {without} recipient{'s' if without != 1 else ''} with no address (skipped)"
        if d.unsent:
            text += f"; {len(d.unsent)} item{'s' if len(d.unsent) != 1 else ''} not drafted (see below)"
        text += ". Nothing is sent until you send it from your mail program."
        if not saved.signature().strip():
            text += " The drafts end without a signature: set yours in Edit > Settings…"
        return text

    def _unsent_text(self) -> str:
        lines = [
            f"• {u.item.student_name}: {u.item.what} ({u.item.component}): {u.reason}" for u in self.drafts.unsent[:12]
        ]
        more = len(self.drafts.unsent) - 12
        return "Not drafted:\n" + "\n".join(lines) + (f"\n… and {more} more" if more > 0 else "")

    def _fill_row(self, r: int, d: Draft) -> None:
        cells = (d.to.name, d.to.role, str(len(d.items)), d.to.email or "no address", self.done_text.get(r, ""))
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if not d.has_address:
                item.setForeground(_RED if c == ADDRESS else _GREY)
            self.table.setItem(r, c, item)

    def current(self) -> Draft | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show(self, row: int) -> None:
        d = self.rows[row] if 0 <= row < len(self.rows) else None
        blocked = self.subject.blockSignals(True), self.body.blockSignals(True)
        self.subject.setText(d.subject if d else "")
        self.body.setPlainText(d.body if d else "")
        self.subject.blockSignals(blocked[0])
        self.body.blockSignals(blocked[1])
        if d is None:
            self.to_line.setText("")
        elif d.has_address:
            self.to_line.setText(f"To: {d.to.name} <{d.to.email}>  ({d.to.role})")
        else:
            self.to_line.setText(f"To: {d.to.name} ({d.to.role}): no address recorded, this draft is not sent")
        for widget in (self.subject, self.body):
            widget.setEnabled(bool(d and d.has_address))
        self.open_button.setEnabled(bool(d and d.has_address))

    def _subject_edited(self, text: str) -> None:
        d = self.current()
        if d is not None:
            d.subject = " ".join(text.split())

    def _body_edited(self) -> None:
        d = self.current()
        if d is not None:
            d.body = self.body.toPlainText()

    def _mark_done(self, rows: Sequence[int], text: str) -> None:
        for r in rows:
            self.done_text[r] = text
            self.table.setItem(r, DONE, QTableWidgetItem(text))

    # -- out to the mail program ----------------------------------------------------------------------------
    def open_selected(self) -> None:
        """The selected draft in the default mail program; the next one with an address is selected."""
        from coordinator_app.services.outbox import MAILTO_SAFE_LENGTH, mailto_url

        row, d = self.table.currentRow(), self.current()
        if d is None or not d.has_address:
            return
        url = mailto_url(d)
        if not QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)):
            self.message.setText("No mail program opened the message. Use Write all as .eml files instead.")
            return
        self._record([d], [row], "opened")
        note = (
            " This message is long: if your mail program cut it off, use Write all as .eml files."
            if len(url) > MAILTO_SAFE_LENGTH
            else ""
        )
        self.message.setText(f"Opened the message to {d.to.name} in your mail program.{note}")
        following = next((r for r in range(row + 1, len(self.rows)) if self.rows[r].has_address), None)
        if following is not None:
            self.table.selectRow(following)

    def choose_folder(self) -> None:
        start = saved.reminders_folder() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Write the reminders into this folder", start)
        if folder:
            self.write_into(Path(folder))

    def write_into(self, folder: Path) -> None:
        """Every draft with an address as an .eml file in a new folder inside `folder`, off the GUI thread."""
        from coordinator_app.services.outbox import write_eml
        from coordinator_app.services.reminders import record_reminders

        ws = self.session.ws
        if ws is None:
            return
        sendable = self.drafts.with_address
        sender = saved.sender()
        self.write_button.setEnabled(False)

        def work() -> tuple[Path, int]:
            written = write_eml(sendable, folder, sender)
            return written, record_reminders(ws, sendable)

        def done(result: tuple[Path, int]) -> None:
            written, _count = result
            self.write_button.setEnabled(True)
            saved.set_reminders_folder(str(folder))
            self._mark_done([r for r, d in enumerate(self.rows) if d.has_address], "written")
            self.written = written
            self.message.setText(
                f"Wrote {len(sendable)} message{'s' if len(sendable) != 1 else ''} to {written}. Open them in "
                "Outlook or Thunderbird to check and send them."
            )
            self._told(sendable)

        def failed(exc: BaseException) -> None:
            from coordinator_app.services.errors import DatabaseProblem
            from coordinator_app.services.outbox import OutboxProblem

            self.write_button.setEnabled(True)
            if isinstance(exc, (OutboxProblem, DatabaseProblem)):
                self.message.setText(str(exc))
                # open(), not exec(): the dialog stays responsive (and testable) behind the box.
                box = QMessageBox(QMessageBox.Icon.Warning, "Reminders not written", str(exc), parent=self)
                box.setObjectName("remindersNotWritten")
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()
                return
            raise exc

        self.session.jobs.run(work, done, failed, label="Writing the reminders…", parent_widget=self)

    def copy_addresses(self) -> None:
        from coordinator_app.services.outbox import bcc_addresses

        sendable = self.drafts.with_address
        addresses = bcc_addresses(sendable)
        QGuiApplication.clipboard().setText(addresses)
        self._record(sendable, [r for r, d in enumerate(self.rows) if d.has_address], "addresses copied")
        count = len(addresses.split("; ")) if addresses else 0
        self.message.setText(
            f"Copied {count} address{'es' if count != 1 else ''}: paste them in the BCC of one message in your mail program."
        )

    def _record(self, drafts: Sequence[Draft], rows: Sequence[int], text: str) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem
        from coordinator_app.services.reminders import record_reminders

        ws = self.session.ws
        if ws is None:
            return
        try:
            record_reminders(ws, drafts)
        except (DatabaseProblem, DomainError) as exc:
            self.message.setText(f"Not recorded as reminded: {exc}")
            return
        self._mark_done(rows, text)
        self._told(drafts)

    def _told(self, drafts: Sequence[Draft]) -> None:
        students = {i.student_id for d in drafts for i in d.items}
        self.session.notify(Changes.of(Kind.REMINDERS, students))
