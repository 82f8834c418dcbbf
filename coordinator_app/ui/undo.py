"""Undo and redo of edits: each command calls the services again, never the database directly.

The edit itself runs before the command is pushed (so a refused edit shows its message and
never reaches the stack); the first `redo()` that QUndoStack.push() makes is therefore skipped.
Undo calls the service with the old values the service returned (update_* return them, a
delete returns what its restore_* needs, courses.undo_grade puts a grade back).

A thing that is deleted and restored (or created again by a redo) comes back with a new id.
Commands therefore hold a `Remembered` id from the view's `IdBook` instead of a bare number:
the command that re-creates the thing moves it, and every other command on the stack that
refers to the same thing follows. A deleted thing is forgotten until it comes back, because
SQLite may give its old id to a new, different row.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.errors import DatabaseProblem, RecordChanged
from coordinator_app.services.record_versions import SavedVersions, StudentsChanged

Action = Callable[[], Any]
T = TypeVar("T")


class Remembered:
    """The current id of one row (a meeting, an attempt, an interruption) across undo and redo."""

    def __init__(self, book: IdBook, kind: str, row_id: int) -> None:
        self._book = book
        self.kind = kind
        self.id = row_id

    def moved_to(self, row_id: int) -> int:
        """The row came back with `row_id`; returns it (so a restore can be wrapped in one call)."""
        self._book.move(self, row_id)
        return row_id

    def gone(self, result: T) -> T:
        """The row was deleted: its id may be given to a new row, which is another thing.
        Returns `result` (so a delete can be wrapped in one call)."""
        self._book.forget(self)
        return result


class IdBook:
    """One `Remembered` per (kind, current id): commands that refer to the same row share it.

    Entries go when no command holds them any more (the stack dropped its commands)."""

    def __init__(self) -> None:
        self._known: weakref.WeakValueDictionary[tuple[str, int], Remembered] = weakref.WeakValueDictionary()

    def remember(self, kind: str, row_id: int) -> Remembered:
        found = self._known.get((kind, row_id))
        if found is None:
            found = Remembered(self, kind, row_id)
            self._known[(kind, row_id)] = found
        return found

    def move(self, remembered: Remembered, row_id: int) -> None:
        self.forget(remembered)
        remembered.id = row_id
        self._known[(remembered.kind, row_id)] = remembered

    def forget(self, remembered: Remembered) -> None:
        if self._known.get((remembered.kind, remembered.id)) is remembered:
            del self._known[(remembered.kind, remembered.id)]


class Created:
    """What one command creates: the first run remembers its id, a redo (which creates it anew)
    moves that same memory, so later commands that refer to it keep working."""

    def __init__(self, book: IdBook, kind: str) -> None:
        self._book = book
        self._kind = kind
        self.remembered: Remembered | None = None

    def at(self, row_id: int) -> Remembered:
        if self.remembered is None:
            self.remembered = self._book.remember(self._kind, row_id)
        else:
            self.remembered.moved_to(row_id)
        return self.remembered


class ServiceCommand(QUndoCommand):
    """One coordinator edit: `do()` applied it (returning what undo needs); `make_undo(result)`
    gives the call that takes it back."""

    def __init__(
        self,
        text: str,
        do: Action,
        make_undo: Callable[[Any], Action],
        result: object,
        after: Callable[[], None],
        report: Callable[[str], None],
        record: tuple[SavedVersions, int] | None = None,
    ) -> None:
        """`record`: the workspace's own saves and the student an edit of one record changed: its undo and
        redo are refused (not applied) when a colleague changed that student since this window's last
        save of it."""
        # Before the newline: the text (messages, an undo view); after it: the Edit menu's text,
        # where a single "&" would underline the next letter instead of showing.
        super().__init__(f"{text}\n{text.replace('&', '&&')}")
        self._do = do
        self._make_undo = make_undo
        self._undo = make_undo(result)
        self._after = after
        self._report = report
        self._record = record
        self._skip_first_redo = True

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        result = self._run(self._do, "redo")
        if result is not _FAILED:
            self._undo = self._make_undo(result)
        self._after()

    def undo(self) -> None:
        self._run(self._undo, "undo")
        self._after()

    def _run(self, action: Action, what: str) -> object:
        try:
            if self._record is None:
                return action()
            versions, student_id = self._record
            with versions.based_on_own_save(student_id):
                return action()
        except RecordChanged as exc:
            # A colleague's change since: never put the old values over it. The record shows it (after()).
            text = self.text()
            self._report(f"Could not {what} '{text[:1].lower()}{text[1:]}': not saved, {exc.meanwhile}.")
            self.setObsolete(True)
            return _FAILED
        except (DomainError, DatabaseProblem) as exc:
            # The record changed since (or the database is busy): say so, keep the stack usable.
            text = self.text()
            self._report(f"Could not {what} '{text[:1].lower()}{text[1:]}': {exc}")
            self.setObsolete(True)
            return _FAILED


_FAILED = object()


Runner = Callable[[Action, Callable[[Any], None], Callable[[BaseException], None], str], None]


class BackgroundCommand(ServiceCommand):
    """A ServiceCommand whose undo and redo are long (a bulk action on hundreds of students) and run
    off the GUI thread through `run(work, done, failed, label)`, which must run one piece of work at a time
    in the order asked: an undo asked while its redo still runs comes after it, with its result.
    The stack moves at once; `after` (and a failure's report) follow when the work is done.

    Like a record edit's, the undo and redo are saves based on this window's own last change to each of
    the students (services/bulk.py checks them all at once): when a colleague changed one since, nothing
    is written, the report names who changed which students, and the step is made obsolete."""

    def __init__(
        self,
        text: str,
        do: Action,
        make_undo: Callable[[Any], Action],
        result: object,
        after: Callable[[], None],
        report: Callable[[str], None],
        run: Runner,
    ) -> None:
        super().__init__(text, do, make_undo, result, after, report)
        self._run_off = run

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        if self.isObsolete():  # its undo failed: the stack drops it instead of redoing
            return

        def work() -> None:
            # On the worker: an undo queued behind this redo reads the undo this redo made.
            self._undo = self._make_undo(self._do())

        self._start(work, "redo")

    def undo(self) -> None:
        self._start(lambda: self._undo(), "undo")

    def _start(self, work: Action, what: str) -> None:
        text = self.text()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, (DomainError, DatabaseProblem)):
                raise exc
            if isinstance(exc, StudentsChanged):
                # A colleague changed some of its students since: their changes stay, the step goes.
                why = f"nothing was changed, {exc.meanwhile}. Their changes stay."
            else:
                why = str(exc)
            self._report(f"Could not {what} '{text[:1].lower()}{text[1:]}': {why}")
            try:
                self.setObsolete(True)
            except RuntimeError:  # the stack was cleared meanwhile (another database opened)
                pass
            self._after()

        label = f"{'Undoing' if what == 'undo' else 'Redoing'}: {text[:1].lower()}{text[1:]}…"
        self._run_off(work, lambda _result: self._after(), failed, label)


def undo_shortcuts(dialog: QWidget, stack: QUndoStack) -> tuple[QAction, QAction]:
    """Undo and redo inside a modal dialog as in the window: Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y work on
    the window's one stack while the dialog has the focus."""
    undo = stack.createUndoAction(dialog, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = stack.createRedoAction(dialog, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action in (undo, redo):
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        dialog.addAction(action)
    return undo, redo
