"""`coordinator-app allocate` (specialization places) and `coordinator-app attach` (documents)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_db_option,
    cli_date,
    database_location,
    open_workspace,
    whole_number,
)


def register(subparsers: Subparsers) -> None:
    allocate = subparsers.add_parser(
        "allocate",
        help="allocate a PM cohort's specialization places by the students' preferences",
        description="Shows what Allocate would do (who gets which specialization and why, the waiting "
        "lists); nothing is saved unless --apply is given. The tie-break is the programme's rule; a "
        "lottery's seed is printed and recorded.",
    )
    add_db_option(allocate)
    allocate.add_argument("--programme", default="PM", help="programme code or name (default: PM)")
    allocate.add_argument("--cohort", required=True, help="the cohort's start year, like 2024")
    allocate.add_argument("--seed", type=whole_number(0, 2**31 - 1), help="the lottery's seed (default: a new one)")
    what = allocate.add_mutually_exclusive_group()
    what.add_argument("--apply", action="store_true", help="allocate, as shown")
    what.add_argument("--undo", action="store_true", help="take the cohort's last allocation back")
    what.add_argument("--waiting", action="store_true", help="show the waiting lists")
    allocate.set_defaults(handler=cmd_allocate)

    attach = subparsers.add_parser(
        "attach",
        help="attach a document (a signed form, a report PDF) to a student's portfolio item",
        description="Attaches FILE to a portfolio item (--item KIND, e.g. list_of_agreements, with "
        "--internship minor|major when both have it), the Literature Study (--literature) or a mentor "
        "meeting (--meeting DATE). The file is copied next to the database; --received marks the item "
        "received today. Without FILE, --list shows the student's documents.",
    )
    add_db_option(attach)
    attach.add_argument("student", metavar="NUMBER", help="the student's number")
    attach.add_argument("file", metavar="FILE", type=Path, nargs="?", help="the document to attach")
    attach.add_argument("--programme", help="programme code or name, when the number is in more than one")
    attach.add_argument(
        "--item", metavar="KIND", help="the portfolio item (list_of_agreements, research_proposal, ...)"
    )
    attach.add_argument("--internship", choices=("minor", "major"), help="which internship's item")
    attach.add_argument("--literature", action="store_true", help="attach to the Literature Study")
    attach.add_argument("--meeting", type=cli_date, metavar="DATE", help="attach to the mentor meeting of DATE")
    attach.add_argument("--received", action="store_true", help="mark the portfolio item received today")
    attach.add_argument("--list", action="store_true", help="list the student's documents")
    attach.set_defaults(handler=cmd_attach)


def cmd_allocate(args: argparse.Namespace) -> int:
    from coordinator_app.services import allocation
    from coordinator_app.services.lookup import parse_cohort

    cohort = parse_cohort(args.cohort)
    ws = open_workspace(database_location(args))
    try:
        if args.undo:
            run = allocation.last_run(ws, args.programme, cohort)
            if run is None:
                raise UserError(f"No allocation of the {cohort}-{cohort + 1} cohort to take back.")
            allocation.undo_allocation(ws, run)
            print(f"The {cohort}-{cohort + 1} allocation was taken back: those it placed have no specialization again.")
            return 0
        if args.waiting:
            names = allocation.specialization_names(ws, args.programme)
            for key, waiting in allocation.waiting_lists(ws, args.programme, cohort).items():
                print(f"{names.get(key, key)}: {len(waiting)} waiting")
                for w in waiting:
                    print(f"  {w.position:>3}. {w.student}" + (f" (has {names.get(w.has, w.has)})" if w.has else ""))
            return 0
        preview = allocation.preview_allocation(ws, args.programme, cohort, args.seed)
        _print_preview(preview)
        if not args.apply:
            print(
                f"Nothing was saved. To allocate as shown: coordinator-app allocate --cohort {cohort} --seed {preview.seed} --apply"
            )
            return 0
        allocation.apply_allocation(ws, preview)
        placed = sum(1 for line in preview.lines if line.placed)
        print(f"Allocated: {placed} student{'s' if placed != 1 else ''} placed; undo with --undo.")
        return 0
    finally:
        ws.close()


def _print_preview(preview: object) -> None:
    from coordinator_app.services.allocation import AllocationPreview

    assert isinstance(preview, AllocationPreview)
    print(
        f"{preview.programme} cohort {preview.cohort}-{preview.cohort + 1}: tie-break {preview.rule_text}; seed {preview.seed}"
    )
    for key, name in preview.names.items():
        print(
            f"  {name}: {preview.placed_in(key)} placed of {preview.free[key]} free "
            f"({preview.capacity[key]} places), {len(preview.waiting.get(key, ()))} waiting"
        )
    for line in preview.lines:
        got = preview.names.get(line.placed, "no place") if line.placed else "no place"
        print(f"{line.student_number:<10} {line.name[:28]:<28} {got:<26} {line.explanation}")


def cmd_attach(args: argparse.Namespace) -> int:
    from coordinator_app.services import attachments

    ws = open_workspace(database_location(args))
    try:
        if args.file is None:
            if not args.list:
                raise UserError("Give the FILE to attach (or --list to see the student's documents).")
            sid, who = attachments.student_and_name(ws, args.student, args.programme)
            found = attachments.documents_of(ws, sid)
            print(f"{who}: {len(found)} document{'s' if len(found) != 1 else ''}")
            for d in found:
                print(
                    f"  {d.attached_at:%d-%m-%Y}  {d.name}  ({d.size_text}, {attachments.TARGET_WORDS[d.target]}, "
                    f"by {d.attached_by})"
                )
            return 0
        path = args.file  # a folder, a missing or unreadable file: refused by the service in one line
        target = attachments.find_target(
            ws, args.student, args.programme, args.item, args.internship, args.literature, args.meeting
        )
        done = attachments.attach(ws, target.student_id, target.target, target.target_id, path, args.received)
        extra = " and marked it received today" if done.marked_received else ""
        print(f"Attached {path.name} to {target.label} of {target.student}{extra}.")
        return 0
    finally:
        ws.close()
