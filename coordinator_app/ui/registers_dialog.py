"""The host and people registers: find an entry, change it (everywhere it is chosen), add one, delete
one nobody uses (else say where it is used), merge a duplicate into the entry to keep. Per host: the
students placed there by year, to find a place for the next student. Every change is one step on
the window's undo stack.

The lists are read off the GUI thread and filtered in the model (ui/register_tables.py: 20,000
people in a keystroke).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import hosts as host_register
from coordinator_app.services.errors import DatabaseProblem
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.register_tables import HOSTS, PEOPLE, EntriesModel, Entry, Register
from coordinator_app.ui.undo import ServiceCommand, undo_shortcuts

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession

# A change to a register shows in every record that chose the entry (names, ranks, e-mail).
REGISTER_CHANGES = Changes(Kind.REGISTERS | Kind.INTERNSHIPS | Kind.LITERATURE | Kind.ACADEMIC_CORE, None)


CHOOSE_KEEP = "Choose the entry to keep…"


class RegisterTab(QWidget):
    def __init__(self, dialog: RegistersDialog, register: Register) -> None:
        super().__init__()
        self.dialog, self.register = dialog, register
        self.session, self.ws = dialog.session, dialog.ws
        self.search = QLineEdit()
        self.search.setObjectName(f"{register.key}Search")
        self.search.setPlaceholderText(f"Find in {register.title.lower()} (any part of any column)")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.model = EntriesModel(register)
        self.view = QTableView()
        self.view.setObjectName(f"{register.key}Table")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # The text columns share the width; the count at the end (roles, internships) takes only what
        # its number needs, so names and organisations are not cut to leave it a third of the table.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.model.columnCount() - 1, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(60)
        self.form = FieldForm(self)
        register.form(self.form)
        self.save_button = QPushButton("&Save changes")
        self.add_button = QPushButton("Add &new")
        self.delete_button = QPushButton("&Delete")
        self.merge_to = QComboBox()
        self.merge_to.setObjectName(f"{register.key}MergeInto")
        self.merge_to.setToolTip("The entry to keep: every use of the selected duplicate moves to it")
        self.merge_button = QPushButton("&Merge into")
        for button in (self.save_button, self.add_button, self.delete_button, self.merge_button):
            button.setAutoDefault(False)
        self.message = QLabel()
        self.message.setObjectName(f"{register.key}Message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        left.addLayout(top)
        left.addWidget(self.view, 1)
        right = QVBoxLayout()
        right.addLayout(self.form.layout)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.add_button, self.delete_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        merge = QHBoxLayout()
        merge.addWidget(self.merge_button)
        merge.addWidget(self.merge_to, 1)
        right.addLayout(merge)
        right.addWidget(self.message)
        self.placements: QTableWidget | None = None
        if register.key == "hosts":
            self.placements = QTableWidget(0, 4)
            self.placements.setObjectName("placements")
            self.placements.setHorizontalHeaderLabels(["Year", "Student", "Internship", "Topic"])
            self.placements.verticalHeader().hide()
            self.placements.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.placements.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            self.placements.horizontalHeader().setStretchLastSection(True)
            right.addWidget(QLabel("Students placed here, newest year first"))
            right.addWidget(self.placements, 1)
        else:
            right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self.search.textChanged.connect(self._filter)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._chosen())
        self.save_button.clicked.connect(self.save)
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete)
        self.merge_button.clicked.connect(self.merge)
        self._keep: int | None = None
        self.loaded = False  # read at least once
        self._chosen()

    # -- reading ------------------------------------------------------------------------------------------
    def reload(self, keep: int | None = None) -> None:
        self._keep = keep if keep is not None else self.current_id()
        self.session.run(self.register.read, self._read, f"Reading the {self.register.title.lower()}…")

    def _read(self, entries: Sequence[Entry]) -> None:
        self.loaded = True
        self.model.set_entries(entries, self.search.text())
        self.merge_to.clear()
        # Nothing chosen to begin with: starting on the first entry (often the selected one itself)
        # invited merging an entry into itself or into a stranger.
        self.merge_to.addItem(CHOOSE_KEEP, None)
        for e in entries:
            self.merge_to.addItem(e.label, e.id)
        self._count()
        keep = self._keep
        row = self.model.row_of(keep) if keep is not None else None
        if (
            row is None and keep is not None and any(e.id == keep for e in entries)
        ):  # the entry kept is filtered out: show it
            blocked = self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(blocked)
            self.model.filter("")
            self._count()
            row = self.model.row_of(keep)
        self.view.selectRow(row if row is not None else 0)
        self._chosen()

    def _filter(self, text: str) -> None:
        keep = self.current_id()
        self.model.filter(text)
        self._count()
        row = self.model.row_of(keep) if keep is not None else None
        self.view.selectRow(row if row is not None else 0)
        self._chosen()

    def _count(self) -> None:
        self.count.setText(f"{self.model.rowCount():,} of {self.model.total:,}")

    def current(self) -> Entry | None:
        index = self.view.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def current_id(self) -> int | None:
        entry = self.current()
        return int(entry.id) if entry is not None else None

    def _chosen(self) -> None:
        entry = self.current()
        self.form.fill(self.register.values(entry) if entry is not None else dict.fromkeys(self.form.editors))
        for button in (self.save_button, self.delete_button, self.merge_button):
            button.setEnabled(entry is not None)
        if self.placements is not None:
            self.placements.setRowCount(0)
            if entry is not None:
                host_id = entry.id
                self.session.run(lambda ws: (host_id, host_register.placements(ws, host_id)), self._placed, "Reading…")

    def _placed(self, answer: tuple[int, list[host_register.Placement]]) -> None:
        host_id, placed = answer
        if self.placements is None or host_id != self.current_id():
            return
        self.placements.setRowCount(len(placed))
        for r, p in enumerate(placed):
            kind = "minor" if p.kind == "minor" else "major"
            for c, text in enumerate((str(p.year), p.student, kind, p.topic)):
                self.placements.setItem(r, c, QTableWidgetItem(text))

    # -- changing -------------------------------------------------------------------------------------------
    def typed(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.form.editors.items():
            if isinstance(editor, QLineEdit):
                out[name] = editor.text().strip()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QPlainTextEdit):
                out[name] = editor.toPlainText()
            else:
                raise TypeError(f"A register form has no {type(editor).__name__} ({name})")
        return out

    def _attempt(
        self,
        text: str,
        do: Callable[[], Any],
        make_undo: Callable[[Any], Callable[[], Any]],
        keep: Callable[[Any], int | None],
    ) -> object:
        """Run one change; on success push it on the undo stack and return its result, else None."""
        self.form.clear_errors()
        try:
            result = do()
        except (DomainError, DatabaseProblem) as exc:
            field = getattr(exc, "field", None)
            if not self.form.show_error(field, str(exc)):
                self.say(str(exc), error=True)
            return None
        session = self.session

        def after() -> None:
            session.notify(REGISTER_CHANGES)
            if isValid(self):
                self.reload()

        session.undo_stack.push(ServiceCommand(text, do, make_undo, result, after, session.report_undo_failure))
        session.notify(REGISTER_CHANGES)
        self.reload(keep(result))
        return result if result is not None else True

    def save(self) -> None:
        entry = self.current()
        if entry is None:
            return
        ws, entry_id, register = self.ws, entry.id, self.register
        now = self.typed()
        before = register.values(entry)
        changes = {k: v for k, v in now.items() if v != before.get(k) and not (v in ("", None) and not before.get(k))}
        if not changes:
            self.say("Nothing changed.")
            return

        def undo_of(result: Any) -> Callable[[], Any]:
            old = result.old if hasattr(result, "old") else result
            return lambda: register.update(ws, entry_id, **old)

        result = self._attempt(
            f"change {entry.name} in the {register.title.lower()}",
            lambda: register.update(ws, entry_id, **changes),
            undo_of,
            lambda _r: entry_id,
        )
        if result is None:
            return
        checks = "; ".join(f"{c.student}, {c.what}: {c.sentence}" for c in getattr(result, "rechecked", ()))
        said = f" Re-checked as assessor: {checks}." if checks else ""
        self.say(f"Saved: {now.get('name') or entry.name} is changed wherever chosen.{said}")

    def add(self) -> None:
        ws, register = self.ws, self.register
        fields = {k: v for k, v in self.typed().items() if v not in ("", None)}

        def do() -> int:
            return register.add(ws, **fields)

        def undo_of(new_id: int) -> Callable[[], Any]:
            return lambda: register.delete(ws, new_id)

        if (
            self._attempt(f"add {fields.get('name', '')} to the {register.title.lower()}", do, undo_of, lambda r: r)
            is not None
        ):
            self.say(f"Added {fields.get('name', '')}.")

    def delete(self) -> None:
        entry = self.current()
        if entry is None:
            return
        ws, register, entry_id = self.ws, self.register, entry.id
        if (
            self._attempt(
                f"delete {entry.name} from the {register.title.lower()}",
                lambda: register.delete(ws, entry_id),
                lambda gone: lambda: register.restore(ws, gone),
                lambda _r: None,
            )
            is not None
        ):
            self.say(f"Deleted {entry.name}. Undo (Ctrl+Z) brings them back.")

    def merge(self) -> None:
        entry, keep_id = self.current(), self.merge_to.currentData()
        if entry is None:
            return
        if keep_id is None:
            self.say("Choose the entry to keep in the list beside Merge into.", error=True)
            return
        if keep_id == entry.id:
            self.say("Choose the entry to keep: another one than the duplicate selected.", error=True)
            return
        ws, register, duplicate = self.ws, self.register, entry.id
        kept = self.merge_to.currentText()
        if (
            self._attempt(
                f"merge {entry.name} into {kept}",
                lambda: register.merge(ws, int(keep_id), duplicate),
                lambda merged: lambda: register.unmerge(ws, merged),
                lambda _r: int(keep_id),
            )
            is not None
        ):
            self.say(f"Merged: everything of {entry.label} is now {kept}'s; both histories are kept.")

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setText(text)


class RegistersDialog(QDialog):
    def __init__(self, session: WorkspaceSession, ws: Workspace, parent: QWidget | None = None, tab: str = "people"):
        super().__init__(parent)
        self.session, self.ws = session, ws
        self.setWindowTitle("Hosts and people")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.hosts = RegisterTab(self, HOSTS)
        self.people = RegisterTab(self, PEOPLE)
        self.tabs.addTab(self.people, "People (supervisors, assessors, mentors)")
        self.tabs.addTab(self.hosts, "Host organisations")
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        stack = session.undo_stack
        self.undo_action, self.redo_action = undo_shortcuts(self, stack)
        self.tabs.setCurrentWidget(self.hosts if tab == "hosts" else self.people)
        self.resize(1200, 640)
        self.hosts.reload()
        self.people.reload()

    @classmethod
    def ask(cls, session: WorkspaceSession, ws: Workspace, parent: QWidget, tab: str = "people") -> RegistersDialog:
        dialog = cls(session, ws, parent, tab)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
