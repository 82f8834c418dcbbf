"""Command line: `coordinator-app [--db PATH] [COMMAND ...]`. No command starts the window."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from coordinator_app import __version__
from coordinator_app.commands.arguments import (
    DATE_FORMS, MAX_DAYS, MAX_SEED, MAX_STUDENTS, UserError, cli_date, database_file, whole_number,
)


class _HelpFormatter(argparse.HelpFormatter):
    """Help lines wrap at spaces only, so 'dd-mm-yyyy' is never split over two lines."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """argparse, except that a mistake on the command line is one line on stderr, not the usage block."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


DATE_METAVAR = "DATE"
DB_HELP = "the database file; default: your own database in your user data folder"
parse_cli_date = cli_date      # the name the command modules use (commands/deadlines.py)


def add_db_option(parser: argparse.ArgumentParser, help_text: str = DB_HELP) -> None:
    """Every command's own --db, shown as PATH with what it means."""
    parser.add_argument("--db", type=Path, dest="sub_db", metavar="PATH", help=help_text)


def add_as_of_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--as-of", type=cli_date, default=None, metavar=DATE_METAVAR,
                        help=f"{what} (default: today); DATE ({DATE_FORMS})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coordinator-app",
        description="Coordinator App: student progress for (bio)medical master's programmes. "
                    "Without a command it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Coordinator App {__version__}")
    parser.add_argument("--db", type=Path, metavar="PATH", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="create a realistic synthetic database to try the app")
    add_db_option(demo, "the new database file to write (must not exist yet); default: demo.sqlite next to your "
                        "own database in your user data folder (never your own database)")
    demo.add_argument("--students", type=whole_number(1, MAX_STUDENTS, "students"), default=200, metavar="N",
                      help=f"number of students, 1 to {MAX_STUDENTS:,} (default 200)")
    demo.add_argument("--seed", type=whole_number(0, MAX_SEED), default=1, metavar="S",
                      help=f"random seed, 0 to {MAX_SEED}; the same seed gives the same data")
    add_as_of_option(demo, "the demo's 'today'")

    att = sub.add_parser("attention", help="list overdue and soon-due items")
    add_db_option(att)
    add_as_of_option(att, "the date to look from")
    att.add_argument("--within", type=whole_number(0, MAX_DAYS, "days"), default=14, metavar="DAYS",
                     help=f"days ahead that count as due soon, 0 to {MAX_DAYS} (default 14)")
    att.add_argument("--programme", help="programme code or name (default: all)")
    att.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all)")
    att.add_argument("--format", choices=("text", "csv"), default="text",
                     help="csv: ';'-separated UTF-8 with dd-mm-yyyy dates, as Excel in a Dutch region opens it")

    chk = sub.add_parser("check", help="schema version, integrity check and rule violations (exit status 1 if any)",
                         description="Show the database's schema version, run SQLite's integrity check and look "
                                     "for rule violations. Exits with status 1 when it finds a rule violation, "
                                     "damage or an out-of-date schema; 0 when all is in order.")
    add_db_option(chk)

    from coordinator_app.commands import register_all

    parser.set_defaults(extra_handlers=register_all(sub))
    return parser


def given_database(args: argparse.Namespace) -> Path | None:
    """The database named on the command line: the command's own --db, else the global --db."""
    return getattr(args, "sub_db", None) or args.db


def database_path(args: argparse.Namespace, new: bool = False) -> Path:
    """The database a command works on: its own --db, the global --db, or the default one. A path
    given on the command line must be a file in a folder that exists (it is never created)."""
    from coordinator_app.paths import default_database_path

    given = given_database(args)
    return default_database_path() if given is None else database_file(given, new=new)


def open_workspace(path: Path, must_exist: bool = True):  # type: ignore[no-untyped-def]
    from coordinator_app.services.workspace import Workspace

    if must_exist and not path.exists():
        raise UserError(f"There is no database at {path}. To create an empty one, start the window with "
                        f"'coordinator-app --db {path}' (it offers to start empty); to try the app with made-up "
                        f"students: coordinator-app demo --db {path}")
    ws = Workspace.open(path)
    warn_no_backup(ws.backup_problem)
    return ws


