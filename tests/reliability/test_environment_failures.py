"""Disk full, a read-only file, a vanished drive, a damaged file: a clear message, nothing saved lost."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from coordinator_app.services.backups import list_backups, restore_backup
from coordinator_app.services.students import NewStudent, add_student, count_students, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseFull,
    DatabaseGone,
    DatabaseReadOnly,
    NotADatabase,
    RestoreNeedsConfirmation,
    translate,
)
from tests.reliability.process_helpers import query

SAVED = 5


def _student(i: int) -> NewStudent:
    return NewStudent("PM", 2024, f"27{i:05d}", f"Anouk{i}", "de Vries")


@pytest.fixture
def saved(make_workspace: Any) -> Iterator[Workspace]:
    """A workspace with SAVED students already saved."""
    ws = make_workspace(
        "data/coordinator.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    for i in range(SAVED):
        add_student(ws, _student(i))
    yield ws
    ws.close()


def _on_every_connection(ws: Workspace, *pragmas: str) -> None:
    @event.listens_for(ws.engine, "connect")
    def _apply(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    ws.engine.dispose()  # the engine keeps connections (store/engine.py): from now on every one is new


def _still_all_there(path: Path) -> None:
    """Reopened with a fresh engine: every student saved before the failure is there, file intact."""
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    ws = Workspace.open(path, daily_backup=False)
    try:
        assert count_students(ws) == SAVED
    finally:
        ws.close()


def _plain(message: str) -> None:
    """A coordinator's message: no traceback, no SQL, no error codes."""
    for word in ("Traceback", "SELECT", "INSERT", "UPDATE", "sqlite3.", "Background on this error", "[SQL"):
        assert word not in message, message


def test_disk_full_refuses_the_change_and_keeps_what_was_saved(saved: Workspace) -> None:
    with saved.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    # The database may not grow any more: the disk is "full" (PRAGMA max_page_count caps the file).
    _on_every_connection(saved, f"PRAGMA max_page_count={pages}")
    sid = query(saved.path, "SELECT id FROM student LIMIT 1")[0][0]
    with pytest.raises(DatabaseFull) as caught:
        update_student(saved, sid, notes="x" * 32_767)  # the longest notes allowed: 8 more pages
    message = str(caught.value)
    _plain(message)
    assert "full" in message and "not saved" in message and "Everything saved before is safe" in message
    assert query(saved.path, "SELECT notes FROM student WHERE id = ?", sid) == [("",)]
    _still_all_there(saved.path)


def test_read_only_database_says_so_and_changes_nothing(saved: Workspace) -> None:
    # Tests run as root, for whom chmod 0o444 blocks nothing; query_only gives SQLite's own
    # "attempt to write a readonly database", exactly what a read-only file or share gives.
    _on_every_connection(saved, "PRAGMA query_only=ON")
    with pytest.raises(DatabaseReadOnly) as caught:
        add_student(saved, _student(99))
    message = str(caught.value)
    _plain(message)
    assert "read-only" in message and "nothing was changed" in message and str(saved.path) in message
    assert count_students(saved) == SAVED  # reading still works
    _still_all_there(saved.path)


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions; covered by query_only"
)
def test_read_only_file_permissions(saved: Workspace) -> None:  # pragma: no cover - runs for non-root users
    saved.close()
    for p in saved.path.parent.glob(saved.path.name + "*"):
        p.chmod(0o444)
    saved.path.parent.chmod(0o555)
    try:
        with pytest.raises(DatabaseReadOnly):
            ws = Workspace.open(saved.path, daily_backup=False)
            add_student(ws, _student(99))
    finally:
        saved.path.parent.chmod(0o755)
        for p in saved.path.parent.glob(saved.path.name + "*"):
            p.chmod(0o644)
    _still_all_there(saved.path)


def test_vanished_drive_is_reported_and_nothing_is_recreated(saved: Workspace, tmp_path: Path) -> None:
    folder = saved.path.parent
    unplugged = tmp_path / "unplugged"
    folder.rename(unplugged)  # the USB stick / network share disappears
    with pytest.raises(DatabaseGone) as caught:
        add_student(saved, _student(99))
    message = str(caught.value)
    _plain(message)
    assert "can no longer be reached" in message and "Reconnect" in message
    with pytest.raises(DatabaseGone):
        count_students(saved)
    assert not folder.exists()  # no empty database was created in its place
    unplugged.rename(folder)  # plugged back in: the app carries on
    add_student(saved, _student(99))
    assert count_students(saved) == SAVED + 1


