"""One engine factory: foreign keys on, WAL, FULL sync, a busy timeout, real transactions.

`synchronous=FULL`: in WAL mode NORMAL keeps a committed transaction safe from a crash of the
app but not from an OS crash or power cut (a laptop's battery running out), which can roll back
the last commits the coordinator saw confirmed. FULL syncs the WAL at every commit: about 1 ms
more per edit (docs/performance.md), far under what a person notices; a bulk import is one
commit, so it costs nothing there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 5000


def make_engine(path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on the SQLite file at `path` (":memory:" is not supported: use a temp file)."""
    path = Path(path)
    if not path.exists():
        # Created once, owner-only; later connections open it with mode=rw so a file that
        # vanishes (USB stick pulled, share gone) is reported instead of silently re-created empty.
        path.touch(mode=0o600)
    uri = f"{path.resolve().as_uri()}?mode=rw"
    timeout = busy_timeout_ms / 1000

    def _connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    engine = create_engine(
        f"sqlite:///{path}",
        creator=_connect,
        # NullPool: no connection outlives its use, so a second instance or a backup never
        # meets a connection we forgot to close.
        poolclass=NullPool,
        # Error messages (and so logs and the error dialog) never carry names or grades.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE) so two instances wait for
        # each other within the busy timeout instead of failing halfway through.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The same database, with transactions that take the write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")
