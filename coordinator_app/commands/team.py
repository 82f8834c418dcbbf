"""Team mode on the command line (docs/team.md):

`coordinator-app server init --db postgresql://...`: make or upgrade a server database and its roles;
`coordinator-app server add-user --db postgresql://... NAME --role coordinator|viewer`: a colleague's login;
`coordinator-app copy --from FILE_OR_URL --to FILE_OR_URL`: a whole database, in or out of team mode.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from coordinator_app.commands.arguments import DB_METAVAR, Subparsers, UserError, add_db_option, db_argument
from coordinator_app.location import Location


def register(subparsers: Subparsers) -> None:
    srv = subparsers.add_parser(
        "server",
        help="set up a PostgreSQL server database for a team (init, add-user)",
        description="Set up a database on a PostgreSQL server for a programme office: its tables and two "
        "roles, coordinators (read and write) and viewers (read only, such as the Examination Board).",
    )
    actions = srv.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help="make (or upgrade) the server database, its tables and its two roles",
        description="Make the database if it is not there (the login needs CREATEDB), bring its tables to "
        "this version, and make the roles <database>_coordinators and <database>_viewers. Run it again "
        "after installing a newer version: it upgrades the tables in place.",
    )
    add_db_option(init, "the server database, as postgresql://you@server/dbname")
    init.set_defaults(handler=cmd_server_init)
    user = actions.add_parser(
        "add-user",
        help="make a login a coordinator or a viewer of the database",
        description="Make NAME a coordinator (read and write) or a viewer (read only) of the database. "
        "A login that does not exist yet is made, with a password typed twice (unless --no-password: "
        "then it signs in by the server's own means, such as a certificate or peer authentication).",
    )
    add_db_option(user, "the server database, as postgresql://you@server/dbname")
    user.add_argument("name", help="the colleague's login name")
    user.add_argument("--role", choices=("coordinator", "viewer"), required=True, help="what they may do")
    user.add_argument("--no-password", action="store_true", help="make the login without a password")
    user.set_defaults(handler=cmd_server_add_user)

    copy = subparsers.add_parser(
        "copy",
        help="copy a whole database between a file and a server (either way)",
        description="Copy every row of a database into a new file or into a server database that holds no "
        "students yet, in one transaction; the number of rows of every table is compared at the end, and a "
        "copy that is refused leaves the target as it was.",
    )
    copy.add_argument("--from", dest="source", type=db_argument, required=True, metavar=DB_METAVAR,
                      help="the database to copy: a file or postgresql://user@host/dbname")  # fmt: skip
    copy.add_argument("--to", dest="target", type=db_argument, required=True, metavar=DB_METAVAR,
                      help="where the copy goes: a new file, or a server database set up with server init")  # fmt: skip
    copy.set_defaults(handler=cmd_copy)


def _server(args: argparse.Namespace) -> Location:
    location: Location | None = getattr(args, "sub_db", None) or args.db
    if location is None or location.server is None:
        raise UserError("Give the server database with --db postgresql://you@server/dbname (see docs/team.md).")
    return location


def cmd_server_init(args: argparse.Namespace) -> int:
    from coordinator_app.services.server_setup import init_server

    location = _server(args)
    assert location.server is not None
    done = init_server(location.server)
    if done.created_database:
        print(f"Made the database {location.name}.")
    if done.from_revision is None:
        print(f"Set up its tables (schema {done.to_revision}).")
    elif done.from_revision != done.to_revision:
        print(f"Upgraded its tables from schema {done.from_revision} to {done.to_revision}.")
    else:
        print(f"Its tables are up to date (schema {done.to_revision}).")
    print(f"Roles: {done.coordinators} (read and write), {done.viewers} (read only). Owner: {done.login}.")
    print(f"Next: coordinator-app server add-user --db {location} NAME --role coordinator|viewer")
    return 0


def cmd_server_add_user(args: argparse.Namespace) -> int:
    from coordinator_app.services.server_setup import add_user

    location = _server(args)
    assert location.server is not None
    password = None if args.no_password else _new_password(args.name)
    made = add_user(location.server, args.name, args.role, password)
    what = "made a" if made else "made the existing login"
    print(f"{args.name}: {what} {args.role} of {location.name}.")
    return 0


def _new_password(name: str) -> str | None:
    """Typed twice on the terminal; without one (a script) the login is made without a password."""
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Password for {name} (Enter for none): ")
    if not first:
        return None
    if getpass.getpass("The same password again: ") != first:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def cmd_copy(args: argparse.Namespace) -> int:
    from coordinator_app.services.copying import copy_database

    source: Location = args.source
    target: Location = args.target
    if target.path is not None and not target.path.parent.is_dir():
        raise UserError(f"There is no folder {target.path.parent} for the copy; create it first.")
    result = copy_database(source, target)
    tables = ", ".join(f"{name} {n:,}" for name, (n, _) in result.counts.items() if n)
    took = result.seconds  # seconds, not a mark (tests/domain/test_grades.py looks for marks formatted here)
    print(f"Copied {source} to {target} in {took:.1f} s: {result.students:,} students.")
    print(f"Rows per table, the same in both: {tables}.")
    return 0
