"""The engine factory for a PostgreSQL server (team mode): psycopg 3, a small pool, one writer at a time.

The services were written for SQLite, where a write transaction holds the database's one write
lock from BEGIN IMMEDIATE to COMMIT: an import may take the next free ids, a check-then-insert
cannot be raced. On a server the same promise is kept by a transaction-level advisory lock that
every write takes first (`pg_advisory_xact_lock`, released by COMMIT or ROLLBACK), waited for at
most the busy timeout (`lock_timeout`, then DatabaseBusy like SQLite's). Reads do not take it: they
run in REPEATABLE READ, read only, so each sees one consistent moment as an SQLite read does.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from coordinator_app.location import ServerAddress
from coordinator_app.store.engine import BUSY_TIMEOUT_MS

CHANGES_CHANNEL = "coordinator_app_changes"  # store/change_signal.py listens on it

# Any number the app alone uses: "Coordinator App writes" (two int4 halves would work the same).
WRITE_LOCK_KEY = 0x436F6F7264  # "Coord"
APPLICATION_NAME = "Coordinator App"
CONNECT_TIMEOUT_S = 10
WRITE_OPTION = "coordinator_write"
# A kept connection unused this long is tried (one round trip) before it is handed out: a server
# restarted overnight leaves dead ones, which are then replaced instead of reported. One used a moment
# ago is handed out as it is: a ping on every checkout was one round trip more on every edit.
PING_AFTER_IDLE_S = 30.0
LOCK_SQL = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
# What a write reads first, under the lock: the restore generation, the edited student's record version
# and the newest audit entry (services/workspace.Workspace.write).
START_SQL = (
    "SELECT (SELECT generation FROM restore_generation WHERE id = 1), "
    "(SELECT max(id) FROM audit_entry WHERE student_id = %s), (SELECT max(id) FROM audit_entry)"
)
START_OPTION = "coordinator_write_start"  # (student id or None,): read START_SQL with the lock
_STARTED = "coordinator_write_started"


def connect_arguments(address: ServerAddress, password: str | None) -> dict[str, Any]:
    """What psycopg.connect is given besides the URL: the password (from the keyring), a name that
    shows in the server's pg_stat_activity, and a time limit for reaching the server."""
    arguments: dict[str, Any] = {"application_name": APPLICATION_NAME, "connect_timeout": CONNECT_TIMEOUT_S}
    secret = password if password is not None else address.password
    if secret is not None:
        arguments["password"] = secret
    return arguments


def make_server_engine(
    address: ServerAddress, password: str | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """An engine on the server database at `address`; `password` None lets libpq find it (pgpass, service)."""
    import psycopg  # only when a server is opened: SQLite users never load it

    conninfo = address.url(with_password=False)
    arguments = connect_arguments(address, password)

    def _connect() -> psycopg.Connection[Any]:
        return psycopg.connect(conninfo, **arguments)

    engine = create_engine(
        "postgresql+psycopg://",
        creator=_connect,
        poolclass=QueuePool,
        # The window reads on one thread and exports or imports on another; the CLI uses one.
        pool_size=2,
        max_overflow=4,
        # A server restarted overnight: kept connections idle a while are tried first (_on_checkout).
        pool_pre_ping=False,
        # Error messages (and so logs and the error dialog) never carry names or grades.
        hide_parameters=True,
        # Positional %s parameters, as SQLite's ?: the bulk import hands rows to executemany as tuples
        # (services/bulk_write.py), which psycopg sends in one pipeline.
        paramstyle="format",
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: psycopg.Connection[Any], _record: object) -> None:
        with dbapi_connection.cursor() as cursor:
            # A write waits for another's lock at most this long, then says "busy" (SQLite's busy_timeout).
            cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        dbapi_connection.commit()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: psycopg.Connection[Any], record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: psycopg.Connection[Any], record: ConnectionPoolEntry, _proxy: object) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except psycopg.Error as exc:
            # The pool drops this connection and hands out a new one (SQLAlchemy's pessimistic check).
            raise DisconnectionError("a kept server connection was found closed") from exc

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            take_write_lock(conn)

    return engine


