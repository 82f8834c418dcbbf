"""Issue 11, items 14-16: an owner-only data folder whatever the umask, no leftovers of killed
backups, an export that survives a power cut, and messages that name the real cause."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator_app import logging_setup
from coordinator_app.paths import user_data_dir
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.backup import daily_backup
from coordinator_app.store.errors import DatabaseFull, DatabaseGone, translate

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_the_first_start_makes_the_data_folder_owner_only_whatever_the_umask(umask_000: None) -> None:
    folder = user_data_dir()
    folder.rmdir()  # the test's private data folder: as on a first start
    logging_setup.setup_logging()  # the window sets up its log first (data/logs)
    try:
        assert _mode(folder) == 0o700
        assert _mode(folder / "logs") == 0o700
    finally:
        logging_setup.shutdown_logging()
    Workspace.open(folder / "coordinator.sqlite").close()
    assert _mode(folder) == 0o700 and _mode(folder / "coordinator.sqlite") == 0o600


@posix_only
def test_an_existing_data_folder_that_others_may_read_is_tightened(umask_000: None) -> None:
    folder = user_data_dir()
    os.chmod(folder, 0o755)
    Workspace.open(folder / "coordinator.sqlite").close()
    assert _mode(folder) == 0o700


@posix_only
def test_a_folder_given_with_db_is_left_as_the_coordinator_made_it(tmp_path: Path) -> None:
    shared = tmp_path / "team-share"
    shared.mkdir(mode=0o775)
    os.chmod(shared, 0o775)
    Workspace.open(shared / "coordinator.sqlite").close()
    assert _mode(shared) == 0o775


def test_leftovers_of_a_killed_backup_are_cleaned_up_journal_included(tmp_path: Path) -> None:
    path = tmp_path / "coordinator.sqlite"
    Workspace.open(path).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = [
        folder / ".coordinator-20251101-090000-daily.sqlite.abc123.partial",
        folder / ".coordinator-20251101-090000-daily.sqlite.abc123.partial-journal",
    ]
    fresh = folder / ".coordinator-20251124-090000-manual.sqlite.def456.partial-journal"  # a backup running now
    for leftover in (*stale, fresh):
        leftover.write_bytes(b"SQLite format 3\x00half a copy")
    old = time.time() - 2 * 3600
    for leftover in stale:
        os.utime(leftover, (old, old))
    daily_backup(path)
    assert not any(p.exists() for p in stale)
    assert fresh.exists()


def test_the_export_is_fsynced_before_it_is_renamed_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.spreadsheets.export import export_to

    ws = Workspace.open(tmp_path / "coordinator.sqlite")
    add_student(ws, NewStudent("PM", 2024, "2300001", "Export", "Durable"))
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else str(fd)))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("replace", f"{os.fspath(src)} -> {os.fspath(dst)}"))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "out" / "cohort.xlsx"
    target.parent.mkdir()
    export_to(ws, target)
    ws.close()
    assert target.exists()
    renames = [i for i, (kind, what) in enumerate(events) if kind == "replace" and what.endswith(str(target))]
    assert len(renames) == 1
    temporary = events[renames[0]][1].split(" -> ")[0]
    synced_before = [what for kind, what in events[: renames[0]] if kind == "fsync"]
    synced_after = [what for kind, what in events[renames[0] + 1 :] if kind == "fsync"]
    if os.path.exists("/proc/self/fd"):
        assert os.path.realpath(temporary) in synced_before  # the data reached the disk first ...
        assert str(target.parent.resolve()) in synced_after  # ... then the rename did
    else:
        assert synced_before and synced_after


@pytest.mark.parametrize("sqlite_text", ["disk I/O error", "unable to open database file"])
def test_an_io_error_on_a_full_disk_is_called_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_text: str
) -> None:
    """SQLite often reports a full disk as an I/O error (it cannot grow its -shm or create its journal)."""
    path = tmp_path / "coordinator.sqlite"
    path.touch()
    assert type(translate(sqlite3.OperationalError(sqlite_text), path)) is DatabaseGone  # a real I/O problem
    usage = type("Usage", (), {"total": 10 << 20, "used": 10 << 20, "free": 0})
    monkeypatch.setattr(shutil, "disk_usage", lambda _where: usage)
    problem = translate(sqlite3.OperationalError(sqlite_text), path)
    assert type(problem) is DatabaseFull
    assert "USB" not in str(problem) and "full" in str(problem)
