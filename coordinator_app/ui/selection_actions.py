"""What the coordinator does with many students at once: the Students menu and the list's right-click.

Each works on the students selected in the list (ui/list_pane.py `selected_students`): Remind…,
mark a portfolio item received, set an Examination Board approval, plan a graduation month, assign
a mentor (each previewed, then one transaction and one undo step: ui/bulk_dialogs.py), export the
selection to Excel, copy their e-mail addresses, and export their deadlines to a calendar file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QMenu, QMessageBox

from coordinator_app.domain.approvals import APPROVAL_STATUSES
from coordinator_app.domain.people import parse_date
from coordinator_app.ui.bulk_dialogs import AskDialog, date_edit, run_bulk
from coordinator_app.ui.changes import Kind

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from coordinator_app.domain.attention import AttentionItem
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.attention_view import AttentionView
    from coordinator_app.ui.list_pane import StudentListPane
    from coordinator_app.ui.session import WorkspaceSession


def portfolio_choices(ws: Workspace) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(component key, component name, [(item kind, item name)]) of every programme's portfolios."""
    from coordinator_app.domain.student import ACADEMIC_CORE_ITEMS

    found: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for p in ws.programmes.values():
        if p.internships:
            for kind in p.internships.kinds.values():
                found.setdefault(
                    kind.component, (kind.component, kind.name, [(r.kind, r.name) for r in p.internships.portfolio])
                )
        if p.literature_study:
            rules = p.literature_study
            name = p.component(rules.component).name
            found.setdefault(rules.component, (rules.component, name, [(r.kind, r.name) for r in rules.portfolio]))
        if p.academic_core:
            key = p.academic_core.component
            found.setdefault(key, (key, p.component(key).name, list(ACADEMIC_CORE_ITEMS)))
    return list(found.values())


