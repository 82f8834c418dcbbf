"""Setting up a server database for a programme office: `coordinator-app server init` and `server add-user`.

`init_server` is run once by whoever manages the database (a login that may create databases, or
that owns the database IT made), and again after installing a newer version of the app: it makes
the database if it is not there, brings its tables to this version's schema, makes the two roles
(coordinators read and write, viewers read only; store/server_roles.py) and fills in the
programmes. All of it in one transaction holding the app's write lock: a failure leaves the
database as it was, and no coordinator saves halfway through an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from coordinator_app.domain.errors import DomainError
from coordinator_app.location import Location, ServerAddress
from coordinator_app.store import server, server_roles
from coordinator_app.store.errors import DatabaseProblem, DatabaseTooNew, ForeignDatabase, translate
from coordinator_app.store.migrate import alembic_config, head_revision, known_revisions

__all__ = ["ServerSetUp", "add_user", "init_server", "role_names"]


@dataclass(frozen=True)
class ServerSetUp:
    created_database: bool
    from_revision: str | None  # None: the tables were made now
    to_revision: str
    coordinators: str
    viewers: str
    login: str


def role_names(address: ServerAddress) -> tuple[str, str]:
    """The database's coordinators' and viewers' roles, as `server add-user` and docs/team.md name them."""
    roles = server_roles.roles_for(address.database)
    return roles.coordinators, roles.viewers


def _problem(exc: BaseException, address: ServerAddress, doing: str) -> DatabaseProblem:
    problem = translate(exc, None, address)
    if problem is not None:
        return problem
    code = str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "")
    if code == "42501":
        return DatabaseProblem(
            f"The login {address.user or '(yours)'} may not {doing} on {address.host_label}; nothing was changed. "
            "Run this as the login that owns the database (or one that may create databases and roles)."
        )
    raise exc


def init_server(address: ServerAddress, password: str | None = None) -> ServerSetUp:
    """Make or upgrade the database at `address`, with its roles and programmes (see the module's notes)."""
    from coordinator_app.services.workspace import Workspace

    try:
        created = False
        if not server_roles.database_exists(address, password):
            server_roles.create_database(address, password)
            created = True
    except DBAPIError as exc:
        raise _problem(exc, address, "create the database") from exc
    engine = server.make_server_engine(address, password)
    try:
        with engine.begin() as conn:
            server_roles.lock_for_setup(conn)
            before = server.schema_revision(conn)
            tables = server.table_names(conn)
            _refuse(address, before, tables)
            config = alembic_config()
            config.attributes["connection"] = conn
            from alembic import command

            command.upgrade(config, "head")
            roles = server_roles.grant_roles(conn, address.database)
            login = server.login(conn)
    except DBAPIError as exc:
        raise _problem(exc, address, "set up the tables and roles") from exc
    finally:
        engine.dispose()
    ws = Workspace.open(Location(server=address), password=password)
    try:
        with ws.write() as s:
            action = "set up server database" if before is None else "upgrade server database"
            ws.audit(s, action, "database", None, None, "schema", before, head_revision())
    finally:
        ws.close()
    return ServerSetUp(created, before, head_revision(), roles.coordinators, roles.viewers, login)


def _refuse(address: ServerAddress, revision: str | None, tables: set[str]) -> None:
    where = f"{address.database} on {address.host_label}"
    if revision is None and tables - {"alembic_version"}:
        raise ForeignDatabase(
            f"The server database {where} already holds another application's tables; Coordinator App "
            "was not set up in it. Give it a database of its own (a new name makes a new one)."
        )
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNew(
            f"The server database {where} was set up by a newer version of Coordinator App (schema "
            f"{revision}); nothing was changed. Use that version."
        )


def add_user(
    address: ServerAddress, name: str, kind: str, new_password: str | None, password: str | None = None
) -> bool:
    """Make the login `name` a coordinator or a viewer of the database (making the login when it is not
    there, with `new_password`). True when the login was made. Run by the database's manager."""
    if kind not in server_roles.ROLE_KINDS:
        raise DomainError("role", f"'{kind}' is not a role; use coordinator or viewer")
    if not name or len(name) > 63 or name.startswith("pg_"):
        raise DomainError("user", f"'{name}' cannot be a login name (1 to 63 characters, not starting with pg_)")
    group = server_roles.roles_for(address.database).of(kind)
    other = server_roles.roles_for(address.database).of("viewer" if kind == "coordinator" else "coordinator")
    engine = server.make_server_engine(address, password)
    try:
        with engine.begin() as conn:
            if not server_roles.role_exists(conn, group):
                raise DatabaseProblem(
                    f"The server database {address.database} is not set up yet: run coordinator-app server init "
                    f"--db {address.url()} first."
                )
            made = server_roles.add_login(conn, name, group, new_password)
            if server_roles.role_exists(conn, other) and name in server_roles.members(conn, other):
                # One role per person: a coordinator made a viewer no longer writes, and the other way round.
                conn.execute(text(f"REVOKE {server.quote(other)} FROM {server.quote(name)}"))
    except DBAPIError as exc:
        raise _problem(exc, address, "make logins or give roles") from exc
    finally:
        engine.dispose()
    return made
