"""Start the window: `coordinator-app [--db PATH]` ends up in `run()`.

The first frame is the main window with its search box, student list and status bar (the
coordinator can type at once). Right after it is painted come the style sheet and the icons;
on a database file the list's rows are then read straight from it (the sqlite3 driver, another
thread) and shown, searchable; then the rest of the shell (menus, toolbar, attention and record
panes), the log file and the error dialog's exception hook, and the database opens off the GUI
thread (SQLAlchemy alone takes ~0.5 s to import; the list is read again only if the file changed
meanwhile) (performance.md s.2).

COORDINATOR_APP_REPORT_START=<seconds since the epoch when the launcher started the process>
makes the window print the seconds from then to its first paint, to the whole shell, to the
list filled and searchable (`list_shown`) and to the database open with the list (`ready`), then quit (benchmarks/bench_gui.py). Any other value (e.g. 1) measures from
the process start the kernel recorded (Linux; 10 ms steps).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from coordinator_app import APP_NAME, ORGANISATION, ORGANISATION_DOMAIN, __version__
from coordinator_app.location import Location

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication, QWidget

    from coordinator_app.ui.main_window import MainWindow

REPORT_START = "COORDINATOR_APP_REPORT_START"
QUIT_AFTER_MS = "COORDINATOR_APP_QUIT_AFTER_MS"
RESUME_COLLECTION_MS = 3000  # garbage collection resumes by then even without a first paint


def apply_style(app: QApplication) -> None:
    """The platform's own style, plus a few touches from resources/styles/app.qss."""
    from coordinator_app.ui.util import resource_path

    sheet = resource_path("styles", "app.qss")
    if sheet.exists():
        app.setStyleSheet(sheet.read_text("utf-8"))


def start_database(requested: Path | Location, given: bool | None = None) -> Path | Location:
    """The database to open: a file (a Path) or a server database (a Location). One given with --db is
    opened for this session only (it does not change what a plain start opens); without --db, the one
    the coordinator last chose in the window, else the default. `given` None: --db was given if
    `requested` is not the default path."""
    from coordinator_app.paths import default_database_path
    from coordinator_app.ui.settings import database_for_plain_start

    if isinstance(requested, Location):
        if requested.server is not None:
            return requested if given is not False else database_for_plain_start()
        requested = requested.file_path
    if given is None:
        given = Path(requested) != default_database_path()
    return Path(requested) if given else database_for_plain_start()


