"""`coordinator-app attention`: the overdue and soon-due items, as text or CSV."""

from __future__ import annotations

import argparse
import sys

from coordinator_app.commands.arguments import (
    MAX_DAYS,
    Subparsers,
    add_as_of_option,
    add_db_option,
    database_location,
    open_workspace,
    whole_number,
)


def register(subparsers: Subparsers) -> None:
    att = subparsers.add_parser("attention", help="list overdue and soon-due items")
    add_db_option(att)
    add_as_of_option(att, "the date to look from")
    att.add_argument(
        "--within",
        type=whole_number(0, MAX_DAYS, "days"),
        default=14,
        metavar="DAYS",
        help=f"days ahead that count as due soon, 0 to {MAX_DAYS} (default 14)",
    )
    att.add_argument("--programme", help="programme code or name (default: all)")
    att.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all)")
    att.add_argument(
        "--format",
        choices=("text", "csv"),
        default="text",
        help="csv: ';'-separated UTF-8 with dd-mm-yyyy dates, as Excel in a Dutch region opens it",
    )
    att.set_defaults(handler=cmd_attention)


def cmd_attention(args: argparse.Namespace) -> int:
    from coordinator_app.domain.attention import Urgency
    from coordinator_app.services.attention import attention_items
    from coordinator_app.services.lookup import find_programme, parse_cohort, require_students

    ws = open_workspace(database_location(args))
    try:
        programme = find_programme(ws.programmes, args.programme).code if args.programme else None
        cohort = parse_cohort(args.cohort) if args.cohort else None
        require_students(ws, programme, cohort)  # a mistyped cohort is named, as export names it
        as_of = args.as_of or ws.as_of()
        items = attention_items(ws, as_of, args.within, programme, cohort)
    finally:
        ws.close()
    if args.format == "csv":
        # As a Dutch Excel opens it: ';', UTF-8 with BOM, dd-mm-yyyy; formula-like text neutralised.
        from coordinator_app.spreadsheets.csv_out import write_csv

        sys.stdout.flush()
        write_csv(
            sys.stdout.buffer,
            ["due", "status", "days", "student_number", "name", "programme", "cohort", "component", "item"],
            (
                [
                    i.due,
                    i.urgency.label,
                    i.days_from(as_of),
                    i.student_number,
                    i.student_name,
                    i.programme,
                    i.cohort,
                    i.component,
                    i.what,
                ]
                for i in items
            ),
        )
        return 0
    if not items:
        print(f"Nothing overdue or due within {args.within} days of {as_of:%d-%m-%Y}.")
        return 0
    overdue = sum(1 for i in items if i.urgency is Urgency.OVERDUE)
    print(f"As of {as_of:%a %d-%m-%Y}: {overdue} overdue, {len(items) - overdue} due within {args.within} days")
    for i in items:
        days = i.days_from(as_of)
        when = f"{-days}d late" if days < 0 else ("today" if days == 0 else f"in {days}d")
        print(
            f"{i.due:%d-%m-%Y}  {when:>9}  {i.student_number:<10} {i.student_name[:28]:<28} "
            f"{i.programme:<4} {i.cohort}  {i.component}: {i.what}"
        )
    return 0
