"""One calm dialog for anything that goes wrong, and the hook that routes every uncaught exception to it.

Environment problems (the database locked, read-only, full, gone or damaged) get their own
words and advice; anything else is a bug: the coordinator is told their saved work is safe and
gets details to copy, which hold code locations but no student data. Everything is also written
to the rotating log file (coordinator_app.logging_setup). No traceback is ever the message.
"""

from __future__ import annotations

import html
import logging
import platform
import sys
import threading
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("coordinator_app.errors")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


@dataclass(frozen=True)
class Problem:
    title: str
    what_happened: str
    what_to_do: str
    details: str
    is_bug: bool = False


_ADVICE: dict[str, tuple[str, str]] = {
    # DatabaseProblem subclass name -> (title, what to do)
    "DatabaseBusy": (
        "The database is busy",
        "Wait a moment and try again; what you typed is still there. If it stays busy, ask the "
        "colleague who has this database open to finish saving, or close your other window.",
    ),
    "DatabaseReadOnly": (
        "The database cannot be saved to",
        "Ask for permission to write in that folder, or copy the database to a folder of your "
        "own (File > Back up now makes such a copy) and open that copy.",
    ),
    "DatabaseFull": (
        "The disk is full",
        "Free some space on the disk that holds the database (empty the bin, remove large files), then try again.",
    ),
    "DatabaseGone": (
        "The database can no longer be reached",
        "Reconnect the USB stick or network drive that holds the database, then open it again. "
        "Nothing saved before is lost.",
    ),
    "DatabaseCorrupt": (
        "The database file is damaged",
        "Restore the latest good copy (File > Restore from backup); the damaged file is kept aside, unchanged.",
    ),
    "DatabaseEmpty": (
        "The database file is empty",
        "Restore the newest good backup (File > Restore from backup); the empty file is kept aside. "
        "To start a new database instead, move the empty file away first.",
    ),
    "DatabaseReplaced": (
        "The database was restored from a backup",
        "The window now shows the restored data. Check it, and make your change again if it is still needed.",
    ),
    "RestoreNeedsConfirmation": (
        "The database cannot be used as it is",
        "Restore a backup in its place: the file is kept aside, unchanged.",
    ),
    "ForeignDatabase": (
        "This is another application's database",
        "Choose the Coordinator App database (a .sqlite file); this file was left untouched.",
    ),
    "NotAFile": ("This is not a database file", "Choose the Coordinator App database (a .sqlite file)."),
    "DatabaseTooNew": (
        "This database needs a newer Coordinator App",
        "Install the newer version of Coordinator App, then open the database again.",
    ),
    "NotADatabase": (
        "This file cannot be opened",
        "Choose the Coordinator App database (a .sqlite file), or restore one from a backup.",
    ),
    "BackupUnusable": (
        "This backup cannot be restored",
        "Choose another copy from the list; the current database was not changed.",
    ),
    "DatabaseProblem": ("The database cannot be used", "Try again; if it keeps happening, restore a backup."),
}


def environment_details() -> str:
    from coordinator_app import __version__
    from coordinator_app.logging_setup import log_file

    try:
        from PySide6 import __version__ as qt_version
    except ImportError:  # pragma: no cover
        qt_version = "?"
    return (
        f"Coordinator App {__version__}, Python {platform.python_version()}, PySide6 {qt_version}, "
        f"{platform.platform()}\nLog file: {log_file()}"
    )


