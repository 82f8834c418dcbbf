"""The database problems a caller may meet, re-exported for the window and the command line.

ui/ and the CLI import services only (never store/), errors included: they catch these classes
and turn an unexpected exception into one of them with `as_problem`.
"""

from __future__ import annotations

from pathlib import Path

from coordinator_app.store.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseEmpty,
    DatabaseFull,
    DatabaseGone,
    DatabaseProblem,
    DatabaseReadOnly,
    DatabaseReplaced,
    DatabaseTooNew,
    ForeignDatabase,
    NotADatabase,
    NotAFile,
    RestoreNeedsConfirmation,
    translate,
)

__all__ = [
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseEmpty",
    "DatabaseFull",
    "DatabaseGone",
    "DatabaseProblem",
    "DatabaseReadOnly",
    "DatabaseReplaced",
    "DatabaseTooNew",
    "ForeignDatabase",
    "NotADatabase",
    "NotAFile",
    "RestoreNeedsConfirmation",
    "as_problem",
]


def as_problem(exc: BaseException, path: Path | None = None) -> DatabaseProblem | None:
    """The DatabaseProblem an exception means for the coordinator (locked, full, gone, damaged, ...),
    or None when it is a bug and should reach the exception hook."""
    return translate(exc, path)
