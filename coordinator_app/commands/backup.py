"""`coordinator-app backup --db PATH [-o FILE] [--list]` and `coordinator-app restore --db PATH [--replace-damaged] FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_db_option,
    database_location,
    input_file,
    output_file,
)


def register(subparsers: Subparsers) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database safely (to its backups folder, or to -o FILE)",
        description="Make a consistent copy of the database, even while the app has it open. Without -o the "
        "copy goes to the 'backups' folder next to the database.",
    )
    add_db_option(backup, "the database file to copy; default: your own database in your user data folder")
    backup.add_argument("-o", "--output", type=Path, help="where to write the copy (must not exist yet)")
    backup.add_argument("--list", action="store_true", help="list the copies in the backups folder instead")

    restore = subparsers.add_parser(
        "restore",
        help="replace the database with a backup (the current one is backed up first)",
        description="Replace the database's contents with a backup copy. The copy is checked first, and the "
        "current database is copied to the backups folder before anything changes.",
    )
    add_db_option(restore, "the database file to restore into; default: your own database in your user data folder")
    restore.add_argument("file", type=Path, help="the backup copy to restore")
    restore.add_argument(
        "--yes",
        action="store_true",
        help="restore onto a server database without asking (it replaces the data for everyone)",
    )
    restore.add_argument(
        "--replace-damaged",
        action="store_true",
        help="if the database is damaged, empty or not a database: keep it aside unchanged (renamed "
        "next to it) and restore anyway, without asking",
    )
    backup.set_defaults(handler=cmd_backup)
    restore.set_defaults(handler=cmd_restore)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def cmd_backup(args: argparse.Namespace) -> int:
    from coordinator_app.services.backups import back_up_now, list_backups

    path = database_location(args)
    if path.path is not None and not path.path.exists():
        raise UserError(f"There is no database at {path}.")
    if args.list:
        copies = list_backups(path)
        if not copies:
            print(f"No backups of {path} yet.")
        for c in copies:
            students = f"{c.students} students" if c.students is not None else "unreadable"
            print(
                f"{c.taken_at:%d-%m-%Y %H:%M:%S}  {c.kind_label:<20} {students:>14}  {_size(c.size_bytes):>9}  {c.path}"
            )
        return 0
    if args.output is not None:
        output_file(args.output, "the copy", "coordinator-copy.sqlite")
        if args.output.exists():
            raise UserError(f"{args.output} already exists; choose a new file name so no copy is overwritten.")
    # An empty, damaged or foreign file is refused here, naming the newest good backup (never "None students").
    info = back_up_now(path, args.output)
    print(f"Backed up {path} ({info.students} students, {_size(info.size_bytes)}) to {info.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from coordinator_app.services.backups import RestoreNeedsConfirmation, restore_backup

    path = database_location(args)
    input_file(args.file, "backup file")
    if path.server is not None and not args.yes and not _confirmed_server(path.name, args.file):
        raise UserError(
            f"Nothing was restored: restoring replaces the data of {path.name} for everyone who uses it. "
            "To go ahead, answer yes, or run again with --yes."
        )
    try:
        result = restore_backup(path, args.file, replace_damaged=args.replace_damaged)
    except RestoreNeedsConfirmation as exc:
        if not _confirmed(exc):
            raise UserError(f"{exc} To go ahead, answer yes, or run again with --replace-damaged.") from exc
        result = restore_backup(path, args.file, replace_damaged=True)
    print(f"Restored {path} from {args.file} ({result.students} students).")
    if result.safety_copy:
        print(f"The database as it was before is kept in {result.safety_copy}")
    if result.kept_aside:
        print(f"The file that was there is kept unchanged as {result.kept_aside}")
    return 0


def _confirmed_server(name: str, copy: Path) -> bool:
    """Ask on the terminal before replacing a shared database; without one the answer is no."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    print(
        f"coordinator-app: this replaces every student's data in {name} with the copy {copy.name}, for "
        "everyone who uses it; what is there now is kept as a copy first.",
        file=sys.stderr,
    )
    try:
        answer = input("Restore the copy onto the server? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "j", "ja")


def _confirmed(exc: Exception) -> bool:
    """Ask on the terminal; without one (a script, a pipe) the answer is no."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    print(f"coordinator-app: {exc}", file=sys.stderr)
    try:
        answer = input("Keep it aside and restore the backup? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "j", "ja")