def warn_no_backup(problem: str | None) -> None:
    """Today's automatic backup failed: the coordinator hears it on stderr (the output stays clean)."""
    if problem:
        print(f"coordinator-app: warning: {problem}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from coordinator_app.paths import default_demo_path
    from coordinator_app.services.demo import build_demo

    # Made-up students never go into the coordinator's own database: without --db the demo is
    # a file of its own next to it, the one the first-start dialog offers.
    given = given_database(args)
    path = default_demo_path() if given is None else database_path(args, new=True)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(f"{path} already exists; the demo writes a new database. Choose another --db path, "
                        f"or open that one: coordinator-app --db {path}")
    if given is None:
        path.parent.mkdir(parents=True, exist_ok=True)     # the app's own data folder, on a first run
    started = time.perf_counter()
    summary = build_demo(path, students=args.students, seed=args.seed, as_of=args.as_of)
    took = time.perf_counter() - started
    print(f"Demo database {path}: {summary} in {took:.1f} s")
    if given is None:
        print(f"Open it with: coordinator-app --db {path}")
    return 0


def cmd_attention(args: argparse.Namespace) -> int:
    from coordinator_app.services.attention import attention_items
    from coordinator_app.services.cohort_data import require_students
    from coordinator_app.services.lookup import find_programme, parse_cohort

    ws = open_workspace(database_path(args))
    try:
        programme = find_programme(ws.programmes, args.programme).code if args.programme else None
        cohort = parse_cohort(args.cohort) if args.cohort else None
        require_students(ws, programme, cohort)    # a mistyped cohort is named, as export names it
        as_of = args.as_of or ws.as_of()
        items = attention_items(ws, as_of, args.within, programme, cohort)
    finally:
        ws.close()
    if args.format == "csv":
        # As a Dutch Excel opens it: ';', UTF-8 with BOM, dd-mm-yyyy; formula-like text neutralised.
        from coordinator_app.spreadsheets.csv_out import write_csv

        sys.stdout.flush()
        write_csv(sys.stdout.buffer, ["due", "status", "days", "student_number", "name", "programme", "cohort",
                                      "component", "item"],
                  ([i.due, i.urgency.value, i.days_from(as_of), i.student_number, i.student_name, i.programme,
                    i.cohort, i.component, i.what] for i in items))
        return 0
    if not items:
        print(f"Nothing overdue or due within {args.within} days of {as_of:%d-%m-%Y}.")
        return 0
    overdue = sum(1 for i in items if i.urgency.value == "overdue")
    print(f"As of {as_of:%a %d-%m-%Y}: {overdue} overdue, {len(items) - overdue} due within {args.within} days")
    for i in items:
        days = i.days_from(as_of)
        when = f"{-days}d late" if days < 0 else ("today" if days == 0 else f"in {days}d")
        print(f"{i.due:%d-%m-%Y}  {when:>9}  {i.student_number:<10} {i.student_name[:28]:<28} "
              f"{i.programme:<4} {i.cohort}  {i.component}: {i.what}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from coordinator_app.services.checks import check_database

    path = database_path(args)
    if not path.exists():
        open_workspace(path)           # says there is no database there, and how to make one
    report = check_database(path)      # whatever the file holds: a verdict, never a traceback
    if report.verdict is not None and not report.damaged:
        raise UserError(report.verdict)  # not a database of ours: one line, like every command
    print(f"Database:   {path}")
    if report.verdict is not None:
        print(f"Verdict:    {report.verdict}")
        return 1
    warn_no_backup(report.backup_problem)
    print(f"Schema:     {report.schema} (latest {report.latest_schema})")
    print(f"Integrity:  {report.integrity}")
    print(f"Students:   {report.students}")
    if report.violations:
        print(f"Rule violations: {len(report.violations)}")
        for line in report.violations:
            print(f"  - {line}")
    else:
        print("Rule violations: none")
    return 0 if report.ok else 1


def cmd_gui(args: argparse.Namespace) -> int:
    from coordinator_app.paths import default_database_path
    from coordinator_app.ui.app import run

    # The window checks the path itself: a missing one gets the first-start dialog, which names it.
    return run(args.db or default_database_path(), given=args.db is not None)


COMMANDS = {"demo": cmd_demo, "attention": cmd_attention, "check": cmd_check}


def window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """`coordinator-app` or `coordinator-app --db PATH`: the window, without building the parser of
    every command (~5 ms of the window's start-up, with the command modules it imports)."""
    if not argv:
        db = None
    elif len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        db = Path(argv[1])
    elif len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        db = Path(argv[0].removeprefix("--db="))
    else:
        return None
    return argparse.Namespace(command=None, db=db, extra_handlers={})


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = window_only(argv) or build_parser().parse_args(argv)
    from coordinator_app.domain.errors import DomainError, ProgrammeDefinitionError
    from coordinator_app.services.errors import DatabaseProblem

    try:
        handlers = {**args.extra_handlers, **COMMANDS}
        handler = handlers.get(args.command or "", cmd_gui)
        return handler(args)
    except (UserError, DomainError, DatabaseProblem) as exc:
        print(f"coordinator-app: {exc}", file=sys.stderr)
        return 1
    except ProgrammeDefinitionError as exc:
        print(f"coordinator-app: a programme definition is malformed: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"coordinator-app: no permission to use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except (IsADirectoryError, NotADirectoryError, FileNotFoundError) as exc:
        # A path that is not what the command expected, found past the argument checks.
        print(f"coordinator-app: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` or similar that stopped reading: not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("coordinator-app: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