class SelectionActions:
    def __init__(
        self,
        window: QMainWindow,
        session: WorkspaceSession,
        students: StudentListPane,
        attention: AttentionView,
        is_attention_shown: Callable[[], bool],
        record_student: Callable[[], int | None],
    ) -> None:
        self.window, self.session, self.students, self.attention = window, session, students, attention
        self._attention_shown = is_attention_shown
        self._record_student = record_student
        self.remind = self._make(
            "&Remind…", self.remind_selected, "Ctrl+M", "Draft reminders for the lines or students selected"
        )
        self.received = self._make("Mark portfolio item &received…", self.mark_received)
        self.approval = self._make("Set Examination Board &approval…", self.set_approval)
        self.graduation = self._make("Plan &graduation month…", self.plan_graduation)
        self.mentor = self._make("Assign &mentor…", self.assign_mentor)
        self.export = self._make("&Export selection to Excel…", self.export_selection)
        self.copy = self._make(
            "&Copy e-mail addresses", self.copy_emails, None, "The selected students' addresses, for a BCC"
        )
        self.calendar = self._make(
            "Export &deadlines to calendar…",
            self.export_calendar,
            None,
            "The due items of the students selected (or shown) as an .ics file",
        )
        self.all = (
            self.remind,
            self.received,
            self.approval,
            self.graduation,
            self.mentor,
            self.export,
            self.copy,
            self.calendar,
        )
        students.context_menu_wanted.connect(self._context_menu)
        attention.remind_wanted.connect(lambda items: self._remind(items=items))

    def _make(self, text: str, slot: Callable[[], object], shortcut: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def enable(self, enabled: bool, read_only: bool = False) -> None:
        """`read_only`: a viewer's or a network share's window keeps the actions that only read
        (export, addresses, calendar); those that write (reminders are recorded) stay off."""
        writes = (self.remind, self.received, self.approval, self.graduation, self.mentor)
        for action in self.all:
            action.setEnabled(enabled and not (read_only and action in writes))

    def menu(self, parent: QMenu | None = None) -> QMenu:
        menu = QMenu("&Students", parent or self.window)
        menu.addAction(self.remind)
        menu.addSeparator()
        for action in (self.received, self.approval, self.graduation, self.mentor):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.export, self.calendar, self.copy):
            menu.addAction(action)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        count = len(self.students.selected_students())
        menu = self.menu()
        menu.setTitle("")
        menu.insertSection(self.remind, f"{count} student{'s' if count != 1 else ''} selected")
        menu.popup(position)

    def chosen(self) -> list[int]:
        """The students selected in the list; else the one whose record is open."""
        chosen = self.students.selected_students()
        if not chosen:
            shown = self._record_student()
            chosen = [shown] if shown is not None else []
        return chosen

    # -- reminders -------------------------------------------------------------------------------------------
    def remind_selected(self) -> None:
        """Ctrl+M: the attention lines selected when the attention list is in view, else the students."""
        if self._attention_shown() and self.attention.selected_items():
            self._remind(items=self.attention.selected_items())
        else:
            self._remind(students=self.chosen())

    def remind_student(self, student_id: int) -> None:
        self._remind(students=[student_id])

    def _remind(self, items: list[AttentionItem] | None = None, students: list[int] | None = None) -> None:
        from coordinator_app.ui.reminders_dialog import start_reminders

        start_reminders(self.session, self.window, items, students, self.attention.within.value())

    # -- bulk actions ----------------------------------------------------------------------------------------------
    def mark_received(self) -> None:
        ws = self.session.ws
        if ws is None:
            return
        from coordinator_app.services.bulk_actions import MarkReceived

        ask = AskDialog("Mark received", "Mark one portfolio item received for every student selected.", self.window)
        choices = portfolio_choices(ws)
        component, item = QComboBox(), QComboBox()
        for key, name, _items in choices:
            component.addItem(name, key)

        def fill_items() -> None:
            item.clear()
            for kind, name in choices[max(component.currentIndex(), 0)][2]:
                item.addItem(name, kind)

        component.currentIndexChanged.connect(lambda _i: fill_items())
        fill_items()
        when = date_edit(ws.as_of())
        ask.form.addRow("Of", component)
        ask.form.addRow("Item", item)
        ask.form.addRow("Received on", when)
        ask.build = lambda: MarkReceived(
            component.currentData(),
            item.currentData(),
            item.currentText(),
            component.currentText(),
            parse_date(when.text(), "received_date"),
            ws.as_of(),
        )
        self._ask_then_run(ask, Kind.PORTFOLIO)

    def set_approval(self) -> None:
        from coordinator_app.services.bulk_actions import APPROVAL_OF, SetApproval

        ask = AskDialog(
            "Examination Board approval",
            "Record the Examination Board's decision (or the request) for every student selected.",
            self.window,
        )
        what, status = QComboBox(), QComboBox()
        for key, name in APPROVAL_OF.items():
            what.addItem(name[:1].upper() + name[1:], key)
        for value in APPROVAL_STATUSES:
            status.addItem(value, value)
        status.setCurrentIndex(status.findData("approved"))
        ws = self.session.ws
        decided = date_edit(ws.as_of() if ws else date.today())
        ask.form.addRow("Of the", what)
        ask.form.addRow("Status", status)
        ask.form.addRow("Decided on", decided)
        ask.build = lambda: SetApproval(
            what.currentData(),
            status.currentData(),
            parse_date(decided.text(), "approval_date") if decided.text().strip() else None,
        )
        self._ask_then_run(ask, Kind.INTERNSHIPS | Kind.LITERATURE)

    def plan_graduation(self) -> None:
        from coordinator_app.services.bulk_actions import PlanGraduation
        from coordinator_app.ui.util import long_month

        ws = self.session.ws
        today = ws.as_of() if ws else date.today()
        ask = AskDialog(
            "Plan graduation",
            "Plan the graduation month of every student selected (the ceremony and "
            "the Academic Core due dates follow).",
            self.window,
        )
        month = QComboBox()
        for n in range(36):
            y, mo = today.year + (today.month - 1 + n) // 12, (today.month - 1 + n) % 12 + 1
            month.addItem(long_month((y, mo)), (y, mo))
        ask.form.addRow("Graduation month", month)
        ask.build = lambda: PlanGraduation(*month.currentData())
        self._ask_then_run(ask, Kind.GRADUATION | Kind.ACADEMIC_CORE)

    def assign_mentor(self) -> None:
        from coordinator_app.services.bulk_actions import AssignMentor

        ask = AskDialog(
            "Assign mentor", "Make one person the Academic Core mentor of every student selected.", self.window
        )
        name, organisation, email = QLineEdit(), QLineEdit(), QLineEdit()
        ask.form.addRow("Mentor", name)
        ask.form.addRow("Organisation", organisation)
        ask.form.addRow("E-mail", email)
        ask.build = lambda: AssignMentor(name.text(), organisation.text(), email.text())
        self._ask_then_run(ask, Kind.ACADEMIC_CORE)

    def _ask_then_run(self, ask: AskDialog, kinds: Kind) -> None:
        chosen = self.chosen()
        if not chosen:
            QMessageBox.information(self.window, "Nothing selected", "Select one or more students in the list first.")
            return
        ask.setWindowTitle(f"{ask.windowTitle()}: {len(chosen)} student{'s' if len(chosen) != 1 else ''}")
        ask.accepted.connect(lambda: run_bulk(self.session, self.window, lambda _ws: ask.result_value, chosen, kinds))
        ask.open()

    # -- out of the app ------------------------------------------------------------------------------------------------
    def export_selection(self) -> None:
        if self.session.ws is None:
            return
        from coordinator_app.ui.exchange import ExportDialog

        chosen = self.chosen()
        programme, cohort, _label = self.students.scope()
        ExportDialog.ask(self.window, self.session.ws, self.session.jobs, programme, cohort, chosen or None)

    def copy_emails(self) -> str:
        rows = [self.students.student(sid) for sid in self.chosen()]
        addresses = list(dict.fromkeys(r.email for r in rows if r is not None and r.email))
        missing = sum(1 for r in rows if r is not None and not r.email)
        text = "; ".join(addresses)
        QGuiApplication.clipboard().setText(text)
        note = f"; {missing} without an address" if missing else ""
        self.window.statusBar().showMessage(
            f"Copied {len(addresses)} e-mail address{'es' if len(addresses) != 1 else ''}{note}.", 10000
        )
        return text

    def export_calendar(self, target: Path | None = None) -> None:
        ws = self.session.ws
        if ws is None:
            return
        chosen = self.students.selected_students() or self.students.shown_students()
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self.window, "Export deadlines to calendar", str(Path.home() / "deadlines.ics"), "iCalendar (*.ics)"
            )
            if not name:
                return
            target = Path(name if name.lower().endswith(".ics") else f"{name}.ics")
        chosen_ids = chosen

        def work() -> int:
            from coordinator_app.services.calendar import deadlines, write_calendar

            return write_calendar(deadlines(ws, chosen_ids), target)

        def done(count: int) -> None:
            self.window.statusBar().showMessage(f"Saved {count:,} deadlines to {target}.", 15000)

        def failed(exc: BaseException) -> None:
            from coordinator_app.domain.errors import DomainError
            from coordinator_app.services.errors import DatabaseProblem

            if not isinstance(exc, (DomainError, DatabaseProblem)):
                raise exc
            # open(), not exec(): a nested event loop inside the job's callback would hold up the window's.
            box = QMessageBox(QMessageBox.Icon.Information, "Calendar not written", str(exc), parent=self.window)
            box.setObjectName("calendarNotWritten")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

        self.session.jobs.run(work, done, failed, label="Writing the calendar…", parent_widget=self.window)
