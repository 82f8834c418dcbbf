"""The attention list: everything overdue or due soon, the first thing a coordinator sees.

The items come from services/attention.py `attention_items`, read off the GUI thread when the
session opens a database, when anything changes in it (every kind of a student's data can make
an item appear or go), and when the scope or "Due within" changes; this model sorts them itself,
by due date, kind or student.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes
from coordinator_app.ui.util import DUE_SOON_BACKGROUND, OVERDUE_BACKGROUND, day

if TYPE_CHECKING:
    from coordinator_app.domain.attention import AttentionItem
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

# What is due comes right after when, so it is readable at 1366x768 without scrolling.
COLUMNS = ("Due", "When", "What", "Kind", "Student", "Student number", "Programme", "Cohort")
DUE, WHEN, WHAT, KIND, STUDENT, NUMBER, PROGRAMME, COHORT = range(len(COLUMNS))
ORDERS = {"due date": DUE, "kind": KIND, "student": STUDENT}
WITHIN_PAUSE_MS = 400  # after the last click on the "Due within" arrows
_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
_BRUSHES = {"overdue": QBrush(QColor(OVERDUE_BACKGROUND)), "due soon": QBrush(QColor(DUE_SOON_BACKGROUND))}
_TEXT = QBrush(QColor("#202124"))


def _when(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} late"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


class AttentionModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[AttentionItem] = []
        self._display: list[tuple[str, ...]] = []
        self._as_of = date.today()
        self._sort = (DUE, Qt.SortOrder.AscendingOrder)

    def set_items(self, items: list[AttentionItem], as_of: date) -> None:
        self.beginResetModel()
        self._as_of = as_of
        self._items = list(items)
        self._order()
        self.endResetModel()

    def _order(self) -> None:
        column, order = self._sort
        keys = {
            DUE: lambda i: (i.due, i.student_number),
            WHEN: lambda i: (i.due, i.student_number),
            NUMBER: lambda i: (i.student_number, i.due),
            STUDENT: lambda i: (i.student_name.lower(), i.student_number, i.due),
            PROGRAMME: lambda i: (i.programme, i.due),
            COHORT: lambda i: (i.cohort, i.due),
            KIND: lambda i: (i.component, i.what, i.due),
            WHAT: lambda i: (i.what, i.due),
        }
        self._items.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        as_of = self._as_of
        self._display = [
            (
                day(i.due),
                _when(i.days_from(as_of)),
                i.what,
                i.component,
                i.student_name,
                i.student_number,
                i.programme,
                f"{i.cohort}-{i.cohort + 1}",
            )
            for i in self._items
        ]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = list(self._items)
        self._sort = (column, order)
        self._order()
        new_row = {id(item): r for r, item in enumerate(self._items)}
        for persistent in self.persistentIndexList():
            row = persistent.row()
            target = new_row.get(id(before[row])) if 0 <= row < len(before) else None
            self.changePersistentIndex(
                persistent, self.index(target, persistent.column()) if target is not None else QModelIndex()
            )
        self.layoutChanged.emit()

    def item(self, row: int) -> AttentionItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    @property
    def items(self) -> list[AttentionItem]:
        return list(self._items)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY:
            return self._display[index.row()][index.column()]
        if role == _TOOLTIP:  # the whole text where a narrow column cuts it off
            return self._display[index.row()][index.column()] or None
        if role == _BACKGROUND:
            return _BRUSHES.get(self._items[index.row()].urgency.value)
        if role == _FOREGROUND:
            return _TEXT
        if role == ITEM_ROLE:
            return self._items[index.row()].student_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return COLUMNS[section] if 0 <= section < len(COLUMNS) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class AttentionView(QWidget):
    """The list with its controls; `open_student(student_id, tab, part)` on double-click or Enter."""

    open_student = Signal(int, str, str)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._scope: tuple[str | None, int | None, str] = (None, None, "All programmes, all cohorts")
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.summary = QLabel("Loading…")
        self.summary.setObjectName("attentionSummary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        layout.addWidget(self.summary)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Due within"))
        self.within = QSpinBox()
        self.within.setRange(0, 365)
        self.within.setValue(saved.within_days())
        self.within.setSuffix(" days")
        bar.addWidget(self.within)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Order by"))
        self.order = QComboBox()
        for name in ORDERS:
            self.order.addItem(name, ORDERS[name])
        bar.addWidget(self.order)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = AttentionModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in (
            (DUE, 85),
            (WHEN, 100),
            (WHAT, 300),
            (KIND, 140),
            (STUDENT, 160),
            (NUMBER, 95),
            (PROGRAMME, 75),
            (COHORT, 80),
        ):
            header.resizeSection(column, width)
        self.table.setToolTip("Double-click (or Enter) to open the student on the right tab")
        layout.addWidget(self.table, 1)
        # `activated` is a double-click (or a single click where the platform says so) and Enter.
        self.table.activated.connect(self._open)
        self.order.activated.connect(
            lambda _i: self.table.sortByColumn(self.order.currentData(), Qt.SortOrder.AscendingOrder)
        )
        # A click on the arrows changes the value without finishing an edit: refresh after a short
        # pause (holding an arrow down asks once, not per step); typing refreshes on Enter.
        self.within.setKeyboardTracking(False)
        self._within_timer = QTimer(self)
        self._within_timer.setSingleShot(True)
        self._within_timer.setInterval(WITHIN_PAUSE_MS)
        self._within_timer.timeout.connect(self._within_done)
        self._within_sent = self.within.value()
        self.within.valueChanged.connect(lambda _v: self._within_timer.start())
        self.within.editingFinished.connect(self._within_done)
        session.opened.connect(lambda _ws: self.refresh())
        session.changed.connect(self._changed)

    def _within_done(self) -> None:
        self._within_timer.stop()
        if self.within.value() != self._within_sent:
            self._within_sent = self.within.value()
            saved.set_within_days(self._within_sent)
            self.refresh()

    def set_scope(self, programme: str | None, cohort: int | None, label: str) -> None:
        """The programme and cohort chosen in the window (None: all), and how the summary names them."""
        self._scope = (programme, cohort, label)
        self.refresh()

    def _changed(self, _changes: Changes) -> None:
        # Every kind of data can add or settle an item (results too: "results not recorded",
        # graduation readiness), so any change is looked at again.
        self.refresh()

    def refresh(self) -> None:
        """Read the attention list off the GUI thread; an older answer still on its way is dropped."""
        if self.session.ws is None:
            return
        self._generation += 1
        generation, within = self._generation, self.within.value()
        programme, cohort, label = self._scope
        self.summary.setText("Looking for what needs attention…")

        def load(ws: Workspace) -> tuple[list[AttentionItem], date]:
            from coordinator_app.services.attention import attention_items

            as_of = ws.as_of()
            return attention_items(ws, as_of, within, programme, cohort), as_of

        def done(result: tuple[list[AttentionItem], date]) -> None:
            if generation == self._generation:
                self.set_items(result[0], result[1], label)

        self.session.run(load, done, "Looking for what needs attention…")

    def set_items(self, items: list[AttentionItem], as_of: date, scope: str) -> None:
        self.model.set_items(items, as_of)
        overdue = sum(1 for i in items if i.urgency.value == "overdue")
        soon = len(items) - overdue
        self.summary.setText(
            f"{scope}: {overdue} overdue, {soon} due within {self.within.value()} days (as of {as_of:%a %d-%m-%Y})"
            if items
            else f"{scope}: nothing overdue or due within {self.within.value()} days. ✔"
        )

    def restore_header(self) -> None:
        header = saved.load_state("attention_header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def save_header(self) -> None:
        saved.save_state("attention_header", self.table.horizontalHeader().saveState())

    def _open(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_student.emit(item.student_id, item.tab, item.part)
