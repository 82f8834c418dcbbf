"""File > Back up now and File > Restore from backup (the main window wires these into its menu).

    from coordinator_app.ui.backup_dialog import back_up_now, restore_from_backup
    file_menu.addAction("Back up now", lambda: back_up_now(window, window.workspace))
    file_menu.addAction("Restore from backup...", lambda: restore_from_backup(window, window.workspace))

`restore_from_backup` returns the RestoreResult (or None if the coordinator cancelled); after a
restore the window should reload everything it shows. No SQL here: all through services.backups.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QMessageBox, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from coordinator_app.services import backups
from coordinator_app.services.backups import BackupInfo, RestoreResult
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.errors import DatabaseProblem

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
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
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
    inform(parent, _tr("Backup made"),
           _tr("A copy of the database ({students} students, {size}) is saved as\n{path}").format(
               students=info.students, size=_size(info.size_bytes), path=info.path))
    return info


class RestoreDialog(QDialog):
    """The copies in the backups folder, newest first, with date, kind and student count."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Restore from backup"))
        self.resize(640, 420)
        self.chosen: BackupInfo | None = None
        self.copies = backups.list_backups(ws)
        layout = QVBoxLayout(self)
        intro = QLabel(_tr("Choose the copy to go back to. The database as it is now is backed up first, so a "
                           "restore can be undone the same way."))
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
            cells = (f"{info.taken_at:%a %d-%m-%Y %H:%M}", info.kind_label,
                     str(info.students) if info.students is not None else _tr("unreadable"), _size(info.size_bytes))
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
        name, _ = QFileDialog.getOpenFileName(self, _tr("Choose a backup"), "",
                                              _tr("Coordinator App databases (*.sqlite);;All files (*)"))
        if name:
            self.chosen = backups.inspect_backup(Path(name))
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ws: Workspace) -> BackupInfo | None:
        """The copy the coordinator chose, or None; tests replace this classmethod."""
        dialog = cls(ws, parent)
        return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


def restore_from_backup(parent: QWidget | None, ws: Workspace) -> RestoreResult | None:
    """File > Restore from backup: choose, confirm, back up the current database, restore."""
    info = RestoreDialog.ask(parent, ws)
    if info is None:
        return None
    students = f"{info.students} students" if info.students is not None else "unknown number of students"
    if not confirm(parent, _tr("Restore this backup?"),
                   _tr("Go back to the copy of {when} ({students})?\n\nChanges made since then will be gone from "
                       "the database, but the database as it is now is saved as a backup first.").format(
                       when=f"{info.taken_at:%d-%m-%Y %H:%M}", students=students)):
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = backups.restore_backup(ws, info.path)
    except DatabaseProblem as exc:
        QGuiApplication.restoreOverrideCursor()
        _show_problem(exc, parent)
        return None
    QGuiApplication.restoreOverrideCursor()
    kept = (_tr("\n\nThe database as it was before is kept as {name}.").format(name=result.safety_copy.name)
            if result.safety_copy else "")
    inform(parent, _tr("Backup restored"),
           _tr("The database is back to the copy of {when}: {n} students.").format(
               when=f"{info.taken_at:%d-%m-%Y %H:%M}", n=result.students) + kept)
    return result
