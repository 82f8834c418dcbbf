"""`coordinator-app check`: schema version, integrity and rule violations (exit status 1 if any)."""

from __future__ import annotations

import argparse

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_db_option,
    database_location,
    open_workspace,
    warn_no_backup,
)


def register(subparsers: Subparsers) -> None:
    chk = subparsers.add_parser(
        "check",
        help="schema version, integrity check and rule violations (exit status 1 if any)",
        description="Show the database's schema version, run SQLite's integrity check and look "
        "for rule violations. Exits with status 1 when it finds a rule violation, "
        "damage or an out-of-date schema; 0 when all is in order.",
    )
    add_db_option(chk)
    chk.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from coordinator_app.services.checks import check_location

    location = database_location(args)
    if location.path is not None and not location.path.exists():
        open_workspace(location)  # says there is no database there, and how to make one
    report = check_location(location)  # whatever the file holds: a verdict, never a traceback
    if report.verdict is not None and not report.damaged:
        raise UserError(report.verdict)  # not a database of ours: one line, like every command
    print(f"Database:   {location}")
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
