"""The window's actions: its menus, toolbar and shortcuts, and what each one does.

Made right after the first paint. An action works on the parts of the window (the session,
the student list, the record) and never reads the database on the GUI thread itself; what it
changes it tells the session, and the panes follow.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QToolBar

from coordinator_app.ui import settings as saved
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.icons import icon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from coordinator_app.ui.list_pane import StudentListPane
    from coordinator_app.ui.record.pane import RecordPane
    from coordinator_app.ui.session import WorkspaceSession


MAX_WHAT_IF = 500  # students planned together: more is a cohort's worth of scrolling, not a plan


class WindowActions:
    """Every action of the window, as attributes (`undo`, `remove`, ...), and the File, Edit, View
    and Help menus and the toolbar that hold them. What only the window does (open a database,
    restore a backup, show a tab) it is given to call."""

    def __init__(
        self,
        window: QMainWindow,
        session: WorkspaceSession,
        students: StudentListPane,
        record_pane: RecordPane,
        *,
        open_database: Callable[..., None],
        restore_backup: Callable[[], None],
        show_attention: Callable[[], None],
        show_record: Callable[[], None],
    ) -> None:
        self.window = window
        self.session = session
        self.students = students
        self.record_pane = record_pane
        self.open_database = open_database
        stack = session.undo_stack
        self.open = self._make("&Open database…", self.choose_database, QKeySequence.StandardKey.Open, "open")
        self.connect = self._make(
            "&Connect to server…",
            self.connect_to_server,
            None,
            None,
            "Open the programme office's shared database on a PostgreSQL server",
        )
        self.new = self._make("&New student…", self.new_student, "Ctrl+N", "new_student", "Add a student")
        self.remove = self._make(
            "&Remove student…",
            self.remove_student,
            None,
            "remove_student",
            "Remove the selected student (Undo brings them back)",
        )
        self.removed = self._make(
            "Removed s&tudents…", self.show_removed_students, None, None, "Students you removed, to restore"
        )
        self.deadlines = self._make(
            "Graduation &deadlines…",
            self.show_deadlines,
            None,
            None,
            "The deadline for final products per graduation month",
        )
        self.registers = self._make(
            "&Hosts and people…",
            self.show_registers,
            None,
            None,
            "The registers of host organisations and of supervisors, assessors and mentors",
        )
        self.allocate = self._make(
            "&Allocate specializations…",
            self.show_allocation,
            None,
            None,
            "Fill a cohort's specialization places by the students' preferences (preview first)",
        )
        self.what_if = self._make(
            "&What if… graduation planner",
            self.show_what_if,
            "Ctrl+Shift+G",
            None,
            "A graduation month for the student: every deadline against it, the gaps, the earliest month",
        )
        self.what_if_shown = self._make(
            "What if… for the students &shown",
            lambda: self.show_what_if(shown=True),
            None,
            None,
            "The what-if planner for every student the list shows now (filter it first)",
        )
        self.quit = self._make("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.undo = stack.createUndoAction(window, "&Undo")
        self.undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo.setIcon(icon("undo"))
        self.redo = stack.createRedoAction(window, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo.setIcon(icon("redo"))
        # The toolbar buttons keep a short label (the menu and the tooltip say what is undone):
        # "Undo Change approval of the major internship to approved" pushed the others sideways.
        for action, label in ((self.undo, "Undo"), (self.redo, "Redo")):
            action.setIconText(label)
        self.find = self._make("&Find student", self.students.focus_search, "Ctrl+F", "search")
        self.attention = self._make(
            "&Attention list", show_attention, "Ctrl+1", "attention", "What is overdue or due soon"
        )
        self.record = self._make("Student &record", show_record, "Ctrl+2", "student")
        self.reload = self._make("Re&load", self.session.reload, QKeySequence.StandardKey.Refresh)
        self.about = self._make("&About Coordinator App", self.show_about, None, "about")
        self.preferences = self._make(
            "&Settings…",
            self.show_settings,
            QKeySequence.StandardKey.Preferences,
            None,
            "Your name, e-mail address and signature for reminders, and their language",
        )
        self.export = self._make(
            "&Export to Excel…",
            self.export_excel,
            "Ctrl+E",
            "export",
            "Export the students in the list to an Excel workbook",
        )
        self.results_sheet = self._make(
            "Results for the &SIS…",
            self.write_results_sheet,
            None,
            None,
            "One course's results as the student information system's upload sheet",
        )
        self.template_export = self._make(
            "Export to &template…",
            self.export_to_template,
            None,
            None,
            "Fill a copy of the programme's own workbook (the faculty's template)",
        )
        self.import_file = self._make("&Import from Excel…", self.import_excel, None, "import")
        self.mark_form = self._make(
            "&Mark form…",
            self.open_mark_form,
            None,
            None,
            "A supervisor's mark form for the selected student, to send and to import back",
        )
        self.back_up = self._make("&Back up now", self.back_up_now, None, "backup")
        self.restore = self._make("Restore from &backup…", restore_backup, None, "restore")
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        from coordinator_app.ui.pdf_actions import PdfActions

        self.documents = PdfActions(window, session, students, record_pane)
        self.enable_database_actions(False)

    def _make(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(
                f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else tip
            )
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def enable_database_actions(self, enabled: bool, read_only: bool = False) -> None:
        """What needs an open database; `read_only`: the database may only be read (a viewer's login, a
        file on a network share), so what writes stays off."""
        writes = (self.new, self.remove, self.removed, self.import_file, self.restore)
        for action in (
            self.new,
            self.remove,
            self.removed,
            self.deadlines,
            self.registers,
            self.allocate,
            self.what_if,
            self.what_if_shown,
            self.export,
            self.results_sheet,
            self.template_export,
            self.import_file,
            self.mark_form,
            self.back_up,
            self.restore,
            self.reload,
            *self.documents.actions,
        ):
            action.setEnabled(enabled and not (read_only and action in writes))

    # -- menus and toolbar -----------------------------------------------------------------------------
    def build_menus(self, students_menu: QMenu | None = None, views_menu: QMenu | None = None) -> None:
        """The menus; `students_menu`: what is done to the students selected (ui/selection_actions.py),
        `views_menu`: the saved views of the student list (ui/saved_views.py)."""
        menu = self.window.menuBar()
        file = menu.addMenu("&File")
        file.addAction(self.open)
        file.addAction(self.connect)
        file.addMenu(self.recent_menu)
        file.addSeparator()
        for action in (self.new, self.remove, self.removed):
            file.addAction(action)
        file.addSeparator()
        file.addAction(self.export)
        file.addAction(self.template_export)
        file.addAction(self.results_sheet)
        file.addAction(self.import_file)
        file.addAction(self.mark_form)
        self.documents.add_to(file)
        file.addSeparator()
        file.addAction(self.back_up)
        file.addAction(self.restore)
        file.addSeparator()
        file.addAction(self.quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.undo)
        edit.addAction(self.redo)
        edit.addSeparator()
        edit.addAction(self.find)
        edit.addSeparator()
        edit.addAction(self.deadlines)
        edit.addAction(self.registers)
        edit.addSeparator()
        edit.addAction(self.preferences)
        plan = menu.addMenu("&Plan")
        plan.addAction(self.what_if)
        plan.addAction(self.what_if_shown)
        plan.addSeparator()
        plan.addAction(self.allocate)
        plan.addAction(self.deadlines)
        if students_menu is not None:
            menu.addMenu(students_menu)
        view = menu.addMenu("&View")
        view.addAction(self.attention)
        view.addAction(self.record)
        view.addSeparator()
        view.addMenu(self.students.columns.menu(view))
        self.students.columns.install()
        if views_menu is not None:
            view.addMenu(views_menu)
        view.addSeparator()
        view.addAction(self.reload)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.about)

    def build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.window.addToolBar(bar)
        programme, cohort = self.students.build_scope()
        bar.addWidget(QLabel(" Programme "))
        bar.addWidget(programme)
        bar.addWidget(QLabel("  Cohort "))
        bar.addWidget(cohort)
        bar.addSeparator()
        for action in (self.attention, self.new, self.undo, self.redo, self.export):
            bar.addAction(action)

    # -- databases -----------------------------------------------------------------------------------------
    def choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        location = self.session.location
        start = str(location.path.parent) if location.path is not None else ""
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Open database", start, "Coordinator databases (*.sqlite);;All files (*)"
        )
        if name:
            self.open_database(Path(name))

    def connect_to_server(self) -> None:
        """File > Connect to server…: host, database, user, TLS mode and password (ui/connect_dialog.py)."""
        from coordinator_app.ui.connect_dialog import ConnectDialog

        current = self.session.location.server
        chosen = ConnectDialog.ask(self.window, current)
        if chosen is not None:
            self.open_database(chosen.location, chosen.password)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in saved.recent_databases():
            action = self.recent_menu.addAction(str(path))
            action.setEnabled(not isinstance(path, Path) or path.exists())
            action.triggered.connect(lambda _c=False, p=path: self.open_database(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def show_settings(self) -> None:
        from coordinator_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        from coordinator_app.ui.dialogs import show_about

        show_about(self.window, self.session.location)

    # -- students ------------------------------------------------------------------------------------------
    def selected_student(self) -> int | None:
        """The student whose record is open, else the one selected in the list."""
        shown = self.record_pane.student_id
        return shown if shown is not None else self.students.selected_student()

    def new_student(self) -> None:
        ws = self.session.ws
        if ws is None:
            return
        from coordinator_app.ui.dialogs import NewStudentDialog

        programme, cohort, _label = self.students.scope()
        student_id = NewStudentDialog.ask(ws, self.window, programme, cohort)
        if student_id is None:
            return
        self.students.search.clear()  # the new student in view, their record open (the window does that)
        self.session.notify(Changes.of(Kind.PRESENCE, [student_id]))

    def remove_student(self) -> None:
        ws, student_id = self.session.ws, self.selected_student()
        if ws is None or student_id is None:
            return
        row = self.students.student(student_id)
        label = f"{row.student_number} {row.first_name} {row.last_name}" if row else f"student {student_id}"
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem
        from coordinator_app.ui.dialogs import ConfirmRemoval
        from coordinator_app.ui.removed_students import remove_undoably

        if not ConfirmRemoval.ask(self.window, label):
            return
        try:
            remove_undoably(self.session, ws, student_id)
        except (DomainError, DatabaseProblem) as exc:
            QMessageBox.information(self.window, "Student not removed", str(exc))
            return
        self.window.statusBar().showMessage(
            f"Removed {label}. Undo (Ctrl+Z) brings them back, or File > Removed students later.", 10000
        )

    def show_removed_students(self) -> None:
        if self.session.ws is not None:
            from coordinator_app.ui.removed_students import RemovedStudentsDialog

            RemovedStudentsDialog.ask(self.session, self.session.ws, self.window)

    def show_deadlines(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.deadlines_dialog import DeadlinesDialog

        record = self.record_pane.record
        programme = record.programme.code if record else self.students.scope()[0]
        DeadlinesDialog.ask(
            self.session, self.session.ws, self.window, programme, record.graduation.planned if record else None
        )

    def show_registers(self) -> None:
        if self.session.ws is not None:
            from coordinator_app.ui.registers_dialog import RegistersDialog

            RegistersDialog.ask(self.session, self.session.ws, self.window)

    def show_allocation(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.allocate_dialog import AllocateDialog

        programme, cohort, _label = self.students.scope()
        with_places = [code for code, p in self.session.ws.programmes.items() if p.specializations]
        if not with_places:
            QMessageBox.information(self.window, "Allocate", "No programme here has specializations to allocate.")
            return
        code = programme if programme in with_places else with_places[0]
        AllocateDialog.ask(self.session, self.session.ws, self.window, code, cohort if code == programme else None)

    def show_what_if(self, shown: bool = False) -> None:
        ws = self.session.ws
        if ws is None:
            return
        from coordinator_app.ui.whatif_dialog import WhatIfDialog

        if shown:
            model = self.students.model
            ids = [sid for sid in map(model.student_id, range(model.shown)) if sid is not None]
        else:
            one = self.selected_student()
            ids = [one] if one is not None else []
        if not ids:
            self.window.statusBar().showMessage("Choose a student first (or filter the list to the students to plan).")
            return
        if len(ids) > MAX_WHAT_IF:
            self.window.statusBar().showMessage(
                f"The list shows {len(ids):,} students; filter it to at most {MAX_WHAT_IF} to plan them together.",
                10000,
            )
            return
        names = {}
        for sid in ids:
            row = self.students.student(sid)
            names[sid] = f"{row.student_number} {row.first_name} {row.last_name}" if row else f"student {sid}"
        in_view = self.record_pane.record
        record = in_view if len(ids) == 1 and in_view is not None and in_view.id == ids[0] else None
        WhatIfDialog.ask(self.session, ws, names, self.window, record.graduation.planned if record else None)

    # -- export, import, backups ---------------------------------------------------------------------------
    def export_excel(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.exchange import ExportDialog

        programme, cohort, _label = self.students.scope()
        ExportDialog.ask(
            self.window, self.session.ws, self.session.jobs, programme, cohort, self.students.shown_students()
        )

    def write_results_sheet(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.results_sheet import ResultsSheetDialog

        programme, cohort, _label = self.students.scope()
        ResultsSheetDialog(self.window, self.session, programme, cohort).exec()

    def export_to_template(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.template_export import TemplateExportDialog

        programme, cohort, _label = self.students.scope()
        TemplateExportDialog(self.window, self.session, programme, cohort).exec()

    def import_excel(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.exchange import ImportDialog

        imported = ImportDialog.ask(self.window, self.session.ws, self.session.jobs)
        if imported is None:
            return
        from coordinator_app.services.imports.workbook import Applied

        if isinstance(imported, Applied):  # a workbook the app made: its changes are one undo step
            from coordinator_app.ui.review import push_undo

            push_undo(self.session, imported)
        self.session.notify(Changes.everything())

    def open_mark_form(self) -> None:
        ws, student_id = self.session.ws, self.selected_student()
        if ws is None:
            return
        if student_id is None:
            QMessageBox.information(self.window, "Mark form", "Select the student the form is for first.")
            return
        row = self.students.student(student_id)
        label = f"{row.student_number} {row.first_name} {row.last_name}" if row else f"student {student_id}"
        from coordinator_app.ui.mark_forms import MarkFormDialog

        MarkFormDialog(self.window, self.session, student_id, label).exec()

    def back_up_now(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui import backup_dialog

        if backup_dialog.back_up_now(self.window, self.session.ws):
            backup_dialog.show_backup_problem(self.window, None)
