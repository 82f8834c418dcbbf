"""The app's own code, run in a child process that the reliability tests kill or run side by side.

    python child_worker.py MODE DATABASE [ARGS...]

After each transaction *returns* (committed) the child prints one line and flushes it, so the
parent knows exactly which commits must survive a SIGKILL. Lines:
    add <i> <student id>     add_student committed (PM student number 5<base><i>, names First<i> Last<i>)
    upd <i>                  update_student committed first_name=F<i>x and email=f<i>@example.org together
    grade <i>                record_grade 7,5 for PM-PERS committed
    busy <what>              a DatabaseBusy was raised (the edit will be retried, as a coordinator would)
    dup <i>                  add_student refused: the number is already there (the other process won)
    backup <path>            a backup copy is complete
    start / done             around one big transaction (demo)
    restored <a|b>           (restores) restore_backup of copy a or b returned
    saved <i> <number>       (saver) add_student committed, student number <number>
    met <i> <number>         (saver) add_meeting committed for that student, topic "Meeting <number>"
    replaced <what>          (saver) the edit was refused: the database was restored meanwhile; reopened
    gone <what>              (saver) the student the edit was for is not in the (restored) database
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def edits(db: Path, base: int, count: int) -> None:
    from coordinator_app.services.courses import record_grade
    from coordinator_app.services.students import NewStudent, add_student, update_student
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(db, daily_backup=False)
    say("ready")
    for i in range(count):
        sid = add_student(ws, NewStudent("PM", 2024, f"5{base:02d}{i:05d}", f"First{i}", f"Last{i}"))
        say(f"add {i} {sid}")
        update_student(ws, sid, first_name=f"F{i}x", email=f"f{i}@example.org")
        say(f"upd {i}")
        record_grade(ws, sid, "PM-PERS", "7,5")
        say(f"grade {i}")


def writers(db: Path, base: int, count: int, shared_numbers: int, shared_student: int, field: str) -> None:
    """Two of these run at once on one database: own students, contested numbers, one shared student."""
    from coordinator_app.domain.errors import DomainError
    from coordinator_app.services.students import NewStudent, add_student, update_student
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store.errors import DatabaseBusy

    ws = Workspace.open(db, daily_backup=False)
    say("ready")

    def retrying(what: str, action):  # type: ignore[no-untyped-def]
        while True:
            try:
                return action()
            except DatabaseBusy:
                say(f"busy {what}")

    for i in range(count):
        sid = retrying(
            f"add {i}", partial(add_student, ws, NewStudent("PM", 2024, f"6{base:02d}{i:05d}", f"First{i}", f"Last{i}"))
        )
        say(f"add {i} {sid}")
        retrying(f"upd {i}", partial(update_student, ws, sid, notes=f"note {base} {i}"))
        say(f"upd {i}")
        retrying(
            f"shared {i}", partial(update_student, ws, shared_student, **{field: f"{field[:1].upper()}{base}n{i}"})
        )
        say(f"shared {i}")
        if i < shared_numbers:
            try:
                other = retrying(
                    f"contest {i}",
                    partial(add_student, ws, NewStudent("PM", 2024, f"7{i:05d}", "Contested", f"Number{i}")),
                )
                say(f"won {i} {other}")
            except DomainError:
                say(f"dup {i}")


def demo(db: Path, students: int) -> None:
    from datetime import date

    from coordinator_app.services.demo import build_demo

    say("start")
    build_demo(db, students=students, seed=3, as_of=date(2025, 11, 24))
    say("done")


def backups(db: Path) -> None:
    from coordinator_app.services.backups import back_up_now

    say("ready")
    while True:
        info = back_up_now(db)
        say(f"backup {info.path}")


def saver(db: Path, base: int, count: int) -> None:
    """A window that keeps saving while someone restores a backup: a student, then a mentor meeting.

    A refused edit (the database was replaced under it) is never confirmed; like the window, the
    saver then opens the database again and carries on with the next edit."""
    from datetime import date

    from coordinator_app.domain.errors import DomainError
    from coordinator_app.services import workspace as workspace_module
    from coordinator_app.services.academic_core import add_meeting
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.store.errors import DatabaseBusy

    replaced = getattr(workspace_module, "DatabaseReplaced", DatabaseBusy)  # older code has no such refusal
    ws = workspace_module.Workspace.open(db, daily_backup=False)
    say("ready")
    for i in range(count):
        number = f"8{base:02d}{i:05d}"
        try:
            sid = add_student(ws, NewStudent("PM", 2024, number, f"Saver{i}", f"Base{base}"))
            say(f"saved {i} {number}")
            add_meeting(ws, sid, date(2025, 3, 1), topic=f"Meeting {number}")
            say(f"met {i} {number}")
        except replaced:
            say(f"replaced {i}")
            ws.close()
            ws = workspace_module.Workspace.open(db, daily_backup=False)
        except DatabaseBusy:
            say(f"busy {i}")
        except DomainError:
            say(f"gone {i}")
    ws.close()


def restores(db: Path, copy_a: Path, copy_b: Path) -> None:
    """Restore two different copies in turn, forever (the parent kills it)."""
    from coordinator_app.services.backups import restore_backup

    say("ready")
    while True:
        for name, copy in (("a", copy_a), ("b", copy_b)):
            restore_backup(db, copy)
            say(f"restored {name}")


def main(argv: list[str]) -> None:
    mode, db = argv[0], Path(argv[1])
    if mode == "edits":
        edits(db, int(argv[2]), int(argv[3]))
    elif mode == "writers":
        writers(db, int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5]), argv[6])
    elif mode == "demo":
        demo(db, int(argv[2]))
    elif mode == "restores":
        restores(db, Path(argv[2]), Path(argv[3]))
    elif mode == "saver":
        saver(db, int(argv[2]), int(argv[3]))
    elif mode == "backups":
        backups(db)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