def take_write_lock(conn: Connection) -> None:
    """At the start of a write transaction: BEGIN, the app's write lock and (for a coordinator's action,
    `writer(engine, start=...)`) the first reads under it, in one round trip: psycopg's pipeline mode
    sends them all, then waits once. The server runs them in order, and each statement of a READ
    COMMITTED transaction sees what was committed when it starts, so the reads see every write made
    before the lock was had. A lock not had within the busy timeout raises DBAPIError like any
    statement, so callers translate it to DatabaseBusy as before."""
    import psycopg

    driver: psycopg.Connection[Any] | None = conn.connection.driver_connection
    assert driver is not None
    start = conn.get_execution_options().get(START_OPTION)
    lock, first = driver.cursor(), driver.cursor()
    try:
        with driver.pipeline():  # sent together; on leaving it, every result has come back
            lock.execute(LOCK_SQL)
            if start is not None:
                first.execute(START_SQL, start)
        if start is not None:
            conn.info[_STARTED] = (start[0], first.fetchone())
    except psycopg.Error as exc:
        raise DBAPIError.instance(LOCK_SQL, None, exc, psycopg.Error) from exc
    finally:
        lock.close()
        first.close()


def writer(engine: Engine, start: tuple[int | None] | None = None) -> Engine:
    """The same database, with transactions that first take the app's write lock; with `start` (the
    edited student's id, or None, in a tuple) also the reads of `write_start`, in the same round trip."""
    if start is None:
        return engine.execution_options(**{WRITE_OPTION: True})
    return engine.execution_options(**{WRITE_OPTION: True, START_OPTION: start})


def reader(engine: Engine) -> Engine:
    """The same database, with read-only transactions that each see one moment (REPEATABLE READ)."""
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def write_start(conn: Connection, student_id: int | None) -> tuple[int, int, int]:
    """Under the write lock, in one round trip: the restore generation, the record version of the
    student being edited (0 for none) and the newest audit entry. Already read with the lock when the
    transaction was begun by `writer(engine, start=(student_id,))`."""
    started = conn.info.pop(_STARTED, None)
    if started is not None and started[0] == student_id:
        row = started[1]
    else:
        row = conn.exec_driver_sql(START_SQL, (student_id,)).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def write_end(conn: Connection, student_id: int | None) -> tuple[int, int]:
    """Before COMMIT, in one round trip: the listening windows are told (delivered at commit), and the
    record version of the student being edited and the newest audit entry are read."""
    row = conn.exec_driver_sql(
        f"SELECT pg_notify('{CHANGES_CHANNEL}', ''), "
        "(SELECT max(id) FROM audit_entry WHERE student_id = %s), (SELECT max(id) FROM audit_entry)",
        (student_id,),
    ).one()
    return int(row[1] or 0), int(row[2] or 0)


def read_generation(conn: Connection) -> int:
    """The restore generation of the server database (0 when it was never restored)."""
    value = conn.execute(text("SELECT generation FROM restore_generation WHERE id = 1")).scalar()
    return int(value or 0)


def login(conn: Connection) -> str:
    """The server login this connection uses: who the audit trail names."""
    return str(conn.execute(text("SELECT session_user")).scalar_one())


def may_write(conn: Connection) -> bool:
    """Whether this login may change the students' data (a viewer may not: the server refuses)."""
    return bool(conn.execute(text("SELECT has_table_privilege('student', 'INSERT, UPDATE')")).scalar())


def may_change_schema(conn: Connection) -> bool:
    """Whether this login may upgrade the schema (it owns the tables, or may create them in a new database)."""
    owns = conn.execute(
        text(
            "SELECT pg_has_role(tableowner, 'USAGE') FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'alembic_version'"
        )
    ).scalar()
    if owns is not None:
        return bool(owns)
    return bool(conn.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar())


def table_names(conn: Connection) -> set[str]:
    rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
    return {str(r[0]) for r in rows}


def schema_revision(conn: Connection) -> str | None:
    if "alembic_version" not in table_names(conn):
        return None
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def catch_up_sequences(conn: Connection, tables: list[str]) -> None:
    """After rows went in with their own ids (a copy, a restore, a bulk import), each table's id sequence
    continues after the largest id, so the next row added one at a time gets a free one."""
    from coordinator_app.store.models import Base

    for name in tables:
        table = Base.metadata.tables.get(name)
        if table is not None and "id" not in table.c:
            continue  # keyed by another table's id (readiness by student): no sequence of its own
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f"coalesce((SELECT max(id) FROM {quote(name)}), 0) + 1, false) "
                "WHERE pg_get_serial_sequence(:t, 'id') IS NOT NULL"
            ),
            {"t": name},
        )


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