def test_deleted_file_is_not_silently_recreated_empty(saved: Workspace) -> None:
    with saved.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    moved = saved.path.with_name("moved-away.sqlite")
    saved.path.rename(moved)
    with pytest.raises(DatabaseGone):
        add_student(saved, _student(99))
    assert not saved.path.exists()
    moved.rename(saved.path)
    _still_all_there(saved.path)


def _damage(path: Path) -> None:
    """Overwrite bytes in the middle of the file: the pages holding the student table and its indexes."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        r[0] for r in con.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'student' AND rootpage > 0")
    ]
    con.close()
    with path.open("r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * page_size)
            handle.write(b"\xde\xad\xbe\xef" * (page_size // 8))


def test_damaged_file_says_restore_and_the_backup_brings_everything_back(saved: Workspace) -> None:
    saved.close()
    ws = Workspace.open(saved.path)  # today's automatic copy, taken on this open
    daily = [b for b in list_backups(ws) if b.kind == "daily"]
    assert len(daily) == 1 and daily[0].students == SAVED
    _damage(ws.path)
    with pytest.raises(DatabaseCorrupt) as caught:
        count_students(ws)
    message = str(caught.value)
    _plain(message)
    assert "damaged" in message and "Restore from backup" in message
    with pytest.raises(NotADatabase):  # DatabaseCorrupt is a NotADatabase for older callers
        add_student(ws, _student(99))
    damaged_bytes = ws.path.read_bytes()
    with pytest.raises(RestoreNeedsConfirmation, match="damaged"):  # only after the coordinator agreed
        restore_backup(ws, daily[0].path)
    assert ws.path.read_bytes() == damaged_bytes
    result = restore_backup(ws, daily[0].path, replace_damaged=True)
    assert result.students == SAVED
    # The damaged file is kept, byte for byte, next to the restored database.
    assert result.kept_aside is not None and result.kept_aside.parent == ws.path.parent
    assert result.kept_aside.read_bytes() == damaged_bytes
    _still_all_there(ws.path)
    ws.close()


def test_opening_a_damaged_file_gives_the_damaged_message(saved: Workspace) -> None:
    saved.close()
    _damage(saved.path)
    with open(saved.path, "r+b") as handle:  # page 1 too: the schema itself is unreadable
        handle.seek(100)
        handle.write(b"\xff" * 200)
    with pytest.raises(DatabaseCorrupt, match="damaged"):
        Workspace.open(saved.path, daily_backup=False)


@pytest.mark.parametrize(
    "sqlite_message, expected",
    [
        ("database is locked", DatabaseBusy),
        ("database table is locked", DatabaseBusy),
        ("attempt to write a readonly database", DatabaseReadOnly),
        ("database or disk is full", DatabaseFull),
        ("disk I/O error", DatabaseGone),
        ("unable to open database file", DatabaseGone),
        ("database disk image is malformed", DatabaseCorrupt),
        ("file is not a database", DatabaseCorrupt),
    ],
)
def test_sqlite_messages_map_to_problems(tmp_path: Path, sqlite_message: str, expected: type) -> None:
    exists = tmp_path / "here.sqlite"
    exists.touch()
    error = sqlite3.OperationalError(sqlite_message)
    problem = translate(error, exists)
    assert type(problem) is expected
    _plain(str(problem))
    assert len(str(problem)) > 60  # says what to do, not just what broke


def test_a_bug_is_not_disguised_as_an_environment_problem() -> None:
    assert translate(sqlite3.IntegrityError("UNIQUE constraint failed: student.student_number")) is None
    assert translate(ValueError("anything")) is None
    assert translate(sqlite3.OperationalError("no such column: foo")) is None


@pytest.mark.parametrize(
    "code, expected",
    [
        (errno.ENOSPC, DatabaseFull),
        (errno.EACCES, DatabaseReadOnly),
        (errno.EROFS, DatabaseReadOnly),
        (errno.ENOENT, DatabaseGone),
    ],
)
def test_os_errors_map_to_problems(code: int, expected: type) -> None:
    assert type(translate(OSError(code, os.strerror(code), "/media/usb/coordinator.sqlite"))) is expected
