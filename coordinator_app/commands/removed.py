"""`coordinator-app removed [--restore NUMBER [--programme P]]`: the removed students, and bringing
one back (as File > Removed students does in the window)."""

from __future__ import annotations

import argparse
from datetime import UTC

from coordinator_app.commands.arguments import Subparsers, UserError, add_db_option, database_location, open_workspace


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "removed",
        help="list the removed students, or bring one back with --restore NUMBER",
        description="Removed students are out of every list, count, check and export; their records and "
        "history are kept. Without options, list them (newest first); with --restore, bring one "
        "back as they were.",
    )
    add_db_option(parser)
    parser.add_argument("--restore", metavar="NUMBER", help="the student number of the removed student to restore")
    parser.add_argument("--programme", help="programme code or name, when the number is removed in more than one")
    parser.set_defaults(handler=cmd_removed)


def cmd_removed(args: argparse.Namespace) -> int:
    from coordinator_app.services.lookup import find_programme
    from coordinator_app.services.students import removed_students, restore_student

    ws = open_workspace(database_location(args), writes=args.restore is not None)
    try:
        programme = find_programme(ws.programmes, args.programme).code if args.programme else None
        removed = [r for r in removed_students(ws) if programme is None or r.programme == programme]
        if args.restore is None:
            if not removed:
                print("No removed students." if programme is None else f"No removed students in {programme}.")
            for r in removed:
                when = r.removed_at.replace(tzinfo=UTC).astimezone()  # stored in UTC
                print(
                    f"{r.student_number:<10} {r.name[:30]:<30} {r.programme:<5} {r.cohort}-{r.cohort + 1}  "
                    f"removed {when:%d-%m-%Y %H:%M} by {r.removed_by}"
                )
            return 0
        number = args.restore.strip()
        matches = [r for r in removed if r.student_number == number]
        if not matches:
            where = f" in {programme}" if programme else ""
            raise UserError(f"No removed student with number {number}{where}; 'coordinator-app removed' lists them.")
        if len(matches) > 1:
            raise UserError(
                f"Student number {number} is removed in {' and '.join(r.programme for r in matches)}; "
                "name the programme with --programme."
            )
        label = restore_student(ws, matches[0].id)
        print(f"Restored {label}: back in every list.")
        return 0
    finally:
        ws.close()
