"""A server database's tables and its two roles: coordinators (read and write) and viewers (read only).

The server, not the window, enforces who may change what: a viewer's login (the Examination Board)
has SELECT on the tables and nothing else, so even a program that bypasses the app cannot write.
Coordinators may read and write the students' data but not change the tables themselves; the
login that runs `coordinator-app server init` owns them and is the one that upgrades them.

Roles are the server's, not one database's, so each database gets its own pair, named after it
(`coordinator_coordinators`, `coordinator_viewers` for a database `coordinator`): a login made a
coordinator of one programme office's database has no rights in another's on the same server.
Only those roles may connect to the database (CONNECT is taken from PUBLIC): student records are
not for every login of the university's server.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from coordinator_app.location import ServerAddress
from coordinator_app.store.server import WRITE_LOCK_KEY, connect_arguments, quote

MAINTENANCE_DATABASE = "postgres"
ROLE_KINDS = ("coordinator", "viewer")


@dataclass(frozen=True)
class Roles:
    coordinators: str
    viewers: str

    def of(self, kind: str) -> str:
        return self.coordinators if kind == "coordinator" else self.viewers


def roles_for(database: str) -> Roles:
    """The two group roles of a database (identifiers are at most 63 bytes)."""
    base = database[: 63 - len("_coordinators")]
    return Roles(f"{base}_coordinators", f"{base}_viewers")


def _plain_engine(address: ServerAddress, password: str | None, database: str | None = None) -> Engine:
    import psycopg

    target = ServerAddress(
        database or address.database, address.user, address.host, address.port, address.options, address.password
    )
    conninfo = target.url()
    arguments = connect_arguments(address, password)

    def _connect() -> psycopg.Connection[object]:
        return psycopg.connect(conninfo, **arguments)

    return create_engine("postgresql+psycopg://", creator=_connect, poolclass=NullPool, hide_parameters=True)


def database_exists(address: ServerAddress, password: str | None) -> bool:
    """Whether the database is there (asked of the server's maintenance database)."""
    engine = _plain_engine(address, password, MAINTENANCE_DATABASE)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": address.database})
            return found.first() is not None
    finally:
        engine.dispose()


def create_database(address: ServerAddress, password: str | None) -> None:
    """CREATE DATABASE, owned by the login (which needs CREATEDB); UTF-8 like every name the app keeps."""
    engine = _plain_engine(address, password, MAINTENANCE_DATABASE)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {quote(address.database)} ENCODING 'UTF8' TEMPLATE template0")
    finally:
        engine.dispose()


def lock_for_setup(conn: Connection) -> None:
    """Hold the app's write lock for the rest of the transaction: no coordinator saves during set-up."""
    conn.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))


def role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def grant_roles(conn: Connection, database: str) -> Roles:
    """Make the two roles if they are not there and give them their rights on every table and sequence
    (also on tables a later upgrade adds: default privileges of the owner)."""
    roles = roles_for(database)
    coordinators, viewers = quote(roles.coordinators), quote(roles.viewers)
    for name in (roles.coordinators, roles.viewers):
        if not role_exists(conn, name):
            conn.exec_driver_sql(f"CREATE ROLE {quote(name)} NOLOGIN")
    db = quote(database)
    statements = [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {coordinators}, {viewers}",
        f"GRANT USAGE ON SCHEMA public TO {coordinators}, {viewers}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {viewers}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {coordinators}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {coordinators}",
        # The schema's version belongs to whoever upgrades it; coordinators only read which it is.
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {coordinators}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {viewers}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {coordinators}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {coordinators}",
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
    return roles


def add_login(conn: Connection, name: str, group: str, password: str | None) -> bool:
    """A login `name` in `group`: made (with `password`, else none: pgpass/peer/certificate) or, when the
    login exists, given the group. True when it was made."""
    made = not role_exists(conn, name)
    if made:
        if password:
            # The password as a literal: CREATE ROLE takes no parameters. quote_literal escapes it.
            literal = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
            conn.exec_driver_sql(f"CREATE ROLE {quote(name)} LOGIN PASSWORD {literal}")
        else:
            conn.exec_driver_sql(f"CREATE ROLE {quote(name)} LOGIN")
    conn.exec_driver_sql(f"GRANT {quote(group)} TO {quote(name)}")
    return made


def members(conn: Connection, group: str) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = :g ORDER BY m.rolname"
        ),
        {"g": group},
    )
    return [str(r[0]) for r in rows]
