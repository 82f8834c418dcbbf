"""`coordinator-app calendar`: every deadline as an iCalendar file for Outlook or Thunderbird."""

from __future__ import annotations

import argparse
from pathlib import Path

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_db_option,
    database_location,
    open_workspace,
    output_file,
)


def register(subparsers: Subparsers) -> None:
    cal = subparsers.add_parser("calendar", help="write every due item as an all-day event in an iCalendar (.ics) file")
    add_db_option(cal)
    cal.add_argument("-o", "--output", type=Path, required=True, help="the .ics file to write")
    cal.add_argument("--programme", help="programme code or name (default: all)")
    cal.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all)")
    cal.add_argument(
        "--student", action="append", metavar="NUMBER", help="only this student (student number; may be repeated)"
    )
    cal.set_defaults(handler=cmd_calendar)


def cmd_calendar(args: argparse.Namespace) -> int:
    from coordinator_app.services.calendar import deadlines, students_by_number, write_calendar
    from coordinator_app.services.lookup import find_programme, parse_cohort, require_students

    target: Path = output_file(args.output, "the calendar", "deadlines.ics")
    if target.suffix.lower() != ".ics":
        raise UserError(f"{target} must end in .ics")
    ws = open_workspace(database_location(args))
    try:
        programme = find_programme(ws.programmes, args.programme).code if args.programme else None
        cohort = parse_cohort(args.cohort) if args.cohort else None
        require_students(ws, programme, cohort)
        ids = students_by_number(ws, args.student, programme) if args.student else None
        count = write_calendar(deadlines(ws, ids, programme, cohort), target)
    finally:
        ws.close()
    print(f"Saved {count:,} deadline{'s' if count != 1 else ''} to {target}")
    return 0
