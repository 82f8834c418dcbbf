"""One door to either kind of database: an SQLite file (store/engine.py, store/migrate.py) or a
PostgreSQL server (store/server.py). Callers name a Location; this module picks the engine factory,
the write lock, the read transaction and where the restore generation is kept.

What differs per kind, and why:
- opening: a file path with no file is a new database (created whole, migrated); a server database
  is made by `coordinator-app server init` (it also makes the roles), so an empty one is refused with
  that advice, and only a login that owns the tables upgrades an older schema;
- the write lock: BEGIN IMMEDIATE on SQLite, the app's advisory lock on a server;
- the restore generation: PRAGMA user_version on SQLite, the restore_generation row on a server.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, Engine

from coordinator_app.location import Location, ServerAddress
from coordinator_app.store import engine as sqlite_engine
from coordinator_app.store import server
from coordinator_app.store.errors import DatabaseEmpty, DatabaseProblem, DatabaseTooNew, ForeignDatabase


class ServerNotReady(DatabaseEmpty):
    """A server database without the app's tables: `coordinator-app server init` makes them."""


class ServerNeedsUpgrade(DatabaseProblem):
    """The server's schema is older than this version and this login may not upgrade it."""


@dataclass(frozen=True)
class Opened:
    engine: Engine
    login: str | None = None  # the server login (None on SQLite: the OS user is named instead)
    may_write: bool = True


def is_server(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def writer(engine: Engine, edited: tuple[int | None] | None = None) -> Engine:
    """The same database, with transactions that hold the one write lock from their start. `edited`: for
    a coordinator's action, (the edited student's id or None,): on a server `write_start`'s reads are then
    sent with the lock, in one round trip."""
    return server.writer(engine, edited) if is_server(engine) else sqlite_engine.writer(engine)


def write_transaction(engine: Engine, edited: tuple[int | None] | None = None) -> AbstractContextManager[Connection]:
    """A transaction that holds the one write lock from its start, committed at the end (rolled back
    on an error); `edited` as for `writer`. On SQLite it runs on the connection the thread keeps for
    writing (store/engine.write_transaction)."""
    if is_server(engine):
        return writer(engine, edited).begin()
    return sqlite_engine.write_transaction(engine)


def commit(conn: Connection) -> None:
    """Commit the transaction of `write_transaction` now, before its end (nothing left to do there):
    a session that joined it can then be closed without taking anything back."""
    if is_server(conn):
        conn.commit()
    else:
        sqlite_engine.commit(conn)


def reader(engine: Engine) -> Engine:
    """The same database, with read transactions that each see one moment."""
    return server.reader(engine) if is_server(engine) else engine


def read_generation(conn: Connection) -> int:
    """The database's restore generation, read on `conn` (inside the write lock when writing)."""
    if is_server(conn):
        return server.read_generation(conn)
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


class WriteStart(NamedTuple):
    """What a write reads under the write lock before anything is written (a NamedTuple: made at every
    write, in a third of a frozen dataclass's time)."""

    generation: int  # the restore generation
    version: int  # the record version of the student being edited (0: none, or no change recorded yet)
    newest: int  # the newest audit entry


def write_start(conn: Connection, student_id: int | None) -> WriteStart:
    """The generation, the edited student's record version and the newest audit entry, read at once
    (one round trip on a server, where every statement is one)."""
    if is_server(conn):
        return WriteStart(*server.write_start(conn, student_id))
    (row,) = sqlite_engine.driver_rows(
        conn,
        "SELECT (SELECT user_version FROM pragma_user_version), "
        "(SELECT max(id) FROM audit_entry WHERE student_id = ?), (SELECT max(id) FROM audit_entry)",
        (student_id,),
    )
    return WriteStart(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def write_end(conn: Connection, student_id: int | None) -> tuple[int, int]:
    """At the end of a write, before COMMIT: the edited student's record version and the newest audit
    entry now; on a server the listening windows are told in the same round trip (at commit)."""
    if is_server(conn):
        return server.write_end(conn, student_id)
    (row,) = sqlite_engine.driver_rows(
        conn,
        "SELECT (SELECT max(id) FROM audit_entry WHERE student_id = ?), (SELECT max(id) FROM audit_entry)",
        (student_id,),
    )
    return int(row[0] or 0), int(row[1] or 0)


def ids_taken(conn: Connection, tables: list[str]) -> None:
    """Rows went into `tables` with ids chosen by the app (a bulk import, the demo, a copy, a restore):
    on a server the tables' id sequences move past them, so the next row added one at a time gets a
    free id. SQLite takes the next id from the table itself."""
    if is_server(conn):
        server.catch_up_sequences(conn, tables)


def open_location(location: Location, password: str | None = None, backup_before_migration: bool = True) -> Opened:
    """An engine on the database at `location`, at the latest schema (see the module's notes)."""
    if location.server is None:
        from coordinator_app.store.migrate import open_database

        return Opened(open_database(location.file_path, backup_before_migration))
    return open_server(location.server, password)


def open_server(address: ServerAddress, password: str | None = None) -> Opened:
    from coordinator_app.store.migrate import head_revision, known_revisions, upgrade

    engine = server.make_server_engine(address, password)
    try:
        with engine.connect() as conn:
            tables = server.table_names(conn)
            revision = server.schema_revision(conn)
            login = server.login(conn)
            may_change = server.may_change_schema(conn)
        where = f"{address.database} on {address.host_label}"
        if revision is None and tables - {"alembic_version"}:
            raise ForeignDatabase(
                f"The server database {where} holds another application's tables, not Coordinator App's. "
                "Nothing was changed. Check the database name."
            )
        if revision is None:
            raise ServerNotReady(
                f"The server database {where} has no Coordinator App data yet. Whoever manages it sets it up "
                f"once with: coordinator-app server init --db {address.url()} (docs/team.md)."
            )
        if revision not in known_revisions():
            raise DatabaseTooNew(
                f"The server database {where} was set up by a newer version of Coordinator App (schema "
                f"{revision}). Install that version to open it; nothing was changed."
            )
        if revision != head_revision():
            if not may_change:
                raise ServerNeedsUpgrade(
                    f"The server database {where} is at an older schema ({revision}) than this version "
                    f"writes ({head_revision()}). Ask whoever manages it to run: coordinator-app server init "
                    f"--db {address.url()} (it upgrades the data in place); nothing was changed."
                )
            upgrade(engine)
        with engine.connect() as conn:
            writes = server.may_write(conn)
    except BaseException:
        engine.dispose()
        raise
    return Opened(engine, login, writes)
