"""The what-if graduation planner: pick a month for a student (or a selection) and see, without
saving, every remaining deadline against it and every gap that would block it, with the earliest
month that still works. "Plan this month" then saves it (one step on the window's undo stack).

The view is worked out off the GUI thread (services/whatif.py); choosing another month or student
only asks again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import month_name
from coordinator_app.services import graduation as planning
from coordinator_app.services.errors import DatabaseProblem
from coordinator_app.services.whatif import what_if_month
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.undo import ServiceCommand, undo_shortcuts
from coordinator_app.ui.util import DONE_BACKGROUND, DUE_SOON_BACKGROUND, OVERDUE_BACKGROUND, day

if TYPE_CHECKING:
    from coordinator_app.domain.whatif import WhatIf
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

MONTHS_AHEAD = 36
STATE_COLOUR = {
    "done": DONE_BACKGROUND,
    "overdue": DUE_SOON_BACKGROUND,
    "late": OVERDUE_BACKGROUND,
    "not planned": OVERDUE_BACKGROUND,
}
STATE_ORDER = {"late": 0, "not planned": 0, "overdue": 1, "in time": 2, "done": 3}
LINE_COLUMNS = ("What", "Due or ends", "State")
STUDENT_COLUMNS = ("Student", "This month", "Earliest month that works")


def _months_from(start: date, count: int) -> list[tuple[int, int]]:
    year, month = start.year, start.month
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: str, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    if colour:
        item.setBackground(QBrush(QColor(colour)))
    return item


def _said(month: tuple[int, int] | None) -> str:
    return month_name(*month) if month else "none yet (plan the missing work first)"


class WhatIfDialog(QDialog):
    def __init__(
        self,
        session: WorkspaceSession,
        ws: Workspace,
        students: dict[int, str],
        parent: QWidget | None = None,
        month: tuple[int, int] | None = None,
    ) -> None:
        """`students`: id -> how the student is named; `month`: the one shown first."""
        super().__init__(parent)
        self.session, self.ws, self.students = session, ws, students
        self.views: dict[int, WhatIf] = {}
        self.setWindowTitle("What if… graduation planner")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.month = QComboBox()
        self.month.setObjectName("whatIfMonth")
        self.month.setMaxVisibleItems(12)
        today = ws.as_of()
        for ym in _months_from(date(today.year, today.month, 1), MONTHS_AHEAD):
            self.month.addItem(month_name(*ym), ym)
        label = QLabel("Graduate in &month")
        label.setBuddy(self.month)
        self.earliest_button = QPushButton("Earliest month")
        self.earliest_button.setToolTip("Show the earliest month in which the planned work fits")
        top.addWidget(label)
        top.addWidget(self.month)
        top.addWidget(self.earliest_button)
        top.addStretch(1)
        layout.addLayout(top)
        who = next(iter(students.values())) if len(students) == 1 else f"{len(students)} students"
        intro = QLabel(f"What if {who} graduated in the month chosen: nothing is saved until you plan it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.student_table = _table(STUDENT_COLUMNS, "whatIfStudents")
        self.student_table.setMaximumHeight(160)
        self.student_table.setVisible(len(students) > 1)
        layout.addWidget(self.student_table)
        self.summary = QLabel()
        self.summary.setObjectName("whatIfSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.lines = _table(LINE_COLUMNS, "whatIfLines")
        layout.addWidget(self.lines, 1)
        self.gaps = QLabel()
        self.gaps.setObjectName("whatIfGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.gaps)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.status = QLabel()
        self.status.setObjectName("whatIfStatus")
        layout.addWidget(self.status)
        self.outcome = QLabel()
        self.outcome.setObjectName("whatIfOutcome")
        self.outcome.hide()
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.plan_button = buttons.addButton("&Plan this month", QDialogButtonBox.ButtonRole.ApplyRole)
        self.plan_button.setObjectName("planThisMonth")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for button in (self.earliest_button, self.plan_button):
            button.setAutoDefault(False)
        stack = session.undo_stack
        self.undo_action, self.redo_action = undo_shortcuts(self, stack)

        self.show_month(month or (today.year, today.month))
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.student_table.itemSelectionChanged.connect(self._show_selected)
        self.earliest_button.clicked.connect(self.show_earliest)
        self.plan_button.clicked.connect(self.plan)
        self.resize(900, 620)
        self.refresh()

    @classmethod
    def ask(
        cls,
        session: WorkspaceSession,
        ws: Workspace,
        students: dict[int, str],
        parent: QWidget,
        month: tuple[int, int] | None = None,
    ) -> WhatIfDialog:
        dialog = cls(session, ws, students, parent, month)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # -- the month -------------------------------------------------------------------------------------
    def chosen_month(self) -> tuple[int, int]:
        year, month = self.month.currentData()
        return int(year), int(month)

    def show_month(self, month: tuple[int, int]) -> None:
        index = self.month.findData(month)
        if index < 0:  # a month before today's (a plan in the past) is shown too
            self.month.insertItem(0, month_name(*month), month)
            index = 0
        self.month.setCurrentIndex(index)

    def show_earliest(self) -> None:
        current = self._current()
        view = self.views.get(current) if current is not None else None
        if view is not None and view.earliest is not None:
            self.show_month(view.earliest)

    # -- reading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        ids, (year, month) = list(self.students), self.chosen_month()
        self.plan_button.setEnabled(False)
        self.session.run(
            lambda ws: ((year, month), what_if_month(ws, ids, year, month)),
            self._show,
            "Working out the deadlines…",
            lambda exc: self._show_error(str(exc)),
        )

    def _show(self, answer: tuple[tuple[int, int], dict[int, WhatIf]]) -> None:
        month, views = answer
        if month != self.chosen_month():
            return  # another month was chosen meanwhile
        self.views = views
        self.error.hide()
        keep = self._current()
        blocked = self.student_table.blockSignals(True)
        self.student_table.setRowCount(len(views))
        for r, (sid, view) in enumerate(views.items()):
            name = _cell(self.students.get(sid, str(sid)))
            name.setData(Qt.ItemDataRole.UserRole, sid)
            self.student_table.setItem(r, 0, name)
            works = "works" if view.works else f"{len(view.gaps)} gap{'s' if len(view.gaps) != 1 else ''}"
            self.student_table.setItem(r, 1, _cell(works, DONE_BACKGROUND if view.works else OVERDUE_BACKGROUND))
            self.student_table.setItem(r, 2, _cell(_said(view.earliest)))
        self.student_table.blockSignals(blocked)
        row = list(views).index(keep) if keep in views else 0
        self.student_table.selectRow(row)
        self._show_selected()
        fits = sum(1 for v in views.values() if v.works)
        self.status.setText(
            f"{month_name(*month)} works for {fits} of {len(views)} students." if len(views) > 1 else ""
        )
        self.plan_button.setEnabled(bool(views))

    def _current(self) -> int | None:
        if len(self.students) == 1:
            return next(iter(self.students))
        row = self.student_table.currentRow()
        item = self.student_table.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _show_selected(self) -> None:
        current = self._current()
        view = self.views.get(current) if current is not None else None
        if view is None:
            return
        deadline = view.deadline
        self.summary.setText(
            f"Graduation date <b>{day(view.graduation_date)}</b> · deadline for all final products "
            f"<b>{day(deadline.deadline)}</b> ({deadline.source.value}) · marks registered by "
            f"<b>{day(view.marks_by)}</b> · ceremony <b>{month_name(*view.ceremony)}</b>"
        )
        # What blocks the month first, what is done last: the coordinator reads what is left to chase.
        lines = sorted(view.lines, key=lambda line: STATE_ORDER.get(line.state, 2))
        self.lines.setRowCount(len(lines))
        for r, line in enumerate(lines):
            colour = STATE_COLOUR.get(line.state)
            self.lines.setItem(r, 0, _cell(line.sentence if line.state != "in time" else line.what, colour))
            self.lines.setItem(r, 1, _cell(day(line.due) if line.due else "", colour))
            self.lines.setItem(r, 2, _cell(line.state, colour))
        earliest = f"Earliest month that works: {_said(view.earliest)}."
        if view.works:
            self.gaps.setText(f"Nothing blocks {month_name(*view.month)}. {earliest}")
        else:
            self.gaps.setText("What would block it:\n" + "\n".join(f"• {gap}" for gap in view.gaps) + f"\n{earliest}")
        self.earliest_button.setEnabled(view.earliest is not None and view.earliest != view.month)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # -- planning ----------------------------------------------------------------------------------------
    def plan(self) -> None:
        """Plan the month for every student shown: one step on the undo stack."""
        ws, session = self.ws, self.session
        ids, (year, month) = list(self.students), self.chosen_month()

        def do() -> dict[int, tuple[int, int] | None]:
            before: dict[int, tuple[int, int] | None] = {}
            try:
                for sid in ids:
                    before[sid] = planning.plan_graduation(ws, sid, year, month)
            except (DomainError, DatabaseProblem):
                _put_back(ws, before)()  # never half the selection
                raise
            return before

        try:
            result = do()
        except (DomainError, DatabaseProblem) as exc:
            self._show_error(str(exc))
            return
        who = next(iter(self.students.values())) if len(ids) == 1 else f"{len(ids)} students"
        text = f"plan graduation of {who} in {month_name(year, month)}"

        def after() -> None:
            session.notify(Changes.of(Kind.GRADUATION | Kind.ACADEMIC_CORE, ids))
            if isValid(self) and self.isVisible():
                self.outcome.hide()
                self.refresh()

        session.undo_stack.push(
            ServiceCommand(
                text[:1].upper() + text[1:], do, lambda b: _put_back(ws, b), result, after, session.report_undo_failure
            )
        )
        after()
        self.outcome.setText(f"Planned: {who} in {month_name(year, month)}. Undo (Ctrl+Z) takes it back.")
        self.outcome.show()


def _put_back(ws: Workspace, before: dict[int, tuple[int, int] | None]) -> Callable[[], Any]:
    def undo() -> None:
        for sid, was in before.items():
            if was is None:
                planning.clear_graduation_plan(ws, sid)
            else:
                planning.plan_graduation(ws, sid, *was)

    return undo
