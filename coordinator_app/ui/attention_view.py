"""The attention list: everything overdue or due soon, the first thing a coordinator sees.

The items come from services/attention.py `attention_items`, read off the GUI thread when the
session opens a database, when anything changes in it (every kind of a student's data can make
an item appear or go), and when the scope or "Due within" changes; this model sorts them itself,
by due date, kind or student. With them comes when each item was last reminded about
(services/reminders.py), shown as "reminded 3 days ago" and filtered on with "Not reminded in
7 days". Lines are selected like files (Shift/Ctrl-click, Ctrl+A); "Remind…" drafts reminders for
the lines selected (ui/reminders_dialog.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.attention import Urgency
from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.util import DUE_SOON_BACKGROUND, OVERDUE_BACKGROUND, day

if TYPE_CHECKING:
    from coordinator_app.domain.attention import AttentionItem
    from coordinator_app.services.reminders import Reminded
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

# What is due comes right after when, so it is readable at 1366x768 without scrolling.
# "Reminded" is last in the model (saved column layouts stay valid) and shown right after "When".
COLUMNS = ("Due", "When", "What", "Kind", "Student", "Student number", "Programme", "Cohort", "Reminded")
DUE, WHEN, WHAT, KIND, STUDENT, NUMBER, PROGRAMME, COHORT, REMINDED = range(len(COLUMNS))
OPTIONAL_COLUMNS = (NUMBER, PROGRAMME, COHORT)  # hidden at first: a right-click on the header shows them
ORDERS = {"due date": DUE, "kind": KIND, "student": STUDENT}
WITHIN_PAUSE_MS = 400  # after the last click on the "Due within" arrows
_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
_BRUSHES = {Urgency.OVERDUE: QBrush(QColor(OVERDUE_BACKGROUND)), Urgency.DUE_SOON: QBrush(QColor(DUE_SOON_BACKGROUND))}
_TEXT = QBrush(QColor("#202124"))
_NEVER = datetime.min


def reminded_text(last: Reminded | None, today: date) -> str:
    """ "reminded today", "reminded 3 days ago"; empty when never."""
    if last is None:
        return ""
    days = last.days_ago(today)
    if days <= 0:
        return "reminded today"
    return "reminded yesterday" if days == 1 else f"reminded {days} days ago"


def _when(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} late"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


class AttentionModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[AttentionItem] = []  # as read; _items are those the filter lets through
        self._items: list[AttentionItem] = []
        self._display: list[tuple[str, ...]] = []
        self._as_of = date.today()
        self._sort = (DUE, Qt.SortOrder.AscendingOrder)
        self._reminded: dict[tuple[int, str], Reminded] = {}
        self._not_reminded_in: int | None = None  # days; None: every item

    def set_items(
        self, items: list[AttentionItem], as_of: date, reminded: dict[tuple[int, str], Reminded] | None = None
    ) -> None:
        self.beginResetModel()
        self._as_of = as_of
        self._all = list(items)
        if reminded is not None:
            self._reminded = reminded
        self._filter()
        self._order()
        self.endResetModel()

    def set_reminded(self, reminded: dict[tuple[int, str], Reminded]) -> None:
        """Reminders recorded since the items were read: the column (and the filter) follow."""
        self.set_items(self._all, self._as_of, reminded)

    def set_not_reminded_in(self, days: int | None) -> None:
        """Only the items nobody was reminded about in the last `days` days (None: all)."""
        if days != self._not_reminded_in:
            self._not_reminded_in = days
            self.set_items(self._all, self._as_of)

    @property
    def total(self) -> int:
        return len(self._all)

    def reminded(self, item: AttentionItem) -> Reminded | None:
        return self._reminded.get((item.student_id, item.key))

    def _filter(self) -> None:
        if self._not_reminded_in is None:
            self._items = list(self._all)
            return
        from coordinator_app.services.reminders import not_reminded_since

        self._items = not_reminded_since(self._all, self._reminded, self._not_reminded_in, date.today())

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
            REMINDED: lambda i: (
                self._reminded[(i.student_id, i.key)].at if (i.student_id, i.key) in self._reminded else _NEVER,
                i.due,
            ),
        }
        self._items.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        as_of, today = self._as_of, date.today()
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
                reminded_text(self._reminded.get((i.student_id, i.key)), today),
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

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> object:
        if role == _DISPLAY:
            return self._display[index.row()][index.column()]
        if role == _TOOLTIP:  # the whole text where a narrow column cuts it off
            if index.column() == REMINDED:
                last = self.reminded(self._items[index.row()])
                return f"Last reminded on {last.at:%d-%m-%Y}: {last.to}" if last else None
            return self._display[index.row()][index.column()] or None
        if role == _BACKGROUND:
            return _BRUSHES.get(self._items[index.row()].urgency)
        if role == _FOREGROUND:
            return _TEXT
        if role == ITEM_ROLE:
            return self._items[index.row()].student_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> str | None:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return COLUMNS[section] if 0 <= section < len(COLUMNS) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class AttentionView(QWidget):
    """The list with its controls; `open_student(student_id, tab, part)` on double-click or Enter;
    `remind_wanted(items)` for Remind… on the lines selected."""

    open_student = Signal(int, str, str)
    remind_wanted = Signal(list)
    # Each list read: its overdue items per student id (services/attention.overdue_per_student), for
    # the student list's Overdue column and filter.
    overdue_counted = Signal(object)  # a dict[int, int] (Signal(dict) would convert to a QVariantMap: str keys only)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._scope: tuple[str | None, int | None, str] = (None, None, "All programmes, all cohorts")
        self._generation = 0
        self._shown: tuple[list[AttentionItem], date, str] = ([], date.today(), "")
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
        bar.addSpacing(12)
        self.not_reminded = QCheckBox("Not reminded in")
        self.not_reminded.setObjectName("notReminded")
        self.not_reminded.setToolTip("Only the items nobody was reminded about in these last days")
        self.not_reminded_days = QSpinBox()
        self.not_reminded_days.setRange(1, 365)
        self.not_reminded_days.setValue(saved.not_reminded_days())
        self.not_reminded_days.setSuffix(" days")
        bar.addWidget(self.not_reminded)
        bar.addWidget(self.not_reminded_days)
        bar.addStretch(1)
        self.remind = QPushButton("Remind…")
        self.remind.setObjectName("remind")
        self.remind.setToolTip("Draft reminders for the lines selected, grouped per recipient (Ctrl+M)")
        bar.addWidget(self.remind)
        layout.addLayout(bar)
        self.model = AttentionModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Like files: Shift-click a range, Ctrl-click one more, Ctrl+A all of them.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # At 1366 pixels the list is in view without sideways scrolling: "What" takes the width the
        # others leave; student number, programme and cohort (the student list beside it shows them)
        # are a right-click on the header away.
        header.setStretchLastSection(False)
        # Due and When fit their longest text in this font (a student years behind is "1229 days late").
        fits = self.table.fontMetrics().horizontalAdvance
        for column, width in (
            (DUE, max(80, fits("00-00-0000") + 20)),
            (WHEN, max(95, fits("9999 days late") + 20)),
            (KIND, 115),
            (STUDENT, 140),
            (NUMBER, 95),
            (PROGRAMME, 75),
            (COHORT, 80),
            (REMINDED, 120),
        ):
            header.resizeSection(column, width)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        for column in OPTIONAL_COLUMNS:
            header.setSectionHidden(column, True)
        header.moveSection(header.visualIndex(REMINDED), WHEN + 1)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.setToolTip(
            "Double-click (or Enter) to open the student on the right tab; select several lines "
            "(Shift/Ctrl-click, Ctrl+A) and Remind… to draft reminders"
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
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
        self.not_reminded.toggled.connect(lambda _c: self._reminded_filter())
        self.not_reminded_days.valueChanged.connect(lambda _v: self._reminded_filter())
        self.remind.clicked.connect(self.ask_remind)
        session.opened.connect(lambda _ws: self.refresh())
        session.changed.connect(self._changed)

    # -- selection and reminders ---------------------------------------------------------------------------
    def selected_items(self) -> list[AttentionItem]:
        """The lines selected, in the list's order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [item for item in map(self.model.item, rows) if item is not None]

    def ask_remind(self) -> None:
        self.remind_wanted.emit(self.selected_items())

    def _reminded_filter(self) -> None:
        days = self.not_reminded_days.value()
        saved.set_not_reminded_days(days)
        self.model.set_not_reminded_in(days if self.not_reminded.isChecked() else None)
        self._say_summary()

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        chosen = self.selected_items()
        remind = menu.addAction(f"Remind… ({len(chosen)} line{'s' if len(chosen) != 1 else ''})")
        remind.setEnabled(bool(chosen))
        remind.triggered.connect(self.ask_remind)
        index = self.table.indexAt(position)
        if index.isValid():
            open_one = menu.addAction("Open the student")
            open_one.triggered.connect(lambda _c=False, i=index: self._open(i))
        menu.addSeparator()
        menu.addAction("Select all (Ctrl+A)").triggered.connect(self.table.selectAll)
        menu.popup(self.table.viewport().mapToGlobal(position))

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

    def _changed(self, changes: Changes) -> None:
        # Every kind of data can add or settle an item (results too: "results not recorded",
        # graduation readiness), so any change is looked at again; a reminder only changes when.
        if changes.kinds == Kind.REMINDERS:
            self._read_reminders()
            return
        self.refresh()

    def _read_reminders(self) -> None:
        def load(ws: Workspace) -> dict[tuple[int, str], Reminded]:
            from coordinator_app.services.reminders import last_reminders

            return last_reminders(ws)

        generation = self._generation

        def done(reminded: dict[tuple[int, str], Reminded]) -> None:
            if generation == self._generation:  # a full read on its way brings them too
                self._keep_selection(lambda: self.model.set_reminded(reminded))
                self._say_summary()

        self.session.run(load, done, "Reading the reminders…")

    def _keep_selection(self, change: Callable[[], None]) -> None:
        """The same lines stay selected (by student and item) across a re-read of the list."""
        chosen = {(i.student_id, i.key) for i in self.selected_items()}
        change()
        if not chosen:
            return
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item is not None and (item.student_id, item.key) in chosen:
                selection.select(self.model.index(row, 0), self.model.index(row, len(COLUMNS) - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def refresh(self) -> None:
        """Read the attention list off the GUI thread; an older answer still on its way is dropped."""
        if self.session.ws is None:
            return
        self._generation += 1
        generation, within = self._generation, self.within.value()
        programme, cohort, label = self._scope
        self.summary.setText("Looking for what needs attention…")

        def load(ws: Workspace) -> tuple[list[AttentionItem], date, dict[tuple[int, str], Reminded], dict[int, int]]:
            from coordinator_app.services.attention import attention_items, overdue_per_student
            from coordinator_app.services.reminders import last_reminders

            as_of = ws.as_of()
            items = attention_items(ws, as_of, within, programme, cohort)
            return items, as_of, last_reminders(ws), overdue_per_student(items)

        def done(result: tuple[list[AttentionItem], date, dict[tuple[int, str], Reminded], dict[int, int]]) -> None:
            if generation == self._generation:
                self._keep_selection(lambda: self.set_items(result[0], result[1], label, result[2], result[3]))

        self.session.run(load, done, "Looking for what needs attention…")

    def set_items(
        self,
        items: list[AttentionItem],
        as_of: date,
        scope: str,
        reminded: dict[tuple[int, str], Reminded] | None = None,
        overdue: dict[int, int] | None = None,
    ) -> None:
        """`overdue`: the items' overdue count per student, when already made off the GUI thread."""
        self._shown = (items, as_of, scope)
        self.model.set_items(items, as_of, reminded)
        self._say_summary()
        if overdue is None:
            from coordinator_app.services.attention import overdue_per_student

            overdue = overdue_per_student(items)
        self.overdue_counted.emit(overdue)

    def _say_summary(self) -> None:
        items, as_of, scope = self._shown
        overdue = sum(1 for i in items if i.urgency is Urgency.OVERDUE)
        soon = len(items) - overdue
        text = (
            f"{scope}: {overdue} overdue, {soon} due within {self.within.value()} days (as of {as_of:%a %d-%m-%Y})"
            if items
            else f"{scope}: nothing overdue or due within {self.within.value()} days. ✔"
        )
        if items and self.not_reminded.isChecked():
            text += f"; {self.model.rowCount()} not reminded in {self.not_reminded_days.value()} days"
        self.summary.setText(text)

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in (*OPTIONAL_COLUMNS, KIND, REMINDED):
            action = menu.addAction(COLUMNS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        menu.popup(header.mapToGlobal(pos))
        self.header_menu = menu  # kept for tests; replaced by the next one

    def restore_header(self) -> None:
        # "_2": layouts saved before the columns fitted a 1366 screen are not restored over the new one.
        header = saved.load_state("attention_header_2")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def save_header(self) -> None:
        saved.save_state("attention_header_2", self.table.horizontalHeader().saveState())

    def _open(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_student.emit(item.student_id, item.tab, item.part)
