"""The database problems a caller may meet, re-exported for the window and the command line.

ui/ and the CLI import services only (never store/), errors included: they catch these classes
and turn an unexpected exception into one of them with `as_problem`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coordinator_app.location import Location
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
from coordinator_app.store.server_errors import ServerLoginRefused

if TYPE_CHECKING:
    from coordinator_app.services.record_versions import RecordChanged


def __getattr__(name: str) -> Any:
    # RecordChanged lives with the record versions, which import SQLAlchemy and the models (~0.4 s):
    # the command line and the window import this module before their first output or paint.
    if name == "RecordChanged":
        from coordinator_app.services.record_versions import RecordChanged

        return RecordChanged
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "RecordChanged",
    "RestoreNeedsConfirmation",
    "ServerLoginRefused",
    "as_problem",
]


def as_problem(exc: BaseException, path: Path | Location | None = None) -> DatabaseProblem | None:
    """The DatabaseProblem an exception means for the coordinator (locked, full, gone, damaged, a server
    that cannot be reached, ...), or None when it is a bug and should reach the exception hook."""
    if isinstance(path, Location):
        return translate(exc, path.path, path.server)
    return translate(exc, path)
