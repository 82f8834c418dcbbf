"""The main window: it makes the parts and wires them, nothing more.

The parts: the workspace session (ui/session.py: the database, opened off the GUI thread, and
the one `changed` signal), the student list pane (ui/list_pane.py), the attention view
(ui/attention_view.py), the record pane (ui/record/pane.py), the actions with their menus
and toolbar (ui/window_actions.py) and what the title and status bar say about the database
(ui/database_status.py). Each pane follows the session itself; the window only says where they
sit and which student to show.

The first frame holds only what a coordinator sees and uses at once: the search box, the
student list and the status bar. On a database file the list's rows are read straight from it
right after that first paint (services/student_list.file_rows: the sqlite3 driver on another
thread, no SQLAlchemy yet) and shown, searchable (`list_shown`). The rest (actions, menus,
toolbar, quick filters, the attention and record panes, icons) is built next (at once on a
server); then the database opens off the GUI thread (SQLAlchemy alone takes ~0.5 s to import,
performance.md s.2) and the list stands if the file did not change meanwhile (`ready`).
Whatever is typed in the search box meanwhile is applied to the list once it loads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from coordinator_app.location import Location
from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes, Kind, Origin
from coordinator_app.ui.database_status import DatabaseStatus
from coordinator_app.ui.list_pane import StudentListPane
from coordinator_app.ui.session import WorkspaceSession

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QTabWidget

    from coordinator_app.domain.programme import Programme
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.attention_view import AttentionView
    from coordinator_app.ui.dashboard.view import DashboardView
    from coordinator_app.ui.record.pane import RecordPane
    from coordinator_app.ui.saved_views import SavedViews
    from coordinator_app.ui.selection_actions import SelectionActions
    from coordinator_app.ui.window_actions import WindowActions

PANES = 1  # the splitter's second place: the attention and record tabs, or the error screen
ATTENTION_TAB, RECORD_TAB, DASHBOARD_TAB = 0, 1, 2


class MainWindow(QMainWindow):
    """`first_painted` once the first frame is painted, `shell_built` once menus, toolbar and panes
    exist (right after), `list_shown` once the student list is first filled and searchable (at start
    read straight from the file, before the database is open), `ready` once the database is open and
    the list is filled, `database_failed`
    when it could not be opened, `start_cancelled` when the coordinator quits the first-start dialog
    (nothing was created; the app ends).

    The database it starts on is for this session only; one opened through the File menu becomes
    the one a plain `coordinator-app` opens next time (ui/settings.py)."""

    first_painted = Signal()
    list_shown = Signal()
    shell_built = Signal()
    ready = Signal()
    database_failed = Signal(str)
    start_cancelled = Signal()

    # Built right after the first paint (_build_shell).
    acts: WindowActions
    selection: SelectionActions
    views: SavedViews
    tabs: QTabWidget
    attention: AttentionView
    record_pane: RecordPane

    def __init__(
        self, db_path: Path | Location, today: date | None = None, programmes: dict[str, Programme] | None = None
    ) -> None:
        super().__init__()
        self.session = WorkspaceSession(db_path, today, programmes, self)
        self.is_ready = False
        self.list_is_shown = False
        self.is_shell_built = False
        self._started = False
        self._remember = False  # set when the coordinator opens a database in the window
        self.open_failed_panel: QWidget | None = None
        self._build_first_frame()
        self.resize(1280, 760)
        self._restore_geometry()
        self.session.opened.connect(self._opened)
        self.session.open_failed.connect(self._open_failed)
        self.session.changed.connect(self._changed)
        # Watching the window itself, not the list's viewport: asking Qt for a widget Python has not
        # seen yet (viewport()) makes PySide6 create every QWidget subclass it might be, ~30 ms.
        self.installEventFilter(self)

    def _build_first_frame(self) -> None:
        """The search box, the (still empty) student list and the status bar."""
        self.students = StudentListPane(self.session)
        self.students.filled.connect(self._filled)
        # The attention and record panes take this empty pane's place after the first paint.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.students)
        self.splitter.addWidget(QWidget())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([520, 760])
        self.setCentralWidget(self.splitter)
        self.database_status = DatabaseStatus(self, self.session)
        self.statusBar().addPermanentWidget(self.students.counts)
        self.database_status.opening()

    def _build_shell(self) -> None:
        """Everything the first frame does without: built once, right after the first paint
        (or earlier if something needs it)."""
        if self.is_shell_built:
            return
        from PySide6.QtWidgets import QLineEdit

        from coordinator_app.ui.icons import icon
        from coordinator_app.ui.window_actions import WindowActions

        self.is_shell_built = True
        self.setWindowIcon(icon("app"))
        search = self.students.search
        search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        # Shown only once there is text; its icon comes through the style's icon lookup (~9 ms).
        search.setClearButtonEnabled(True)
        self._build_tabs()
        self.acts = WindowActions(
            self,
            self.session,
            self.students,
            self.record_pane,
            open_database=self.open_database,
            restore_backup=self.restore_backup,
            show_attention=lambda: self.show_tab(ATTENTION_TAB),
            show_record=lambda: self.show_tab(RECORD_TAB),
        )
        self._build_selection_actions()
        self.acts.build_menus(self.selection.menu(), self.views.menu)
        self.acts.build_toolbar()
        self.students.build_filters()
        self.record_pane.deadlines_wanted.connect(self.acts.show_deadlines)
        self.record_pane.remind_wanted.connect(self.selection.remind_student)
        self.record_pane.certificate_wanted.connect(lambda: self.acts.documents.make_certificate())
        self._restore_shell_state()
        self.shell_built.emit()

    def _build_selection_actions(self) -> None:
        """The Students menu (what is done to the students selected) and the saved views of the list."""
        from coordinator_app.ui.saved_views import SavedViews
        from coordinator_app.ui.selection_actions import SelectionActions

        self.selection = SelectionActions(
            self,
            self.session,
            self.students,
            self.attention,
            lambda: self.tabs.currentIndex() == ATTENTION_TAB,
            lambda: self.record_pane.student_id,
        )
        self.selection.enable(False)
        self.views = SavedViews(self, self.students)

    def _build_tabs(self) -> None:
        from PySide6.QtWidgets import QTabWidget

        from coordinator_app.ui.attention_view import AttentionView
        from coordinator_app.ui.icons import icon
        from coordinator_app.ui.record.pane import RecordPane

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.attention = AttentionView(self.session)
        self.tabs.addTab(self.attention, icon("attention"), "Attention")
        self.record_pane = RecordPane(self.session)
        self.tabs.addTab(self.record_pane, icon("student"), "Student record")
        # The dashboard is built when its tab is first shown: an empty page until then (start-up).
        self.dashboard: DashboardView | None = None
        self.tabs.addTab(QWidget(), "Dashboard")
        self.tabs.currentChanged.connect(self._tab_shown)
        sizes = self.splitter.sizes()
        empty = self.splitter.replaceWidget(PANES, self.tabs)
        if empty is not None:
            empty.deleteLater()
        self.splitter.setSizes(sizes)
        self.attention.open_student.connect(self.open_student)
        self.students.scope_changed.connect(self.attention.set_scope)
        self.attention.overdue_counted.connect(self.students.set_overdue)  # one meaning of overdue
        self.students.student_chosen.connect(self._student_chosen)

    def _tab_shown(self, index: int) -> None:
        if index != DASHBOARD_TAB or self.dashboard is not None:
            return
        from coordinator_app.ui.dashboard.view import DashboardView

        self.dashboard = DashboardView(self.session)
        self.dashboard.set_scope(*self.students.scope())
        self.students.scope_changed.connect(self.dashboard.set_scope)
        self.dashboard.students_wanted.connect(self.students.show_only)
        placeholder = self.tabs.widget(DASHBOARD_TAB)
        self.tabs.blockSignals(True)  # replacing the page is not the coordinator choosing a tab
        self.tabs.removeTab(DASHBOARD_TAB)
        self.tabs.insertTab(DASHBOARD_TAB, self.dashboard, "Dashboard")
        self.tabs.setCurrentIndex(DASHBOARD_TAB)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()
        # shown now, the dashboard reads its figures (showEvent)

    # -- start-up ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The rest of the shell and the database only after the first paint: the window is usable at once.
        if watched is self and event.type() == QEvent.Type.Paint:
            self.removeEventFilter(self)
            if not self._started:
                self._started = True
                QTimer.singleShot(0, self._after_first_paint)
        return False

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        if self._read_list_from_file():
            return  # the shell is built once the list is shown, then the database opens
        self._build_shell()
        self.start()

    def start(self) -> None:
        """Open the database; on first start (no database there yet) ask first, see `_first_start`."""
        self._started = True
        self._build_shell()
        if self.session.ws is not None or self.session.busy:
            return
        location = self.session.location
        if location.path is None:  # a server database: only the server can say whether it is there
            self._open(location)
        elif location.path.exists():  # an empty or damaged file is refused, never taken for a new database
            self._read_list_from_file()
        else:
            self._first_start(location.path)

    def _read_list_from_file(self) -> bool:
        """The list straight from the file first (another thread, no SQLAlchemy yet), then the rest of
        the shell is built and the database opened. False (nothing started) for a server database, a
        path with no file yet, or while other work runs."""
        path = self.session.location.path
        if self.session.ws is not None or self.session.busy or path is None or not path.exists():
            return False

        def then() -> None:
            self._started = True
            self._build_shell()
            self._open(path)

        self.students.fill_from_file(path, then)
        return True

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
            self.database_status.nothing_created()
            self.start_cancelled.emit()
            self.close()
            return
        if choice is StartChoice.DEMO:
            path = demo_path
        new = not path.exists()  # the folder is made (owner-only) when the database is
        self._open(path, demo_students=DEMO_STUDENTS if choice is StartChoice.DEMO and new else 0)

    def _open(self, path: Path | Location, demo_students: int = 0, password: str | None = None) -> None:
        if self.session.open(path, demo_students, password):
            self.is_ready = False
            self.database_status.opening()

    def open_database(self, path: Path | Location, password: str | None = None) -> None:
        """File > Open, Open recent and Connect to server: the database chosen becomes the one a plain
        start opens. `password`: typed in Connect to server (kept only in the keyring, if at all)."""
        if self.session.busy:
            return
        self._remember = True
        self._open(path if isinstance(path, Location) else Path(path), password=password)

    def _opened(self, ws: Workspace) -> None:
        """The panes fill themselves; the window shows which database it is and what it can do now."""
        from coordinator_app.ui.backup_dialog import show_backup_problem

        self._show_open_failed(None)
        show_backup_problem(self, ws.backup_problem)
        database = ws.location if ws.is_server else ws.path
        if self._remember:
            saved.remember_database(database)
        else:
            saved.add_recent_database(database)
        self.acts.enable_database_actions(True, read_only=ws.read_only is not None)
        self.selection.enable(True, read_only=ws.read_only is not None)
        self.database_status.show_read_only(ws.read_only, self.record_pane)
        self.database_status.show_database(database)

    def _filled(self) -> None:
        if not self.list_is_shown:
            self.list_is_shown = True
            self.list_shown.emit()
        if self.session.ws is None:  # read from the file before opening it: the database opens next
            return
        if not self.is_ready:  # the first fill after opening: the start is done
            self.is_ready = True
            self.ready.emit()
            # A student chosen while the database was still opening is shown now; else the record's
            # widgets are made when the first student is (ui/record/pane.py).
            chosen = self.students.selected_student()
            if chosen is not None and self.record_pane.student_id is None:
                self._show_record(chosen, None)

    def _open_failed(self, problem: BaseException) -> None:
        self.students.forget_rows()
        self.database_status.could_not_open()
        self.database_failed.emit(str(problem))
        self._show_open_failed(problem)

    def _show_open_failed(self, problem: BaseException | None) -> None:
        """The error screen in place of the panes (None: take it away); File > Restore works from it."""
        from coordinator_app.ui.open_failed import OpenFailedPanel, describe_open_failure

        if self.open_failed_panel is not None:
            self.splitter.replaceWidget(PANES, self.tabs)
            self.tabs.show()
            self.open_failed_panel.deleteLater()
            self.open_failed_panel = None
        if problem is None:
            return
        title, message, can_restore, newest = describe_open_failure(problem)
        location = self.session.location
        panel = OpenFailedPanel(location.path or Path(location.name), title, message, can_restore, newest)
        panel.restore_requested.connect(self.restore_backup)
        panel.open_requested.connect(self.acts.connect_to_server if location.is_server else self.acts.choose_database)
        if location.is_server:
            panel.open_button.setText("Connect to server…")
        panel.retry_requested.connect(lambda: self._open(self.session.location))
        self.splitter.replaceWidget(PANES, panel)
        self.open_failed_panel = panel
        self.acts.restore.setEnabled(True)

    # -- which student is shown ---------------------------------------------------------------------
    def _student_chosen(self, student_id: int) -> None:
        if self.record_pane.student_id != student_id:
            self._show_record(student_id, None)

    def show_tab(self, index: int) -> None:
        """The attention list (ATTENTION_TAB) or the student record (RECORD_TAB)."""
        self.tabs.setCurrentIndex(index)

    def _show_record(self, student_id: int, tab: str | None, part: str = "") -> bool:
        if not self.record_pane.show_student(student_id, tab, part):
            return False
        self.tabs.setCurrentIndex(RECORD_TAB)
        return True

    def open_student(self, student_id: int, tab: str = "", part: str = "") -> None:
        """Open a student's record on a given tab (from the attention list), on the part of it the item
        is about (the major internship's panel), selected in the list."""
        self._show_record(student_id, tab or None, part)
        self.students.select(student_id)

    def _changed(self, changes: Changes) -> None:
        """A student this window brought back (an undo of a removal, a restore) is shown at once.
        Connected after the panes: the list already holds the student again."""
        if changes.origin is not Origin.THIS_WINDOW or not changes.any_of(Kind.PRESENCE) or changes.students is None:
            return
        for student_id in changes.students:
            if self.students.student(student_id) is not None:
                self.open_student(student_id, "overview")

    # -- restoring a backup ---------------------------------------------------------------------------
    def restore_backup(self) -> None:
        """File > Restore from backup, also from the error screen when the database could not be opened."""
        if self.session.busy:
            return
        from coordinator_app.ui import backup_dialog

        backup_dialog.restore_from_backup(
            self,
            self.session.ws or (self.session.location if self.session.location.is_server else self.session.path),
            jobs=self.session.jobs,
            on_done=lambda _result: QTimer.singleShot(0, self._after_restore),
        )

    def _after_restore(self) -> None:
        self.session.undo_stack.clear()  # an undo now would write an old edit into the restored data
        if self.session.ws is None:
            self._open(self.session.location)  # from the error screen: open what was just restored
        else:
            self.session.notify(Changes.everything())

    # -- window state ---------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """What the first frame shows as it was left: window, splitter and list columns."""
        geometry = saved.load_state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = saved.load_state("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.students.restore_header()

    def _restore_shell_state(self) -> None:
        state = saved.load_state("state")
        if state is not None:
            self.restoreState(state)
        self.attention.restore_header()

    def save_window_state(self) -> None:
        saved.save_state("geometry", self.saveGeometry())
        saved.save_state("splitter", self.splitter.saveState())
        self.students.save_header()
        if self.is_shell_built:  # else what was saved last time stays
            saved.save_state("state", self.saveState())
            self.attention.save_header()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window_state()
        self.session.finish(30000)
        super().closeEvent(event)
