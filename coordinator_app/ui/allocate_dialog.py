"""Allocate specializations: a PM cohort's places filled by the students' preferences.

The preview comes first (read off the GUI thread, nothing written): who gets which specialization
and why, the places per specialization, the waiting lists. "Allocate" then writes exactly that (one
transaction, the lottery's seed recorded) as one step on the window's undo stack; "New lottery"
draws again. Afterwards the dialog shows the waiting lists as they are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import allocation as service
from coordinator_app.services.errors import DatabaseProblem
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.undo import ServiceCommand, undo_shortcuts

if TYPE_CHECKING:
    from coordinator_app.services.allocation import AllocationPreview, Waiting
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

COLUMNS = ("Student", "Preferences", "Gets", "Why")
WAITING_COLUMNS = ("Specialization", "Place", "Student", "Has now")


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


class AllocateDialog(QDialog):
    def __init__(
        self,
        session: WorkspaceSession,
        ws: Workspace,
        parent: QWidget | None = None,
        programme: str = "PM",
        cohort: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.ws, self.programme = session, ws, programme
        self.preview: AllocationPreview | None = None
        self.setWindowTitle("Allocate specializations")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.cohort = QComboBox()
        self.cohort.setObjectName("allocationCohort")
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        self.lottery = QPushButton("&New lottery")
        self.lottery.setToolTip("Draw the lottery again (nothing is saved until you allocate)")
        top.addWidget(label)
        top.addWidget(self.cohort)
        top.addWidget(self.lottery)
        top.addStretch(1)
        layout.addLayout(top)
        self.rule = QLabel()
        self.rule.setObjectName("allocationRule")
        self.rule.setWordWrap(True)
        layout.addWidget(self.rule)
        self.places = QLabel()
        self.places.setObjectName("allocationPlaces")
        self.places.setWordWrap(True)
        layout.addWidget(self.places)
        self.tabs = QTabWidget()
        self.table = _table(COLUMNS, "allocationPreview")
        self.waiting = _table(WAITING_COLUMNS, "waitingLists")
        self.tabs.addTab(self.table, "Who gets what")
        self.tabs.addTab(self.waiting, "Waiting lists")
        layout.addWidget(self.tabs, 1)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.status = QLabel()
        self.status.setObjectName("allocationStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.outcome = QLabel()
        self.outcome.setObjectName("allocationOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.allocate_button = buttons.addButton("&Allocate", QDialogButtonBox.ButtonRole.ApplyRole)
        self.allocate_button.setObjectName("allocate")
        self.allocate_button.setToolTip("Give every student the place shown (one step: Undo takes it back)")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for button in (self.lottery, self.allocate_button):
            button.setAutoDefault(False)
        stack = session.undo_stack
        self.undo_action, self.redo_action = undo_shortcuts(self, stack)

        # The preferences read from their tooltip when the names are long; the reason gets the room,
        # and a reason longer than its column goes on to a second line (the row grows) instead of
        # being cut: it is the answer to "why did she not get her first choice?".
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 260)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._fill_cohorts(cohort)
        self.cohort.currentIndexChanged.connect(lambda _i: self.refresh())
        self.lottery.clicked.connect(lambda: self.refresh())
        self.allocate_button.clicked.connect(self.allocate)
        # As wide as a 1366-pixel screen allows (the reasons are long): 1240, less on a smaller screen.
        screen = self.screen().availableGeometry().width() if self.screen() is not None else 1366
        self.resize(max(980, min(1240, screen - 60)), 600)
        self.refresh()

    @classmethod
    def ask(
        cls, session: WorkspaceSession, ws: Workspace, parent: QWidget, programme: str = "PM", cohort: int | None = None
    ) -> AllocateDialog:
        dialog = cls(session, ws, parent, programme, cohort)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: the list and the records stay usable while it is open
        return dialog

    # -- reading -------------------------------------------------------------------------------------
    def _fill_cohorts(self, wanted: int | None) -> None:
        try:
            cohorts = service.cohorts_to_allocate(self.ws, self.programme)
        except (DomainError, DatabaseProblem) as exc:
            self._show_error(str(exc))
            cohorts = []
        for c in cohorts:
            self.cohort.addItem(
                f"{c.year}-{c.year + 1}  ({c.students} students, {c.unplaced} without a specialization)", c.year
            )
        first_open = next((c.year for c in cohorts if c.unplaced), None)
        choice = wanted if wanted is not None and self.cohort.findData(wanted) >= 0 else first_open
        self.cohort.setCurrentIndex(max(self.cohort.findData(choice), 0))
        if not cohorts:
            self.rule.setText("No cohort of this programme has active students.")

    def refresh(self, seed: int | None = None) -> None:
        """A new preview of the chosen cohort (a new lottery unless `seed`), read off the GUI thread."""
        year = self.cohort.currentData()
        self.allocate_button.setEnabled(False)
        if year is None:
            return
        self.preview = None
        self.status.setText("Working out the allocation…")
        programme = self.programme
        self.session.run(
            lambda ws: service.preview_allocation(ws, programme, year, seed),
            self._show_preview,
            "Working out the allocation…",
            lambda exc: self._show_error(str(exc)),
        )
        self._show_waiting(year)

    def _show_preview(self, preview: AllocationPreview) -> None:
        if preview.cohort != self.cohort.currentData():
            return  # another cohort was chosen meanwhile
        self.preview = preview
        self.error.hide()
        names = preview.names
        self.rule.setText(
            f"Places: {', '.join(f'{names[k]} {cap}' for k, cap in preview.capacity.items())} per cohort. "
            f"First choices first, then second and third; ties are broken by {preview.rule_text}. "
            f"Lottery seed {preview.seed}. Nothing is saved until you click Allocate."
        )
        self.places.setText(
            " · ".join(
                f"{names[k]}: {preview.placed_in(k)} of {preview.free[k]} free place"
                f"{'s' if preview.free[k] != 1 else ''}"
                f"{f', {len(preview.waiting.get(k, ()))} waiting' if preview.waiting.get(k) else ''}"
                for k in preview.capacity
            )
        )
        self.table.setRowCount(len(preview.lines))
        for r, line in enumerate(preview.lines):
            prefs = ", ".join(f"{i}. {names.get(k, k)}" for i, k in enumerate(line.preferences, start=1))
            self.table.setItem(r, 0, _cell(f"{line.student_number} {line.name}"))
            self.table.setItem(r, 1, _cell(prefs or "no preferences"))
            self.table.setItem(r, 2, _cell(names.get(line.placed, line.placed) if line.placed else "waiting"))
            self.table.setItem(r, 3, _cell(line.explanation))
        placed = sum(1 for line in preview.lines if line.placed)
        if preview.lines:
            self.status.setText(f"{placed} of {len(preview.lines)} students without a specialization would get one.")
        else:
            self.status.setText("Every active student of this cohort has a specialization: nothing to allocate.")
        self.allocate_button.setEnabled(placed > 0)

    def _show_waiting(self, year: int) -> None:
        programme = self.programme
        self.session.run(
            lambda ws: service.waiting_lists(ws, programme, year),
            self._fill_waiting,
            "Reading the waiting lists…",
        )

    def _fill_waiting(self, lists: dict[str, list[Waiting]]) -> None:
        names = self.preview.names if self.preview else service.specialization_names(self.ws, self.programme)
        rows = [(key, w) for key, waiting in lists.items() for w in waiting]
        self.waiting.setRowCount(len(rows))
        for r, (key, w) in enumerate(rows):
            self.waiting.setItem(r, 0, _cell(names.get(key, key)))
            self.waiting.setItem(r, 1, _cell(str(w.position)))
            self.waiting.setItem(r, 2, _cell(w.student))
            self.waiting.setItem(r, 3, _cell(names.get(w.has, w.has) if w.has else "no specialization"))
        self.tabs.setTabText(1, f"Waiting lists ({len(rows)})")

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.status.setText("")

    # -- allocating ------------------------------------------------------------------------------------
    def allocate(self) -> None:
        preview = self.preview
        if preview is None:
            return
        ws, session = self.ws, self.session
        students = [line.student_id for line in preview.lines]

        def do() -> int:
            return service.apply_allocation(ws, preview)

        try:
            run_id = do()
        except (DomainError, DatabaseProblem) as exc:
            self._show_error(str(exc))
            return
        placed = sum(1 for line in preview.lines if line.placed)
        text = f"Allocate {placed} specialization places of the {preview.cohort}-{preview.cohort + 1} cohort"

        def make_undo(run: int) -> Callable[[], Any]:
            return lambda: service.undo_allocation(ws, run)

        def after() -> None:  # after an undo or a redo
            session.notify(Changes.of(Kind.STUDENT, students))
            if isValid(self) and self.isVisible():
                self.outcome.hide()
                self.refresh(preview.seed)

        session.undo_stack.push(ServiceCommand(text, do, make_undo, run_id, after, session.report_undo_failure))
        session.notify(Changes.of(Kind.STUDENT, students))
        self.refresh(preview.seed)
        self.tabs.setCurrentWidget(self.waiting)
        self.outcome.setText(
            f"Allocated: {placed} students placed, lottery seed {preview.seed} recorded with the allocation. "
            "Undo (Ctrl+Z) takes the whole allocation back."
        )
        self.outcome.show()
