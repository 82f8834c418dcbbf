"""A rotating log file in the data folder, readable by the owner only, without student data.

What the log may hold: what the app did (opened, backed up, restored), timings, and for a
crash the exception type and the code locations of the traceback. What it never holds:
names, student numbers, grades or anything else a coordinator typed. Exception messages can
quote input ("'7,55' is not a grade") or, for SQL errors, row values, so they are replaced by
the exception's type unless the exception is one of our own environment messages
(DatabaseProblem: paths and advice only).
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_FILENAME = "coordinator-app.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_handler: logging.Handler | None = None


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every file it creates, including after a rollover, is 0o600 from the first byte."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def safe_message(exc: BaseException) -> str:
    """What may be logged of an exception's message: ours verbatim, anyone else's only its type."""
    from coordinator_app.store.errors import DatabaseProblem

    if isinstance(exc, DatabaseProblem):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__} (message not logged: it may contain student data)"


def safe_traceback(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The traceback's code locations and exception types, chained causes included, no messages or values."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__ if current is not exc else tb)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        parts.append("\n".join(["Traceback (most recent call last):", *lines, safe_message(current)]))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nwhich was caused by:\n\n".join(parts)


class PrivacyFormatter(logging.Formatter):
    """Formats `exc_info` with safe_traceback instead of the full message-bearing one."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler (a console, pytest) may have cached the full traceback on the record.
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        exc_type, exc, tb = ei
        if exc is None:
            return ""
        return safe_traceback(exc_type, exc, tb)


def log_file(folder: Path | None = None) -> Path:
    from coordinator_app.paths import log_dir

    return (folder or log_dir()) / LOG_FILENAME


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the app's log records to a rotating, owner-only file in the data folder; returns its path.

    Safe to call more than once (the previous handler is replaced).
    """
    global _handler
    path = log_file(folder)
    if folder is None:
        from coordinator_app.paths import ensure_data_folder

        ensure_data_folder()  # the logs folder's parent: owner-only too (issue 11)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(PrivacyFormatter(FORMAT))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(level)
    # SQLAlchemy logs every statement at INFO once the root logger allows INFO: never in our file.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    _handler = handler
    return path


def logging_is_set_up() -> bool:
    return _handler is not None


def shutdown_logging() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
