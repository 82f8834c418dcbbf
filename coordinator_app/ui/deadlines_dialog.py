"""Graduation deadlines: a programme's deadline for final products per graduation month, to enter,
change or clear; months without an entered deadline show the programme's schedule or the computed
default, marked as such. Every change goes on the undo stack of the window's session.

Keyboard: arrows choose a month, Enter (or F2, or typing a digit) edits its deadline, Enter saves,
Delete clears an entered deadline, Ctrl+Z / Ctrl+Shift+Z undo and redo, Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.deadlines import FIRST_YEAR, LAST_YEAR, DeadlineSource, academic_year_of
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import month_name
from coordinator_app.domain.people import parse_date
from coordinator_app.services import deadlines as service
from coordinator_app.services.errors import DatabaseProblem
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import DATE_HINT, error_label, fit_width
from coordinator_app.ui.undo import ServiceCommand, undo_shortcuts
from coordinator_app.ui.util import LATER_COLOUR, day

if TYPE_CHECKING:
    from coordinator_app.services.deadlines import DeadlineChange, DeadlineLine
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

COLUMNS = ("Graduation month", "Graduation date", "Deadline", "From", "Students planned")
MONTH, GRADUATION, DEADLINE, SOURCE, PLANNED = range(len(COLUMNS))


class AcademicYearBox(QSpinBox):
    """A start year shown as the academic year it begins: 2024 reads "2024-2025"."""

    def textFromValue(self, value: int) -> str:
        return f"{value}-{value + 1}"

    def valueFromText(self, text: str) -> int:
        head = text.split("-")[0].strip()
        return int(head) if head.isdigit() else self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        head = text.split("-")[0].strip()
        if not head:
            state = QValidator.State.Intermediate
        elif not head.isdigit():
            state = QValidator.State.Invalid
        else:
            state = QValidator.State.Acceptable if len(head) == 4 else QValidator.State.Intermediate
        return state, text, pos


def _source_text(line: DeadlineLine) -> str:
    month = line.month
    if month.source is DeadlineSource.ENTERED:
        fallback = "programme schedule" if month.published else "computed default"
        return f"entered (clear: {fallback} {day(month.fallback)})"
    return month.source.value


class DeadlinesDialog(QDialog):
    def __init__(
        self,
        session: WorkspaceSession,
        ws: Workspace,
        parent: QWidget | None = None,
        programme: str | None = None,
        month: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.ws, self.stack = session, ws, session.undo_stack
        stack = self.stack
        self.lines: list[DeadlineLine] = []
        self.setWindowTitle("Graduation deadlines")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.programme = QComboBox()
        self.programme.setObjectName("deadlineProgramme")
        for code, p in sorted(ws.programmes.items()):
            self.programme.addItem(f"{code} — {p.name}", code)
        self.year = AcademicYearBox()
        self.year.setObjectName("deadlineYear")
        self.year.setRange(FIRST_YEAR, LAST_YEAR - 1)
        self.year.setToolTip("The academic year: graduation months from September to August")
        for text, widget in (("&Programme", self.programme), ("Academic &year", self.year)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        top.addStretch(1)
        layout.addLayout(top)
        intro = QLabel(
            "The deadline for submitting all final products (internships, Literature Study, Academic "
            "Core portfolio) per graduation month. A deadline you enter wins; other months follow the "
            "programme's published schedule or the computed default (4 weeks before the graduation "
            "date, 5 in July, November and December), shown in grey."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("deadlines")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SOURCE, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        layout.addWidget(self.table, 1)
        edit = QHBoxLayout()
        self.month_label = QLabel()
        self.deadline = fit_width(QLineEdit(), "00-00-00000")
        self.deadline.setObjectName("deadlineDate")
        self.deadline.setPlaceholderText(DATE_HINT)
        self.month_label.setBuddy(self.deadline)
        self.set_button = QPushButton("&Set deadline")
        self.set_button.setToolTip("Enter or change this month's deadline (Enter)")
        self.clear_button = QPushButton("&Clear entered")
        self.clear_button.setToolTip("Take back the deadline entered for this month (Delete)")
        for part in (self.month_label, self.deadline, self.set_button, self.clear_button):
            edit.addWidget(part)
        edit.addStretch(1)
        layout.addLayout(edit)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.status = QLabel()
        self.status.setObjectName("deadlineStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter belongs to the table (edit) and the date field (save), never to a default button.
        for button in (self.set_button, self.clear_button, buttons.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.undo_action, self.redo_action = undo_shortcuts(self, stack)

        today = ws.as_of()
        wanted = programme if programme in ws.programmes else self.programme.itemData(0)
        self.programme.setCurrentIndex(max(self.programme.findData(wanted), 0))
        first = month or (today.year, today.month)
        self.year.setValue(academic_year_of(date(first[0], first[1], 1)))
        self.programme.currentIndexChanged.connect(lambda _i: self.refresh())
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.table.itemSelectionChanged.connect(self._month_chosen)
        self.table.doubleClicked.connect(lambda _i: self.edit_deadline())
        self.deadline.returnPressed.connect(self.set_selected)
        self.set_button.clicked.connect(self.set_selected)
        self.clear_button.clicked.connect(self.clear_selected)
        self.refresh(select=first)
        self.resize(820, 560)
        self.table.setFocus()

    # -- showing -----------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        return str(self.programme.currentData())

    def refresh(self, select: tuple[int, int] | None = None) -> None:
        keep = select or self.selected_month()
        try:
            self.lines = service.deadline_schedule(self.ws, self.code, self.year.value())
        except (DomainError, DatabaseProblem) as exc:
            self._show_error(str(exc))
            return
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(len(self.lines))
        grey = QBrush(QColor(LATER_COLOUR))
        for r, line in enumerate(self.lines):
            m = line.month
            values = (
                month_name(m.year, m.month),
                day(m.graduation_date),
                day(m.deadline),
                _source_text(line),
                str(line.planned) if line.planned else "",
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if m.source is DeadlineSource.ENTERED and c in (DEADLINE, SOURCE):
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                elif m.source is DeadlineSource.DEFAULT and c in (DEADLINE, SOURCE):
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                    item.setForeground(grey)
                if c == PLANNED:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setToolTip("Active students planned to graduate in this month")
                self.table.setItem(r, c, item)
        self.table.blockSignals(blocked)
        rows = [r for r, line in enumerate(self.lines) if (line.month.year, line.month.month) == keep]
        self.table.selectRow(rows[0] if rows else 0)
        self._month_chosen()

    def selected_month(self) -> tuple[int, int] | None:
        line = self.selected_line()
        return (line.month.year, line.month.month) if line else None

    def selected_line(self) -> DeadlineLine | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.lines[rows[0].row()] if rows and rows[0].row() < len(self.lines) else None

    def _month_chosen(self) -> None:
        line = self.selected_line()
        self.error.hide()
        if line is None:
            return
        m = line.month
        self.month_label.setText(f"&Deadline for {month_name(m.year, m.month)}:")
        self.deadline.setText(day(m.deadline))
        self.clear_button.setEnabled(m.source is DeadlineSource.ENTERED)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- editing -----------------------------------------------------------------------------------
    def edit_deadline(self, typed: str = "") -> None:
        self.deadline.setFocus(Qt.FocusReason.OtherFocusReason)
        if typed:
            self.deadline.setText(typed)
        else:
            self.deadline.selectAll()

    def set_selected(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        try:
            when = parse_date(self.deadline.text(), "deadline")
        except DomainError as exc:
            self._show_error(exc.message)
            return
        ws, code, year, month = self.ws, self.code, line.month.year, line.month.month

        def undo(change: DeadlineChange) -> Callable[[], Any]:
            before = change.before
            if before is None:
                return lambda: service.clear_deadline(ws, code, year, month)
            return lambda: service.set_deadline(ws, code, year, month, before)

        self._change(
            f"Set the {code} deadline for {month_name(year, month)} to {day(when)}",
            lambda: service.set_deadline(ws, code, year, month, when),
            undo,
        )

    def clear_selected(self) -> None:
        line = self.selected_line()
        if line is None or line.month.source is not DeadlineSource.ENTERED:
            return
        ws, code, year, month = self.ws, self.code, line.month.year, line.month.month

        def undo(change: DeadlineChange) -> Callable[[], Any]:
            before = change.before
            assert before is not None
            return lambda: service.set_deadline(ws, code, year, month, before)

        self._change(
            f"Clear the {code} deadline entered for {month_name(year, month)}",
            lambda: service.clear_deadline(ws, code, year, month),
            undo,
        )

    def _change(
        self, text: str, do: Callable[[], DeadlineChange], make_undo: Callable[[DeadlineChange], Callable[[], Any]]
    ) -> None:
        self.error.hide()
        try:
            change = do()
        except (DomainError, DatabaseProblem) as exc:
            self._show_error(str(exc))  # what was typed stays, nothing was saved
            return
        self.status.setText(change.summary)
        if change.changed:
            self.stack.push(
                ServiceCommand(text, do, make_undo, change, self._changed, self.session.report_undo_failure)
            )
            self._changed()
        self.table.setFocus()

    def _changed(self) -> None:
        """Due dates of every student planned in that month may move: the record, the list's overdue
        counts and the attention list follow."""
        self.refresh()
        self.session.notify(Changes(Kind.DEADLINES))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, text = event.key(), event.text()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
                self.edit_deadline()
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selected()
                return True
            if text.isdigit():
                self.edit_deadline(text)
                return True
        return super().eventFilter(watched, event)

    @classmethod
    def ask(
        cls,
        session: WorkspaceSession,
        ws: Workspace,
        parent: QWidget | None = None,
        programme: str | None = None,
        month: tuple[int, int] | None = None,
    ) -> None:
        dialog = cls(session, ws, parent, programme, month)
        if ws.read_only is not None:  # a viewer may look at the schedule, not change it
            from coordinator_app.ui.read_only import ReadOnlyLock

            lock = ReadOnlyLock(dialog)
            lock.lock(dialog, ws.read_only)
            for chooser in (dialog.programme, *dialog.findChildren(QDialogButtonBox)):
                chooser.setProperty("coordinatorReadOnly", False)
                chooser.setEnabled(True)
        dialog.exec()
        dialog.deleteLater()
