"""One engine factory: foreign keys on, WAL, FULL sync, a busy timeout, real transactions.

Connections are kept (a small pool, one per thread that works at the same time) rather than
opened per transaction: opening one costs the four PRAGMAs below, and closing the last one
checkpoints the WAL into the file, ~8 ms per edit between them (docs/performance.md). A kept
connection is only handed out while the path still names the file it opened: a file renamed
aside and replaced (`store/restore.replace_file`), moved or gone with its drive makes the pool
open a new one, which finds the new file or reports that there is none (never writes into the
old one, never creates an empty one).

`synchronous=FULL`: in WAL mode NORMAL keeps a committed transaction safe from a crash of the
app but not from an OS crash or power cut (a laptop's battery running out), which can roll back
the last commits the coordinator saw confirmed. FULL syncs the WAL at every commit: about 1 ms
more per edit (docs/performance.md), far under what a person notices; a bulk import is one
commit, so it costs nothing there.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import LRUCache

BUSY_TIMEOUT_MS = 5000
KEPT_CONNECTIONS = 4  # the GUI thread, the pane reader, a job, a second window's worst case; more are closed on return
COMPILED_STATEMENTS = 1500  # SQLAlchemy's own default per engine is 500

_shared_lock = threading.Lock()
_shared: tuple[Dialect, LRUCache[Any, Any]] | None = None


def _shared_statements() -> tuple[Dialect, LRUCache[Any, Any]]:
    """One SQLite dialect and one cache of compiled statements for every SQLite engine of this process.

    SQLAlchemy keys a compiled statement by the dialect object, and each engine makes its own: every new
    engine (a restore's copy, a backup check, a second window; each test's database) compiled every
    statement again, most of the processor time of a short action. SQLite's dialect holds nothing about
    one file (its settings come from the library: version, default isolation), so the engines share one,
    made and initialised here on a throwaway in-memory database."""
    global _shared
    with _shared_lock:
        if _shared is None:
            probe = create_engine("sqlite://", creator=lambda: sqlite3.connect(":memory:", check_same_thread=False))
            with probe.connect():
                pass  # the first connection initialises the dialect
            probe.dispose()
            _shared = (probe.dialect, LRUCache(COMPILED_STATEMENTS))
        return _shared


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

    dialect, compiled = _shared_statements()
    engine = create_engine(
        f"sqlite:///{path}",
        execution_options={"compiled_cache": compiled},
        creator=_connect,
        poolclass=QueuePool,
        pool_size=KEPT_CONNECTIONS,
        max_overflow=-1,  # never wait for a connection: a nested read in a write gets its own
        pool_reset_on_return="rollback",
        # Error messages (and so logs and the error dialog) never carry names or grades.
        hide_parameters=True,
    )
    engine.dialect = engine.pool._dialect = dialect  # see _shared_statements

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        record.info["file"] = _identity(path)

    @event.listens_for(engine, "checkout")
    def _on_checkout(_dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry, _proxy: object) -> None:
        # One stat per transaction (~3 us): the kept connection must still be on the file at `path`.
        if record.info.get("file") != _identity(path):
            raise DisconnectionError("the database file at this path is not the one this connection opened")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE) so two instances wait for
        # each other within the busy timeout instead of failing halfway through. A kept writer's
        # transaction is begun on sqlite3's connection already (`write_transaction`): SQLAlchemy's
        # joins it when an ORM statement first runs.
        if driver_of(conn).in_transaction:
            return
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        driver_rows(conn, f"BEGIN {mode}")

    return engine


def driver_rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """The rows of a statement of the app's own text (no values to convert), run straight on the
    transaction's sqlite3 connection: SQLAlchemy's work per statement (~25 us) was more than SQLite's
    for the few every write makes (BEGIN, the write lock's reads). An error comes as SQLAlchemy's would
    (store/errors.translate and the workspace read it the same way)."""
    try:
        return driver_of(conn).execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error, hide_parameters=True, dialect=conn.dialect) from exc


def driver_of(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `conn`. pysqlite's DBAPI connection is sqlite3's own (what
    `driver_connection` names after three property hops; ~0.5 us, and a write asks up to ten times)."""
    raw: sqlite3.Connection = conn.connection.dbapi_connection  # type: ignore[assignment]  # (typing.cast is a call)
    return raw


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def writer(engine: Engine) -> Engine:
    """The same database, with transactions that take the write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


class _KeptWriters:
    """The connection each thread keeps for its writes on one engine. A connection in use is not here
    (`take` removes it): what `engine.dispose()` closes here is idle, and one in use when the engine
    was disposed is closed when given back, as the pool does with its own."""

    def __init__(self, engine: Engine) -> None:
        # Nothing here refers to the engine (the registry's key is weak): a kept connection does, until
        # the engine is disposed.
        self.path = Path(str(engine.url.database))
        self.lock = threading.Lock()
        self.by_thread: dict[int, tuple[Connection, int]] = {}
        self.generation = 0  # one more at every dispose of the engine
        event.listen(engine, "engine_disposed", self._disposed)

    def take(self) -> tuple[Connection | None, int]:
        with self.lock:
            conn, generation = self.by_thread.pop(threading.get_ident(), (None, self.generation))
            if conn is not None and generation != self.generation:
                _discard(conn)
                conn = None
            return conn, self.generation

    def give_back(self, conn: Connection, generation: int) -> None:
        with self.lock:
            if generation != self.generation:
                extra: Connection | None = conn
            else:
                extra, _ = self.by_thread.get(threading.get_ident(), (None, 0))
                self.by_thread[threading.get_ident()] = (conn, generation)
        if extra is not None:  # made before a dispose, or a write inside another kept one meanwhile
            _discard(extra)

    def usable(self, conn: Connection) -> bool:
        # As the pool's checkout does (`make_engine`): still on the file at the path, one stat.
        return not conn.closed and not conn.invalidated and conn.connection.info.get("file") == _identity(self.path)

    def _disposed(self, _engine: Engine) -> None:
        with self.lock:
            idle, self.by_thread = [conn for conn, _ in self.by_thread.values()], {}
            self.generation += 1
        for conn in idle:
            _discard(conn)


def _discard(conn: Connection) -> None:
    """Close the sqlite3 connection itself: given back, it would go to the pool the engine had before a
    dispose, and stay open there (the last connection's close is what checkpoints the WAL away)."""
    conn.invalidate()
    conn.close()


_kept: weakref.WeakKeyDictionary[Engine, _KeptWriters] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def _writers(engine: Engine) -> _KeptWriters:
    kept = _kept.get(engine)  # made once per engine: the lock only for that
    if kept is not None:
        return kept
    with _kept_lock:
        kept = _kept.get(engine)
        if kept is None:
            kept = _kept[engine] = _KeptWriters(engine)
        return kept


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock (BEGIN IMMEDIATE), committed at the end (`commit` may do
    it earlier), rolled back on an error. It runs on a connection this thread keeps for its writes:
    taking one from the pool and giving it back, with SQLAlchemy's Connection made anew each time, was
    ~0.1 ms a write, as much as SQLite's own work for an edit (docs/performance.md, "Issue 12: one
    edit"). The transaction is begun on sqlite3's own connection, and SQLAlchemy's only when an ORM
    statement needs one (its begin and commit were ~11 us of an edit's ~0.3 ms; the Core statements
    of the edits made most often run on sqlite3's connection, store/quick_statements.py).
    A kept connection is used only while the path still names the file it opened (a restore replaces
    the file); after a failed transaction it is closed (its transaction rolled back) and the next write
    takes a fresh one. A write inside another in the same thread gets its own connection, as before.
    `engine.dispose()` closes them."""
    kept = _writers(engine)
    conn, generation = kept.take()
    if conn is not None and not kept.usable(conn):
        conn.close()
        conn = None
    if conn is None:
        conn = writer(engine).connect()
    try:
        driver_rows(conn, "BEGIN IMMEDIATE")
        yield conn
        commit(conn)
    except BaseException:
        conn.close()  # SQLAlchemy's transaction, if any, rolled back; the pool rolls back sqlite3's
        raise
    kept.give_back(conn, generation)


def commit(conn: Connection) -> None:
    """Commit a kept writer's transaction now (nothing when it is committed already): through SQLAlchemy
    when an ORM statement joined it (its commit is sqlite3's), else on sqlite3's connection."""
    if conn.in_transaction():
        conn.commit()
        return
    raw = driver_of(conn)
    if raw.in_transaction:
        try:
            raw.execute("COMMIT")
        except sqlite3.Error as exc:  # as `driver_rows` reports it
            raise DBAPIError.instance(
                "COMMIT", (), exc, sqlite3.Error, hide_parameters=True, dialect=conn.dialect
            ) from exc