def describe(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> Problem:
    """What to tell the coordinator about `exc`: specific words for known problems, a calm note for bugs."""
    from coordinator_app.domain.errors import DomainError
    from coordinator_app.logging_setup import safe_traceback
    from coordinator_app.services.errors import DatabaseProblem, as_problem

    details = f"{environment_details()}\n\n{safe_traceback(exc_type, exc, tb)}"
    problem = exc if isinstance(exc, DatabaseProblem) else as_problem(exc)
    if problem is not None:
        for cls in type(problem).__mro__:
            if cls.__name__ in _ADVICE:
                title, advice = _ADVICE[cls.__name__]
                return Problem(_tr(title), str(problem), _tr(advice), details)
    if isinstance(exc, DomainError):
        return Problem(_tr("This cannot be saved"), str(exc), _tr("Correct the value and try again."), details)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return Problem(
            _tr("A file could not be used"),
            f"{exc.strerror or type(exc).__name__}{where}.",
            _tr("Check that the file or folder exists and that you may use it, then try again."),
            details,
        )
    return Problem(
        _tr("Something went wrong"),
        _tr(
            "Coordinator App ran into a problem it did not expect. Your saved work is safe: every change is "
            "saved the moment you make it, so at most the change you were making was not saved."
        ),
        _tr(
            "Check that your last change is there and try again. If this keeps happening, copy the details "
            "and send them to whoever supports Coordinator App; they contain no student data."
        ),
        details,
        is_bug=True,
    )


class ProblemDialog(QDialog):
    """What happened, what to do, and the details behind a button (copyable, never shown by default)."""

    def __init__(self, problem: Problem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self.setWindowTitle(problem.title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if not problem.is_bug
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        heading = QLabel(f"<b>{html.escape(problem.title, quote=False)}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        icon_label = QLabel()
        icon_label.setPixmap(icon.pixmap(32, 32))
        self.what_happened = QLabel(problem.what_happened)
        self.what_to_do = QLabel(problem.what_to_do)
        for label in (self.what_happened, self.what_to_do):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(problem.details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.show_details_button = QPushButton(_tr("Show details"))
        self.copy_button = QPushButton(_tr("Copy details"))
        buttons.addButton(self.show_details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.show_details_button.clicked.connect(self._toggle_details)
        self.copy_button.clicked.connect(self.copy_details)
        for widget in (icon_label, heading, self.what_happened, self.what_to_do, self.details, buttons):
            layout.addWidget(widget)

    def _toggle_details(self) -> None:
        visible = not self.details.isVisible()
        self.details.setVisible(visible)
        self.show_details_button.setText(_tr("Hide details") if visible else _tr("Show details"))

    def copy_details(self) -> None:
        text = f"{self.problem.title}\n{self.problem.what_happened}\n\n{self.problem.details}"
        QGuiApplication.clipboard().setText(text)

    @classmethod
    def show_problem(cls, problem: Problem, parent: QWidget | None = None) -> None:
        """Show modally; tests replace this classmethod to stand in for the coordinator."""
        cls(problem, parent or QApplication.activeWindow()).exec()


def show_error(exc: BaseException, parent: QWidget | None = None) -> Problem:
    """For code that catches a problem itself (e.g. DatabaseBusy in a form): log it and show the dialog."""
    problem = describe(type(exc), exc, exc.__traceback__)
    _log(problem, (type(exc), exc, exc.__traceback__))
    ProblemDialog.show_problem(problem, parent)
    return problem


def _log(problem: Problem, exc_info: ExcInfo) -> None:
    if problem.is_bug:
        log.error("unexpected error", exc_info=exc_info)
    else:
        log.warning("%s", problem.title, exc_info=exc_info)


class _MainThreadBridge(QObject):
    """Carries exceptions from worker threads to the GUI thread, where dialogs may be shown."""

    raised = Signal(object)


class ExceptionHook:
    """The installed sys.excepthook / threading.excepthook; `uninstall()` puts the previous ones back."""

    def __init__(self) -> None:
        self.previous_sys = sys.excepthook
        self.previous_threading = threading.excepthook
        self._showing = False
        self._bridge: _MainThreadBridge | None = None
        app = QCoreApplication.instance()
        if app is not None:
            self._bridge = _MainThreadBridge()
            self._bridge.moveToThread(app.thread())
            self._bridge.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous_sys(exc_type, exc, tb)
            return
        try:
            problem = describe(exc_type, exc, tb)
            _log(problem, (exc_type, exc, tb))
            app = QCoreApplication.instance()
            if app is None:
                # No window (CLI, early start-up): one calm paragraph on stderr.
                print(f"{problem.title}: {problem.what_happened}\n{problem.what_to_do}", file=sys.stderr)
            elif threading.current_thread() is threading.main_thread() or self._bridge is None:
                self._show(problem)
            else:
                self._bridge.raised.emit(problem)
        except Exception:
            self.previous_sys(exc_type, exc, tb)

    def threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, problem: Problem) -> None:
        if self._showing:  # a second error while the dialog is open: logged, not stacked
            return
        self._showing = True
        try:
            ProblemDialog.show_problem(problem)
        finally:
            self._showing = False

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous_sys
        if getattr(threading.excepthook, "__self__", None) is self:
            threading.excepthook = self.previous_threading


def install_exception_hook() -> ExceptionHook:
    """Route every uncaught exception (main thread, Qt slots, worker threads) to the log and the dialog.

    Call after the QApplication exists; sets up the rotating log file if nothing did yet.
    """
    from coordinator_app import logging_setup

    if not logging_setup.logging_is_set_up():
        logging_setup.setup_logging()
    hook = ExceptionHook()
    sys.excepthook = hook
    threading.excepthook = hook.threading_hook
    return hook
