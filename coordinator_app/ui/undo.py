"""Undo and redo of edits: each command calls the services again, never the database directly.

The edit itself runs before the command is pushed (so a refused edit shows its message and
never reaches the stack); the first `redo()` that QUndoStack.push() makes is therefore skipped.
Undo calls the service with the old values the service returned (update_* return them,
courses.undo_grade puts a grade back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from coordinator_app.domain.errors import DomainError
from coordinator_app.store.errors import DatabaseProblem

Action = Callable[[], Any]


class ServiceCommand(QUndoCommand):
    """One coordinator edit: `do()` applied it (returning what undo needs); `make_undo(result)`
    gives the call that takes it back."""

    def __init__(self, text: str, do: Action, make_undo: Callable[[Any], Action], result: Any,
                 after: Callable[[], None], report: Callable[[str], None]) -> None:
        super().__init__(text)
        self._do = do
        self._make_undo = make_undo
        self._undo = make_undo(result)
        self._after = after
        self._report = report
        self._skip_first_redo = True

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        result = self._run(self._do)
        if result is not _FAILED:
            self._undo = self._make_undo(result)
        self._after()

    def undo(self) -> None:
        self._run(self._undo)
        self._after()

    def _run(self, action: Action) -> Any:
        try:
            return action()
        except (DomainError, DatabaseProblem) as exc:
            # The record changed since (or the database is busy): say so, keep the stack usable.
            self._report(f"Could not {self.text().lower()}: {exc}")
            self.setObsolete(True)
            return _FAILED


_FAILED = object()
