"""File > Back up now and File > Restore from backup (the main window wires these into its menu).

    from coordinator_app.ui.backup_dialog import back_up_now, restore_from_backup
    file_menu.addAction("Back up now", lambda: back_up_now(window, window.workspace))
    file_menu.addAction("Restore from backup...", lambda: restore_from_backup(window, window.workspace))

`restore_from_backup` returns the RestoreResult (or None if the coordinator cancelled); after a
restore the window should reload everything it shows. Given a JobRunner it restores off the GUI
thread (waiting for the write lock may take seconds while colleagues save) and calls `on_done`.
It also works on a database that could not be opened (the window's error screen): a damaged or
empty file is replaced only after the coordinator agreed, and kept aside unchanged.
`show_backup_problem(window, text)` puts "No backup today" in the status bar. No SQL here: all
through services.backups.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.location import Location
from coordinator_app.services import backups
from coordinator_app.services.backups import BackupInfo, DatabaseProblem, RestoreResult
from coordinator_app.services.workspace import Workspace

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from coordinator_app.ui.jobs import JobRunner

COLUMNS = ("Date", "Kind", "Students", "Size")


def _tr(text: str) -> str:
    return QCoreApplication.translate("backups", text)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{max(n, 1) / 1000:.0f} kB"


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A plain message; tests replace this function."""
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question; tests replace this function."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def _show_problem(exc: DatabaseProblem, parent: QWidget | None) -> None:
    from coordinator_app.ui.errors import show_error

    show_error(exc, parent)


def back_up_now(parent: QWidget | None, ws: Workspace) -> BackupInfo | None:
    """File > Back up now: a copy in the backups folder, then a short confirmation."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        info = backups.back_up_now(ws)
    except DatabaseProblem as exc:
        QGuiApplication.restoreOverrideCursor()
        _show_problem(exc, parent)
        return None
    QGuiApplication.restoreOverrideCursor()
    inform(
        parent,
        _tr("Backup made"),
        _tr("A copy of the database ({students} students, {size}) is saved as\n{path}").format(
            students=info.students, size=_size(info.size_bytes), path=info.path
        ),
    )
    return info


class RestoreDialog(QDialog):
    """The copies in the backups folder, newest first, with date, kind and student count."""

    def __init__(self, ws: Workspace | Path | Location, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Restore from backup"))
        self.resize(640, 420)
        self.chosen: BackupInfo | None = None
        self.copies = backups.list_backups(ws)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _tr(
                "Choose the copy to go back to. The database as it is now is backed up first, so a "
                "restore can be undone the same way."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.copies), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, info in enumerate(self.copies):
            cells = (
                f"{info.taken_at:%a %d-%m-%Y %H:%M}",
                info.kind_label,
                str(info.students) if info.students is not None else _tr("unreadable"),
                _size(info.size_bytes),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not info.usable:
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                    item.setToolTip(info.problem or "")
                else:
                    item.setToolTip(str(info.path))
                self.table.setItem(row, column, item)
        layout.addWidget(self.table)
        self.empty_label = QLabel(_tr("There are no backups next to this database yet."))
        self.empty_label.setVisible(not self.copies)
        layout.addWidget(self.empty_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton(_tr("Restore"))
        self.file_button = QPushButton(_tr("Other file..."))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self._accept_selected())
        self.restore_button.clicked.connect(self._accept_selected)
        self.file_button.clicked.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        first_usable = next((n for n, c in enumerate(self.copies) if c.usable), None)
        if first_usable is not None:
            self.table.selectRow(first_usable)

    def _selected(self) -> BackupInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        info = self.copies[rows.pop()]
        return info if info.usable else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self._selected() is not None)

    def _accept_selected(self) -> None:
        info = self._selected()
        if info is not None:
            self.chosen = info
            self.accept()

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, _tr("Choose a backup"), "", _tr("Coordinator App databases (*.sqlite);;All files (*)")
        )
        if name:
            self.chosen = backups.inspect_backup(Path(name))
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ws: Workspace | Path | Location) -> BackupInfo | None:
        """The copy the coordinator chose, or None; tests replace this classmethod."""
        dialog = cls(ws, parent)
        return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


def restore_from_backup(
    parent: QWidget | None,
    target: Workspace | Path | Location,
    jobs: JobRunner | None = None,
    on_done: Callable[[RestoreResult], None] | None = None,
) -> RestoreResult | None:
    """File > Restore from backup: choose, look at the database, confirm, restore (backing it up first).

    `target`: the open workspace, or the path of a database that could not be opened. With `jobs`
    the look and the restore run off the GUI thread and None is returned; `on_done` gets the result."""
    info = RestoreDialog.ask(parent, target)
    if info is None:
        return None
    # The file itself (its state and name go into the question), or the server database.
    location = target.location if isinstance(target, Workspace) else target
    path: Path | Location = Path(location) if not isinstance(location, Location) else location.path or location
    outcome: list[RestoreResult] = []

    def restore(replace: bool) -> RestoreResult:
        return backups.restore_backup(target, info.path, replace_damaged=replace)

    def done(result: RestoreResult) -> None:
        outcome.append(result)
        _restored(parent, info, result)
        if on_done is not None:
            on_done(result)

    def looked(state: backups.DatabaseState) -> None:
        if confirm(parent, _tr("Restore this backup?"), _question(info, path, state)):
            _run(jobs, parent, lambda: restore(state.replaceable), done, _tr("Restoring the backup…"))

    # The database is looked at (SQLite's quick_check) first: a damaged one needs other words.
    _run(jobs, parent, lambda: backups.database_state(path), looked, _tr("Looking at the database…"))
    return outcome[0] if outcome else None


def _run(
    jobs: JobRunner | None, parent: QWidget | None, work: Callable[[], Any], then: Callable[[Any], None], label: str
) -> None:
    """`work` off the GUI thread (or here, with a wait cursor, without a runner), then `then(result)`;
    a DatabaseProblem is shown in the coordinator's words."""

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, DatabaseProblem):
            raise exc
        _show_problem(exc, parent)

    if jobs is not None:
        jobs.run(work, then, failed, label=label, parent_widget=parent)
        return
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = work()
    except DatabaseProblem as exc:
        QGuiApplication.restoreOverrideCursor()
        failed(exc)
        return
    QGuiApplication.restoreOverrideCursor()
    then(result)


