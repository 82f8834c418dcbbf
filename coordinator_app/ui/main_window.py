"""The main window: programme and cohort, the student list, the attention list and the record.

The first frame holds only what a coordinator sees and uses at once: the search box, the
student list and the status bar. The rest of the shell (actions, menus, toolbar, quick
filters, the attention and record panes, icons) is built right after that first paint, in
the next turn of the event loop; `start()` then opens the database off the GUI thread
(SQLAlchemy alone takes ~0.5 s to import, performance.md s.2) and fills the list when it
is ready. Whatever is typed in the search box meanwhile is applied to the list once it loads.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QLineEdit, QMainWindow, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from coordinator_app import APP_NAME
from coordinator_app.ui import settings as saved
from coordinator_app.ui.list_columns import ListColumns
from coordinator_app.ui.student_model import (
    F_GRAD, F_PROGRAMME, F_SPEC, Filters, NAME, PreparedRows, StudentListModel, prepare_rows,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
    from PySide6.QtWidgets import QCheckBox, QComboBox, QMenu, QStackedWidget, QTabWidget

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.attention_view import AttentionView
    from coordinator_app.ui.jobs import JobRunner
    from coordinator_app.ui.record.view import RecordView

ATTENTION_PAGE, RECORD_PAGE = 0, 1


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class MainWindow(QMainWindow):
    """`first_painted` once the first frame is painted, `shell_built` once menus, toolbar and panes
    exist (right after), `ready` once the database is open and the list is filled, `start_cancelled`
    when the coordinator quits the first-start dialog (nothing was created; the app ends).

    The database it starts on is for this session only; one opened through the File menu becomes
    the one a plain `coordinator-app` opens next time (ui/settings.py)."""

    first_painted = Signal()
    shell_built = Signal()
    ready = Signal()
    database_failed = Signal(str)
    start_cancelled = Signal()

    # Built right after the first paint (_build_shell).
    act_open: QAction
    act_new: QAction
    act_remove: QAction
    act_removed: QAction
    act_deadlines: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    act_find: QAction
    act_attention: QAction
    act_record: QAction
    act_refresh: QAction
    act_about: QAction
    act_export: QAction
    act_import: QAction
    act_backup: QAction
    act_restore: QAction
    recent_menu: QMenu
    programme_box: QComboBox
    cohort_box: QComboBox
    overdue_only: QCheckBox
    spec_box: QComboBox
    stage_box: QComboBox
    grad_box: QComboBox
    status_box: QComboBox
    pages: QTabWidget
    attention: AttentionView
    record_holder: QStackedWidget
    record_placeholder: QLabel

    def __init__(self, db_path: Path, today: date | None = None, programmes: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.today = today
        self._programmes = programmes
        self.ws: Workspace | None = None
        self.record_view: RecordView | None = None
        self.undo_stack = QUndoStack(self)
        self.is_ready = False
        self.is_shell_built = False
        self._attention_generation = 0
        self._started = False
        self._remember = False      # set when the coordinator opens a database in the window
        self._replaced_pending = False  # the database was restored elsewhere: reload, then write again
        self._open_failed_panel: QWidget | None = None
        self.setWindowTitle(f"{self.db_path.name} — {APP_NAME}")
        self._build_first_frame()
        self.resize(1280, 760)
        self._restore_geometry()
        # Watching the window itself, not the list's viewport: asking Qt for a widget Python has not
        # seen yet (viewport()) makes PySide6 create every QWidget subclass it might be, ~30 ms.
        self.installEventFilter(self)

    @cached_property
    def jobs(self) -> JobRunner:
        """Long work off the GUI thread; made when first needed, after the first paint."""
        from coordinator_app.ui.jobs import JobRunner

        return JobRunner(self)

    def _build_first_frame(self) -> None:
        """The search box, the (still empty) student list and the status bar."""
        left = QWidget()
        self.left_layout = QVBoxLayout(left)
        self.left_layout.setContentsMargins(6, 6, 0, 6)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search number, name or e-mail  (Ctrl+F)")
        self.left_layout.addWidget(self.search)
        self.model = StudentListModel(self)
        self.list_view = QTableView()
        self.list_view.setObjectName("students")
        self.list_view.setModel(self.model)
        self.list_view.setSortingEnabled(True)
        self.list_view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setWordWrap(False)
        self.list_view.setAlternatingRowColors(True)
        vertical = self.list_view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.list_view.horizontalHeader().setHighlightSections(False)
        self.columns = ListColumns(self.list_view)      # the everyday columns, sized to their text
        self.columns.set_defaults()
        self._columns_saved = False
        self.left_layout.addWidget(self.list_view, 1)
        self.list_view.setEnabled(False)
        # The attention and record panes take this empty pane's place after the first paint.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(QWidget())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([520, 760])
        self.setCentralWidget(self.splitter)
        self.status_path = QLabel()
        self.status_counts = QLabel()
        self.statusBar().addWidget(self.status_path, 1)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.status_path.setText(f"Opening {self.db_path} …")
        self.search.textChanged.connect(self.model.set_search)
        self.search.textChanged.connect(lambda _t: self._update_counts())
        self.list_view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._reselect)

    def _build_shell(self) -> None:
        """Everything the first frame does without: built once, right after the first paint
        (or earlier if something needs it)."""
        if self.is_shell_built:
            return
        from coordinator_app.ui.icons import icon

        self.is_shell_built = True
        self.setWindowIcon(icon("app"))
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        # Shown only once there is text; its icon comes through the style's icon lookup (~9 ms).
        self.search.setClearButtonEnabled(True)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_filters()
        self._build_pages()
        self._restore_shell_state()
        self.shell_built.emit()

    # -- building ---------------------------------------------------------------------------------
    def _about(self) -> None:
        from coordinator_app.ui.dialogs import show_about

        show_about(self, self.db_path)

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | str | None = None, icon_name: str | None = None,
                tip: str = "") -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        from coordinator_app.ui.icons import icon

        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                              if shortcut else tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        from PySide6.QtGui import QKeySequence

        from coordinator_app.ui.icons import icon

        self.act_open = self._action("&Open database…", self.choose_database, QKeySequence.StandardKey.Open, "open")
        self.act_new = self._action("&New student…", self.new_student, "Ctrl+N", "new_student", "Add a student")
        self.act_remove = self._action("&Remove student…", self.remove_student, None, "remove_student",
                                       "Remove the selected student (Undo brings them back)")
        self.act_removed = self._action("Removed s&tudents…", self.show_removed_students, None, None,
                                        "Students you removed, to restore")
        self.act_deadlines = self._action("Graduation &deadlines…", self.show_deadlines, None, None,
                                          "The deadline for final products per graduation month")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_undo.setIcon(icon("undo"))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_redo.setIcon(icon("redo"))
        # The toolbar buttons keep a short label (the menu and the tooltip say what is undone):
        # "Undo Change approval of the major internship to approved" pushed the others sideways.
        for action, label in ((self.act_undo, "Undo"), (self.act_redo, "Redo")):
            action.setIconText(label)
        self.act_find = self._action("&Find student", self.focus_search, "Ctrl+F", "search")
        self.act_attention = self._action("&Attention list", lambda: self.show_page(ATTENTION_PAGE), "Ctrl+1",
                                          "attention", "What is overdue or due soon")
        self.act_record = self._action("Student &record", lambda: self.show_page(RECORD_PAGE), "Ctrl+2", "student")
        self.act_refresh = self._action("Re&load", self.reload_all, QKeySequence.StandardKey.Refresh)
        self.act_about = self._action("&About Coordinator App", self._about, None, "about")
        self.act_export = self._action("&Export to Excel…", self.export_excel, "Ctrl+E", "export",
                                       "Export the students in the list to an Excel workbook")
        self.act_import = self._action("&Import from Excel…", self.import_excel, None, "import")
        self.act_backup = self._action("&Back up now", self.back_up_now, None, "backup")
        self.act_restore = self._action("Restore from &backup…", self.restore_backup, None, "restore")
        for action in (self.act_new, self.act_remove, self.act_removed, self.act_deadlines, self.act_export,
                       self.act_import, self.act_backup, self.act_restore, self.act_refresh):
            action.setEnabled(False)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file = menu.addMenu("&File")
        file.addAction(self.act_open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        file.addAction(self.act_new)
        file.addAction(self.act_remove)
        file.addAction(self.act_removed)
        file.addSeparator()
        self.exchange_separator = file.addSeparator()
        file.addAction(self.act_export)
        file.addAction(self.act_import)
        file.addSeparator()
        file.addAction(self.act_backup)
        file.addAction(self.act_restore)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(self.act_find)
        edit.addSeparator()
        edit.addAction(self.act_deadlines)
        view = menu.addMenu("&View")
        view.addAction(self.act_attention)
        view.addAction(self.act_record)
        view.addSeparator()
        view.addMenu(self.columns.menu(view))
        self.columns.install()
        view.addSeparator()
        view.addAction(self.act_refresh)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_about)
        # Export/import and backups appear once those parts of the app exist.
        self.act_export.setVisible(_has_module("coordinator_app.spreadsheets.export"))
        self.act_import.setVisible(_has_module("coordinator_app.spreadsheets.importer"))
        has_backup = _has_module("coordinator_app.ui.backup_dialog")
        self.act_backup.setVisible(has_backup)
        self.act_restore.setVisible(has_backup)

    def _build_toolbar(self) -> None:
        from PySide6.QtWidgets import QComboBox, QToolBar

        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Programme "))
        self.programme_box = QComboBox()
        self.programme_box.setObjectName("programme")
        self.programme_box.addItem("All programmes", None)
        bar.addWidget(self.programme_box)
        bar.addWidget(QLabel("  Cohort "))
        self.cohort_box = QComboBox()
        self.cohort_box.setObjectName("cohort")
        self.cohort_box.addItem("All cohorts", None)
        bar.addWidget(self.cohort_box)
        bar.addSeparator()
        bar.addAction(self.act_attention)
        bar.addAction(self.act_new)
        bar.addAction(self.act_undo)
        bar.addAction(self.act_redo)
        if self.act_export.isVisible():
            bar.addAction(self.act_export)
        self.programme_box.activated.connect(lambda _i: self._scope_changed())
        self.cohort_box.activated.connect(lambda _i: self._scope_changed())

    def _build_filters(self) -> None:
        from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout

        filters = QHBoxLayout()
        self.overdue_only = QCheckBox("Overdue")
        self.overdue_only.setToolTip("Only students with an overdue item")
        self.spec_box = QComboBox()
        self.stage_box = QComboBox()
        self.grad_box = QComboBox()
        self.status_box = QComboBox()
        for box, tip in ((self.spec_box, "Only students of this specialization"),
                         (self.stage_box, "Only students at this internship stage"),
                         (self.grad_box, "Only students planned to graduate in this month"),
                         (self.status_box, "Only active, graduated or stopped students")):
            box.setToolTip(tip)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_box.addItem("Status", None)
        for status in ("active", "graduated", "stopped"):
            self.status_box.addItem(status, status)
        filters.addWidget(self.overdue_only)
        for box in (self.spec_box, self.stage_box, self.grad_box, self.status_box):
            filters.addWidget(box)
        filters.addStretch(1)
        self.left_layout.insertLayout(1, filters)
        self.search.returnPressed.connect(self._open_first)
        self.overdue_only.toggled.connect(lambda _c: self._filters_changed())
        for box in (self.spec_box, self.stage_box, self.grad_box, self.status_box):
            box.activated.connect(lambda _i: self._filters_changed())

    def _build_pages(self) -> None:
        from PySide6.QtWidgets import QStackedWidget, QTabWidget

        from coordinator_app.ui.attention_view import AttentionView
        from coordinator_app.ui.icons import icon

        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.attention = AttentionView()
        self.attention.set_within(saved.within_days())
        self.pages.addTab(self.attention, icon("attention"), "Attention")
        self.record_holder = QStackedWidget()
        self.record_placeholder = QLabel("Choose a student in the list, or double-click an item in the attention list.")
        self.record_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.record_placeholder.setWordWrap(True)
        self.record_holder.addWidget(self.record_placeholder)
        self.pages.addTab(self.record_holder, icon("student"), "Student record")
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(1, self.pages).deleteLater()
        self.splitter.setSizes(sizes)
        self.attention.open_student.connect(self.open_student)
        self.attention.within_changed.connect(self._within_changed)

    # -- start-up ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # The rest of the shell and the database only after the first paint: the window is usable at once.
        if watched is self and event.type() == QEvent.Type.Paint:
            self.removeEventFilter(self)
            if not self._started:
                self._started = True
                QTimer.singleShot(0, self._after_first_paint)
        return False

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        self._build_shell()
        self.start()

    def start(self) -> None:
        """Open the database; on first start (no database there yet) ask first, see `_first_start`."""
        self._started = True
        self._build_shell()
        if self.ws is not None or self.jobs.busy:
            return
        path = self.db_path
        if path.exists():           # an empty or damaged file is refused, never taken for a new database
            self._open(path)
        else:
            self._first_start(path)

    def _first_start(self, path: Path) -> None:
        """Start empty (Enter), try the demo, or quit (Esc, closing the dialog) creating nothing.
        Made-up students never go into the default database, where the real ones belong: there the
        demo gets a file of its own next to it, opened for this session only."""
        from coordinator_app.paths import default_database_path, default_demo_path
        from coordinator_app.ui.dialogs import DEMO_STUDENTS, FirstStart, StartChoice  # loaded when first needed

        is_default = path.resolve() == default_database_path().resolve()
        demo_path = default_demo_path() if is_default else path
        choice = FirstStart.ask(self, path, demo_path)
        if choice is StartChoice.QUIT:
            self.status_path.setText("Nothing was created.")
            self.start_cancelled.emit()
            self.close()
            return
        if choice is StartChoice.DEMO:
            path = demo_path
        new = not path.exists()     # the folder is made (owner-only) when the database is
        self._open(path, demo_students=DEMO_STUDENTS if choice is StartChoice.DEMO and new else 0)

    def _show_opening(self, path: Path) -> None:
        self.db_path = Path(path)
        self.setWindowTitle(f"{self.db_path.name} — {APP_NAME}")
        self.status_path.setText(f"Opening {self.db_path} …")

    def _open(self, path: Path, demo_students: int = 0) -> None:
        today, programmes = self.today, self._programmes
        self._show_opening(path)

        def load() -> tuple[Workspace, PreparedRows, dict[str, str]]:
            from coordinator_app.services.workspace import Workspace
            from coordinator_app.services.student_list import student_rows

            if demo_students:
                from coordinator_app.services.demo import build_demo

                build_demo(path, students=demo_students, as_of=today)
            ws = Workspace.open(path, programmes)
            ws.today = today
            names = {s.key: s.name for p in ws.programmes.values() for s in p.specializations}
            return ws, prepare_rows(student_rows(ws), names), names

        label = "Creating the demo database…" if demo_students else f"Opening {path.name}…"
        self.jobs.run(load, self._opened, self._open_failed, label=label, parent_widget=self)

    def _opened(self, result: tuple[Workspace, PreparedRows, dict[str, str]]) -> None:
        from coordinator_app.ui.record.view import RecordView

        ws, prepared, names = result
        self.ws = ws
        self.db_path = ws.path
        self._show_open_failed(None)
        self.replaced_watch.watch(ws)
        from coordinator_app.ui.backup_dialog import show_backup_problem

        show_backup_problem(self, ws.backup_problem)
        if self._remember:
            saved.remember_database(ws.path)
        else:
            saved.add_recent_database(ws.path)
        if self.record_view is not None:
            self.record_holder.removeWidget(self.record_view)
            self.record_view.deleteLater()
        self.record_view = RecordView(ws, self.undo_stack)
        self.record_view.changed.connect(self._student_changed)
        self.record_view.deadlines_wanted.connect(self.show_deadlines)
        self.record_holder.addWidget(self.record_view)
        self.model.set_rows(prepared, names)
        if not self._columns_saved:     # as the coordinator left them, else filling the list's width
            self.columns.fit()
        self._fill_scope(prepared)
        self._fill_quick_filters(names)
        self.list_view.setEnabled(True)
        for action in (self.act_new, self.act_remove, self.act_removed, self.act_deadlines, self.act_export,
                       self.act_import, self.act_backup, self.act_restore, self.act_refresh):
            action.setEnabled(True)
        self._show_database(ws.path)
        self._update_counts()
        self.refresh_attention()
        self.is_ready = True
        self.ready.emit()

    def _show_database(self, path: Path) -> None:
        """Title and status bar name the open database, and say so when a plain start opens another."""
        self.setWindowTitle(f"{path.name} — {APP_NAME}")
        next_time = saved.database_for_plain_start()
        if path.resolve() == next_time.resolve():
            self.status_path.setText(f"Database: {path}")
            self.status_path.setToolTip("")
        else:
            self.status_path.setText(f"Database: {path}  (this session only)")
            self.status_path.setToolTip(f"Started with --db or as the demo. Coordinator App opens {next_time} "
                                        "next time, unless you open this database with File > Open.")

    def _open_failed(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import ProgrammeDefinitionError
        from coordinator_app.services.errors import DatabaseProblem, as_problem

        problem = exc if isinstance(exc, DatabaseProblem) else as_problem(exc, self.db_path)
        if problem is None and not isinstance(exc, (ProgrammeDefinitionError, PermissionError)):
            raise exc
        text = str(problem or exc)
        self.status_path.setText(f"Could not open {self.db_path}")
        self.database_failed.emit(text)
        self._show_open_failed(problem or exc)

    def _show_open_failed(self, exc: BaseException | None) -> None:
        """The error screen in place of the panes (None: take it away); File > Restore works from it."""
        from coordinator_app.ui.open_failed import show_on

        show_on(self, exc)

    # -- scope and filters ---------------------------------------------------------------------------
    def _fill_scope(self, prepared: PreparedRows) -> None:
        programmes = sorted({r[F_PROGRAMME] for r in prepared.rows})
        cohorts = sorted({r[6] for r in prepared.rows}, reverse=True)
        keep_p, keep_c = self.programme_box.currentData(), self.cohort_box.currentData()
        self.programme_box.clear()
        self.programme_box.addItem("All programmes", None)
        for code in programmes:
            name = self.ws.programmes[code].name if self.ws and code in self.ws.programmes else code
            self.programme_box.addItem(code, code)
            self.programme_box.setItemData(self.programme_box.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        self.cohort_box.clear()
        self.cohort_box.addItem("All cohorts", None)
        for year in cohorts:
            self.cohort_box.addItem(f"{year}-{year + 1}", year)
        self.programme_box.setCurrentIndex(max(self.programme_box.findData(keep_p), 0))
        self.cohort_box.setCurrentIndex(max(self.cohort_box.findData(keep_c), 0))

    def _fill_quick_filters(self, names: dict[str, str]) -> None:
        from coordinator_app.ui.util import long_month

        def refill(box: QComboBox, first: str, values: list[tuple[Any, str]]) -> None:
            keep = box.currentData()
            box.clear()
            box.addItem(first, None)
            for value, text in values:
                box.addItem(text, value)
            box.setCurrentIndex(max(box.findData(keep), 0))

        refill(self.spec_box, "Specialization", [(k, names.get(k, k)) for k in self.model.values(F_SPEC)])
        refill(self.stage_box, "Internship", [(s, s) for s in ("not planned", "minor planned", "minor",
                                                                         "major planned", "major")])
        refill(self.grad_box, "Graduation", [(g, long_month(g)) for g in self.model.values(F_GRAD)])

    def current_filters(self) -> Filters:
        return Filters(text=self.search.text(), programme=self.programme_box.currentData(),
                       cohort=self.cohort_box.currentData(), overdue_only=self.overdue_only.isChecked(),
                       specialization=self.spec_box.currentData(), stage=self.stage_box.currentData(),
                       graduation=self.grad_box.currentData(), status=self.status_box.currentData())

    def _filters_changed(self) -> None:
        self.model.set_filters(self.current_filters())
        self._update_counts()

    def _scope_changed(self) -> None:
        self._filters_changed()
        self.refresh_attention()

    def scope_label(self) -> str:
        programme, cohort = self.programme_box.currentData(), self.cohort_box.currentData()
        parts = [programme or "All programmes", f"cohort {cohort}-{cohort + 1}" if cohort else "all cohorts"]
        return ", ".join(parts)

    def _update_counts(self) -> None:
        self.status_counts.setText(f"{self.model.shown:,} of {self.model.total:,} students shown")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- attention ---------------------------------------------------------------------------------
    def refresh_attention(self) -> None:
        """Read the attention list off the GUI thread; an older answer still on its way is dropped."""
        if self.ws is None:
            return
        self._attention_generation += 1
        generation = self._attention_generation
        ws, within = self.ws, self.attention.within.value()
        programme, cohort = self.programme_box.currentData(), self.cohort_box.currentData()
        scope = self.scope_label()
        self.attention.show_loading()

        def load() -> tuple[list[Any], date]:
            from coordinator_app.services.attention import attention_items

            as_of = ws.as_of()
            return attention_items(ws, as_of, within, programme, cohort), as_of

        def done(result: tuple[list[Any], date]) -> None:
            if generation == self._attention_generation:
                self.attention.set_items(result[0], result[1], scope)
                self.attention_loaded += 1

        self.jobs.run(load, done, self._background_failed, label="Looking for what needs attention…")

    attention_loaded = 0

    def _within_changed(self, days: int) -> None:
        saved.set_within_days(days)
        self.refresh_attention()

    def _background_failed(self, exc: BaseException) -> None:
        from coordinator_app.services.errors import DatabaseProblem, as_problem

        problem = exc if isinstance(exc, DatabaseProblem) else as_problem(exc, self.db_path)
        if problem is None:
            raise exc
        self.statusBar().showMessage(str(problem), 15000)

    # -- students ---------------------------------------------------------------------------------
    def show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        student_id = self.model.student_id(current.row()) if current.isValid() else None
        if student_id is not None and self.record_view is not None:
            if self.record_view.student_id != student_id:
                self._show_record(student_id, None)

    def _show_record(self, student_id: int, tab: str | None) -> bool:
        assert self.record_view is not None
        if not self.record_view.show_student(student_id, tab):
            return False
        self.record_holder.setCurrentWidget(self.record_view)
        self.pages.setCurrentIndex(RECORD_PAGE)
        return True

    def open_student(self, student_id: int, tab: str = "") -> None:
        """Open a student's record on a given tab (from the attention list)."""
        if self.record_view is None:
            return
        self._show_record(student_id, tab or None)
        row = self.model.row_of(student_id)
        if row is not None:
            blocker = self.list_view.selectionModel().blockSignals(True)
            self.list_view.selectRow(row)
            self.list_view.scrollTo(self.model.index(row, 0))
            self.list_view.selectionModel().blockSignals(blocker)

    def _open_first(self) -> None:
        if self.model.shown:
            self.list_view.selectRow(0)

    def _reselect(self) -> None:
        """After the list is filtered or refilled keep the open student selected, if still shown."""
        if self.record_view is None or self.record_view.student_id is None:
            return
        row = self.model.row_of(self.record_view.student_id)
        if row is not None:
            selection = self.list_view.selectionModel()
            blocked = selection.blockSignals(True)
            self.list_view.selectRow(row)
            selection.blockSignals(blocked)

    def _student_changed(self, student_id: int) -> None:
        """A saved change: refresh that student's row and the attention list."""
        from coordinator_app.services.student_list import student_row

        assert self.ws is not None
        self.model.update_row(student_id, student_row(self.ws, student_id))
        self._update_counts()
        self.refresh_attention()

    def selected_student(self) -> int | None:
        if self.record_view is not None and self.record_view.student_id is not None:
            return self.record_view.student_id
        index = self.list_view.currentIndex()
        return self.model.student_id(index.row()) if index.isValid() else None

    def new_student(self) -> None:
        if self.ws is None:
            return
        from coordinator_app.ui.dialogs import NewStudentDialog

        student_id = NewStudentDialog.ask(self.ws, self, self.programme_box.currentData(),
                                          self.cohort_box.currentData())
        if student_id is None:
            return
        from coordinator_app.services.student_list import student_row

        self.model.update_row(student_id, student_row(self.ws, student_id))
        self._update_counts()
        self.search.clear()
        self.open_student(student_id, "overview")

    def remove_student(self) -> None:
        student_id = self.selected_student()
        if self.ws is None or student_id is None:
            return
        raw = self.model.raw(student_id)
        label = f"{raw[1]} {raw[2]} {raw[3]}" if raw else f"student {student_id}"
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.workspace import DatabaseProblem
        from coordinator_app.ui.dialogs import ConfirmRemoval
        from coordinator_app.ui.removed_students import remove_undoably

        if not ConfirmRemoval.ask(self, label):
            return
        try:
            remove_undoably(self.ws, self.undo_stack, student_id, self._student_placed, self._undo_failed)
        except (DomainError, DatabaseProblem) as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, "Student not removed", str(exc))
            return
        self.statusBar().showMessage(f"Removed {label}. Undo (Ctrl+Z) brings them back, or File > Removed "
                                     "students later.", 10000)

    def show_removed_students(self) -> None:
        if self.ws is not None:
            from coordinator_app.ui.removed_students import RemovedStudentsDialog

            RemovedStudentsDialog.ask(self.ws, self.undo_stack, self._student_placed, self._undo_failed, self)

    def show_deadlines(self) -> None:
        if self.ws is not None:
            from coordinator_app.ui.deadlines_dialog import DeadlinesDialog

            record = self.record_view.record if self.record_view is not None else None
            programme = record.programme.code if record else self.programme_box.currentData()
            DeadlinesDialog.ask(self.ws, self.undo_stack, self._schedule_changed, self._undo_failed, self,
                                programme, record.graduation.planned if record else None)

    def _student_placed(self, student_id: int) -> None:
        """A student was removed or came back (by an edit, an undo or a redo): the list, the record
        and the attention list follow."""
        from coordinator_app.services.student_list import student_row

        assert self.ws is not None
        row = student_row(self.ws, student_id)
        self.model.update_row(student_id, row)
        self._update_counts()
        if row is None and self.record_view is not None and self.record_view.student_id == student_id:
            self.record_view.clear()
            self.record_holder.setCurrentWidget(self.record_placeholder)
        elif row is not None:
            self.open_student(student_id, "overview")
        self.refresh_attention()

    def _schedule_changed(self) -> None:
        """A deadline changed: the record shown, the list's overdue counts and the attention list follow."""
        if self.record_view is not None:
            self.record_view.reload()
        self.reload_all()

    def _undo_failed(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.statusBar().showMessage(text, 20000)
        box = QMessageBox(QMessageBox.Icon.Information, "Not undone", text, QMessageBox.StandardButton.Ok, self)
        box.open()      # not exec(): an undo from a shortcut must not block the window

    # -- databases ---------------------------------------------------------------------------------
    def choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = str(self.db_path.parent if self.db_path else Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open database", start, "Coordinator databases (*.sqlite);;All files (*)")
        if name:
            self.open_database(Path(name))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in saved.recent_databases():
            action = self.recent_menu.addAction(str(path))
            action.setEnabled(path.exists())
            action.triggered.connect(lambda _c=False, p=path: self.open_database(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def open_database(self, path: Path) -> None:
        if self.jobs.busy:
            return
        self._close_workspace()
        self.is_ready = False
        self._remember = True       # chosen in the window: the next plain start opens it
        self._open(Path(path))

    @cached_property
    def replaced_watch(self) -> Any:
        from coordinator_app.ui.replaced_watch import ReplacedWatch

        watch = ReplacedWatch(self)
        watch.replaced.connect(self._database_replaced)
        return watch

    def _database_replaced(self) -> None:
        """Another window (or `coordinator-app restore`) restored a backup: nothing of ours may be written
        into it until everything shown is the restored data; undo would write old edits into it."""
        if self.ws is None:
            return
        self.undo_stack.clear()
        self._replaced_pending = True
        self.statusBar().showMessage("The database was restored from a backup in another window (or with "
                                     "coordinator-app restore): loading the restored data. Changes not saved "
                                     "before were not saved.", 30000)
        self.reload_all()

    def reload_all(self) -> None:
        if self.ws is None or self.jobs.busy:
            return
        ws = self.ws
        names = {s.key: s.name for p in ws.programmes.values() for s in p.specializations}
        adopt = self._replaced_pending

        def load() -> tuple[int | None, PreparedRows]:
            from coordinator_app.services.student_list import student_rows

            generation = ws.current_generation() if adopt else None   # read before the rows it goes with
            return generation, prepare_rows(student_rows(ws), names)

        def done(result: tuple[int | None, PreparedRows]) -> None:
            generation, prepared = result
            if generation is not None:
                ws.adopt_restored(generation)
                self._replaced_pending = False
            self.model.set_rows(prepared, names)
            self._fill_scope(prepared)
            self._fill_quick_filters(names)
            self._update_counts()
            if self.record_view is not None:
                self.record_view.reload()
                if self.record_view.record is None:     # the student is not in the (restored) data
                    self.record_holder.setCurrentWidget(self.record_placeholder)
            self.refresh_attention()

        self.jobs.run(load, done, self._background_failed, label="Reloading…", parent_widget=self)

    def _close_workspace(self) -> None:
        self.undo_stack.clear()
        if "replaced_watch" in self.__dict__:
            self.replaced_watch.watch(None)
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    # -- export, import, backups (wired when those parts exist) ------------------------------------------
    def export_excel(self) -> None:
        if self.ws is None or not self.act_export.isVisible():
            return
        from coordinator_app.ui.exchange import ExportDialog

        ids = None if self.model.shown == self.model.total else [self.model.student_id(r) for r in range(self.model.shown)]
        ExportDialog.ask(self, self.ws, self.jobs, self.programme_box.currentData(), self.cohort_box.currentData(), ids)

    def import_excel(self) -> None:
        if self.ws is None or not self.act_import.isVisible():
            return
        from coordinator_app.ui.exchange import ImportDialog

        if ImportDialog.ask(self, self.ws, self.jobs):
            self.reload_all()

    def back_up_now(self) -> None:
        if self.ws is None:
            return
        from coordinator_app.ui import backup_dialog

        if backup_dialog.back_up_now(self, self.ws):  # type: ignore[attr-defined]
            backup_dialog.show_backup_problem(self, None)

    def restore_backup(self) -> None:
        """File > Restore from backup, also from the error screen when the database could not be opened."""
        if self.jobs.busy:
            return
        from coordinator_app.ui import backup_dialog

        backup_dialog.restore_from_backup(self, self.ws or self.db_path, jobs=self.jobs,
                                          on_done=lambda _result: QTimer.singleShot(0, self._after_restore))

    def _after_restore(self) -> None:
        self.undo_stack.clear()       # an undo now would write an old edit into the restored data
        if self.ws is None:
            self._open(self.db_path)       # from the error screen: open what was just restored
        else:
            self.reload_all()

    # -- closing ---------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """What the first frame shows as it was left: window, splitter and list columns."""
        geometry = saved.load_state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = saved.load_state("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = saved.load_state("students_header")
        if header is not None:
            self._columns_saved = self.list_view.horizontalHeader().restoreState(header)
            self.columns.following = not self._columns_saved

    def _restore_shell_state(self) -> None:
        state = saved.load_state("state")
        if state is not None:
            self.restoreState(state)
        attention = saved.load_state("attention_header")
        if attention is not None:
            self.attention.table.horizontalHeader().restoreState(attention)

    def save_window_state(self) -> None:
        saved.save_state("geometry", self.saveGeometry())
        saved.save_state("splitter", self.splitter.saveState())
        saved.save_state("students_header", self.list_view.horizontalHeader().saveState())
        if self.is_shell_built:    # else what was saved last time stays
            saved.save_state("state", self.saveState())
            saved.save_state("attention_header", self.attention.table.horizontalHeader().saveState())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_window_state()
        if "jobs" in self.__dict__:         # the runner exists once something was started
            self.jobs.wait(30000)
        self._close_workspace()
        super().closeEvent(event)
