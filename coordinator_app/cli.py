"""Command line: `coordinator-app [--db PATH] [COMMAND ...]`. No command starts the window.

The entry point only: the commands are in commands/ (commands/parser.py builds the parser).
`coordinator-app` and `coordinator-app --db PATH` start the window without building it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from coordinator_app.commands.arguments import UserError, database_path
from coordinator_app.location import Location, NotALocation

__all__ = ["build_parser", "database_path", "main"]


def build_parser() -> argparse.ArgumentParser:
    from coordinator_app.commands.parser import build_parser as build

    return build()


def cmd_gui(args: argparse.Namespace) -> int:
    from coordinator_app.paths import default_database_path
    from coordinator_app.ui.app import run

    # The window checks the path itself: a missing one gets the first-start dialog, which names it.
    db = args.db
    if isinstance(db, Path):
        db = Location.file(db)
    return run(db or Location.file(default_database_path()), given=db is not None)


def window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """`coordinator-app` or `coordinator-app --db PATH`: the window, without building the parser of
    every command (~5 ms of the window's start-up, with the command modules it imports)."""
    if not argv:
        return argparse.Namespace(command=None, db=None)
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        db = _location(argv[1])
    elif len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        db = _location(argv[0].removeprefix("--db="))
    else:
        return None
    if db is None:
        return None  # a server address that is not one: the parser says why, in one line
    return argparse.Namespace(command=None, db=db)


def _location(text: str) -> Location | None:
    try:
        return Location.parse(text)
    except NotALocation:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = window_only(argv) or build_parser().parse_args(argv)
    try:
        handler = getattr(args, "handler", cmd_gui)
        code: int = handler(args)
        return code
    except BaseException as exc:
        failed = exit_code(exc)
        if failed is None:
            raise
        return failed


def exit_code(exc: BaseException) -> int | None:
    """The exit code of a command or start that failed for a reason the coordinator can act on, the
    reason printed as one line; None for anything else (raised on). The error classes are imported
    here, when something failed: the window's start needs none of them."""
    from coordinator_app.domain.errors import DomainError, ProgrammeDefinitionError
    from coordinator_app.services.errors import DatabaseProblem

    if isinstance(exc, (UserError, DomainError, DatabaseProblem)):
        print(f"coordinator-app: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, ProgrammeDefinitionError):
        print(f"coordinator-app: a programme definition is malformed: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, PermissionError):
        print(f"coordinator-app: no permission to use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    if isinstance(exc, (IsADirectoryError, NotADirectoryError, FileNotFoundError)):
        # A path that is not what the command expected, found past the argument checks.
        print(f"coordinator-app: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    if isinstance(exc, BrokenPipeError):
        # Output piped into `head` or similar that stopped reading: not an error.
        sys.stderr.close()
        return 0
    if isinstance(exc, KeyboardInterrupt):
        print("coordinator-app: interrupted", file=sys.stderr)
        return 130
    return None


if __name__ == "__main__":
    raise SystemExit(main())
