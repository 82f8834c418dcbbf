"""`coordinator-app backup --db PATH [-o FILE] [--list]` and `coordinator-app restore --db PATH FILE`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:  # type: ignore[type-arg]
    from coordinator_app.cli import add_db_option

    backup = subparsers.add_parser(
        "backup", help="copy the database safely (to its backups folder, or to -o FILE)",
        description="Make a consistent copy of the database, even while the app has it open. Without -o the "
                    "copy goes to the 'backups' folder next to the database.")
    add_db_option(backup, "the database file to copy; default: your own database in your user data folder")
    backup.add_argument("-o", "--output", type=Path, help="where to write the copy (must not exist yet)")
    backup.add_argument("--list", action="store_true", help="list the copies in the backups folder instead")

    restore = subparsers.add_parser(
        "restore", help="replace the database with a backup (the current one is backed up first)",
        description="Replace the database's contents with a backup copy. The copy is checked first, and the "
                    "current database is copied to the backups folder before anything changes.")
    add_db_option(restore, "the database file to restore into; default: your own database in your user data folder")
    restore.add_argument("file", type=Path, help="the backup copy to restore")
    return {"backup": cmd_backup, "restore": cmd_restore}


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def cmd_backup(args: argparse.Namespace) -> int:
    from coordinator_app.cli import UserError, database_path
    from coordinator_app.services.backups import back_up_now, list_backups

    path = database_path(args)
    if not path.exists():
        raise UserError(f"There is no database at {path}.")
    if args.list:
        copies = list_backups(path)
        if not copies:
            print(f"No backups of {path} yet.")
        for c in copies:
            students = f"{c.students} students" if c.students is not None else "unreadable"
            print(f"{c.taken_at:%d-%m-%Y %H:%M:%S}  {c.kind_label:<20} {students:>14}  {_size(c.size_bytes):>9}  {c.path}")
        return 0
    if args.output is not None and args.output.exists():
        raise UserError(f"{args.output} already exists; choose a new file name so no copy is overwritten.")
    _check_is_ours(path)
    info = back_up_now(path, args.output)
    print(f"Backed up {path} ({info.students} students, {_size(info.size_bytes)}) to {info.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from coordinator_app.cli import UserError, database_path
    from coordinator_app.services.backups import restore_backup

    path = database_path(args)
    if not args.file.is_file():
        raise UserError(f"There is no backup file at {args.file}.")
    if path.exists():
        _check_is_ours(path)
    result = restore_backup(path, args.file)
    print(f"Restored {path} from {args.file} ({result.students} students).")
    if result.safety_copy:
        print(f"The database as it was before is kept in {result.safety_copy}")
    return 0


def _check_is_ours(path: Path) -> None:
    """Refuse to copy over (or from) a file that is not a Coordinator App database."""
    from coordinator_app.services.backups import inspect_backup
    from coordinator_app.store.errors import NotADatabase

    if path.stat().st_size == 0:
        return
    info = inspect_backup(path)
    if info.problem and "damaged" not in info.problem:
        raise NotADatabase(f"{path}: {info.problem} It was left untouched.")