def make_application(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("coordinator-app")  # lets desktops match the window to its menu entry
    return app


# -- the exception hook: installed once the shell is built, or by the first exception before that -----
_hook_before_ours: Callable[[type[BaseException], BaseException, TracebackType | None], object] = sys.excepthook


def hook_exceptions_now() -> None:
    """Route every uncaught exception to the log file and the calm error dialog (ui/errors.py) from
    now on, in place of the stand-in that would do so on the first exception."""
    from coordinator_app.ui.errors import install_exception_hook

    if sys.excepthook is _hook_on_first_use:
        sys.excepthook = _hook_before_ours
    install_exception_hook()


def _hook_on_first_use(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    # ui/errors.py and the log file it sets up cost ~25 ms: not before the first paint, unless
    # something goes wrong before then.
    hook_exceptions_now()
    sys.excepthook(exc_type, exc, tb)


def _hook_exceptions_from_now_on() -> None:
    global _hook_before_ours
    if sys.excepthook is not _hook_on_first_use:
        _hook_before_ours = sys.excepthook
        sys.excepthook = _hook_on_first_use


def _style_and_icon(app: QApplication) -> None:
    """After the first paint, before the rest of the shell: its widgets are styled once."""
    from coordinator_app.ui.icons import icon

    apply_style(app)
    app.setWindowIcon(icon("app"))


# -- start-up timing -----------------------------------------------------------------------------
_LOADED = time.time()


def _process_started(value: str) -> float:
    """When the process started, in seconds since the epoch: the launcher's time if it passed
    one, else the kernel's record, else (not Linux) the moment this module was loaded."""
    try:
        started = float(value)
    except ValueError:
        started = 0.0
    if started > 1e9:
        return started
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return _LOADED


class StartReport:
    """Seconds from process start to the first paint, the whole shell, the list filled and searchable,
    and the database open; the CPU seconds the process used up to the first paint and the list filled
    (steadier than wall time on a busy machine); then quits."""

    def __init__(self, app: QApplication, window: MainWindow, started: float) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.app, self.window, self.started = app, window, started
        self.first_paint: float | None = None
        self.first_paint_cpu: float | None = None
        self.shell: float | None = None
        report = self

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and report.first_paint is None:
                    report.first_paint = time.time() - report.started
                    report.first_paint_cpu = time.process_time()
                    watched.removeEventFilter(self)
                return False

        self._filter = FirstPaint(window)
        window.installEventFilter(self._filter)
        self.filled: float | None = None
        self.filled_cpu: float | None = None
        self.early = False
        window.shell_built.connect(self._shell_built)
        window.list_shown.connect(self._filled)
        window.ready.connect(self._opened)
        window.database_failed.connect(lambda text: self._finish(f"database failed: {text}"))

    def _shell_built(self) -> None:
        self.shell = time.time() - self.started

    def _filled(self) -> None:
        self.filled = time.time() - self.started
        self.filled_cpu = time.process_time()
        self.early = self.window.students.early  # read from the file before the database was open

    def _opened(self) -> None:
        opened = time.time() - self.started
        self._finish(
            f"first_paint={self.first_paint:.4f} shell={self.shell:.4f} filled={self.filled:.4f} "
            f"opened={opened:.4f} first_paint_cpu={self.first_paint_cpu:.4f} filled_cpu={self.filled_cpu:.4f} "
            f"opened_cpu={time.process_time():.4f} early={int(self.early)} "
            f"students={self.window.students.model.total}"
        )

    def _finish(self, line: str) -> None:
        from PySide6.QtCore import QTimer

        print(f"coordinator-app start: {line}", flush=True)
        QTimer.singleShot(0, self.app.quit)


FIRST_SIZE = (1400, 820)  # the first window on a large screen; a smaller one is filled


def first_size(window: QWidget, available: QRect) -> None:
    """The window's first size, before it has one of its own: the screen's free area up to
    FIRST_SIZE. A 1280-pixel window on a 1366x768 laptop left the student list too narrow for its
    columns; there the window takes the whole width."""
    width, height = min(FIRST_SIZE[0], available.width()), min(FIRST_SIZE[1], available.height())
    window.resize(width, height)
    window.move(available.x() + (available.width() - width) // 2, available.y() + (available.height() - height) // 2)


def run(db_path: Path | Location, given: bool | None = None) -> int:
    """`given`: whether db_path came from --db (None: guessed, see start_database).

    No cyclic garbage collection until the first frame is painted: what start-up makes (Qt's
    enums and types, modules, classes) is not garbage, yet it set off ~40 collections, ~6 ms of
    the first paint. Collection resumes right after that paint (performance.md s.2)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(db_path, given, resume_collection=gc.enable if collecting else None)
    finally:
        if collecting:
            gc.enable()


def _run(db_path: Path | Location, given: bool | None, resume_collection: Callable[[], None] | None) -> int:
    app = make_application()
    _hook_exceptions_from_now_on()
    from coordinator_app.ui import settings as saved
    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(start_database(db_path, given))
    if saved.load_state("geometry") is None and app.primaryScreen() is not None:
        first_size(window, app.primaryScreen().availableGeometry())
    # Quit in the first-start dialog: nothing was created, the app ends normally.
    window.start_cancelled.connect(lambda: app.exit(0))
    report_to = os.environ.get(REPORT_START)
    # Made before the slots below are connected, so its "shell" time is the shell alone.
    report = StartReport(app, window, _process_started(report_to)) if report_to else None  # noqa: F841 - kept alive
    if resume_collection is not None:
        from PySide6.QtCore import QTimer

        window.first_painted.connect(resume_collection)
        # A window that is never painted (started minimized, say) must not run without collection.
        QTimer.singleShot(RESUME_COLLECTION_MS, resume_collection)
    window.first_painted.connect(lambda: _style_and_icon(app))
    # The log file and the error dialog's hook once the shell is there, before the database opens
    # (the window opens it right after shell_built).
    window.shell_built.connect(hook_exceptions_now)
    window.show()
    quit_after = os.environ.get(QUIT_AFTER_MS)
    if quit_after:  # packaging smoke test: close by itself once shown
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after), app.quit)
    return app.exec()
