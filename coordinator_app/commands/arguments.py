"""What every command shares: what the command line accepts, checked before anything is opened
or written, the options each command has (--db, --as-of), and opening the database.

Every mistake is one line in the coordinator's words and a non-zero exit: a folder where a
file belongs, a folder that does not exist, a number or a date too large to mean anything.
Paths given on the command line are never created: only the app's own data folder is.
Light to import: the entry point (cli.py) and every command module build on it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator_app.location import Location, NotALocation

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]  # what each command module's register() fills
else:
    Subparsers = argparse._SubParsersAction

# The years the app works in: the same range as a cohort (services.lookup.parse_cohort).
FIRST_YEAR, LAST_YEAR = 1990, 2100
DATE_FORMS = "dd-mm-yyyy or yyyy-mm-dd"
MAX_DAYS = 3660  # ten years ahead is the furthest "due within" that means anything
MAX_STUDENTS = 200_000  # the demo keeps its rows in memory; 100,000 take ~40 s
MAX_SEED = 2**32 - 1
DATE_METAVAR = "DATE"
DB_HELP = (
    "the database: a file, or a server database as postgresql://user@host/dbname (docs/team.md); "
    "default: your own database in your user data folder"
)
DB_METAVAR = "FILE_OR_URL"


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def cli_date(text: str) -> date:
    """A date on the command line, in the forms the window shows and imports (the domain's parser),
    within the years the app works in."""
    from coordinator_app.domain.errors import DomainError
    from coordinator_app.domain.people import parse_date

    try:
        day = parse_date(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use {DATE_FORMS}, like 23-11-2026") from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"'{text}' is too far away; use a date between {FIRST_YEAR} and {LAST_YEAR}")
    return day


def whole_number(lowest: int, highest: int, unit: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from `lowest` to `highest`, the limits named when missed."""
    unit_text = f" {unit}" if unit else ""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
        if value < lowest:
            raise argparse.ArgumentTypeError(f"'{text}' must be {lowest} or more")
        if value > highest:
            raise argparse.ArgumentTypeError(f"'{text}' is too large; use at most {highest:,}{unit_text}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in some of its messages
    return parse


def _folder_must_exist(path: Path, what: str) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise UserError(
            f"There is no folder {parent} for {what} {path.name}; check the path, or create the folder first."
        )


def database_file(path: Path, *, new: bool = False) -> Path:
    """A --db path: a file (not a folder) in a folder that exists. `new`: it is about to be created."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; --db takes a database file, like {path / 'coordinator.sqlite'}.")
    if new or not path.exists():
        _folder_must_exist(path, "the database")
    return path


def output_file(path: Path, what: str, example: str) -> Path:
    """A file the command writes (-o): not a folder, in a folder that exists."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give the name of {what} to write, like {path / example}.")
    _folder_must_exist(path, what)
    return path


def input_file(path: Path, what: str) -> Path:
    """A file the command reads: it must be there, and be a file."""
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a {what}.")
    if not path.parent.is_dir():
        raise UserError(f"There is no folder {path.parent}, so no {what} {path.name}; check the path.")
    if not path.exists():
        raise UserError(f"There is no {what} at {path}.")
    return path


# -- options every command has -------------------------------------------------------------------


def db_argument(text: str) -> Location:
    """--db as typed: a server URL (checked here, in the coordinator's words) or a file path."""
    if not text.strip():
        raise argparse.ArgumentTypeError("--db needs a database file or a postgresql:// address")
    try:
        return Location.parse(text)
    except NotALocation as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_db_option(parser: argparse.ArgumentParser, help_text: str = DB_HELP) -> None:
    """Every command's own --db, shown as FILE_OR_URL with what it means."""
    parser.add_argument("--db", type=db_argument, dest="sub_db", metavar=DB_METAVAR, help=help_text)


def add_as_of_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--as-of",
        type=cli_date,
        default=None,
        metavar=DATE_METAVAR,
        help=f"{what} (default: today); DATE ({DATE_FORMS})",
    )


def given_database(args: argparse.Namespace) -> Location | None:
    """The database named on the command line: the command's own --db, else the global --db."""
    given: Location | Path | None = getattr(args, "sub_db", None) or args.db
    if isinstance(given, Path):
        return Location.file(given)
    return given


def database_location(args: argparse.Namespace, new: bool = False) -> Location:
    """The database a command works on: its own --db, the global --db, or the default file. A path
    given on the command line must be a file in a folder that exists (it is never created)."""
    from coordinator_app.paths import default_database_path

    given = given_database(args)
    if given is None:
        return Location.file(default_database_path())
    if given.server is not None:
        return given
    return Location.file(database_file(given.file_path, new=new))


def database_path(args: argparse.Namespace, new: bool = False) -> Path:
    """The database file a command works on (a command that works on files only)."""
    location = database_location(args, new)
    if location.path is None:
        raise UserError(f"This command works on a database file, not on a server database ({location}).")
    return location.path


# -- the database -------------------------------------------------------------------------------


def open_workspace(target: Location | Path, must_exist: bool = True, writes: bool = False) -> Workspace:
    """The workspace on the database; `writes`: the command is about to change it, so a database this
    login or file may only read is refused now, in one line, before any work is done."""
    from coordinator_app.services.workspace import Workspace

    location = target if isinstance(target, Location) else Location.file(target)
    if must_exist and location.path is not None and not location.path.exists():
        path = location.path
        raise UserError(
            f"There is no database at {path}. To create an empty one, start the window with "
            f"'coordinator-app --db {path}' (it offers to start empty); to try the app with made-up "
            f"students: coordinator-app demo --db {path}"
        )
    ws = Workspace.open(location)
    if writes and ws.read_only is not None:
        ws.close()
        raise UserError(ws.read_only)
    warn_no_backup(ws.backup_problem)
    return ws


def warn_no_backup(problem: str | None) -> None:
    """Today's automatic backup failed: the coordinator hears it on stderr (the output stays clean)."""
    if problem:
        print(f"coordinator-app: warning: {problem}", file=sys.stderr)
