"""The student list pane: the search box, the quick filters, the programme and cohort scope, the
list itself with its column chooser, the count of students shown, and which student is selected.

Its first-frame part (search box, list, count) is made with the window; the quick filters and
the scope boxes right after the first paint (`build_filters`, `build_scope`). It fills itself
when the session opens a database and follows the session's `changed` signal: the rows of the
students that changed, or every row after a reload, import, restore or deadline change.

Students are selected like files (Shift/Ctrl-click, Ctrl+A): `selected_students()` says which, for
the bulk actions, reminders, exports and reports. A selection of several students stays selected
when the list is filtered, sorted or re-read (those still shown); the record shows the one clicked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.list_columns import ListColumns
from coordinator_app.ui.list_rows import NAME, PreparedRows, prepare_rows
from coordinator_app.ui.student_model import Filters, StudentListModel

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton

    from coordinator_app.services.student_list import FileRows, StudentRow
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

log = logging.getLogger(__name__)

STATUSES = ("active", "graduated", "stopped")
# What a change must touch before the filter choices (specializations, graduation months,
# programmes, cohorts) can differ.
CHOICES_FOLLOW = Kind.STUDENT | Kind.GRADUATION | Kind.PRESENCE
# Up to this many students changed, their rows are read at once (a few ms each); more (a bulk
# action, a colleague's import) and every row is read again off the GUI thread.
FEW_ROWS = 20
# A selection of up to this many students is selected again after the list is filtered or re-read;
# a larger one (Ctrl+A on a big list) gives way to the student chosen, so typing stays instant.
KEPT_SELECTION = 5000


class StudentListPane(QWidget):
    """`student_chosen(id)` when the coordinator selects a student in the list; `scope_changed(programme,
    cohort, label)` when the programme or cohort chosen changes; `filled` each time every row was
    (re)read, the first time being the end of the window's start (`early` tells whether the rows came
    straight from the file, before the database was open: `fill_from_file`)."""

    student_chosen = Signal(int)
    scope_changed = Signal(object, object, str)
    filled = Signal()
    context_menu_wanted = Signal(QPoint)  # a right-click on the list (global position): the window's actions

    # Built right after the first paint (build_filters, build_scope).
    overdue_only: QCheckBox
    spec_box: QComboBox
    stage_box: QComboBox
    grad_box: QComboBox
    status_box: QComboBox
    programme_box: QComboBox
    cohort_box: QComboBox

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current_student: int | None = None  # kept selected when the list is filtered or refilled
        self._load_generation = 0
        self._has_filters = False
        self._names: dict[str, str] = {}  # specialization key -> name
        self._early: FileRows | None = None  # the rows shown were read from the file before it was opened
        self.early = False
        self._chosen: frozenset[int] = frozenset()  # the students selected (shown or filtered out since)
        self._only: tuple[frozenset[int], str] | None = None  # a dashboard bar's students, and its name
        self.only_chip: QPushButton | None = None
        self.pane_layout = QVBoxLayout(self)
        self.pane_layout.setContentsMargins(6, 6, 0, 6)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search number, name or e-mail  (Ctrl+F)")
        self.pane_layout.addWidget(self.search)
        self.model = StudentListModel(self)
        self.view = QTableView()
        self.view.setObjectName("students")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.horizontalHeader().setHighlightSections(False)
        self.columns = ListColumns(self.view)  # the everyday columns, sized to their text
        self.columns.set_defaults()
        self.columns_saved = False
        self.pane_layout.addWidget(self.view, 1)
        self.view.setEnabled(False)
        self.counts = QLabel()  # the window shows it in its status bar
        self.search.textChanged.connect(self.model.set_search)
        self.search.textChanged.connect(lambda _t: self._update_counts())
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.selectionModel().selectionChanged.connect(lambda _s, _d: self._remember_selection())
        self.model.modelReset.connect(self._reselect)
        self.model.layoutChanged.connect(self._remember_selection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(
            lambda position: self.context_menu_wanted.emit(self.view.viewport().mapToGlobal(position))
        )
        session.opened.connect(self._opened)
        session.changed.connect(self._changed)

    # -- built after the first paint -------------------------------------------------------------------
    def build_filters(self) -> None:
        """The quick filters above the list: overdue only, specialization, internship, graduation, status."""
        from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout

        filters = QHBoxLayout()
        self.overdue_only = QCheckBox("Overdue")
        self.overdue_only.setToolTip("Only students with an overdue item on the attention list")
        self.spec_box, self.stage_box, self.grad_box, self.status_box = (QComboBox() for _ in range(4))
        for box, tip in (
            (self.spec_box, "Only students of this specialization"),
            (self.stage_box, "Only students at this internship stage"),
            (self.grad_box, "Only students planned to graduate in this month"),
            (self.status_box, "Only active, graduated or stopped students"),
        ):
            box.setToolTip(tip)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_box.addItem("Status", None)
        for status in STATUSES:
            self.status_box.addItem(status, status)
        filters.addWidget(self.overdue_only)
        for box in (self.spec_box, self.stage_box, self.grad_box, self.status_box):
            filters.addWidget(box)
            box.activated.connect(lambda _i: self._filters_changed())
        filters.addStretch(1)
        self.pane_layout.insertLayout(1, filters)
        self.search.returnPressed.connect(self._choose_first)
        self.overdue_only.toggled.connect(lambda _c: self._filters_changed())
        self._has_filters = True

    def build_scope(self) -> tuple[QComboBox, QComboBox]:
        """The programme and cohort boxes (the window puts them in its toolbar)."""
        from PySide6.QtWidgets import QComboBox

        self.programme_box = QComboBox()
        self.programme_box.setObjectName("programme")
        self.programme_box.addItem("All programmes", None)
        self.cohort_box = QComboBox()
        self.cohort_box.setObjectName("cohort")
        self.cohort_box.addItem("All cohorts", None)
        for box in (self.programme_box, self.cohort_box):
            box.activated.connect(lambda _i: self._scope_changed())
        return self.programme_box, self.cohort_box

    # -- filling -------------------------------------------------------------------------------------------
    def fill_from_file(self, path: Path, then: Callable[[], None]) -> None:
        """At start, before the database is opened: the list read straight from the file (the sqlite3
        driver, no SQLAlchemy yet: services/student_list.file_rows), then `then()` (which opens it).
        Where that cannot be done the list waits for the open database, as before."""
        self._load_generation += 1
        generation, today, programmes = (
            self._load_generation,
            self.session.today or date.today(),
            self.session.programmes,
        )

        def load() -> tuple[FileRows, PreparedRows, dict[str, str]] | None:
            from coordinator_app.services.student_list import file_rows

            early = file_rows(path, today)
            if early is None:
                return None
            if programmes is None:
                from coordinator_app.domain.programme_file import load_programmes
                from coordinator_app.paths import programmes_dir

                try:
                    known = load_programmes(programmes_dir())
                except Exception:  # a broken programme file: opening the database says what is wrong
                    return None
            else:
                known = programmes
            names = _specialization_names(known)
            return early, prepare_rows(early.rows, names), names

        def done(result: tuple[FileRows, PreparedRows, dict[str, str]] | None) -> None:
            if result is not None and generation == self._load_generation and self.session.ws is None:
                self._early, prepared, self._names = result
                self._show(prepared, early=True)
            QTimer.singleShot(0, then)  # once this read has ended: the session opens nothing while one runs

        def failed(exc: BaseException) -> None:
            log.error("The list was not read from the file before opening it", exc_info=exc)
            QTimer.singleShot(0, then)  # the open database is read as before

        self.session.reads.run(load, done, failed, label="Reading the students…")

    def _opened(self, ws: Workspace) -> None:
        names = _specialization_names(ws.programmes)
        early, self._early = self._early, None
        if early is not None and names == self._names:
            from coordinator_app.services.student_list import still_current

            if still_current(ws, early):  # the rows shown are those of the open database
                generation = self._load_generation

                def shown_from_the_database() -> None:
                    if generation == self._load_generation:
                        self._show(None, early=False)

                # After the window has taken the database in (`opened`'s other slots), as a read would be.
                QTimer.singleShot(0, shown_from_the_database)
                return
        self._names = names
        self.current_student = None
        self.model.set_overdue({})  # another database's students: its attention list brings them
        self._load_all()

    def set_overdue(self, counts: dict[int, int]) -> None:
        """The attention list's overdue items per student (ui/attention_view.py, read off the GUI thread
        for the same programme and cohort): the Overdue column and filter show them."""
        self.model.set_overdue(counts)
        self._update_counts()

    def forget_rows(self) -> None:
        """The database could not be opened: rows read from its file before are not shown."""
        self._early = None
        if self.model.total:
            self._load_generation += 1
            self.model.set_rows(prepare_rows([], self._names), self._names)
            self.view.setEnabled(False)
            self._update_counts()

    def _changed(self, changes: Changes) -> None:
        ws = self.session.ws
        if ws is None or not changes.any_of(~(Kind.REGISTERS | Kind.REMINDERS)):
            return  # the list shows nothing of a host or a person, nor of a reminder
        if changes.students is None or len(changes.students) > FEW_ROWS:
            self._load_all()
            return
        from coordinator_app.services.student_list import student_row

        for student_id in changes.students:  # a few rows: read here, at once (a few ms each)
            self.model.update_row(student_id, student_row(ws, student_id))
        if changes.any_of(CHOICES_FOLLOW):
            self._fill_choices()
        self._update_counts()

    def _load_all(self) -> None:
        """Every row, read and prepared off the GUI thread; an older answer still on its way is dropped."""
        self._load_generation += 1
        generation, names = self._load_generation, self._names

        def load(ws: Workspace) -> PreparedRows:
            from coordinator_app.services.student_list import student_rows

            return prepare_rows(student_rows(ws), names)

        def done(prepared: PreparedRows) -> None:
            if generation == self._load_generation:
                self._show(prepared, early=False)

        self.session.run(load, done, "Reading the students…", modal=True)

    def _show(self, prepared: PreparedRows | None, early: bool) -> None:
        """Every row read (None: those shown stand), then `filled`."""
        if prepared is not None:
            self.model.set_rows(prepared, self._names)
        if not self.view.isEnabled():  # the first fill: the columns as the coordinator left them,
            self.view.setEnabled(True)  # else filling the list's width
            if not self.columns_saved:
                self.columns.fit()
        self._fill_choices()
        self._update_counts()
        self.early = early
        self.filled.emit()

    def _fill_choices(self) -> None:
        """The programmes, cohorts, specializations and graduation months the list holds now."""
        if "programme_box" in self.__dict__:
            programmes = self.session.ws.programmes if self.session.ws else {}
            _refill(
                self.programme_box,
                "All programmes",
                [(code, code) for code in self.model.distinct("programme")],
                tips={code: p.name for code, p in programmes.items()},
            )
            _refill(
                self.cohort_box,
                "All cohorts",
                [(year, f"{year}-{year + 1}") for year in reversed(self.model.distinct("cohort"))],
            )
        if self._has_filters:
            from coordinator_app.services.student_list import STAGES
            from coordinator_app.ui.util import long_month

            names = self._names
            _refill(
                self.spec_box,
                "Specialization",
                [(k, names.get(k, k)) for k in self.model.distinct("specialization")],
            )
            _refill(self.stage_box, "Internship", [(s, s) for s in STAGES])
            _refill(self.grad_box, "Graduation", [(g, long_month(g)) for g in self.model.distinct("graduation")])

    # -- filters and scope -----------------------------------------------------------------------------------
    def show_only(self, student_ids: Iterable[int], label: str) -> None:
        """Narrow the list to these students (a dashboard bar), with a button that says so and undoes it."""
        ids = frozenset(student_ids)
        self._only = (ids, label)
        if self.only_chip is None:
            from PySide6.QtWidgets import QPushButton

            self.only_chip = QPushButton()
            self.only_chip.setObjectName("only_chip")
            self.only_chip.setToolTip("Show every student again")
            self.only_chip.clicked.connect(self.clear_only)
            self.pane_layout.insertWidget(1, self.only_chip)
        self.only_chip.setText(f"Only {label} ({len(ids):,})  ✕")
        self.only_chip.show()
        self._filters_changed()

    def clear_only(self) -> None:
        self._only = None
        if self.only_chip is not None:
            self.only_chip.hide()
        self._filters_changed()

    def filters(self) -> Filters:
        only = self._only[0] if self._only else None
        if not self._has_filters:
            return Filters(text=self.search.text(), only=only)
        programme, cohort, _label = self.scope()
        return Filters(
            text=self.search.text(),
            programme=programme,
            cohort=cohort,
            overdue_only=self.overdue_only.isChecked(),
            specialization=self.spec_box.currentData(),
            stage=self.stage_box.currentData(),
            graduation=self.grad_box.currentData(),
            status=self.status_box.currentData(),
            only=only,
        )

    def scope(self) -> tuple[str | None, int | None, str]:
        """The programme and cohort chosen (None: all), and how the attention list names them."""
        if "programme_box" not in self.__dict__:
            return None, None, "All programmes, all cohorts"
        programme, cohort = self.programme_box.currentData(), self.cohort_box.currentData()
        label = f"{programme or 'All programmes'}, {f'cohort {cohort}-{cohort + 1}' if cohort else 'all cohorts'}"
        return programme, cohort, label

    @property
    def has_filters(self) -> bool:
        """Whether the quick filters and scope boxes are built (right after the first paint)."""
        return self._has_filters and "programme_box" in self.__dict__

    def refilter(self) -> None:
        """The filter and scope boxes were set from code (a saved view): apply them."""
        self._scope_changed()

    def _filters_changed(self) -> None:
        self.model.set_filters(self.filters())
        self._update_counts()

    def _scope_changed(self) -> None:
        self._filters_changed()
        self.scope_changed.emit(*self.scope())

    def _update_counts(self) -> None:
        self.counts.setText(f"{self.model.shown:,} of {self.model.total:,} students shown")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- selection ----------------------------------------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        student_id = self.model.student_id(current.row()) if current.isValid() else None
        if student_id is not None:
            self.current_student = student_id
            self.student_chosen.emit(student_id)

    def _choose_first(self) -> None:
        if self.model.shown:
            self.view.selectRow(0)

    def select(self, student_id: int | None) -> None:
        """Show `student_id` selected (if the filters show them) without choosing them again."""
        self.current_student = student_id
        self._chosen = frozenset() if student_id is None else frozenset([student_id])
        self._reselect(scroll=True)

    def _reselect(self, scroll: bool = False) -> None:
        """After the list is filtered or refilled the student chosen stays selected, if still shown,
        and so do the others selected with them."""
        row = None if self.current_student is None else self.model.row_of(self.current_student)
        selection = self.view.selectionModel()
        blocked = selection.blockSignals(True)
        try:
            if 1 < len(self._chosen) <= KEPT_SELECTION:
                rows = [r for r in map(self.model.row_of, self._chosen) if r is not None]
                selection.select(self._rows_selection(rows), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                if row is not None:
                    selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            elif row is not None:
                self.view.selectRow(row)
            if row is not None and scroll:
                self.view.scrollTo(self.model.index(row, 0))
        finally:
            selection.blockSignals(blocked)

    def _rows_selection(self, rows: list[int]) -> QItemSelection:
        """Whole rows, as few ranges as the runs of consecutive rows."""
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        rows = sorted(rows)
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i] != rows[i - 1] + 1:
                selection.select(self.model.index(rows[start], 0), self.model.index(rows[i - 1], last_column))
                start = i
        return selection

    def _remember_selection(self) -> None:
        """The coordinator changed the selection: which students it holds now."""
        self._chosen = frozenset(self.selected_students())

    def selected_students(self) -> list[int]:
        """The students selected in the list, in its order (empty when none is)."""
        selection = self.view.selectionModel().selection()
        spans = (selection.at(i) for i in range(selection.size()))
        rows = sorted({r for span in spans for r in range(span.top(), span.bottom() + 1)})
        return [sid for sid in map(self.model.student_id, rows) if sid is not None]

    def select_students(self, student_ids: list[int]) -> None:
        """Select these students (those the filters show); the first one becomes the current."""
        self._chosen = frozenset(student_ids)
        rows = [r for r in map(self.model.row_of, student_ids) if r is not None]
        selection = self.view.selectionModel()
        selection.select(self._rows_selection(rows), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def selected_student(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.student_id(index.row()) if index.isValid() else None

    def student(self, student_id: int) -> StudentRow | None:
        return self.model.student(student_id)

    def shown_students(self) -> list[int] | None:
        """The students the list shows, in its order; None when it shows everyone."""
        model = self.model
        if model.shown == model.total:
            return None
        return [sid for sid in map(model.student_id, range(model.shown)) if sid is not None]

    # -- the header as the coordinator left it ------------------------------------------------------------------
    def restore_header(self) -> None:
        header = saved.load_state("students_header")
        if header is not None:
            self.columns_saved = self.view.horizontalHeader().restoreState(header)
            self.columns.following = not self.columns_saved

    def save_header(self) -> None:
        saved.save_state("students_header", self.view.horizontalHeader().saveState())


def _specialization_names(programmes: dict[str, Any]) -> dict[str, str]:
    return {s.key: s.name for p in programmes.values() for s in p.specializations}


def _refill(box: QComboBox, first: str, values: list[tuple[Any, str]], tips: dict[Any, str] | None = None) -> None:
    """New choices, keeping the one chosen if it is still there ("all" otherwise)."""
    keep = box.currentData()
    box.clear()
    box.addItem(first, None)
    for value, text in values:
        box.addItem(text, value)
        if tips and value in tips:
            box.setItemData(box.count() - 1, tips[value], Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(max(box.findData(keep), 0))
