"""The command line's parser: the global options and one sub-command per area module.

Each area module (commands/demo.py, attention.py, ...) has `register(subparsers)`, which adds
its commands with `handler=` set to the function that runs them. Heavy imports stay inside
the handlers, so building the parser stays cheap. Only cli.py builds it, and only when a
command is given: the window starts without it.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, NoReturn

from coordinator_app import __version__
from coordinator_app.commands.arguments import DB_HELP, DB_METAVAR, db_argument


class _HelpFormatter(argparse.HelpFormatter):
    """Help lines wrap at spaces only, so 'dd-mm-yyyy' is never split over two lines."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """argparse, except that a mistake on the command line is one line on stderr, not the usage block."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from coordinator_app.commands import (
        attention,
        backup,
        calendar,
        check,
        deadlines,
        demo,
        pdfs,
        registers,
        removed,
        spreadsheets,
        team,
    )

    parser = _Parser(
        prog="coordinator-app",
        description="Coordinator App: student progress for (bio)medical master's programmes. "
        "Without a command it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Coordinator App {__version__}")
    parser.add_argument("--db", type=db_argument, metavar=DB_METAVAR, help=DB_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in (
        demo,
        attention,
        check,
        spreadsheets,
        calendar,
        pdfs,
        backup,
        deadlines,
        removed,
        registers,
        team,
    ):
        area.register(sub)
    return parser
