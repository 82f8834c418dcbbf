"""Daily backups that count only when they pass quick_check, rotation that keeps the last good copy,
and the coordinator told when no backup could be made today, and why (issue 11, item 3; item 16's
full disk)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.cli import main
from coordinator_app.services.backups import list_backups
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import backup as store_backup
from coordinator_app.store.backup import (
    CopyFailedCheck,
    backup_files,
    backup_to,
    daily_backup,
    new_backup_path,
    prune_daily,
)
from coordinator_app.store.errors import DatabaseCorrupt, DatabaseFull


def _damage(path: Path) -> None:
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


@pytest.fixture
def db(make_workspace: Any) -> Path:
    ws = make_workspace(
        "coordinator.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    path = ws.path
    for i in range(3):
        add_student(ws, NewStudent("PM", 2024, f"24{i:05d}", f"Daily{i}", "Mulder"))
    ws.close()
    return path


def test_a_damaged_database_is_not_copied_over_good_daily_copies(db: Path) -> None:
    folder = db.parent / "backups"
    first = date(2025, 11, 1)
    good = [daily_backup(db, today=first + timedelta(days=d)) for d in range(14)]
    _damage(db)
    for d in range(14, 20):
        with pytest.raises(CopyFailedCheck, match="quick check"):
            daily_backup(db, today=first + timedelta(days=d))
    daily = [f.path for f in backup_files(db, folder) if f.kind == "daily"]
    assert daily == list(reversed(good))  # all 14 good copies still there
    assert not list(folder.glob(".*partial*"))  # the failed copies left nothing behind


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_rotation_never_deletes_the_newest_copy_that_passes(db: Path) -> None:
    """14 newer daily copies that fail the check (made before copies were checked) must not push out
    the one good copy."""
    folder = db.parent / "backups"
    start = datetime(2025, 10, 1, 9, 0)
    good = backup_to(db, new_backup_path(db, "daily", folder, now=start))
    bad = []
    for d in range(1, 15):
        copy = backup_to(db, new_backup_path(db, "daily", folder, now=start + timedelta(days=d)))
        _damage(copy)
        bad.append(copy)
    removed = prune_daily(db, folder, keep=14)
    assert good.exists() and removed == []
    assert len([f for f in backup_files(db, folder) if f.kind == "daily"]) == 15


def test_opening_a_damaged_database_on_a_new_day_stops_and_offers_the_last_good_copy(db: Path) -> None:
    yesterday = daily_backup(db, today=date.today() - timedelta(days=1))
    _damage(db)
    with pytest.raises(DatabaseCorrupt, match="damaged") as caught:
        Workspace.open(db)
    assert caught.value.newest_backup == yesterday
    assert [b.kind for b in list_backups(db)] == ["daily"]  # no damaged copy of today


def test_a_failed_daily_backup_says_why_on_the_workspace_and_on_stderr(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(source: Path, target: Path, verify: bool = False, look_only: bool = False) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(store_backup, "backup_to", full)
    ws = Workspace.open(db)
    assert ws.backup_problem is not None
    assert ws.backup_problem.startswith("No backup could be made today: the disk that holds")
    assert "is full" in ws.backup_problem and "Back up now" in ws.backup_problem
    ws.close()
    assert main(["attention", "--db", str(db)]) == 0  # the work goes on ...
    captured = capsys.readouterr()
    warning = [line for line in captured.err.splitlines() if "No backup could be made today" in line]
    assert len(warning) == 1 and warning[0].startswith("coordinator-app: warning: ")  # ... and is told
    assert "No backup" not in captured.out


def test_a_backups_path_that_is_a_file_is_named(db: Path) -> None:
    (db.parent / "backups").write_text("a file where the folder should be")
    ws = Workspace.open(db)
    assert ws.backup_problem is not None and "is a file, not a folder" in ws.backup_problem
    ws.close()


def test_a_good_manual_copy_clears_the_warning(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.services.backups import back_up_now

    (db.parent / "backups").write_text("in the way")
    ws = Workspace.open(db)
    assert ws.backup_problem is not None
    (db.parent / "backups").unlink()
    back_up_now(ws)
    assert ws.backup_problem is None
    ws.close()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system (tmpfs), where the test may fill the disk for real; skipped where mounting is not allowed."""
    mount = tmp_path / "stick"
    mount.mkdir()
    if shutil.which("mount") is None or os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path) -> None:
    with (folder / "filler.bin").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        except OSError:
            pass
        try:
            handle.close()
        except OSError:
            pass


@pytest.mark.slow
def test_a_really_full_disk_is_called_full_not_a_disconnected_stick(tiny_disk: Path) -> None:
    path = tiny_disk / "coordinator.sqlite"
    ws = Workspace.open(path)  # new: no copy yet today
    add_student(ws, NewStudent("PM", 2024, "2400001", "Before", "Full"))
    _fill(tiny_disk)
    assert ws.daily_backup() is None  # today's copy cannot be made ...
    assert ws.backup_problem is not None and "is full" in ws.backup_problem, ws.backup_problem  # ... and says why
    with pytest.raises(DatabaseFull) as caught:
        for i in range(2, 200):  # until a page more is needed
            add_student(ws, NewStudent("PM", 2024, f"24{i:05d}", "After", "Full"))
    assert "USB" not in str(caught.value) and "full" in str(caught.value)
    ws.close()
