"""The workspace session: the database one window works in, opened off the GUI thread, and the
one place that says what changed in it.

Signals:
- `opened(Workspace)`: a database is open (again); every pane loads what it shows from it.
- `open_failed(exception)`: it could not be opened, for a reason the coordinator can act on
  (the window shows its error screen; a bug goes to the error dialog instead).
- `changed(Changes)`: students' data changed, by this window (an edit, undo, redo, import,
  reload) or elsewhere (a restore by another window or `coordinator-app restore`, a colleague's
  save). Panes decide from the `Changes` what to read again (ui/changes.py).
- `replaced()`: another window or process restored the database from a backup. The undo
  history is gone; `changed` (everything, from elsewhere) follows once the restored data's
  generation is read, and only then are writes let into the restored data again.
- `problem(text)`: a background read failed for an environment reason, in the coordinator's words.
- `undo_failed(text)`: an undo or redo of a window-level edit (a removal, a deadline) could not be done.
- `colleague_saved(text)`: someone else saved changes (another window, process or colleague, noticed
  within a second or two: ui/colleague_watch.py); `changed` from elsewhere has just told the panes.

Nothing here imports the services at module level: the window makes its session before the
first paint, and SQLAlchemy alone takes ~0.5 s to import (performance.md s.2).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from coordinator_app.location import Location
from coordinator_app.ui.changes import Changes, Kind, Origin

if TYPE_CHECKING:
    from datetime import date

    from PySide6.QtWidgets import QWidget

    from coordinator_app.domain.programme import Programme
    from coordinator_app.services.change_feed import ColleagueChanges
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.colleague_watch import ColleagueWatch
    from coordinator_app.ui.jobs import JobRunner
    from coordinator_app.ui.replaced_watch import ReplacedWatch

T = TypeVar("T")


def as_location(database: Path | Location | str) -> Location:
    """A database the window was given: a Location, a file path, or what was typed (a path or a URL)."""
    if isinstance(database, Location):
        return database
    return Location.parse(database) if isinstance(database, str) else Location.file(database)


class WorkspaceSession(QObject):
    opened = Signal(object)
    open_failed = Signal(object)
    changed = Signal(object)
    replaced = Signal()
    problem = Signal(str)
    undo_failed = Signal(str)
    colleague_saved = Signal(str)

    def __init__(
        self,
        path: Path | Location,
        today: date | None = None,
        programmes: dict[str, Programme] | None = None,
        window: QWidget | None = None,
    ) -> None:
        super().__init__(window)
        self.location = as_location(path)  # the database being opened or open: a file or a server
        self.today = today
        self.programmes = programmes
        self.ws: Workspace | None = None
        self.undo_stack = QUndoStack(self)
        self._window = window  # progress dialogs of long work belong to it
        self._adopting = False  # a restore elsewhere was noticed: reading it before writing again

    @cached_property
    def jobs(self) -> JobRunner:
        """Long work off the GUI thread (opening, export, import, restore); made when first needed,
        after the first paint."""
        from coordinator_app.ui.jobs import JobRunner

        return JobRunner(self)

    @cached_property
    def reads(self) -> JobRunner:
        """What the panes read (`run`), one at a time in the order asked: the list's rows first when a
        database opens, then the attention list. Side by side they share one interpreter lock and the
        list came ~0.5 s later at 5,000 students; an export on `jobs` does not hold them up."""
        from coordinator_app.ui.jobs import JobRunner

        return JobRunner(self, max_threads=1)

    @cached_property
    def replaced_watch(self) -> ReplacedWatch:
        from coordinator_app.ui.replaced_watch import ReplacedWatch

        watch = ReplacedWatch(self)
        watch.replaced.connect(self._database_replaced)
        return watch

    @cached_property
    def colleague_watch(self) -> ColleagueWatch:
        from coordinator_app.ui.colleague_watch import ColleagueWatch

        watch = ColleagueWatch(self)
        watch.changed.connect(self._colleagues_changed)
        return watch

    @property
    def busy(self) -> bool:
        """Whether anything still runs off the GUI thread for this window."""
        return any(name in self.__dict__ and getattr(self, name).busy for name in ("jobs", "reads"))

    def wait(self, msecs: int = 30000) -> None:
        """Block until nothing runs off the GUI thread any more (closing the window, tests)."""
        for name in ("jobs", "reads"):
            if name in self.__dict__:
                getattr(self, name).wait(msecs)

    @property
    def path(self) -> Path:
        """The database file being opened or open (a server database has none: see `location`)."""
        return self.location.file_path

    @property
    def read_only(self) -> str | None:
        """Why nothing may be written in the open database (a viewer's login, a network share), or None."""
        return self.ws.read_only if self.ws is not None else None

    @property
    def replaced_pending(self) -> bool:
        """A restore elsewhere was noticed and the restored data is not read yet: nothing may be written."""
        return self._adopting

    # -- opening and closing -------------------------------------------------------------------------
    def open(self, path: Path | Location, demo_students: int = 0, password: str | None = None) -> bool:
        """Open `path` (a file or a server database, with `password` when one was typed) off the GUI
        thread, building the demo in it first when asked: `opened` or `open_failed` follows. False
        (nothing done) while other work is still running."""
        if self.busy:
            return False
        self.close()
        self.location = as_location(path)
        location, today, programmes = self.location, self.today, self.programmes

        def load() -> tuple[Workspace, int]:
            from coordinator_app.services.change_feed import feed_start
            from coordinator_app.services.workspace import Workspace

            if demo_students:
                from coordinator_app.services.demo import build_demo

                build_demo(location.file_path, students=demo_students, as_of=today)
            ws = Workspace.open(location, programmes, password=password)
            ws.today = today
            return ws, feed_start(ws)

        label = "Creating the demo database…" if demo_students else f"Opening {location.name}…"
        self.jobs.run(load, self._opened, self._failed_to_open, label=label, parent_widget=self._window)
        return True

    def _opened(self, opened: tuple[Workspace, int]) -> None:
        ws, feed_since = opened
        self.ws = ws
        self.location = ws.location
        self.replaced_watch.watch(ws)
        self.colleague_watch.watch(ws, feed_since)
        self.opened.emit(ws)

    def _failed_to_open(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import ProgrammeDefinitionError
        from coordinator_app.services.errors import DatabaseProblem, as_problem

        problem = exc if isinstance(exc, DatabaseProblem) else as_problem(exc, self.location)
        if problem is None and not isinstance(exc, (ProgrammeDefinitionError, PermissionError)):
            raise exc
        self.open_failed.emit(problem or exc)

    def close(self) -> None:
        """Forget the open database: its undo history, its watch and its connections."""
        self.undo_stack.clear()
        self._adopting = False
        if "replaced_watch" in self.__dict__:
            self.replaced_watch.watch(None)
        if "colleague_watch" in self.__dict__:
            self.colleague_watch.watch(None)
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def finish(self, msecs: int = 30000) -> None:
        """The window closes: let running work end, then close the database."""
        self.wait(msecs)
        self.close()

    # -- reading off the GUI thread --------------------------------------------------------------------
    def run(
        self,
        work: Callable[[Workspace], T],
        done: Callable[[T], None],
        label: str,
        failed: Callable[[BaseException], None] | None = None,
        *,
        modal: bool = False,
    ) -> None:
        """`work(ws)` off the GUI thread, then `done(result)` on it, unless another database was opened
        meanwhile (that answer is about data no longer shown). An environment problem is said through
        `problem` (after `failed`, if given); a bug goes to the error dialog. `modal`: the progress
        dialog (shown after ~600 ms) holds the window until the work is done."""
        ws = self.ws
        if ws is None:
            return

        def finished(result: T) -> None:
            if self.ws is ws:
                done(result)

        def broke(exc: BaseException) -> None:
            if failed is not None:
                failed(exc)
            self._read_failed(exc)

        self.reads.run(lambda: work(ws), finished, broke, label=label, parent_widget=self._window if modal else None)

    def _read_failed(self, exc: BaseException) -> None:
        from coordinator_app.services.errors import DatabaseProblem, as_problem

        problem = exc if isinstance(exc, DatabaseProblem) else as_problem(exc, self.location)
        if problem is None:
            raise exc
        self.problem.emit(str(problem))

    # -- what changed ------------------------------------------------------------------------------------
    def notify(self, changes: Changes) -> None:
        """Tell every pane what changed (they decide what to read again)."""
        if self.ws is not None:
            self.changed.emit(changes)

    def reload(self) -> None:
        """View > Reload: everything is read again."""
        self.notify(Changes.everything())

    def _colleagues_changed(self, changes: ColleagueChanges) -> None:
        """Someone else saved (another window, process or colleague): every pane follows, as after an edit."""
        if self.ws is None or self._adopting:
            return  # a restore being read in: everything is read again anyway
        if changes.students is None:
            self.notify(Changes.everything(Origin.ELSEWHERE))
        else:
            self.notify(Changes.of(Kind.EVERYTHING, changes.students, Origin.ELSEWHERE))
        self.colleague_saved.emit(changes.said())

    def report_undo_failure(self, text: str) -> None:
        self.undo_failed.emit(text)

    def _database_replaced(self) -> None:
        """Restored from a backup elsewhere: an undo would write old edits into the restored data, and
        nothing may be written until what is shown is the restored data."""
        if self.ws is None or self._adopting:
            return
        self.undo_stack.clear()
        self._adopting = True
        self.replaced.emit()
        self.run(
            lambda ws: ws.current_generation(),
            self._adopt,
            "Loading the restored data…",
            failed=lambda _exc: setattr(self, "_adopting", False),
        )

    def _adopt(self, generation: int) -> None:
        """Every pane reads the restored data (the record at once, the lists from here on: all read after
        `generation`); from now on writes go into the restored data."""
        ws = self.ws
        assert ws is not None
        self.changed.emit(Changes.everything(Origin.ELSEWHERE))
        ws.adopt_restored(generation)
        self._adopting = False
