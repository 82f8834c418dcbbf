"""What the window says about the database it has open: in its title and status bar.

Which database it is, and whether a plain `coordinator-app` opens it next time ("this session
only" when it was started with --db or as the demo); read only, and why, with every edit control
of the record locked (ui/read_only.py); and what happened to the data meanwhile, as the session
reports it: restored from a backup elsewhere, saved by a colleague, a problem, an undo refused.
The window makes this part and tells it when a database is being opened, is open or failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from coordinator_app import APP_NAME
from coordinator_app.location import Location
from coordinator_app.ui import settings as saved

if TYPE_CHECKING:
    from coordinator_app.ui.read_only import ReadOnlyLock
    from coordinator_app.ui.record.pane import RecordPane
    from coordinator_app.ui.session import WorkspaceSession


class DatabaseStatus(QObject):
    """The window's title and the status bar's database line (`path_label`, the first widget of the
    status bar), the "Read only: why?" link, and the session's messages about the data."""

    def __init__(self, window: QMainWindow, session: WorkspaceSession) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self.path_label = QLabel()
        window.statusBar().addWidget(self.path_label, 1)
        self.read_only_lock: ReadOnlyLock | None = None  # made when a database opens read-only
        self._read_only_label: QLabel | None = None
        session.replaced.connect(self._replaced)
        session.problem.connect(lambda text: self._say(text, 15000))
        session.undo_failed.connect(self._undo_failed)
        session.colleague_saved.connect(lambda text: self._say(text, 10000))

    def opening(self) -> None:
        self._window.setWindowTitle(f"{self._session.location.name} — {APP_NAME}")
        self.path_label.setText(f"Opening {self._session.location} …")

    def could_not_open(self) -> None:
        self.path_label.setText(f"Could not open {self._session.location}")

    def nothing_created(self) -> None:
        self.path_label.setText("Nothing was created.")

    def show_database(self, path: Path | Location) -> None:
        """Title and status bar name the open database, and say so when a plain start opens another."""
        location = path if isinstance(path, Location) else Location.file(path)
        read_only = "  (read only)" if self._session.read_only else ""
        self._window.setWindowTitle(f"{location.name}{read_only} — {APP_NAME}")
        next_time = saved.database_for_plain_start()
        if saved.saved_text(path) == saved.saved_text(next_time):
            self.path_label.setText(f"Database: {path}")
            self.path_label.setToolTip("")
        else:
            self.path_label.setText(f"Database: {path}  (this session only)")
            self.path_label.setToolTip(
                f"Started with --db or as the demo. Coordinator App opens {next_time} "
                "next time, unless you open this database with File > Open."
            )

    def show_read_only(self, reason: str | None, record_pane: RecordPane) -> None:
        """A database that may only be read: every edit control of the record off, and the status bar
        says why (None: the database may be written; what was locked is given back)."""
        from coordinator_app.ui.read_only import ReadOnlyLock

        label = self._read_only_label
        if reason is None:
            if self.read_only_lock is not None:
                self.read_only_lock.unlock()
            if label is not None:
                label.hide()
            return
        if label is None:
            label = self._read_only_label = QLabel()
            label.setObjectName("readOnly")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setStyleSheet("background: #fff4e0; padding: 1px 6px; border-radius: 3px;")
            label.linkActivated.connect(lambda _link: self._explain_read_only())
            self._window.statusBar().addPermanentWidget(label)
        label.setText('<a href="why" style="color: #5f4300;">Read only: why?</a>')
        label.setToolTip(reason)
        label.show()
        if self.read_only_lock is None:
            self.read_only_lock = ReadOnlyLock(self._window)
        self.read_only_lock.lock(record_pane, reason)
        record_pane.view.filled.connect(self.read_only_lock.refresh, Qt.ConnectionType.UniqueConnection)
        self.read_only_lock.refresh()

    def _explain_read_only(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        reason = self._session.read_only
        if reason is not None:
            QMessageBox.information(self._window, "Read only", reason)

    def _say(self, text: str, milliseconds: int) -> None:
        self._window.statusBar().showMessage(text, milliseconds)

    def _replaced(self) -> None:
        self._say(
            "The database was restored from a backup in another window (or with "
            "coordinator-app restore): loading the restored data. Changes not saved "
            "before were not saved.",
            30000,
        )

    def _undo_failed(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self._say(text, 20000)
        box = QMessageBox(QMessageBox.Icon.Information, "Not undone", text, QMessageBox.StandardButton.Ok, self._window)
        box.open()  # not exec(): an undo from a shortcut must not block the window