def _question(info: BackupInfo, path: Path | Location, state: backups.DatabaseState) -> str:
    students = f"{info.students} students" if info.students is not None else "unknown number of students"
    when = f"{info.taken_at:%d-%m-%Y %H:%M}"
    if isinstance(path, Location):  # a server database: everyone's data goes back
        return _tr(
            "Go back to the copy of {when} ({students}) on {name}?\n\nThis replaces the data for everyone who "
            "uses this database; their windows reload it. What is there now is kept as a copy first."
        ).format(when=when, students=students, name=path.name)
    if state.replaceable:
        what = {
            "empty": _tr("is empty"),
            "not-sqlite": _tr("is not a database file"),
            "damaged": _tr("is damaged"),
        }.get(state.kind, _tr("cannot be used"))
        return _tr(
            "The database {name} {what}.\n\nRestore the copy of {when} ({students}) in its place? The file "
            "as it is now is kept unchanged next to it, renamed to {name_stem}-damaged-<date and time>."
        ).format(name=path.name, what=what, when=when, students=students, name_stem=path.stem)
    if state.kind == "missing":
        return _tr("There is no database at {path} any more.\n\nPut the copy of {when} ({students}) there?").format(
            path=path, when=when, students=students
        )
    return _tr(
        "Go back to the copy of {when} ({students})?\n\nChanges made since then will be gone from the "
        "database, but the database as it is now is saved as a backup first."
    ).format(when=when, students=students)


def _restored(parent: QWidget | None, info: BackupInfo, result: RestoreResult) -> None:
    kept = ""
    if result.safety_copy:
        kept = _tr("\n\nThe database as it was before is kept as {name}.").format(name=result.safety_copy.name)
    if result.kept_aside:
        kept = _tr("\n\nThe file that was there is kept unchanged as {name}.").format(name=result.kept_aside.name)
    inform(
        parent,
        _tr("Backup restored"),
        _tr("The database is back to the copy of {when}: {n} students.").format(
            when=f"{info.taken_at:%d-%m-%Y %H:%M}", n=result.students
        )
        + kept,
    )


def show_backup_problem(window: QMainWindow, problem: str | None) -> None:
    """A "No backup today" link in the window's status bar while today's automatic copy could not be
    made; clicking it says why. None takes it away (a copy was made after all)."""
    label = window.findChild(QLabel, "backupWarning")
    if label is None:
        if problem is None:
            return
        label = QLabel()
        label.setObjectName("backupWarning")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setStyleSheet("color: #b3261e;")
        label.linkActivated.connect(lambda _link: inform(window, _tr("No backup today"), label.toolTip()))
        window.statusBar().addPermanentWidget(label)
    label.setText(f'<a href="why" style="color: #b3261e;">{_tr("No backup today")}</a>')
    label.setToolTip(problem or "")
    label.setVisible(problem is not None)
