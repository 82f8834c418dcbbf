"""Start the window: `coordinator-app [--db PATH]` ends up in `run()`.

Only Qt is imported before the window paints; the database (and with it SQLAlchemy, ~0.5 s
to import) is opened right after the first paint, off the GUI thread (performance.md s.2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coordinator_app import APP_NAME, ORGANISATION, ORGANISATION_DOMAIN, __version__


def apply_style(app: object) -> None:
    """The platform's own style, plus a few touches from resources/styles/app.qss."""
    from coordinator_app.ui.util import resource_path

    sheet = resource_path("styles", "app.qss")
    if sheet.exists():
        app.setStyleSheet(sheet.read_text("utf-8"))  # type: ignore[attr-defined]


def start_database(requested: Path) -> Path:
    """The database to open: the one asked for, except that the default path (no --db given)
    reopens the database used last time, if it still exists."""
    from coordinator_app.paths import default_database_path
    from coordinator_app.ui.settings import last_database

    last = last_database()
    if Path(requested) == default_database_path() and last is not None and last.exists():
        return last
    return Path(requested)


def make_application(argv: list[str] | None = None):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("coordinator-app")   # lets desktops match the window to its menu entry
    return app


def run(db_path: Path) -> int:
    app = make_application()
    try:
        from coordinator_app.ui.errors import install_exception_hook  # written by another part of the app
    except ImportError:
        pass
    else:
        install_exception_hook()
    from coordinator_app.ui.icons import icon
    from coordinator_app.ui.main_window import MainWindow

    app.setWindowIcon(icon("app"))
    apply_style(app)
    window = MainWindow(start_database(db_path))
    window.show()
    quit_after = os.environ.get("COORDINATOR_APP_QUIT_AFTER_MS")
    if quit_after:  # packaging smoke test and start-up timing: close by itself once shown
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after), app.quit)
    return app.exec()
