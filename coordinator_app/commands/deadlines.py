"""`coordinator-app deadlines [--programme P] [--year 2024-2025] [--set MONTH DATE | --clear MONTH]`:
the graduation deadline schedule, listed, or one month entered, changed or cleared."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from coordinator_app.commands.arguments import (
    DATE_FORMS,
    Subparsers,
    UserError,
    add_db_option,
    cli_date,
    database_location,
    open_workspace,
)

if TYPE_CHECKING:
    from coordinator_app.services.deadlines import DeadlineLine


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "deadlines",
        help="the deadlines for final products per graduation month: list, set or clear one",
        description="List the deadlines for submitting all final products per graduation month (September to "
        "August), each with where it comes from: entered by you, the programme's published "
        "schedule, or the computed default (4 weeks before the graduation date, 5 in July, "
        "November and December). With --set or --clear, change one month.",
    )
    add_db_option(parser)
    parser.add_argument("--programme", help="programme code or name (default: all; needed to change a deadline)")
    parser.add_argument(
        "--year", metavar="YEAR", help="academic year to list, like 2024-2025 or 2024 (default: the current one)"
    )
    change = parser.add_mutually_exclusive_group()
    change.add_argument(
        "--set",
        nargs=2,
        metavar=("MONTH", "DATE"),
        help=f"enter or change the deadline for graduating in MONTH (like 2025-01 or 'January "
        f"2025'); DATE ({DATE_FORMS})",
    )
    change.add_argument(
        "--clear",
        metavar="MONTH",
        help="clear the deadline entered for MONTH: the programme's schedule or the default applies",
    )
    parser.set_defaults(handler=cmd_deadlines)


def cmd_deadlines(args: argparse.Namespace) -> int:
    from coordinator_app.domain.deadlines import academic_year_of, parse_month
    from coordinator_app.services.lookup import find_programme, parse_cohort

    ws = open_workspace(database_location(args), writes=args.set is not None or args.clear is not None)
    try:
        programme = find_programme(ws.programmes, args.programme).code if args.programme else None
        if args.set or args.clear:
            from coordinator_app.services.deadlines import clear_deadline, set_deadline

            if programme is None:
                choices = " or ".join(sorted(ws.programmes))
                raise UserError(f"Name the programme whose deadline to change: --programme {choices}.")
            if args.set:
                year, month = parse_month(args.set[0])
                try:
                    deadline = cli_date(args.set[1])
                except argparse.ArgumentTypeError as exc:
                    raise UserError(str(exc)) from exc
                change = set_deadline(ws, programme, year, month, deadline)
            else:
                year, month = parse_month(args.clear)
                change = clear_deadline(ws, programme, year, month)
            print(change.summary)
            return 0
        start = parse_cohort(args.year) if args.year else academic_year_of(ws.as_of())
        from coordinator_app.services.deadlines import deadline_schedule

        codes = [programme] if programme else sorted(ws.programmes)
        schedules = [(code, deadline_schedule(ws, code, start)) for code in codes]  # all checked before printing
        for code, lines in schedules:
            _print_schedule(code, start, lines)
            print()
        print(
            f"To change a month: --programme {codes[0]} --set MONTH DATE, or --clear MONTH "
            "(see coordinator-app deadlines --help)."
        )
        return 0
    finally:
        ws.close()


def _print_schedule(code: str, start: int, lines: list[DeadlineLine]) -> None:
    from coordinator_app.domain.deadlines import DeadlineSource
    from coordinator_app.domain.graduation import month_name

    print(f"{code}: deadlines for final products, graduation months of {start}-{start + 1}")
    print(f"{'Graduation month':<17} {'Date':<10}  {'Deadline':<10}  {'From':<35} {'Planned':>7}")
    for line in lines:
        month = line.month
        source = month.source.value
        if month.source is DeadlineSource.ENTERED:
            source += f" (else {month.fallback:%d-%m-%Y}, {'schedule' if month.published else 'default'})"
        planned = str(line.planned) if line.planned else ""
        print(
            f"{month_name(month.year, month.month):<17} {month.graduation_date:%d-%m-%Y}  "
            f"{month.deadline:%d-%m-%Y}  {source:<35} {planned:>7}".rstrip()
        )
